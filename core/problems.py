"""The one kind of error an author sees: a problem with a file and a line.

Every stage that reads or checks content reports ``Problem`` objects instead of
raising, so an author gets every problem in one run and never a traceback. The
command line and the MkDocs plugin both print them with ``Problem.format``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad a problem is: errors stop a build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # e.g. a problem in a draft that this build leaves out


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a file, said in plain English with how to fix it."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """``path:line: error: message`` then the hint, indented on its own line."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{where}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n    {self.hint}"
        return text


@dataclass
class Problems:
    """Problems collected while reading and checking, in a stable order."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: str | Path,
        line: int | None,
        message: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record one problem; ``path`` is shown exactly as given."""
        self.items.append(Problem(str(path), line, message, hint, severity))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.NOTE]

    def as_notes(self, why: str) -> Problems:
        """The same problems as notes that do not stop a build; the first in the file says why.

        Saying it once is enough: on every note, "this case is a draft" buries the hints.
        """
        first = min(range(len(self.items)), key=lambda i: (self.items[i].line or 0, self.items[i].message),
                    default=-1)  # the first as ``sorted`` lists them
        return Problems([Problem(p.path, p.line, p.message, f"{p.hint} {why}".strip() if i == first else p.hint,
                                 Severity.NOTE) for i, p in enumerate(self.items)])

    def sorted(self) -> list[Problem]:
        """By file, then line (problems with no line first), then message."""
        return sorted(self.items, key=lambda p: (p.path, p.line or 0, p.message))

    def report(self) -> str:
        """All problems, then a one-line count that says what to do next."""
        lines = [p.format() for p in self.sorted()]
        lines.append(summary_line(len(self.errors), len(self.warnings), len(self.notes)))
        return "\n".join(lines)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


def summary_line(errors: int, warnings: int, notes: int = 0) -> str:
    """A closing line such as ``2 errors, 1 warning: fix the errors ...``."""
    if not errors and not warnings and not notes:
        return "No problems found."
    parts = []
    for count, word in ((errors, "error"), (warnings, "warning"), (notes, "note")):
        if count:
            parts.append(f"{count} {word}{'s' if count != 1 else ''}")
    if errors:
        advice = "fix the errors above, then run `showcase check` again."
    elif warnings:
        advice = "fix the warnings above before publishing: a strict build (`make build`) stops on them."
    else:
        advice = "the site will build; the notes say what it leaves out or reads differently."
    return f"{', '.join(parts)}: {advice}"
