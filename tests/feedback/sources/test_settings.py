"""Each type of source has one settings class, checked once (issue 9 §3).

Every option of every type is rejected, when wrong, with its line in
sources.yml and the same words when the entry is written by hand; the
adapters take the checked settings and do not check them again; and a
SourceError names its source in one way, printed like a Problem.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import feedback
import feedback.sources.config as config_module
import feedback.sources.settings as settings_module
from core.form import Choices
from core.problems import Problem, Severity
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.config import build_source, load_sources
from feedback.sources.file import FileSource
from feedback.sources.formspree import FormspreeSource
from feedback.sources.http import HttpClient
from feedback.sources.netlify import NetlifySource
from feedback.sources.receiver import ReceiverSource
from feedback.sources.settings import (
    SETTINGS,
    FileSettings,
    FormspreeSettings,
    NetlifySettings,
    ReceiverSettings,
    TallySettings,
)
from feedback.sources.tally import TallySource

# A good entry of each type, to which one wrong option is added.
GOOD: dict[str, dict[str, Any]] = {
    "receiver": {"url": "https://feedback.example.org", "token_env": "RECEIVER_TOKEN"},
    "netlify": {"form_id": "5f1e2d", "token_env": "NETLIFY_TOKEN"},
    "formspree": {"form_id": "xyzabcde", "token_env": "FORMSPREE_KEY"},
    "tally": {"form_id": "wMZqLo", "token_env": "TALLY_KEY", "fields": {"comment": "Comments"}},
    "file": {"path": "export.csv", "columns": {"received_at": "Timestamp", "page": "Page"}},
}

# One wrong value for every option any type takes, and words its problem must have.
WRONG: dict[str, tuple[Any, str]] = {
    "url": ("feedback.example.org", "`url` is not a web address: 'feedback.example.org'."),
    "site_url": ("example.org/showcase", "`site_url` is not a web address"),
    "token_env": ("tok-9f8e", "`token_env` must be the name of an environment variable"),
    "form_id": ("", "`form_id` is empty or not an id."),
    "page_size": (0, "`page_size` must be a whole number from 1 to"),
    "max_response_mb": (0, "`max_response_mb` must be a number above 0"),
    "max_minutes": ("ten", "`max_minutes` must be a number above 0"),
    "auth": ("digest", '`auth` must be "bearer" or "basic", not \'digest\'.'),
    "kind": ("blog", "`kind` must be one of"),
    "values": ({"intention": {"Yes, I plan to": "practise"}}, "`values.intention` maps \"Yes, I plan to\""),
    "fields": ({"comments": "Comments"}, "`fields` has `comments`, which is not one of our fields."),
    "columns": ({"received_at": "Timestamp", "pgae": "Page"}, "`columns` has `pgae`, which is not one of our"),
    "path": ("", "`path` must be the file's path."),
    "format": ("ods", "`format` must be csv, json or xlsx, not 'ods'."),
    "page": ("", "`page` must be some text."),
    "date_format": ("", "`date_format` must be some text."),
    "timezone": ("Europe/Londn", "the timezone 'Europe/Londn' is not known."),
    "encoding": ("klingon", "the encoding 'klingon' is not known."),
    "delimiter": (";;", "`delimiter` must be one character"),
    "records": (7, "`records` must be some text."),
    "sheet": (7, "`sheet` must be some text."),
}

CASES = [(source_type, option) for source_type, kind in SETTINGS.items() for option in kind.options()]


def test_every_option_of_every_type_has_a_wrong_value_tried() -> None:
    assert set(GOOD) == set(SETTINGS)
    assert {option for _, option in CASES} == set(WRONG)


def entry_text(source_type: str, options: dict[str, Any]) -> tuple[str, dict[str, int]]:
    """sources.yml with one entry, each option on its own line (JSON is YAML), and each option's line."""
    lines = ["sources:", f"  - name: {source_type}-x", f"    type: {source_type}"]
    where: dict[str, int] = {}
    for option, value in options.items():
        lines.append(f"    {option}: {json.dumps(value)}")
        where[option] = len(lines)
    return "\n".join(lines) + "\n", where


def with_wrong(source_type: str, option: str) -> dict[str, Any]:
    options = {key: value for key, value in GOOD[source_type].items() if key != option}
    options[option] = WRONG[option][0]
    return options


@pytest.mark.parametrize("source_type", list(GOOD))
def test_each_good_entry_loads_and_builds(tmp_path: Path, choices: Choices, source_type: str) -> None:
    (tmp_path / "export.csv").write_text("Timestamp,Page\n", encoding="utf-8")
    text, _ = entry_text(source_type, GOOD[source_type])
    (tmp_path / "sources.yml").write_text(text, encoding="utf-8")
    configs, problems = load_sources(tmp_path / "sources.yml")
    assert not problems, problems.report()
    assert isinstance(configs[0].settings, SETTINGS[source_type])
    assert build_source(configs[0], choices).name == f"{source_type}-x"


