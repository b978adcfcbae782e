"""The receiver's database on PostgreSQL (issue 11 §7): the same inbox as SQLite's, on a real server.

The server is real: ``tests/postgres.py`` starts one on 127.0.0.1 in a
temporary folder for the session (skipped without PostgreSQL on a laptop,
failing under CI), and each test gets a database of its own on it. The inbox's
contract runs against both SQLite and PostgreSQL. The rest is what only
sharing one database across receivers brings: the API's cursor while
transactions commit out of order, rate limits counted in the database, lost
connections, timeouts, and messages that say what to check without ever
showing the password. Two real receivers in processes of their own are in
``test_postgres_receivers.py``.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.databases import masked
from core.project import load_project
from core.settings import settings_from
from feedback.inbox import Erasure, Inbox, InboxError
from feedback.inboxes import InboxLike, LocationError, PostgresLocation, open_inbox, parse_location, receiver_database
from feedback.submission import Submission
from tests.builds import BIN, copy_example, quiet_env
from tests.postgres import PostgresServer, session_server
from tests.site.sites import set_plugin_options

from .receivers import CASE_PAGE

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> PostgresServer:
    return session_server(request)


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """The URL of a new, empty database of this test's own."""
    return postgres.url(postgres.create_database())


def submission(comment: str = "We run a learner council too.", **changes: Any) -> Submission:
    fields: dict[str, Any] = {"page": CASE_PAGE, "kind": "case", "intention": "practice", "role": "prison",
                              "rating": 4, "comments": comment, "organisation": "HMP Example",
                              "email": "someone@example.org", "consent": True}
    fields.update(changes)
    return Submission(**fields)


@pytest.fixture(params=["sqlite", "postgresql"])
def inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[InboxLike]:
    """An empty inbox of each kind, opened as the receiver opens it (``open_inbox``)."""
    if request.param == "sqlite":
        opened = open_inbox(tmp_path / "receiver.sqlite3")
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        opened = open_inbox(server.url(server.create_database()))
    yield opened
    opened.close()


# ---------------------------------------------------------------- the contract, for both


def test_what_is_added_is_read_back_exactly_in_order(inbox: InboxLike) -> None:
    sent = [submission(f"comment {n}", rating=None if n == 2 else n % 5 + 1, consent=n % 2 == 0,
                       spam=n == 3, spam_reason="honeypot" if n == 3 else "") for n in range(7)]
    stored = [inbox.add(s) for s in sent]
    assert [s.submission for s in stored] == sent
    assert len({s.id for s in stored}) == 7
    assert [s.seq for s in stored] == sorted(s.seq for s in stored)
    read = inbox.page(0, 100)
    assert read == stored  # the same ids, times (to the millisecond) and fields
    assert read[0].as_json()["received_at"].endswith("+00:00")
    # Paging: three at a time, each page after the last one's cursor, then nothing.
    paged, after = [], 0
    while page := inbox.page(after, 3):
        assert len(page) <= 3
        paged += page
        after = page[-1].seq
    assert paged == stored
    assert inbox.count() == 7


def test_a_vote_keeps_its_useful_answer(inbox: InboxLike) -> None:
    vote = submission("", useful="no", intention="", role="", rating=None, organisation="", email="",
                      consent=False)
    stored = inbox.add(vote)
    assert inbox.page(0, 10) == [stored]
    assert inbox.page(0, 10)[0].submission.useful == "no"


def test_erasing_keeps_only_that_it_was_erased(inbox: InboxLike) -> None:
    kept, erased = inbox.add(submission("keep me")), inbox.add(submission("erase me"))
    assert inbox.erase(erased.id) is Erasure.ERASED
    assert inbox.erase(erased.id) is Erasure.ALREADY_ERASED
    assert inbox.erase("0" * 32) is Erasure.NOT_FOUND
    assert inbox.page(0, 10) == [kept]


