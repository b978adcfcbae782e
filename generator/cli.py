"""The ``showcase`` command: ``check`` and ``new`` for authors.

Whatever goes wrong, an author sees plain English and what to do next, never
a traceback.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .load import load_catalogue
from .problems import summary_line
from .project import Project, find_config, load_project
from .scaffold import ScaffoldError, new_case


def _project(config: str | None) -> Project | None:
    path = Path(config) if config else find_config(Path.cwd())
    if path is None:
        print("There is no mkdocs.yml here or in any folder above.\n"
              "    Run the command from your Showcase project folder, or give --config path/to/mkdocs.yml.")
        return None
    project, problems = load_project(path)
    if problems or project is None:
        print(problems.report())
        return None
    return project


def check(args: argparse.Namespace) -> int:
    """Every problem in every case and chapter, then a count; 1 if any error."""
    project = _project(args.config)
    if project is None:
        return 1
    catalogue, problems = load_catalogue(project, include_drafts=args.drafts)
    if problems:
        print(problems.report())
        if problems.notes and not args.drafts:
            print("    To check drafts as errors, as `make serve` shows them, run `showcase check --drafts`.")
    else:
        drafts = " (drafts included)" if args.drafts else ""
        print(f"Checked {len(catalogue.cases)} case studies{drafts} and "
              f"{len(catalogue.chapters)} toolkit chapters. {summary_line(0, 0)}")
    return 1 if problems.errors else 0


def new(args: argparse.Namespace) -> int:
    project = _project(args.config)
    if project is None:
        return 1
    try:
        made = new_case(project, args.title)
    except ScaffoldError as error:
        print(f"Not written: {error}")
        return 1
    print(f"Wrote {project.shown(made.path)}.\n"
          "    Fill in the fields and the four sections, then run `showcase check`.\n"
          "    It is marked `draft: true`, so it shows in `make serve` but not on the published site.")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="showcase", description="Good-practice case studies as a static site.")
    top.add_argument("--config", help="the site's mkdocs.yml (default: the nearest one)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    checking = commands.add_parser("check", help="check every case study and toolkit chapter")
    checking.add_argument("--drafts", action="store_true",
                          help="check as `make serve` does, with drafts on the site")
    checking.set_defaults(run=check)
    making = commands.add_parser("new", help="start a new case study from a template")
    making.add_argument("title", help='the case study\'s title, in quotes: "Peer mentors in reception"')
    making.set_defaults(run=new)
    from feedback.cli import register  # light: the heavy parts load when a command runs

    register(commands, _project)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the output was piped to a command that stopped reading, like `head`
        return 0
    except Exception as error:  # the last guard between an author and a traceback
        print(f"Showcase stopped because of an unexpected problem: {type(error).__name__}: {error}\n"
              "    Nothing was changed. Please report this message to the site's maintainers.",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
