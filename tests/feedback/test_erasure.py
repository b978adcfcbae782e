"""Erasure everywhere: `showcase feedback forget` deletes at the receiver too, and says what to do elsewhere.

Tried as the issue found it: a response is collected from a real receiver on
127.0.0.1, forgotten, and then a fresh store (a new, empty SQLite file)
collects from the start. Before the fix, the receiver still had it and the
fresh store brought it back.

Everything runs for real: the receiver (`showcase feedback serve`, or
``create_app`` under waitress in a thread), the collector and forget as
subprocesses, SQLite files read back with connections of our own.
"""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from feedback.model import FeedbackResponse
from feedback.store import Store
from tests.builds import BIN, quiet_env
from tests.processes import free_port

from .receivers import TOKEN, Receiver, cli_receiver, threaded_receiver, valid_form

SOURCE_TOKEN_ENV = "ERASURE_TEST_RECEIVER_TOKEN"  # what sources.yml names; the collector's copy of the token
TIMEOUT = 60  # seconds for one command


def receiver_db(tmp_path: Path) -> Path:
    folder = tmp_path / "receiver"
    folder.mkdir(exist_ok=True)
    return folder / "receiver.sqlite3"


def marker() -> str:
    return f"ERASE-{uuid.uuid4().hex[:12].upper()}"


