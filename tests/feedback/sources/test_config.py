"""sources.yml: read with lines, every mistake reported with file, line and a hint."""
from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from core.problems import Problem, Severity
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.config import build_source, load_sources, read_sources
from feedback.sources.file import FileSource
from feedback.sources.formspree import FormspreeSource
from feedback.sources.http import HttpClient
from feedback.sources.netlify import NetlifySource
from feedback.sources.receiver import ReceiverSource
from feedback.sources.tally import TallySource
from feedback.store import Store
from tests.builds import BIN, copy_example, quiet_env

from .helpers import TOKEN, FakeFormspree, FakeTally, formspree_record, tally_record

EXAMPLE = Path(__file__).resolve().parents[3] / "feedback" / "sources.example.yml"


def load(tmp_path: Path, text: str) -> tuple[list[SourceConfig], list[Problem]]:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    configs, problems = load_sources(path)
    for problem in problems.items:
        assert problem.path == str(path) and problem.message and problem.hint
    return configs, problems.sorted()


def test_the_example_file_loads_and_builds_every_type(choices: Choices) -> None:
    configs, problems = load_sources(EXAMPLE)
    assert not problems.errors, problems.report()
    assert [c.type for c in configs] == ["receiver", "netlify", "formspree", "tally", "file"]
    # The export it names is not there: a warning, so the other sources can still be collected.
    assert [p.severity for p in problems.items] == [Severity.WARNING]
    assert all(c.folder == EXAMPLE.parent and c.line for c in configs)
    built = [build_source(c, choices) for c in configs]
    assert [type(s) for s in built] == [ReceiverSource, NetlifySource, FormspreeSource, TallySource, FileSource]
    assert [s.name for s in built] == [c.name for c in configs]