def test_deleting_what_is_older_than_the_cutoff(inbox: InboxLike) -> None:
    now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    cutoff = now - timedelta(days=730)
    old = inbox.add(submission("old"), now=cutoff - timedelta(milliseconds=1))
    on_the_limit = inbox.add(submission("on the limit"), now=cutoff)
    new = inbox.add(submission("new"), now=now)
    assert inbox.delete_received_before(cutoff, dry_run=True) == 1
    assert inbox.page(0, 10) == [old, on_the_limit, new]
    assert inbox.delete_received_before(cutoff) == 1
    assert inbox.page(0, 10) == [on_the_limit, new]
    assert inbox.delete_received_before(cutoff) == 0


def test_a_healthy_database_can_be_written(inbox: InboxLike) -> None:
    assert inbox.write_problem() is None
    assert inbox.count() == 0


def test_where_the_rate_limit_is_counted(inbox: InboxLike) -> None:
    shared = inbox.shared_limit("accepted", 2)
    if isinstance(inbox, Inbox):
        assert shared is None  # one SQLite file, one receiver: counted in its memory
        return
    assert shared is not None
    assert [shared.retry_after("192.0.2.1") for _ in range(3)][:2] == [0, 0]
    assert 1 <= shared.wait("192.0.2.1") <= 60
    assert shared.wait("192.0.2.2") == 0


# ---------------------------------------------------------------- which database a value names


@pytest.mark.parametrize("value", ["mysql://showcase@db.example.org/feedback", "sqlite:///var/receiver.sqlite3",
                                   "sqlite:receiver.sqlite3", "https://db.example.org/feedback",
                                   "file:///var/feedback/receiver.sqlite3", "postgresql:feedback",
                                   "redis://cache:6379/0"])
def test_a_url_that_is_not_postgresql_is_an_error(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LocationError) as raised:
        open_inbox(value)
    said = str(raised.value)
    assert value in said and "not a database Showcase can use" in said
    assert "a path to a SQLite file" in said and "postgresql://" in said
    assert list(tmp_path.iterdir()) == []  # no folder named after the scheme, no file


def test_paths_and_postgresql_urls_are_what_they_look_like(tmp_path: Path) -> None:
    assert parse_location("var/feedback/receiver.sqlite3", tmp_path) == tmp_path / "var/feedback/receiver.sqlite3"
    assert parse_location("/srv/receiver.sqlite3", tmp_path) == Path("/srv/receiver.sqlite3")
    assert parse_location("receiver:2.sqlite3") == Path("receiver:2.sqlite3")  # a colon alone is a path
    for url in ("postgresql://showcase:pw@db.example.org:5432/feedback", "postgres://db/feedback",
                "POSTGRESQL://db/feedback", "postgresql:///feedback?host=/run/postgresql"):
        assert parse_location(url) == PostgresLocation(url)


def test_the_receivers_database_setting_and_its_precedence(receiver_project: Path, tmp_path: Path) -> None:
    """--db, then SHOWCASE_FEEDBACK_DB, then feedback.database (relative to mkdocs.yml), then the default."""
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    for name in ("mkdocs.yml",):
        (project_dir / name).write_text((receiver_project / name).read_text(encoding="utf-8"), encoding="utf-8")
    url = "postgresql://showcase:s3cret@db.example.org/feedback"

    def chosen(env: dict[str, str], given: str | None = None) -> tuple[Any, str]:
        project, problems = load_project(project_dir / "mkdocs.yml")
        assert project is not None, problems.report()
        found = receiver_database(project, given, env)
        return found.location, found.named_by

    assert chosen({}) == (project_dir / "var/feedback/receiver.sqlite3", "the default")
    set_plugin_options(project_dir, feedback={"database": "data/inbox.sqlite3"})
    assert chosen({}) == (project_dir / "data/inbox.sqlite3", "feedback.database in mkdocs.yml")
    assert chosen({"SHOWCASE_FEEDBACK_DB": url}) == (PostgresLocation(url), "SHOWCASE_FEEDBACK_DB")
    assert chosen({"SHOWCASE_FEEDBACK_DB": url}, "other.sqlite3") == (Path("other.sqlite3"), "--db")
    with pytest.raises(LocationError, match="SHOWCASE_FEEDBACK_DB: mysql://db/feedback is not a database"):
        chosen({"SHOWCASE_FEEDBACK_DB": "mysql://db/feedback"})
    assert str(PostgresLocation(url)) == "postgresql://showcase:***@db.example.org/feedback"