@pytest.mark.parametrize(("source_type", "option"), CASES, ids=[f"{t}-{o}" for t, o in CASES])
def test_each_settings_class_rejects_each_wrong_option_with_its_line(tmp_path: Path, choices: Choices,
                                                                     source_type: str, option: str) -> None:
    (tmp_path / "export.csv").write_text("Timestamp,Page\n", encoding="utf-8")
    options = with_wrong(source_type, option)
    text, where = entry_text(source_type, options)
    (tmp_path / "sources.yml").write_text(text, encoding="utf-8")
    configs, problems = load_sources(tmp_path / "sources.yml")
    words = WRONG[option][1]
    assert configs == []
    found = [p for p in problems.errors if words in p.message]
    assert found, problems.report()
    assert all(p.line == where[option] and p.hint for p in found), problems.report()
    assert found[0].message.startswith(f'In source "{source_type}-x", ')
    # Written by hand, the same check, in the same words, now as that source's error.
    with pytest.raises(SourceError) as raised:
        build_source(SourceConfig(f"{source_type}-x", source_type, options), choices, folder=tmp_path)
    assert str(raised.value).startswith(f'Source "{source_type}-x": ') and words in str(raised.value)
    assert raised.value.hint


def test_every_mistake_in_sources_yml_is_reported_in_one_run(tmp_path: Path) -> None:
    """One wrong option in an entry of each type, all in one file: every one is reported, with its line."""
    (tmp_path / "export.csv").write_text("Timestamp,Page\n", encoding="utf-8")
    texts, expected = ["sources:"], []
    for source_type, option in (("receiver", "page_size"), ("netlify", "token_env"), ("formspree", "auth"),
                                ("tally", "fields"), ("file", "timezone")):
        text, where = entry_text(source_type, with_wrong(source_type, option))
        offset = len(texts) - 1
        texts.extend(text.splitlines()[1:])
        expected.append((where[option] + offset, WRONG[option][1]))
    (tmp_path / "sources.yml").write_text("\n".join(texts) + "\n", encoding="utf-8")
    configs, problems = load_sources(tmp_path / "sources.yml")
    assert configs == []
    got = [(p.line, p.message) for p in problems.errors]
    for line, words in expected:
        assert any(ln == line and words in message for ln, message in got), (line, words, got)
    assert len(got) == len(expected), got


def test_an_entry_from_sources_yml_is_checked_once(tmp_path: Path, choices: Choices,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = settings_module.read_settings

    def counted(name: str, *args: Any) -> Any:
        calls.append(name)
        return real(name, *args)

    monkeypatch.setattr(settings_module, "read_settings", counted)
    monkeypatch.setattr(config_module, "read_settings", counted)
    text, _ = entry_text("netlify", GOOD["netlify"])
    (tmp_path / "sources.yml").write_text(text, encoding="utf-8")
    configs, _ = load_sources(tmp_path / "sources.yml")
    assert calls == ["netlify-x"]
    build_source(configs[0], choices, HttpClient())
    assert calls == ["netlify-x"]  # built from the settings load_sources made, not checked again


def test_the_adapters_take_their_settings_as_given(tmp_path: Path, choices: Choices) -> None:
    """Settings the check would refuse, handed straight to each adapter: none of
    them checks again (there is no option-parsing left in the adapters)."""
    client = HttpClient()
    odd = {"name": "n", "token_env": "not a variable", "url": "not an address", "form_id": "", "page_size": 5000,
           "max_minutes": -1.0}
    web = [ReceiverSource(ReceiverSettings(**odd), client, choices),
           NetlifySource(NetlifySettings(**odd), client, choices),
           FormspreeSource(FormspreeSettings(**odd, auth="digest"), client, choices),
           TallySource(TallySettings(**odd, fields={"comments": ""}), client, choices)]
    assert [(s.url, s.page_size, s.token_env) for s in web] == [("not an address", 5000, "not a variable")] * 4
    file = FileSource(FileSettings(name="f", path=tmp_path / "x.xlsx", written_path="x.xlsx", format="xlsx",
                                   columns={}), None, choices)
    assert file.format == "xlsx" and file.columns == {}
    client.close()


def test_a_source_error_prints_like_a_problem() -> None:
    error = SourceError("netlify-feedback", "the saved cursor 'yesterday' is not a time.",
                        "Remove this source's cursor to read all submissions again.")
    assert (error.source, error.message, error.hint) == ("netlify-feedback", "the saved cursor 'yesterday' is "
                                                         "not a time.", "Remove this source's cursor to read all "
                                                         "submissions again.")
    assert str(error) == ('Source "netlify-feedback": the saved cursor \'yesterday\' is not a time.\n'
                          "    Remove this source's cursor to read all submissions again.")
    problem = Problem("sources.yml", None, error.message, error.hint, Severity.ERROR)
    assert str(error).removeprefix('Source "netlify-feedback": ') == problem.format().removeprefix(
        "sources.yml: error: ")
    assert str(SourceError("x", "it failed.")) == 'Source "x": it failed.'  # no hint, no second line


def test_only_source_error_writes_the_source_prefix() -> None:
    """``Source "name":`` is written in one place, so every message names its source the same way."""
    package = Path(feedback.__file__).parent
    writers = [path.relative_to(package).as_posix() for path in sorted(package.rglob("*.py"))
               if re.search(r"""Source \\?["']""", path.read_text(encoding="utf-8"))]
    assert writers == ["sources/base.py"]
