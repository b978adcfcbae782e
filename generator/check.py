"""Checks that need more than one file: duplicates, links between cases, and links and images."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from core.problems import Problems, Severity
from core.project import Project
from core.suggest import did_you_mean, nearest

from . import addresses
from .model import Catalogue, Toolkit
from .read.cases import DRAFT_NOTE, FUTURE_NOTE, CaseRecord, case_files
from .read.sections import normalise


def check_cases(records: list[CaseRecord], include_drafts: bool, problems: Problems) -> None:
    """Duplicate titles, and ``related`` entries that lead nowhere.

    Runs on every file that could be read, even one with other errors, so an
    author sees all of a file's problems in one run. As when reading, a left-out
    draft's problems are notes.
    """
    found = Problems()
    _check_cases(records, include_drafts, found)
    left_out = {r.source: r for r in records if r.held and not include_drafts}
    noted = {p.path for p in problems.notes}  # files whose reading already said why (once is enough)
    for problem in found.items:
        record = left_out.get(problem.path)
        if record is None:
            problems.items.append(problem)
            continue
        why = "" if problem.path in noted else DRAFT_NOTE if record.draft else FUTURE_NOTE
        noted.add(problem.path)
        problems.extend(Problems([problem]).as_notes(why))


def _check_cases(records: list[CaseRecord], include_drafts: bool, problems: Problems) -> None:
    titles: dict[str, CaseRecord] = {}
    for record in records:
        if not record.title:
            continue
        key = normalise(record.title)
        if key in titles:
            problems.add(record.source, record.lines.get("title"),
                         f'The title "{record.title}" is also used by {titles[key].source}.',
                         "Give each case study its own title, so readers can tell them apart in lists and search.")
        else:
            titles[key] = record
    by_slug = {record.slug: record for record in records}
    for record in records:
        line = record.lines.get("related")
        for slug in record.related:
            target = by_slug.get(slug)
            if slug == record.slug:
                problems.add(record.source, line, "`related` lists this case study itself.",
                             "Remove it from `related`.")
            elif target is None:
                problems.add(record.source, line, f'`related` has "{slug}", but there is no case study with that name.',
                             _related_hint(slug, record, records, titles))
            elif target.draft and not include_drafts and not record.draft:
                problems.add(record.source, line,
                             f'`related` has "{slug}", which is a draft and will not be published.',
                             f"Remove it from `related`, or publish {target.source} first by deleting its "
                             "`draft: true` line.")
            elif target.future and not include_drafts and not record.held and target.case is not None:
                problems.add(record.source, line,
                             f'`related` has "{slug}", which is published on {target.case.published.isoformat()}.',
                             "The link to it appears on that day; until then the page leaves it out.",
                             Severity.NOTE)


def _related_hint(written: str, record: CaseRecord, records: list[CaseRecord], titles: dict[str, CaseRecord]) -> str:
    """How to name the case meant: its file name when ``written`` is its title, else a real example."""
    meant = titles.get(normalise(written))
    if meant is not None and meant is not record:
        return f'That is the title of {meant.source}: use its file name, `related: [{meant.slug}]`.'
    others = sorted(r.slug for r in records if r is not record)
    example = nearest(written, others) or (others[0] if others else "")
    guess = did_you_mean(written, others)
    like = f", like `related: [{example}]`" if example else ""
    return f"{guess}Use the file name of another case without `.md`{like}."


def check_duplicate_slugs(files: dict[str, list[str]], problems: Problems) -> None:
    """Two files whose names give the same web address."""
    for slug, sources in files.items():
        for later in sources[1:]:
            problems.add(later, None, f'This file has the same web address "/cases/{slug}/" as {sources[0]}.',
                         "Rename one of the files: the file name, without `.md`, is the case study's address.")


def check_toolkits(toolkits: list[Toolkit], problems: Problems) -> None:
    """Each chapter of a toolkit needs its own place in the reading order."""
    for toolkit in toolkits:
        orders: dict[int, str] = {}
        for chapter in toolkit.chapters:
            if chapter.order in orders:
                problems.add(chapter.source, chapter.lines.get("order"),
                             f"`order: {chapter.order}` is also used by {orders[chapter.order]}.",
                             "Give each chapter of a toolkit a different `order` number.")
            else:
                orders[chapter.order] = chapter.source


# --- Links and images, as the strict build checks them -------------------------------------------

_INLINE = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)")  # [text](target and ![alt](target
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")  # [name]: target
_CODE_SPAN = re.compile(r"(`+).+?\1")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
IMAGES_FOLDER = "assets/cases"  # inside the docs folder: docs/assets/cases/<case>/photo.jpg


@dataclass(frozen=True)
class _Page:
    """A page whose Markdown the build converts: where it goes, its file, and the case it is."""

    src_uri: str
    path: Path
    shown: str
    slug: str = ""  # the case's, for the hint on where its images go


def check_links(project: Project, catalogue: Catalogue, problems: Problems) -> None:
    """Relative links and images that lead nowhere, which `mkdocs build --strict` stops on.

    The build checks them only once the page is made, so `showcase check` looks
    too, with the same rule: a link to a path with a file extension (``.md``,
    ``.jpg``) must be a file in the docs folder or a page the site makes.
    """
    made = _pages_made(catalogue, project.settings.toolkit_dir)
    files = {path: project.shown(path) for path in case_files(project.cases_dir)} if project.cases_dir.is_dir() else {}
    by_shown = {shown: path for path, shown in files.items()}
    pages = [_Page(addresses.case_page(case), by_shown[case.source], case.source, case.slug)
             for case in catalogue.cases if case.source in by_shown]
    pages += [_Page(chapter.src_uri, project.docs_dir / chapter.src_uri, chapter.source)
              for chapter in catalogue.chapters]
    docs = project.shown(project.docs_dir)
    for page in pages:
        try:
            text = page.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reading the file already reported why
        for line, image, target in _links(text):
            resolved = _resolve(page.src_uri, target)
            if resolved is None or resolved in made or (resolved and (project.docs_dir / resolved).is_file()):
                continue
            where = f"{docs}/{resolved}" if resolved else f"outside {docs}"
            if image:
                folder = f"{IMAGES_FOLDER}/{page.slug or '<case>'}"
                problems.add(page.shown, line, f'The image "{target}" is not there, so the build would stop.',
                             f"The build looks for it at {where}. Put a case's images in {docs}/{folder}/ "
                             f"and write `![What the picture shows](../{folder}/photo.jpg)`.")
            else:
                # The example names a real case, so that copying it gives a link that works.
                other = next((case for case in catalogue.cases if case.slug != page.slug), None)
                path = posixpath.relpath(addresses.case_page(other), posixpath.dirname(page.src_uri)) if other else ""
                like = f", like `[{other.title}]({path})`" if other else ""
                problems.add(page.shown, line,
                             f'The link "{target}" leads to no page or file, so the build would stop.',
                             f"The build looks for {where}. Link to a case by its file name{like}, "
                             "or give a whole address starting https://.")


def _links(text: str) -> list[tuple[int, bool, str]]:
    """(file line, is an image, target) for each Markdown link in the body, outside code."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":  # front matter is not Markdown
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    found: list[tuple[int, bool, str]] = []
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if line.startswith(("    ", "\t")):
            continue  # an indented code block, or a list's continuation: links there are rare
        plain = _CODE_SPAN.sub("", line)
        for match in _INLINE.finditer(plain):
            found.append((index + 1, match.group(1) == "!", match.group(2).strip("<>")))
        reference = _REFERENCE.match(plain)
        if reference:
            found.append((index + 1, False, reference.group(1).strip("<>")))
    return found


def _resolve(src_uri: str, target: str) -> str | None:
    """Where in the docs folder the build looks for ``target``; None when it does not check it.

    "" means a path that climbs out of the docs folder.
    """
    if not target or _SCHEME.match(target) or target.startswith(("/", "\\", "#", "?")):
        return None  # another site, an absolute path, or a place on this page
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path or not posixpath.splitext(path)[1]:
        return None  # no file extension: the build leaves it as it is, with a note at most
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
    return "" if joined.startswith("..") else joined


def _pages_made(catalogue: Catalogue, toolkit_dir: str) -> set[str]:
    """The pages the site makes itself, which a case may link to."""
    made = {addresses.HOME, addresses.BROWSE, addresses.toolkits_page(toolkit_dir)}
    made.update(addresses.case_page(case) for case in catalogue.cases)
    for vocabulary in catalogue.taxonomy.vocabularies:
        made.add(addresses.vocabulary_page(vocabulary))
        made.update(addresses.term_page(vocabulary, term) for term in vocabulary.terms)
    for toolkit in catalogue.toolkits:
        made.add(toolkit.src_uri)
        made.add(addresses.toolkit_print_page(toolkit))
        made.update(chapter.src_uri for chapter in toolkit.chapters)
    return made