def test_mkdocs_yml_refuses_a_database_it_cannot_use() -> None:
    settings, problems = settings_from({"feedback": {"database": "postgresql://showcase@db.example.org/feedback"}})
    assert not problems.errors and settings.feedback.database.startswith("postgresql://")
    _, problems = settings_from({"feedback": {"database": "mysql://showcase@db.example.org/feedback"}},
                                lines={"feedback.database": 12})
    assert len(problems.errors) == 1
    problem = problems.errors[0]
    assert problem.line == 12 and "mysql://showcase@db.example.org/feedback is not a database" in problem.message
    assert "SHOWCASE_FEEDBACK_DB" in problem.hint


@pytest.mark.parametrize("url, shown", [
    ("postgresql://showcase:pa%40ss@db:5432/feedback", "postgresql://showcase:***@db:5432/feedback"),
    ("postgresql://showcase:p@ss:w@rd@db/feedback", "postgresql://showcase:***@db/feedback"),
    ("postgresql://db/feedback?user=showcase&password=hunter2&sslmode=require",
     "postgresql://db/feedback?user=showcase&password=***&sslmode=require"),
    ("postgresql://showcase@db/feedback", "postgresql://showcase@db/feedback"),
])
def test_a_password_is_masked_wherever_it_is_written(url: str, shown: str) -> None:
    assert masked(url) == shown


def test_the_old_bug_a_postgresql_url_never_becomes_a_folder(tmp_path: Path, receiver_project: Path) -> None:
    """`--db postgresql://...` used to make a SQLite database below a folder named `postgresql:`.
    Now it is a server to connect to: here one that is not there, so the receiver does not start,
    says why, and leaves nothing behind."""
    from tests.processes import free_port

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    password = "never-shown-0a1b2c"
    url = f"postgresql://showcase:{password}@127.0.0.1:{free_port()}/feedback"
    result = subprocess.run([str(BIN / "showcase"), "--config", str(receiver_project / "mkdocs.yml"), "feedback",
                             "serve", "--db", url, "--port", str(free_port())],
                            cwd=cwd, env=quiet_env(), capture_output=True, text=True, timeout=60, check=False)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Not started" in said and "cannot be reached" in said and "Check the PostgreSQL server is running" in said
    assert password not in said and "showcase:***@127.0.0.1" in said
    assert list(cwd.iterdir()) == [] and not (receiver_project / "postgresql:").exists()


# ---------------------------------------------------------------- what to check, never the password


def test_messages_say_what_to_check_and_never_the_password(postgres: PostgresServer) -> None:
    from tests.processes import free_port

    database = postgres.create_database()
    wrong = "wr0ng-Pass%40word"
    cases = {
        "the user name or password in the URL is wrong": postgres.url(database, password=wrong),
        "the database named in the URL does not exist": postgres.url("no_such_database"),
        "it cannot be reached": f"postgresql://{postgres.user}:{postgres.password}@127.0.0.1:{free_port()}/x",
    }
    for advice, url in cases.items():
        with pytest.raises(InboxError) as raised:
            open_inbox(url)
        said = str(raised.value)
        assert advice in said, said
        assert said.startswith(f"The feedback database {masked(url)} cannot be opened")
        for secret in (postgres.password, wrong, "wr0ng-Pass@word"):
            assert secret not in said


# ---------------------------------------------------------------- the cursor while commits come out of order


class PausedInbox:
    """A PostgreSQL inbox whose next write stops inside its transaction, after taking its seq, until let go:
    a receiver that is slow to commit."""

    def __init__(self, url: str) -> None:
        from feedback.inbox_postgres import PostgresInbox

        inserted, go_on = threading.Event(), threading.Event()

        class Paused(PostgresInbox):
            def _insert(self, connection: Any, ident: str, values: tuple[Any, ...]) -> int:
                with connection.transaction():
                    seq = super()._insert(connection, ident, values)  # a savepoint inside the open transaction
                    inserted.set()
                    assert go_on.wait(30)
                return seq

        self.inbox, self.inserted, self.go_on = Paused(url, connections=2), inserted, go_on


