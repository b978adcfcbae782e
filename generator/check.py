"""Checks that need more than one file: duplicates and links between cases."""
from __future__ import annotations

from core.problems import Problems
from core.suggest import did_you_mean

from .model import Toolkit
from .read.cases import DRAFT_NOTE, CaseRecord
from .read.sections import normalise


def check_cases(records: list[CaseRecord], include_drafts: bool, problems: Problems) -> None:
    """Duplicate titles, and ``related`` entries that lead nowhere.

    Runs on every file that could be read, even one with other errors, so an
    author sees all of a file's problems in one run. As when reading, a left-out
    draft's problems are notes.
    """
    found = Problems()
    _check_cases(records, include_drafts, found)
    left_out = {r.source for r in records if r.draft and not include_drafts}
    for problem in found.items:
        if problem.path in left_out:
            problems.extend(Problems([problem]).as_notes(DRAFT_NOTE))
        else:
            problems.items.append(problem)


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
                             f"{did_you_mean(slug, sorted(by_slug))}Use the file name of another case "
                             "without `.md`, like `related: [peer-mentors-hmp-eastwold]`.")
            elif target.draft and not include_drafts and not record.draft:
                problems.add(record.source, line,
                             f'`related` has "{slug}", which is a draft and will not be published.',
                             f"Remove it from `related`, or publish {target.source} first by deleting its "
                             "`draft: true` line.")


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
