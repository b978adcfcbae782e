"""Small Showcase projects written to disk, and ways to read their problems.

``write_site`` turns a dict of files into a project folder (mkdocs.yml, the
repository's cases/taxonomy.yml and a docs folder). ``front`` writes a case
whose line numbers can be read off the test: the opening ``---`` is line 1,
the n-th field is line n + 1, and the body starts after the closing ``---``.
"""
from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.problems import Problem, Severity
from core.project import load_project
from generator.load import load_catalogue
from tests.builds import TAXONOMY

# The four default sections. With the five fields of ``FIELDS`` above it, the
# headings are on lines 8, 12, 16 and 20, and the file has 22 lines.
BODY = """\
## The provider's message

Text.

## The good practice in detail

Text.

## Provider background

Text.

## What next

Text.
"""

# A complete, valid front matter: field n is on line n + 1.
FIELDS = (
    "title: Peer mentors in reception",   # line 2
    "provider: HMP Testwick",             # line 3
    "summary: Trained peer mentors meet every new arrival.",  # line 4
    "published: 2014-06-30",              # line 5
    "themes: [Peer support]",             # line 6
)

ORDER_HINT = ("The sections, in order, are: ## The provider's message; ## The good practice in detail; "
              "## Provider background; ## What next.")


def front(*fields: str, body: str = BODY) -> str:
    """A case file: ``---``, one field per line, ``---``, then ``body``."""
    return "---\n" + "".join(f"{field}\n" for field in fields) + "---\n" + body


def case(title: str = "Peer mentors in reception", *extra: str, body: str = BODY) -> str:
    """A valid case with this title (line 2), plus ``extra`` fields from line 7."""
    return front(f"title: {title}", *FIELDS[1:], *extra, body=body)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def config_text(options: dict[str, Any] | None = None) -> str:
    """mkdocs.yml with ``plugins: [search, showcase]``, the showcase entry with ``options``."""
    showcase: Any = "showcase" if options is None else {"showcase": options}
    return yaml.safe_dump({"site_name": "Check fixtures", "plugins": ["search", showcase]},
                          sort_keys=False, default_flow_style=False)


def write_site(root: Path, files: dict[str, str | bytes] | None = None, *,
               options: dict[str, Any] | None = None, config: str | None = None) -> Path:
    """A project in ``root``: mkdocs.yml, cases/taxonomy.yml, docs/, and ``files``.

    ``files`` maps paths to text (written as UTF-8) or bytes (written as they
    are); they may replace mkdocs.yml or the taxonomy.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "cases").mkdir(exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    shutil.copy(TAXONOMY, root / "cases" / "taxonomy.yml")
    (root / "mkdocs.yml").write_text(config if config is not None else config_text(options), encoding="utf-8")
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def config_problems(root: Path) -> list[Problem]:
    """Problems with mkdocs.yml itself, from the core API."""
    _, problems = load_project(root / "mkdocs.yml")
    return problems.sorted()


def problems_in(root: Path, *, drafts: bool = False) -> list[Problem]:
    """Every problem ``showcase check`` would report, from the core API, sorted."""
    project, problems = load_project(root / "mkdocs.yml")
    assert project is not None and not problems, "the fixture's mkdocs.yml should be fine:\n" + problems.report()
    _, found = load_catalogue(project, include_drafts=drafts)
    return found.sorted()


# --- Matching problems against expectations -------------------------------------------------

ANY_LINE: Any = "any line"


@dataclass(frozen=True)
class Expect:
    """One problem we expect: where, and a key part of its message and hint."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def matches(self, problem: Problem) -> bool:
        return (problem.path == self.path
                and (self.line is ANY_LINE or problem.line == self.line)
                and problem.severity == self.severity
                and self.message in problem.message
                and self.hint in problem.hint)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity.value}: ...{self.message}... / hint ...{self.hint}..."


def report(problems: list[Problem]) -> str:
    return "\n".join(p.format() for p in problems) or "(no problems)"


def assert_exactly(problems: list[Problem], expected: list[Expect]) -> None:
    """Each expectation matches its own problem, and there are no other problems."""
    left = list(problems)
    for expect in expected:
        match = next((p for p in left if expect.matches(p)), None)
        assert match is not None, f"expected {expect}\nbut the problems were:\n{report(problems)}"
        left.remove(match)
    assert not left, f"unexpected problems:\n{report(left)}\n\nall problems:\n{report(problems)}"


def find(problems: list[Problem], expect: Expect) -> Problem:
    """The one problem matching ``expect``."""
    matches = [p for p in problems if expect.matches(p)]
    assert len(matches) == 1, f"expected one problem like {expect}, found {len(matches)} in:\n{report(problems)}"
    return matches[0]


# --- Reading the command's output back -------------------------------------------------------

_PROBLEM_LINE = re.compile(r"^(?P<where>\S.*?): (?P<severity>error|warning|note): (?P<message>.+)$")


def parse_output(text: str) -> tuple[list[Problem], list[str]]:
    """``path:line: severity: message`` lines, each with the indented hint line after it.

    Returns the problems and the other (not indented) lines, such as the count.
    Fails if a problem line has no hint line under it.
    """
    problems: list[Problem] = []
    others: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _PROBLEM_LINE.match(line)
        if not match:
            if line.strip() and not line.startswith("    "):
                others.append(line)
            index += 1
            continue
        hint_line = lines[index + 1] if index + 1 < len(lines) else ""
        assert hint_line.startswith("    ") and hint_line.strip(), f"no indented hint under: {line!r}"
        path, _, number = match["where"].rpartition(":")
        if not (path and number.isdigit()):
            path, number = match["where"], ""
        problems.append(Problem(path, int(number) if number else None, match["message"],
                                hint_line.strip(), Severity(match["severity"])))
        index += 2
    return problems, others