def test_plain_identity_values_can_commit_out_of_order(postgres: PostgresServer) -> None:
    """Why the inbox takes its seq under a lock: without it, a reader's cursor passes a row that
    commits later with a smaller seq, and that row is never read. Shown on this server, so that
    the test below is known to be testing something real."""
    database = postgres.create_database()
    with postgres.connect(database) as setup:
        setup.execute("CREATE TABLE naive (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what TEXT)")
    with postgres.connect(database) as slow, postgres.connect(database) as fast, \
            postgres.connect(database) as reader:
        slow.execute("BEGIN")
        slow.execute("INSERT INTO naive (what) VALUES ('slow')")  # takes seq 1, not committed
        fast.execute("INSERT INTO naive (what) VALUES ('fast')")  # seq 2, committed at once
        cursor = reader.execute("SELECT max(seq) FROM naive WHERE seq > 0").fetchone()[0]
        assert cursor == 2
        slow.execute("COMMIT")
        assert reader.execute("SELECT what FROM naive WHERE seq > %s", (cursor,)).fetchall() == []  # 'slow' missed
        assert reader.execute("SELECT count(*) FROM naive").fetchone()[0] == 2


def test_the_inbox_hands_out_seqs_in_commit_order(pg_url: str) -> None:
    """A slow writer holds its transaction open; a second receiver's write waits for it rather than
    taking a larger seq and committing first, so a reader's cursor never passes an uncommitted row."""
    paused = PausedInbox(pg_url)
    other = open_inbox(pg_url)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            slow = pool.submit(paused.inbox.add, submission("slow"))
            assert paused.inserted.wait(10)
            fast = pool.submit(other.add, submission("fast"))
            time.sleep(0.5)
            assert not fast.done()  # waiting for the slow one's commit
            assert other.page(0, 10) == []  # the reader sees neither yet
            paused.go_on.set()
            first, second = slow.result(timeout=10), fast.result(timeout=10)
        assert first.seq < second.seq
        assert [s.submission.comments for s in other.page(0, 10)] == ["slow", "fast"]
    finally:
        paused.go_on.set()
        paused.inbox.close()
        other.close()


def test_a_reader_paging_while_many_write_misses_nothing(pg_url: str) -> None:
    """Two inboxes (two receivers) write 300 submissions from 12 threads while a reader pages from its
    cursor as the API does, as fast as it can: it reads every one, once."""
    writers = [open_inbox(pg_url, connections=6), open_inbox(pg_url, connections=6)]
    reader = open_inbox(pg_url, connections=1)
    seen: list[str] = []
    done = threading.Event()

    def read_until_done() -> None:
        after = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            finished = done.is_set()
            page = reader.page(after, 7)
            seen.extend(s.submission.comments for s in page)
            if page:
                after = page[-1].seq
            elif finished:
                return

    try:
        with ThreadPoolExecutor(max_workers=13) as pool:
            reading = pool.submit(read_until_done)
            writes = [pool.submit(writers[n % 2].add, submission(f"post {n}")) for n in range(300)]
            for write in writes:
                write.result(timeout=60)
            done.set()
            reading.result(timeout=60)
        assert sorted(seen) == sorted(f"post {n}" for n in range(300))
    finally:
        done.set()
        for opened in (*writers, reader):
            opened.close()


# ---------------------------------------------------------------- shared rate limits, lost connections, timeouts


