"""The ``showcase import`` command itself: import each file, print each report, then a count."""
from __future__ import annotations

import argparse
from pathlib import Path

from core.project import Project

from .command import import_documents
from .report import report


def import_word(project: Project, args: argparse.Namespace) -> int:
    """Draft case files from Word documents; 1 if any document was not imported."""
    paths = [Path(name) for name in args.files]
    outcomes = import_documents(project, paths)
    if not outcomes:
        print(f"There are no .docx files in {', '.join(args.files)}.\n"
              "    Give Word documents saved as .docx, or a folder that holds them.")
        return 1
    for outcome in outcomes:
        print(report(project, outcome))
        print()
    done = sum(1 for outcome in outcomes if outcome.written)
    refused = len(outcomes) - done
    print(f"Imported {done} of {len(outcomes)} document{'s' if len(outcomes) != 1 else ''}"
          + (f"; {refused} not imported (see above)." if refused else ".")
          + (" Run `showcase check --drafts` to see what each draft still needs." if done else ""))
    return 1 if refused else 0