def feedback(project: Path, *args: str, token: str | None = TOKEN, expect: int = 0) -> str:
    """``showcase feedback ARGS`` in the project, as an editor runs it; its output."""
    env = quiet_env()
    env.pop(SOURCE_TOKEN_ENV, None)
    if token is not None:
        env[SOURCE_TOKEN_ENV] = token
    result = subprocess.run([str(BIN / "showcase"), "feedback", *args], cwd=project, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == expect, output
    return " ".join(result.stdout.split())


def sources_file(folder: Path, name: str, url: str, source: str = "our-receiver") -> Path:
    path = folder / name
    path.write_text(f"sources:\n  - name: {source}\n    type: receiver\n    url: {url}\n"
                    f"    token_env: {SOURCE_TOKEN_ENV}\n", encoding="utf-8")
    return path


def stored(path: Path) -> list[FeedbackResponse]:
    store = Store(path)
    try:
        return [s.response for s in store.responses(include_spam=True)]
    finally:
        store.close()


def store_id(path: Path, comment: str) -> int:
    store = Store(path)
    try:
        (found,) = [s.id for s in store.responses(include_spam=True) if s.response.comment == comment]
        return found
    finally:
        store.close()


def send(receiver: Receiver, comment: str, **changes: Any) -> str:
    """One submission, as feedback.js sends it; the receiver's id for it."""
    answer = receiver.post_json(valid_form(comments=comment, **changes))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def erased_digests(db: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return [row[0] for row in connection.execute("SELECT digest FROM erased ORDER BY digest")]
    finally:
        connection.close()


def files_of(db: Path) -> bytes:
    """Every byte of the database and its companions (-wal, -shm), as they are on disk now."""
    return b"".join(p.read_bytes() for p in sorted(db.parent.iterdir()) if p.name.startswith(db.name))


def delete(receiver: Receiver, ident: str, token: str | None = TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.delete(f"{receiver.url}/api/submissions/{ident}", headers=headers, timeout=10)


# The finding itself


def test_forget_then_a_fresh_store_collecting_from_the_start_does_not_bring_it_back(
        receiver_project: Path, tmp_path: Path) -> None:
    erase, keep = marker(), marker()
    organisation, email = f"Org {erase}", f"{erase.lower()}@examplemail.org"
    with cli_receiver(receiver_project, receiver_db(tmp_path)) as receiver:
        erase_id = send(receiver, f"{erase}: please delete what I wrote.", organisation=organisation, email=email)
        send(receiver, f"{keep}: keep this one.")
        sources = sources_file(tmp_path, "sources.yml", receiver.url)
        first = tmp_path / "first.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(first))
        number = store_id(first, f"{erase}: please delete what I wrote.")

        out = feedback(receiver_project, "forget", str(number), "--sources", str(sources), "--store", str(first))

        # The finding: a fresh store collecting from the start brought it back.
        fresh = tmp_path / "fresh.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(fresh))
        assert [r.comment for r in stored(fresh)] == [f"{keep}: keep this one."]
        assert [r.comment for r in stored(first)] == [f"{keep}: keep this one."]
        # The receiver: gone from its table and its API, only the hash of the id left ...
        assert [row["comments"] for row in receiver.rows()] == [f"{keep}: keep this one."]
        assert [s["comments"] for s in receiver.all_via_api()] == [f"{keep}: keep this one."]
        assert erased_digests(receiver.db) == [hashlib.sha256(erase_id.encode()).hexdigest()]
        # ... and nothing of what it said in its files, while it is still running.
        on_disk = files_of(receiver.db)
        for detail in (erase, organisation, email):
            assert detail.encode() not in on_disk, detail
        assert out.startswith(f"Deleted #{number} for good;"), out
        assert ('Deleted at the receiver "our-receiver" too (it keeps only a hash of the id): a new store '
                "collecting from the start will not bring it back.") in out


def test_an_unreachable_receiver_still_loses_it_here_and_a_retry_finishes_the_job(
        receiver_project: Path, tmp_path: Path) -> None:
    erase = marker()
    with cli_receiver(receiver_project, receiver_db(tmp_path)) as receiver:
        send(receiver, f"{erase}: delete me.")
        up = sources_file(tmp_path, "sources-up.yml", receiver.url)
        down = sources_file(tmp_path, "sources-down.yml", f"http://127.0.0.1:{free_port()}")  # nothing listens
        store = tmp_path / "store.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(up), "--store", str(store))
        number = store_id(store, f"{erase}: delete me.")

        out = feedback(receiver_project, "forget", str(number), "--sources", str(down), "--store", str(store),
                       expect=1)

        assert out.startswith(f"Deleted #{number} for good;"), out
        assert 'Source "our-receiver": the receiver still has the submission' in out
        assert "it refused the connection: check it is running and the url in sources.yml" in out
        assert ("Until it is erased there, a new store collecting from the start would bring it back: when the "
                "receiver can be reached, run `showcase feedback forget --retry`.") in out
        assert stored(store) == []  # the local delete happened all the same
        assert len(receiver.rows()) == 1
        # What the message warns of is true: a fresh store brings it back, until the retry.
        fresh = tmp_path / "fresh.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(up), "--store", str(fresh))
        assert [r.comment for r in stored(fresh)] == [f"{erase}: delete me."]

        out = feedback(receiver_project, "forget", "--retry", "--sources", str(up), "--store", str(store))
        assert 'Deleted at the receiver "our-receiver" too' in out
        assert receiver.rows() == []
        assert feedback(receiver_project, "forget", "--retry", "--sources", str(up), "--store", str(store)) == (
            'Nothing is waiting to be erased at a source. Looked through the receiver "our-receiver" for responses '
            "erased here: none of them is still there.")
        fresher = tmp_path / "fresher.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(up), "--store", str(fresher))
        assert stored(fresher) == []


def test_a_receiver_restored_from_a_backup_is_swept_by_the_retry(receiver_project: Path, tmp_path: Path) -> None:
    """The backup was taken before the erasure; nothing records a pending job, but the store's hash is enough."""
    erase, keep = marker(), marker()
    db, backup = receiver_db(tmp_path), tmp_path / "backup.sqlite3"
    store = tmp_path / "store.sqlite3"
    with cli_receiver(receiver_project, db) as receiver:
        send(receiver, f"{erase}: delete me.")
        send(receiver, f"{keep}: keep me.")
        sources = sources_file(tmp_path, "sources.yml", receiver.url)
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(store))
        source, target = sqlite3.connect(db), sqlite3.connect(backup)
        try:
            source.backup(target)  # SQLite's own online backup
        finally:
            source.close()
            target.close()
        number = store_id(store, f"{erase}: delete me.")
        assert 'Deleted at the receiver "our-receiver" too' in feedback(
            receiver_project, "forget", str(number), "--sources", str(sources), "--store", str(store))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    backup.rename(db)
    with cli_receiver(receiver_project, db) as restored:
        sources = sources_file(tmp_path, "sources.yml", restored.url)
        assert len(restored.rows()) == 2  # it is back

        out = feedback(receiver_project, "forget", "--retry", "--sources", str(sources), "--store", str(store))

        assert out == ('Nothing is waiting to be erased at a source. Looked through the receiver "our-receiver" for '
                       "responses erased here: found 1 still there, and erased it there too.")
        assert [row["comments"] for row in restored.rows()] == [f"{keep}: keep me."]
        fresh = tmp_path / "fresh.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(fresh))
        assert [r.comment for r in stored(fresh)] == [f"{keep}: keep me."]


def test_a_refused_token_keeps_the_job_for_a_retry(make_config: Callable[..., Any], receiver_project: Path,
                                                   tmp_path: Path) -> None:
    erase = marker()
    with threaded_receiver(make_config(), tmp_path / "receiver.sqlite3") as receiver:
        send(receiver, f"{erase}: delete me.")
        sources = sources_file(tmp_path, "sources.yml", receiver.url)
        store = tmp_path / "store.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(store))
        number = store_id(store, f"{erase}: delete me.")

        out = feedback(receiver_project, "forget", str(number), "--sources", str(sources), "--store", str(store),
                       token="x" * 40, expect=1)
        assert (f"it refused the token (HTTP 401). Check that {SOURCE_TOKEN_ENV}, named by token_env in "
                "sources.yml, holds the token the receiver was started with.") in out
        assert "run `showcase feedback forget --retry`" in out
        assert len(receiver.rows()) == 1

        out = feedback(receiver_project, "forget", "--retry", "--sources", str(sources), "--store", str(store),
                       token=None, expect=1)
        assert f"the environment variable {SOURCE_TOKEN_ENV} is not set" in out
        assert len(receiver.rows()) == 1

        out = feedback(receiver_project, "forget", "--retry", "--sources", str(sources), "--store", str(store))
        assert 'Deleted at the receiver "our-receiver" too' in out
        assert receiver.rows() == []


def test_a_source_missing_from_sources_yml_is_kept_for_a_retry(make_config: Callable[..., Any],
                                                               receiver_project: Path, tmp_path: Path) -> None:
    erase = marker()
    with threaded_receiver(make_config(), tmp_path / "receiver.sqlite3") as receiver:
        send(receiver, f"{erase}: delete me.")
        sources = sources_file(tmp_path, "sources.yml", receiver.url)
        store = tmp_path / "store.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(store))
        number = store_id(store, f"{erase}: delete me.")
        other = sources_file(tmp_path, "other.yml", receiver.url, source="another-name")

        out = feedback(receiver_project, "forget", str(number), "--sources", str(other), "--store", str(store),
                       expect=1)
        assert (f'It came from the source "our-receiver", but {other} does not list it, so it was not deleted '
                "there.") in out
        missing = tmp_path / "missing.yml"
        out = feedback(receiver_project, "forget", "--retry", "--sources", str(missing), "--store", str(store),
                       expect=1)
        assert f"but {missing} could not be used (there is no such file)" in out
        assert len(receiver.rows()) == 1

        out = feedback(receiver_project, "forget", "--retry", "--sources", str(sources), "--store", str(store))
        assert 'Deleted at the receiver "our-receiver" too' in out
        assert receiver.rows() == []


def test_a_receiver_without_the_delete_route_is_not_taken_to_have_erased_it(
        make_config: Callable[..., Any], receiver_project: Path, tmp_path: Path) -> None:
    """An older receiver answers a plain 404 to DELETE /api/submissions/<id>: that is not "gone"."""
    erase = marker()
    with threaded_receiver(make_config(), tmp_path / "receiver.sqlite3") as receiver:
        send(receiver, f"{erase}: delete me.")
        sources = sources_file(tmp_path, "sources.yml", receiver.url)
        store = tmp_path / "store.sqlite3"
        feedback(receiver_project, "collect", "--no-progress", "--sources", str(sources), "--store", str(store))
        number = store_id(store, f"{erase}: delete me.")
        # The same receiver one folder down: every /old/api/... address gets its plain 404, as
        # a receiver from before the route would give.
        old = sources_file(tmp_path, "old.yml", f"{receiver.url}/old")

        out = feedback(receiver_project, "forget", str(number), "--sources", str(old), "--store", str(store),
                       expect=1)
        assert ("it does not know erasure requests (HTTP 404): it may be older than this collector. Update the "
                "receiver and restart it.") in out
        assert len(receiver.rows()) == 1
        out = feedback(receiver_project, "forget", "--retry", "--sources", str(sources), "--store", str(store))
        assert 'Deleted at the receiver "our-receiver" too' in out
        assert receiver.rows() == []


# The receiver's DELETE /api/submissions/<id>


def test_delete_needs_the_token_and_keeps_a_hash(make_config: Callable[..., Any], tmp_path: Path) -> None:
    with threaded_receiver(make_config(), tmp_path / "receiver.sqlite3") as receiver:
        ident, other = send(receiver, "First."), send(receiver, "Second.")
        for token in (None, "wrong-" + TOKEN, TOKEN + "x"):
            answer = delete(receiver, ident, token)
            assert answer.status_code == 401, answer.text
            assert answer.headers["WWW-Authenticate"].lower().startswith("bearer")
        assert len(receiver.rows()) == 2 and erased_digests(receiver.db) == []

        answer = delete(receiver, ident)
        assert (answer.status_code, answer.json()) == (200, {"status": "erased", "id": ident})
        assert [row["id"] for row in receiver.rows()] == [other]
        assert [s["id"] for s in receiver.all_via_api()] == [other]
        assert erased_digests(receiver.db) == [hashlib.sha256(ident.encode()).hexdigest()]

        again = delete(receiver, ident)  # a retry after a lost answer
        assert (again.status_code, again.json()) == (200, {"status": "already erased", "id": ident})
        never = uuid.uuid4().hex
        unknown = delete(receiver, never)
        assert unknown.status_code == 404 and unknown.json()["status"] == "not found"
        assert erased_digests(receiver.db) == [hashlib.sha256(ident.encode()).hexdigest()]
        for bad in ("1", "../submissions", "A" * 32, "a" * 33, "%00" * 4):
            answer = delete(receiver, bad)
            assert answer.status_code in (400, 404, 405), (bad, answer.status_code)  # 405: "../" resolved
            assert answer.json()["status"] != "erased"
        assert [row["id"] for row in receiver.rows()] == [other]


def test_delete_is_off_without_a_token(make_config: Callable[..., Any], tmp_path: Path) -> None:
    with threaded_receiver(make_config(), tmp_path / "receiver.sqlite3") as on:
        ident = send(on, "Keep me.")
    with threaded_receiver(make_config(token=None), tmp_path / "receiver.sqlite3") as off:
        answer = delete(off, ident, TOKEN)
        assert answer.status_code == 401 and "API is off" in answer.json()["message"]
        assert len(off.rows()) == 1


def test_an_erased_submission_leaves_nothing_of_itself_in_the_running_receivers_files(
        make_config: Callable[..., Any], tmp_path: Path) -> None:
    """While the receiver runs (so its write-ahead log is live), not after it stops."""
    erase = marker()
    db = receiver_db(tmp_path)
    with threaded_receiver(make_config(), db) as receiver:
        ident = send(receiver, f"{erase} in the comment.", organisation=f"{erase}-ORG",
                     email=f"{erase.lower()}@examplemail.org")
        for n in range(20):
            send(receiver, f"Another comment, number {n}.")
        assert erase.encode() in files_of(db)
        assert delete(receiver, ident).status_code == 200
        on_disk = files_of(db)
        assert erase.encode() not in on_disk and erase.lower().encode() not in on_disk
        assert len(receiver.rows()) == 20


# Sources this program cannot erase at


def other_sources(folder: Path, export: Path) -> Path:
    path = folder / "sources.yml"
    path.write_text(f"""sources:
  - name: netlify-forms
    type: netlify
    form_id: 5f1e2d3c4b5a697887766554
    token_env: NETLIFY_TOKEN
  - name: tally-forms
    type: tally
    form_id: wMZqLo
    token_env: TALLY_API_KEY
    fields: {{page: Page, comment: Comments}}
  - name: formspree-forms
    type: formspree
    form_id: xyzabcde
    token_env: FORMSPREE_API_KEY
  - name: survey-export
    type: file
    path: {export}
    columns: {{received_at: Timestamp, page: Page URL, comment: Comments, id: Response ID}}
""", encoding="utf-8")
    return path


def one(source: str, key: str) -> FeedbackResponse:
    return FeedbackResponse(source=source, key=key, page="cases/learner-council-hmp-eastwold/", kind="case",
                    intention="practice", role="prison", rating=4, comment=f"From {source}.", consent=True,
                    spam=False, received_at="2025-02-01T10:30:00+00:00")


@pytest.mark.parametrize(("source", "key", "steps"), [
    ("netlify-forms", "64a1f0c2e4b0a1b2c3d4e5f6",
     'Netlify (source "netlify-forms") still has it: delete it there too, or a new store collecting from the start '
     "will bring it back. In the Netlify app open the site's Forms, the form, then the submission (received "
     "2025-02-01 10:30 UTC about /cases/learner-council-hmp-eastwold/, id 64a1f0c2e4b0a1b2c3d4e5f6), and delete it; "
     'or run curl -X DELETE -H "Authorization: Bearer $NETLIFY_TOKEN" '
     "https://api.netlify.com/api/v1/submissions/64a1f0c2e4b0a1b2c3d4e5f6"),
    ("tally-forms", "3xAbCd",
     'Tally (source "tally-forms") still has it: delete it there too, or a new store collecting from the start will '
     "bring it back. In Tally open the form's Submissions, find it (received 2025-02-01 10:30 UTC about "
     "/cases/learner-council-hmp-eastwold/, id 3xAbCd) and delete it; or run curl -X DELETE -H \"Authorization: "
     'Bearer $TALLY_API_KEY" https://api.tally.so/forms/wMZqLo/submissions/3xAbCd'),
    ("formspree-forms", "9" * 64,
     'Formspree (source "formspree-forms") still has it: delete it there too, or a new store collecting from the '
     'start will bring it back. In the Formspree dashboard open the form "xyzabcde", then its Submissions, find the '
     "submission (received 2025-02-01 10:30 UTC about /cases/learner-council-hmp-eastwold/) and delete it."),
    ("survey-export", "R-0042",
     "still has it: remove its row (received 2025-02-01 10:30 UTC about /cases/learner-council-hmp-eastwold/, "
     'Response ID "R-0042") from the file, and delete the response in the survey tool it was exported from, or a '
     "new store collecting from the start will bring it back (or the next export)."),
])
def test_other_sources_get_exact_steps(receiver_project: Path, tmp_path: Path, source: str, key: str,
                                       steps: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Timestamp,Page URL,Comments,Response ID\n", encoding="utf-8")
    sources = other_sources(tmp_path, export)
    path = tmp_path / "store.sqlite3"
    store = Store(path)
    try:
        store.save_page(source, [one(source, key)], None)
        (number,) = [s.id for s in store.responses()]
    finally:
        store.close()
    out = feedback(receiver_project, "forget", str(number), "--sources", str(sources), "--store", str(path))
    assert out.startswith(f"Deleted #{number} for good;")
    assert steps in out, out
    assert stored(path) == []
    assert feedback(receiver_project, "forget", "--retry", "--sources", str(sources),
                    "--store", str(path)) == "Nothing is waiting to be erased at a source."


def test_forget_with_nothing_to_do_says_how_to_use_it(receiver_project: Path, tmp_path: Path) -> None:
    out = feedback(receiver_project, "forget", "--store", str(tmp_path / "s.sqlite3"), expect=1)
    assert out.startswith("Say which responses to delete: `showcase feedback forget ID ...`")


@pytest.mark.timeout(60)
def test_a_full_disk_erases_nothing_and_says_so(receiver_project: Path, tmp_path: Path) -> None:
    """Files here may not grow past 256 KB (RLIMIT_FSIZE): posts fill the database, then an erasure is asked."""
    with cli_receiver(receiver_project, receiver_db(tmp_path), file_size_limit=256 * 1024) as receiver:
        ids = []
        for _ in range(300):  # 5,000 characters a post: the limit is reached within about 60
            answer = receiver.post_json(valid_form(comments=marker() + "x" * 4900))
            if answer.status_code != 201:
                break
            ids.append(answer.json()["id"])
        assert answer.status_code == 503 and ids
        erased = delete(receiver, ids[0])
        assert erased.status_code == 503, erased.text
        assert erased.json()["message"].startswith("Nothing was erased, because the feedback database ")
        assert erased.json()["message"].endswith("Check the disk has space and the file is writable. Then ask again.")
        assert ids[0] in [row["id"] for row in receiver.rows()]