def test_rate_limits_are_shared_by_every_receiver(pg_url: str) -> None:
    from feedback.inbox_postgres import PostgresInbox

    now = [1_000_000.0]
    first, second = (PostgresInbox(pg_url, connections=2, clock=lambda: now[0]) for _ in range(2))
    try:
        a, b = first.shared_limit("accepted", 3), second.shared_limit("accepted", 3)
        assert [a.retry_after("198.51.100.7"), b.retry_after("198.51.100.7"), a.retry_after("198.51.100.7")] == [0] * 3
        assert b.retry_after("198.51.100.7") == 60 and a.retry_after("198.51.100.7") == 60  # the fourth, anywhere
        assert a.retry_after("198.51.100.8") == 0  # another address has its own count
        assert first.shared_limit("refused", 3).retry_after("198.51.100.7") == 0  # and another limit
        now[0] += 45
        assert b.wait("198.51.100.7") == 15
        now[0] += 15
        assert b.wait("198.51.100.7") == 0 and b.retry_after("198.51.100.7") == 0  # a new minute
        with first._pool.connection() as connection:
            keys = [row[0] for row in connection.execute("SELECT key FROM rate_limits")]
        assert keys and not any("198.51.100" in key for key in keys)  # never the address itself
    finally:
        first.close()
        second.close()


def test_the_counts_race_to_exactly_the_limit(pg_url: str) -> None:
    """40 requests from one address at once, through two receivers' limiters: exactly 10 go ahead."""
    limits = [open_inbox(pg_url, connections=8) for _ in range(2)]
    try:
        limiters = [limiter for inbox in limits if (limiter := inbox.shared_limit("accepted", 10)) is not None]
        assert len(limiters) == 2
        with ThreadPoolExecutor(max_workers=16) as pool:
            waits = list(pool.map(lambda n: limiters[n % 2].retry_after("203.0.113.9"), range(40)))
        assert waits.count(0) == 10
    finally:
        for inbox in limits:
            inbox.close()


def test_connections_the_server_dropped_are_made_again(pg_url: str, postgres: PostgresServer) -> None:
    """A server restart (or a proxy) ends every connection: the next post still goes in, once."""
    inbox = open_inbox(pg_url, connections=2)
    try:
        inbox.add(submission("before"))
        with postgres.connect() as admin:
            ended = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = %s AND pid <> pg_backend_pid()", (pg_url.rsplit("/", 1)[1],))
            assert ended.fetchall()
        inbox.add(submission("after"))
        assert [s.submission.comments for s in inbox.page(0, 10)] == ["before", "after"]
        assert inbox.write_problem() is None
    finally:
        inbox.close()


def test_a_write_whose_answer_was_lost_is_stored_once(pg_url: str) -> None:
    """The commit went through but the connection died before saying so: the inbox writes again on a new
    connection with the same id, and the submission is there once, with the seq it first got."""
    import psycopg

    from feedback.inbox_postgres import PostgresInbox

    calls: list[int] = []

    class LosesTheFirstAnswer(PostgresInbox):
        def _insert(self, connection: Any, ident: str, values: tuple[Any, ...]) -> int:
            seq = super()._insert(connection, ident, values)  # committed
            calls.append(seq)
            if len(calls) == 1:
                connection.close()
                raise psycopg.OperationalError("the connection was lost")
            return seq

    inbox = LosesTheFirstAnswer(pg_url, connections=2)
    try:
        stored = inbox.add(submission("once"))
        assert calls == [stored.seq, stored.seq]  # written twice, stored once
        assert inbox.page(0, 10) == [stored] and inbox.count() == 1
    finally:
        inbox.close()


def test_a_locked_table_fails_the_post_in_seconds(pg_url: str, postgres: PostgresServer) -> None:
    """Something holding a lock on the receiver's table: the post is refused within the statement timeout,
    saying so, rather than hanging the receiver's thread."""
    from feedback.inbox_postgres import STATEMENT_TIMEOUT_MS

    inbox = open_inbox(pg_url, connections=2)
    try:
        with postgres.connect(pg_url.rsplit("/", 1)[1]) as other:
            other.execute("BEGIN")
            other.execute("LOCK TABLE submissions IN ACCESS EXCLUSIVE MODE")
            began = time.monotonic()
            with pytest.raises(InboxError, match="took longer than 5 seconds"):
                inbox.add(submission("blocked"))
            assert time.monotonic() - began < STATEMENT_TIMEOUT_MS / 1000 + 5
            other.execute("ROLLBACK")
        assert inbox.add(submission("free again")).submission.comments == "free again"
    finally:
        inbox.close()


