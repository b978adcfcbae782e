"""Read, then check: the whole content of a project as one ``Catalogue``."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from core.problems import Problems, Severity
from core.project import Project
from core.slugs import slugify
from core.taxonomy import Taxonomy, read_taxonomy

from .check import check_cases, check_duplicate_slugs, check_toolkits
from .model import Catalogue
from .read.cache import CaseCache
from .read.cases import CaseRecord, case_files, read_case
from .read.feedback_data import read_published
from .read.toolkit import read_home, read_toolkits
from .trust import BuildDateError, build_date


def load_catalogue(project: Project, include_drafts: bool, cache: CaseCache | None = None,
                   with_feedback: bool = True, previews: bool = False) -> tuple[Catalogue, Problems]:
    """Every case and chapter that can be shown, and every problem found.

    A file with errors is left out of the catalogue and reported, never
    guessed at, so a build either shows what the author wrote or says why not.
    ``cache`` (kept by `mkdocs serve` between rebuilds) skips reading case
    files whose bytes have not changed; the result is the same without it.
    ``with_feedback=False`` leaves the published feedback unread: `showcase
    feedback publish` needs the site's pages, not the file it is replacing.
    ``previews=True`` (`mkdocs serve`) keeps what can be shown of each case with
    errors, and every case page's problems, for its page to show at the top.
    """
    problems = Problems()
    taxonomy_shown = project.shown(project.taxonomy_file)
    if not project.taxonomy_file.is_file():
        problems.add(taxonomy_shown, None, "The taxonomy file is missing.",
                     "Create it with the vocabularies (themes, settings ...), or set `taxonomy:` "
                     "under the showcase plugin in mkdocs.yml to where it is.")
        return Catalogue(Taxonomy(), [], []), problems
    taxonomy = read_taxonomy(project.taxonomy_file, taxonomy_shown, problems)
    if not taxonomy.vocabularies:
        # Every case would fail on its terms; the taxonomy's own problem says it all.
        return Catalogue(taxonomy, [], []), problems
    try:
        today = build_date()  # a case published after this day is held back until then
    except BuildDateError as error:
        problems.add("SOURCE_DATE_EPOCH", None, "The build's date cannot be read.", str(error))
        today = datetime.now(UTC).date()
    records = _read_cases(project, taxonomy, taxonomy_shown, include_drafts, problems, cache, today)
    visible = [r.case for r in records if r.case is not None and (include_drafts or not r.held)]
    # Newest first; among equal dates, A to Z (two stable sorts).
    visible.sort(key=lambda c: c.title.casefold())
    visible.sort(key=lambda c: c.published, reverse=True)
    toolkits = read_toolkits(project.root, project.docs_dir, project.settings.toolkit_dir,
                             taxonomy, taxonomy_shown, problems)
    check_toolkits(toolkits, problems)
    home = read_home(project.docs_dir, project.root, problems)
    published = project.root / project.settings.feedback.published_dir
    feedback = read_published(published, project.shown(published), problems) if with_feedback else None
    catalogue = Catalogue(taxonomy, visible, toolkits, home, feedback, published)
    if previews:
        _add_previews(catalogue, records, include_drafts, problems)
    return catalogue, problems


def _add_previews(catalogue: Catalogue, records: list[CaseRecord], include_drafts: bool,
                  problems: Problems) -> None:
    """Each shown case's problems, and a page for each case that errors keep off the site.

    An author editing a case in `mkdocs serve` needs its page, with what is wrong
    at the top, not a bare 404. A draft is previewed only when drafts are shown.
    """
    by_file: dict[str, list[str]] = {}
    for problem in problems.sorted():
        if problem.severity is not Severity.NOTE:
            by_file.setdefault(problem.path, []).append(problem.format())
    shown = {case.slug for case in catalogue.cases}
    for record in records:
        listed = by_file.get(record.source)
        if record.case is not None and record.slug in shown and listed:
            catalogue.page_problems[record.slug] = tuple(listed)
        elif record.case is None and record.preview is not None and listed and (include_drafts or not record.held) \
                and record.slug not in shown:
            catalogue.previews.append(record.preview)
            catalogue.page_problems[record.slug] = tuple(listed)


def _read_cases(project: Project, taxonomy: Taxonomy, taxonomy_shown: str, include_drafts: bool,
                problems: Problems, cache: CaseCache | None, today: date) -> list[CaseRecord]:
    if not project.cases_dir.is_dir():
        problems.add(project.shown(project.cases_dir), None, "The cases folder is missing.",
                     "Create it and add case studies with `showcase new \"Title\"`.")
        return []
    files = case_files(project.cases_dir)
    if cache is not None:
        # What a case file reads as depends on these too; if one changes, all are read again.
        cache.begin((str(project.root), repr(taxonomy), taxonomy_shown, repr(project.settings), include_drafts,
                     today))
        cache.keep_only(files)
        shown_of = {path: cache.shown(path, project.shown) for path in files}
    else:
        shown_of = {path: project.shown(path) for path in files}
    slugs: dict[str, list[str]] = {}
    for path in files:
        slugs.setdefault(slugify(path.stem), []).append(shown_of[path])
    check_duplicate_slugs(slugs, problems)
    duplicated = {source for sources in slugs.values() for source in sources[1:]}
    records = []
    for path in files:
        shown = shown_of[path]
        if shown in duplicated:
            continue

        def read(raw: bytes | None, found: Problems, path: Path = path, shown: str = shown) -> CaseRecord | None:
            return read_case(path, shown, taxonomy, taxonomy_shown, project.settings.sections,
                             include_drafts, found, raw=raw, today=today)

        record = cache.read(path, read, problems) if cache is not None else read(None, problems)
        if record is not None:
            records.append(record)
    check_cases(records, include_drafts, problems)
    return records