def test_a_good_file_keeps_options_and_lines(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.csv").write_text("Timestamp,Page\n", encoding="utf-8")
    configs, problems = load(tmp_path, """\
sources:
  - name: ours
    type: receiver
    url: http://127.0.0.1:8765
    token_env: SHOWCASE_FEEDBACK_TOKEN
  - name: export
    type: file
    path: exports/a.csv
    columns: {received_at: Timestamp, page: Page}
""")
    assert problems == []
    assert configs[0] == SourceConfig("ours", "receiver", {"url": "http://127.0.0.1:8765",
                                                           "token_env": "SHOWCASE_FEEDBACK_TOKEN"}, 2, tmp_path)
    assert configs[1].line == 6 and configs[1].options["columns"]["page"] == "Page"


def test_mistakes_are_reported_with_their_lines(tmp_path: Path) -> None:
    configs, problems = load(tmp_path, """\
sources:
  - name: netlify
    type: netlfy
    form_id: abc
  - name: netlify
    type: netlify
    form_id: abc
    token_env: NETLIFY_TOKEN
  - name: spree
    type: formspree
    form_id: xyz
    tokenenv: SPREE
  - name: tally
    type: tally
    form_id: wM
    token_env: tly-9f8e7d6c5b4a39281706
    fields:
      intention: What brings you here?
      comments: Comments
  - name: web
    type: receiver
    url: feedback.example.org
    token_env: T
    page_size: 5000
""")
    assert configs == []
    found = [(p.line, p.message, p.hint) for p in problems]

    def has(line: int, message: str, hint: str = "") -> None:
        assert any(ln == line and message in m and hint in h for ln, m, h in found), (line, message, found)

    has(3, '"netlfy" is not a type of source.', 'Did you mean "netlify"?')
    has(5, 'The name "netlify" is already used by the source on line 2.', "its own name")
    has(9, 'The source "spree" (formspree) has no `token_env`.', "environment variable")
    has(12, "`tokenenv` is not a setting of a formspree source.", 'Did you mean "token_env"?')
    has(16, "`token_env` must be the name of an environment variable", "Never put the token itself")
    has(19, "`fields` has `comments`, which is not one of our fields.", 'Did you mean "comment"?')
    has(22, "`url` is not a web address: 'feedback.example.org'.", "https://")
    has(24, "`page_size` must be a whole number from 1 to 500.")
    assert all(p.severity is Severity.ERROR for p in problems)
    # What was written in token_env may be the token itself: it is never echoed.
    assert not any("9f8e7d6c5b4a" in m + h for _, m, h in found)
    assert len(found) == 8, found


def test_file_sources_are_checked(tmp_path: Path) -> None:
    configs, problems = load(tmp_path, """\
sources:
  - name: export
    type: file
    path: export.ods
    columns:
      pgae: Page
      comment: ""
    values:
      intention: {"Yes, I plan to": practise}
      consent: {"I agree": "yes"}
    timezone: Europe/Londn
  - name: other
    type: file
    path: here.csv
    format: cvs
    columns: {page: Page}
""")
    found = [(p.line, p.message, p.hint, p.severity) for p in problems]

    def has(line: int, message: str, hint: str = "", severity: Severity = Severity.ERROR) -> None:
        assert any(ln == line and message in m and hint in h and s is severity for ln, m, h, s in found), (
            line, message, found)

    has(4, "it is not clear whether export.ods is CSV, JSON or an Excel workbook", "format: csv")
    has(4, "the file export.ods does not exist", "folder of sources.yml", Severity.WARNING)
    has(5, "`columns` does not name the column with the time", "received_at")
    has(6, "`columns` has `pgae`, which is not one of our fields.", 'Did you mean "page"?')
    has(7, "`columns.comment` must be a column heading")
    has(9, 'maps "Yes, I plan to" to \'practise\', which is not one of our intentions', 'Did you mean "practice"?')
    has(10, "it must be true or false")
    has(11, "the timezone 'Europe/Londn' is not known", "Europe/London")
    has(15, "`format` must be csv, json or xlsx, not 'cvs'", 'Did you mean "csv"?')
    has(16, "`columns` does not name the column with the time")
    assert configs == []


@pytest.mark.parametrize(("text", "line", "message"), [
    ("sources:\n  - name: a\n    type: receiver\n   url: x\n", 4, "not valid YAML"),
    ("- name: a\n", 1, "must start with `sources:`"),
    ("sources: netlify\n", 1, "must be a list"),
    ("sources:\n  - netlify\n", 2, "Each source must be a set of settings"),
    ("source:\n  - name: a\n", 1, "`source` is not a setting of the sources file."),
    ("sources:\n  - type: netlify\n    form_id: a\n    token_env: T\n", 2, "This source has no name."),
    ("sources:\n  - name: a\n    form_id: a\n", 2, 'The source "a" has no type.'),
    ("sources:\n  - name: a\n    type: receiver\n    url: http://x\n    url: http://y\n    token_env: T\n", 5,
     "`url` is given twice"),
], ids=["yaml", "not-a-mapping", "not-a-list", "entry-not-a-mapping", "unknown-top-key", "no-name", "no-type",
        "repeated-key"])
def test_layout_mistakes(tmp_path: Path, text: str, line: int, message: str) -> None:
    _, problems = load(tmp_path, text)
    assert any(p.line == line and message in p.message for p in problems), [p.format() for p in problems]


def test_a_missing_sources_file_says_how_to_start(tmp_path: Path) -> None:
    configs, problems = load_sources(tmp_path / "sources.yml")
    assert configs == [] and len(problems) == 1
    (problem,) = problems.items
    assert problem.line is None and "sources.example.yml" in problem.hint


def test_only_entries_without_errors_are_returned(tmp_path: Path) -> None:
    configs, problems = load(tmp_path, """\
sources:
  - name: good
    type: netlify
    form_id: abc
    token_env: NETLIFY_TOKEN
  - name: bad
    type: netlify
""")
    assert [c.name for c in configs] == ["good"] and len(problems) == 2  # no form_id, no token_env


def test_build_source_rejects_an_unknown_type(choices: Choices) -> None:
    with pytest.raises(SourceError, match=r'"tallly" is not known\. Did you mean "tally"'):
        build_source(SourceConfig("x", "tallly", {}), choices)


def test_build_source_shares_a_client_when_given_one(choices: Choices) -> None:
    client = HttpClient()
    config = SourceConfig("n", "netlify", {"form_id": "f", "token_env": "NETLIFY_TOKEN"})
    source = build_source(config, choices, client)
    assert isinstance(source, NetlifySource) and source.http is client
    assert source.url == "https://api.netlify.com/api/v1"
    client.close()


def test_adapters_built_without_load_sources_still_fail_with_words(choices: Choices) -> None:
    with pytest.raises(SourceError, match='Source "n": a netlify source needs `form_id`'):
        build_source(SourceConfig("n", "netlify", {"token_env": "T"}), choices)
    with pytest.raises(SourceError, match="`url` is not a web address"):
        build_source(SourceConfig("n", "receiver", {"token_env": "T", "url": "ftp://x"}), choices)


def test_build_source_takes_the_folder_for_relative_paths(tmp_path: Path, choices: Choices) -> None:
    (tmp_path / "a.csv").write_text("Timestamp,Page\n2024-05-01T10:00:00Z,cases/a/\n", encoding="utf-8")
    config = SourceConfig("f", "file", {"path": "a.csv", "columns": {"received_at": "Timestamp", "page": "Page"}})
    for source in (build_source(config, choices, folder=tmp_path),):
        assert isinstance(source, FileSource) and source.path == tmp_path / "a.csv"
        assert [len(page.responses) for page in source.pages(None)] == [1]
    # The folder of sources.yml, recorded by load_sources, wins over one passed in.
    recorded = SourceConfig("f", "file", config.options, folder=tmp_path)
    kept = build_source(recorded, choices, folder=tmp_path / "elsewhere")
    assert isinstance(kept, FileSource) and kept.path == tmp_path / "a.csv"


# The limits of issue 8: each web source may set its own, within bounds
def test_the_limits_are_checked_with_their_lines(tmp_path: Path) -> None:
    configs, problems = load(tmp_path, """\
sources:
  - name: web
    type: receiver
    url: https://feedback.example.org
    token_env: T
    max_response_mb: 0
    max_minutes: .inf
  - name: spree
    type: formspree
    form_id: xyz
    token_env: SPREE
    max_response_mb: yes
    max_minutes: "ten"
  - name: file
    type: file
    path: export.csv
    columns: {received_at: Timestamp, page: Page}
    max_minutes: 5
""")
    assert configs == []
    found = [(p.line, p.message) for p in problems]
    for line, option in ((6, "max_response_mb"), (7, "max_minutes"), (12, "max_response_mb"), (13, "max_minutes")):
        assert any(ln == line and f"`{option}` must be a number above 0" in m for ln, m in found), (line, found)
    assert any(ln == 18 and "`max_minutes` is not a setting of a file source" in m for ln, m in found), found


def test_the_limits_in_sources_yml_reach_the_run(tmp_path: Path, choices: Choices,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    configs, problems = load(tmp_path, """\
sources:
  - name: web
    type: receiver
    url: https://feedback.example.org
    token_env: T
    max_response_mb: 2.5
    max_minutes: 0.5
  - name: plain
    type: receiver
    url: https://feedback.example.org
    token_env: T
""")
    assert problems == []
    monkeypatch.setenv("T", "x" * 32)
    client = HttpClient()
    set_limits, defaults = (build_source(config, choices, client) for config in configs)
    run = set_limits.start()[0]
    assert run.max_bytes == 2_500_000 and run.deadline.seconds == 30
    run = defaults.start()[0]
    assert run.max_bytes == 20_000_000 and run.deadline.seconds == 600  # 20 MB and 10 minutes
    client.close()


def test_limits_are_checked_for_a_source_built_without_load_sources(choices: Choices) -> None:
    config = SourceConfig("web", "receiver", {"url": "https://x.example", "token_env": "T", "max_minutes": -1})
    with pytest.raises(SourceError, match="`max_minutes` must be a number above 0"):
        build_source(config, choices)


# Issue 13: a mistake in one entry leaves that source out, and the others are collected
BAD_ENTRY = """\
sources:
  - name: spree
    type: formspree
    form_id: xyzabcde
    token_env: FORMSPREE_KEY
  - name: broken
    type: netlify
    form_id: abc
    tokenenv: NETLIFY_TOKEN
  - name: tally
    type: tally
    form_id: wMZqLo
    token_env: TALLY_KEY
    fields: {comment: Comments}
"""


def test_an_entry_with_a_mistake_is_refused_and_the_others_are_kept(tmp_path: Path, choices: Choices) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(BAD_ENTRY, encoding="utf-8")
    loaded = read_sources(path)
    assert [c.name for c in loaded.configs] == ["spree", "tally"]
    assert loaded.usable and [r.name for r in loaded.refused] == ["broken"]
    (refused,) = loaded.refused
    assert refused.line == 6 and {p.line for p in refused.problems} == {6, 9}  # no token_env; tokenenv
    with pytest.raises(SourceError) as raised:
        list(refused.pages(None))
    said = str(raised.value)
    assert said.startswith(f'Source "broken": it was not collected, because its entry in {path}:6 has a mistake')
    assert "It has 1 more mistake, listed above the table." in said
    report = loaded.left_out()
    assert f"{path}:9: error: `tokenenv` is not a setting of a netlify source." in report
    assert '1 source in sources.yml has mistakes and is left out ("broken")' in report


@pytest.mark.parametrize("text", [
    "sources:\n  - name: a\n    type: receiver\n   url: x\n",
    "source:\n  - name: a\n    type: receiver\n    url: http://x\n    token_env: T\n",
    "sources: netlify\n",
], ids=["not-yaml", "unknown-top-key", "not-a-list"])
def test_a_file_that_is_wrong_as_a_whole_is_not_usable(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    assert not read_sources(path).usable
    assert not read_sources(tmp_path / "missing.yml").usable


def test_collect_with_a_bad_entry_collects_the_two_good_ones_and_exits_1(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    recent = datetime.now(UTC) - timedelta(days=2)  # within feedback.retention_days
    spree = FakeFormspree(records=[formspree_record(i, _date=(recent + timedelta(minutes=i)).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")) for i in (1, 2)])
    tally = FakeTally(records=[tally_record(i) for i in (1, 2, 3)])
    for record in tally.records:
        record["submittedAt"] = (recent + timedelta(minutes=int(record["id"][1:]))).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z")
    httpserver.expect_request("/spree/forms/xyzabcde/submissions").respond_with_handler(spree)
    httpserver.expect_request("/tally/forms/wMZqLo/submissions").respond_with_handler(tally)
    project = copy_example(tmp_path / "project")
    text = BAD_ENTRY.replace("    token_env: FORMSPREE_KEY\n",
                             f"    token_env: FORMSPREE_KEY\n    url: {httpserver.url_for('/spree')}\n")
    text = text.replace("    token_env: TALLY_KEY\n",
                        f"    token_env: TALLY_KEY\n    url: {httpserver.url_for('/tally')}\n")
    line = text.splitlines().index("    tokenenv: NETLIFY_TOKEN") + 1
    sources = project / "feedback" / "sources.yml"
    sources.parent.mkdir(exist_ok=True)
    sources.write_text(text, encoding="utf-8")
    store_path = tmp_path / "store.sqlite3"
    result = subprocess.run(
        [str(BIN / "showcase"), "feedback", "collect", "--no-progress", "--store", str(store_path)], cwd=project,
        env={**quiet_env(), "FORMSPREE_KEY": TOKEN, "TALLY_KEY": TOKEN}, capture_output=True, text=True,
        timeout=120)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said
    assert f"{sources}:{line}: error: `tokenenv` is not a setting of a netlify source." in said
    assert 'Did you mean "token_env"?' in said
    assert "broken: Source \"broken\": it was not collected, because its entry in" in said
    assert "1 of 3 sources failed." in said
    store = Store(store_path)
    try:
        by_source: dict[str, int] = {}
        for stored_response in store.responses(include_spam=True):
            by_source[stored_response.response.source] = by_source.get(stored_response.response.source, 0) + 1
    finally:
        store.close()
    assert by_source == {"spree": 2, "tally": 3}