def test_psycopg_is_not_loaded_for_sqlite(tmp_path: Path) -> None:
    """One machine needs nothing more: the receiver on a SQLite file never imports psycopg."""
    code = ("import sys; from feedback.inboxes import open_inbox; from feedback import receiver, serve; "
            f"open_inbox({str(tmp_path / 'r.sqlite3')!r}).close(); print('psycopg' in sys.modules)")
    result = subprocess.run([str(BIN / "python"), "-c", code], capture_output=True, text=True, timeout=60,
                            check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert result.stdout.strip() == "False"



# ---------------------------------------------------------------- prune and backup, for a PostgreSQL database


def showcase(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**quiet_env(), **(env or {})}
    return subprocess.run([str(BIN / "showcase"), "--config", str(project / "mkdocs.yml"), "feedback", *args],
                          cwd=project, env=environment, capture_output=True, text=True, timeout=120, check=False)


def test_prune_deletes_old_submissions_from_postgresql(pg_url: str, postgres: PostgresServer, tmp_path: Path) -> None:
    """Named by SHOWCASE_FEEDBACK_DB, as the receivers are: what is past feedback.retention_days goes."""
    project = copy_example(tmp_path / "project")
    inbox = open_inbox(pg_url)
    try:
        inbox.add(submission("too old"), now=datetime.now(UTC) - timedelta(days=800))
        kept = inbox.add(submission("recent"))
    finally:
        inbox.close()
    result = showcase(project, "prune", env={"SHOWCASE_FEEDBACK_DB": pg_url})
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "Deleted 1 submission received before" in said and masked(pg_url) in said
    assert postgres.password not in said
    inbox = open_inbox(pg_url)
    try:
        assert inbox.page(0, 10) == [kept]
    finally:
        inbox.close()
    assert not (project / "var").exists()  # no SQLite file was made on the way


def test_backup_of_a_postgresql_database_says_to_use_pg_dump(pg_url: str, postgres: PostgresServer,
                                                             tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    for how in ({"env": {"SHOWCASE_FEEDBACK_DB": pg_url}, "args": ()}, {"env": {}, "args": ("--db", pg_url)}):
        result = showcase(project, "backup", str(tmp_path / "copy.sqlite3"), *how["args"], env=how["env"])
        said = result.stdout + result.stderr
        assert result.returncode == 1, said
        assert "No backup was made" in said and "pg_dump --format=custom" in said and masked(pg_url) in said
        assert postgres.password not in said
    assert not (tmp_path / "copy.sqlite3").exists()


def test_an_unsupported_url_in_the_environment_stops_the_receiver(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    result = showcase(project, "serve", "--port", "0", env={"SHOWCASE_FEEDBACK_DB": "mysql://showcase@db/feedback"})
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Not started: SHOWCASE_FEEDBACK_DB: mysql://showcase@db/feedback is not a database Showcase can use" in said
    assert not (project / "mysql:").exists() and not (project / "var").exists()


def test_a_server_that_goes_away_is_said_plainly_and_nothing_hangs() -> None:
    """A server of this test's own, stopped under a running inbox: posts fail at once with what to
    check, /health's check says the same, and the password is in neither."""
    from tests.postgres import running_server, stop_server

    with running_server() as own:
        inbox = open_inbox(own.url(own.create_database()), connections=2)
        try:
            inbox.add(submission("before"))
            stop_server(own)
            began = time.monotonic()
            with pytest.raises(InboxError) as raised:
                inbox.add(submission("after"))
            assert time.monotonic() - began < 15
            said = str(raised.value)
            assert "cannot be written" in said and "Check the PostgreSQL server is running" in said, said
            problem = inbox.write_problem()
            assert problem is not None and "Check the PostgreSQL server is running" in problem
            assert own.password not in said + problem
        finally:
            inbox.close()


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_without_postgresql_a_laptop_skips_and_ci_fails(ci: str, outcome: type[BaseException],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.postgres

    monkeypatch.setattr(tests.postgres, "binaries", lambda: None)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="initdb and pg_ctl were not found"), tests.postgres.running_server():
        pass
