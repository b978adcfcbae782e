"""``showcase init DIR``: a new site of an organisation's own, outside Showcase's source.

Showcase is an installed package, like MkDocs and Material: a site's repository
holds only its content and ``mkdocs.yml``, and everything else (templates,
styles, search) comes from the package. This writes such a repository's first
files from the starter site kept in the package (``showcase/starter/``), with one
example of each thing an author copies: a case study, a toolkit chapter, the
About page. ``feedback/sources.example.yml`` is the feedback package's own, so
the copy a site starts with is always the one its version of Showcase reads.

It writes only into a folder that is new or empty, so nothing of an author's is
ever overwritten or mixed with the starter's files.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

STARTER = "starter"  # the folder of the ``showcase`` package that holds the starter site
# Package data cannot hold dot-files reliably (setuptools' globs skip them), so they are stored
# under a plain name and written under their real one.
RENAMED = {"gitignore": ".gitignore"}
# Written from another package's data: the site's file, and where it comes from.
BORROWED = {PurePosixPath("feedback/sources.example.yml"): ("feedback", "sources.example.yml")}


class InitError(Exception):
    """Why no site was written, in plain English with what to do instead."""


@dataclass(frozen=True)
class NewSite:
    folder: Path
    written: tuple[PurePosixPath, ...]  # relative to ``folder``, in the order written


def starter_files() -> dict[PurePosixPath, Traversable]:
    """Every file of the starter site, by its path in the new site."""
    found: dict[PurePosixPath, Traversable] = {}

    def walk(folder: Traversable, prefix: PurePosixPath) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                walk(entry, prefix / entry.name)
            else:
                found[prefix / RENAMED.get(entry.name, entry.name)] = entry

    walk(files("showcase").joinpath(STARTER), PurePosixPath())
    for target, (package, name) in BORROWED.items():
        found[target] = files(package).joinpath(name)
    return dict(sorted(found.items()))


def init_site(folder: Path) -> NewSite:
    """Write the starter site into ``folder``, which must not exist yet or be empty."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file, not a folder, so nothing was written. "
                        "Give the name of a new folder, such as `showcase init my-site`.")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"{folder} is not empty, so nothing was written: a new site's files would be "
                        "mixed with what is there. Give the name of a new or empty folder, such as "
                        "`showcase init my-site`.")
    # Every file is read before the first is written, so a broken installation writes nothing.
    try:
        contents = {path: source.read_bytes() for path, source in starter_files().items()}
    except OSError as error:
        raise InitError(f"Showcase's installation is missing part of the starter site ({error}). "
                        "Install Showcase again, then try again.") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, content in contents.items():
            target = folder.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as out:  # never over a file that appeared meanwhile
                out.write(content)
    except OSError as error:
        raise InitError(f"The site could not be written in {folder} ({error.strerror or error}). "
                        "Check that you can write there, then try again in a new, empty folder.") from None
    return NewSite(folder, tuple(contents))


def run(args: argparse.Namespace) -> int:
    """``showcase init DIR``: write the site, then say what to do next."""
    folder = Path(args.folder)
    try:
        site = init_site(folder)
    except InitError as error:
        print(f"Not written: {error}")
        return 1
    print(f"Wrote a new Showcase site in {folder} ({len(site.written)} files). Next:\n"
          f"    cd {folder}\n"
          "    set site_name and site_url in mkdocs.yml\n"
          "    showcase check           check the case studies and toolkit\n"
          "    mkdocs serve             preview the site as you write\n"
          "    showcase new \"Title\"     start a case study of your own\n"
          "    README.md says more, and what each file is for.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``init``, which needs no project: it makes one."""
    making = commands.add_parser("init", help="write a new site, with an example of each thing, in a new folder")
    making.add_argument("folder", metavar="DIR", help="the folder to write it in; new, or empty")
    making.set_defaults(run=run)
