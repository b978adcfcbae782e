"""``showcase import``: each document through the steps, one at a time, each with its own outcome.

One bad document never stops the others: each is refused or written on its
own, and the command fails (exit status 1) when any was refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.problems import Problems
from core.project import Project
from core.taxonomy import Taxonomy, read_taxonomy

from .arrange import Draft, arrange
from .guard import Limits, Refused, read_docx
from .read import read_document, too_deep
from .terms import Suggestion, suggest_terms
from .write import NotWritten, Written, plan, write_case


@dataclass
class Outcome:
    """What became of one document: written, or refused with the reason and the fix."""

    source: Path
    draft: Draft | None = None
    written: Written | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    outside_links: list[str] = field(default_factory=list)
    problem: str = ""
    fix: str = ""


def documents(paths: list[Path]) -> list[Path]:
    """The files to import: each file as given, and every .docx in a folder given (not Word's ~$ lock files)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*") if p.suffix.lower() == ".docx"
                            and not p.name.startswith("~$") and p.is_file())
        else:
            found.append(path)
    return found


def import_documents(project: Project, paths: list[Path], *, limits: Limits | None = None,
                     today: date | None = None) -> list[Outcome]:
    limits = limits or Limits()
    taxonomy = read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file), Problems())
    return [import_one(project, path, taxonomy, limits, today or date.today()) for path in documents(paths)]


def import_one(project: Project, source: Path, taxonomy: Taxonomy, limits: Limits, today: date) -> Outcome:
    outcome = Outcome(source)
    try:
        document = read_document(read_docx(source, limits), limits)
        try:
            draft = arrange(document, project.settings.sections)
        except RecursionError:
            raise too_deep() from None
        if not draft.words.strip():
            raise Refused("The document has no text: nothing in it could become a case study.",
                          "Check that this is the right file, and that its text is not all in pictures; "
                          "then import it again.")
        outcome.draft, outcome.outside_links = draft, document.outside_links
        outcome.suggestions = suggest_terms(f"{draft.title}\n{draft.words}", taxonomy)
        written = plan(project, draft, source)
        write_case(project, draft, document.images, taxonomy, outcome.suggestions, source, written, today)
        outcome.written = written
    except Refused as refused:
        outcome.problem, outcome.fix = refused.problem, refused.fix
    except NotWritten as taken:
        outcome.problem = f"Nothing was written: {taken}."
        outcome.fix = ("If this is a different case study, change its title in Word (or rename the existing "
                       "file) and import it again.")
    except OSError as error:
        outcome.problem = f"The case file or its images could not be written ({error.strerror})."
        outcome.fix = "Check that the cases and docs folders exist and that you may write to them."
    return outcome
