"""The ``showcase`` command: the authors' commands and the feedback commands in one.

It sits above both packages: ``generator`` and ``feedback`` each register their
own commands and never import each other, so this is the one place that hands
the generator's list of pages to ``showcase feedback publish``. Whatever goes
wrong, a person sees plain English and what to do next, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import feedback.cli
import generator.cli
import showcase.init
from core.project import Project, find_config, load_project
from generator.form_pages import pages_with_forms


def find_project(config: str | None) -> Project | None:
    """The project of ``--config``, or of the nearest mkdocs.yml; None once the reason is printed."""
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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="showcase", description="Good-practice case studies as a static site.")
    top.add_argument("--config", help="the site's mkdocs.yml (default: the nearest one)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    showcase.init.register(commands)
    generator.cli.register(commands, find_project)
    feedback.cli.register(commands, find_project, pages_with_forms)
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
