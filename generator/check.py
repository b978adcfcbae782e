"""Checks that need more than one file: duplicates and links between cases."""
from __future__ import annotations

from .model import Case, Toolkit
from .problems import Problems
from .read.fields import did_you_mean
from .read.sections import normalise


def check_cases(cases: list[Case], all_slugs: dict[str, str], include_drafts: bool,
                problems: Problems) -> None:
    """Duplicate slugs and titles, and ``related`` entries that lead nowhere.

    ``all_slugs`` maps every slug that was read (even from a broken file) to its
    file, so a typo in one file does not turn into false problems in another.
    """
    titles: dict[str, Case] = {}
    for case in cases:
        key = normalise(case.title)
        if key in titles:
            first = titles[key]
            problems.add(case.source, case.lines.get("title"), f'The title "{case.title}" is also used by {first.source}.',
                         "Give each case study its own title, so readers can tell them apart in lists and search.")
        else:
            titles[key] = case
    by_slug = {case.slug: case for case in cases}
    for case in cases:
        line = case.lines.get("related")
        for slug in case.related:
            target = by_slug.get(slug)
            if slug == case.slug:
                problems.add(case.source, line, "`related` lists this case study itself.", "Remove it from `related`.")
            elif target is None and slug not in all_slugs:
                problems.add(case.source, line, f'`related` has "{slug}", but there is no case study with that name.',
                             f"{did_you_mean(slug, sorted(all_slugs))}Use the file name of another case "
                             "without `.md`, like `related: [peer-mentors-hmp-eastwold]`.")
            elif target is not None and target.draft and not include_drafts and not case.draft:
                problems.add(case.source, line, f'`related` has "{slug}", which is a draft and will not be published.',
                             f"Remove it from `related`, or publish {target.source} first by deleting its `draft: true` line.")


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
