"""The authors' commands, ``showcase check``, ``showcase new`` and ``showcase import``.

``showcase.cli`` assembles the whole ``showcase`` command and registers these
beside the feedback commands; each gets a function that finds the project.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable

from core.problems import summary_line
from core.project import Project, ProjectLoader

from .check import check_links
from .load import load_catalogue
from .scaffold import ScaffoldError, new_case
from .word.run import import_word


def check(project: Project, args: argparse.Namespace) -> int:
    """Every problem in every case and chapter, then a count; 1 if any error.

    Drafts are in or out as on the site (``Settings.shows_drafts``, the plugin's
    rule too): with ``--drafts`` as `mkdocs serve` builds it, else as `mkdocs build`.
    """
    settings = project.settings
    include_drafts = settings.shows_drafts(serving=args.drafts)
    catalogue, problems = load_catalogue(project, include_drafts=include_drafts)
    check_links(project, catalogue, problems)  # the build finds these only as it makes the pages
    if problems:
        print(problems.report())
        if problems.notes and not include_drafts and settings.shows_drafts(serving=True):
            print("    To check drafts as errors, as `make serve` shows them, run `showcase check --drafts`.")
    else:
        drafts = " (drafts included)" if include_drafts else ""
        print(f"Checked {len(catalogue.cases)} case studies{drafts} and "
              f"{len(catalogue.chapters)} toolkit chapters. {summary_line(0, 0)}")
    return 1 if problems.errors else 0


def new(project: Project, args: argparse.Namespace) -> int:
    """A new draft case study from the template, named from its title."""
    try:
        made = new_case(project, args.title)
    except ScaffoldError as error:
        print(f"Not written: {error}")
        return 1
    print(f"Wrote {project.shown(made.path)}.\n"
          "    Fill in the fields and the four sections, then run `showcase check`.\n"
          "    It is marked `draft: true`, so it shows in `make serve` but not on the published site.")
    return 0


def register(commands: argparse._SubParsersAction, load_project: ProjectLoader) -> None:
    """Add ``check``, ``new`` and ``import``."""

    def starting(run: Callable[[Project, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        def start(args: argparse.Namespace) -> int:
            project = load_project(args.config)
            return 1 if project is None else run(project, args)
        return start

    checking = commands.add_parser("check", help="check every case study and toolkit chapter")
    checking.add_argument("--drafts", action="store_true",
                          help="check as `make serve` does, with drafts on the site (unless `drafts: hide`)")
    checking.set_defaults(run=starting(check))
    making = commands.add_parser("new", help="start a new case study from a template")
    making.add_argument("title", help='the case study\'s title, in quotes: "Peer mentors in reception"')
    making.set_defaults(run=starting(new))
    importing = commands.add_parser("import", help="draft case studies from Word documents (.docx)")
    importing.add_argument("files", nargs="+", metavar="FILE.docx",
                           help="Word documents saved as .docx, or folders that hold them")
    importing.set_defaults(run=starting(import_word))
