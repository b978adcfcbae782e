"""Read, then check: the whole content of a project as one ``Catalogue``."""
from __future__ import annotations

from .check import check_cases, check_duplicate_slugs, check_toolkits
from .model import Case, Catalogue, Taxonomy
from .problems import Problems
from .project import Project
from .read.cases import case_files, read_case
from .read.taxonomy import read_taxonomy
from .read.feedback_data import read_published
from .read.toolkit import read_home, read_toolkits
from .slugs import slugify


def load_catalogue(project: Project, include_drafts: bool) -> tuple[Catalogue, Problems]:
    """Every case and chapter that can be shown, and every problem found.

    A file with errors is left out of the catalogue and reported, never
    guessed at, so a build either shows what the author wrote or says why not.
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
    cases = _read_cases(project, taxonomy, taxonomy_shown, include_drafts, problems)
    toolkits = read_toolkits(project.root, project.docs_dir, project.settings.toolkit_dir,
                             taxonomy, taxonomy_shown, problems)
    check_toolkits(toolkits, problems)
    home = read_home(project.docs_dir, project.root, problems)
    published = project.root / project.settings.feedback.published_dir
    feedback = read_published(published, project.shown(published), problems)
    return Catalogue(taxonomy, cases, toolkits, home, feedback), problems


def _read_cases(project: Project, taxonomy: Taxonomy, taxonomy_shown: str, include_drafts: bool,
                problems: Problems) -> list[Case]:
    if not project.cases_dir.is_dir():
        problems.add(project.shown(project.cases_dir), None, "The cases folder is missing.",
                     "Create it and add case studies with `showcase new \"Title\"`.")
        return []
    files = case_files(project.cases_dir)
    slugs: dict[str, list[str]] = {}
    for path in files:
        slugs.setdefault(slugify(path.stem), []).append(project.shown(path))
    check_duplicate_slugs(slugs, problems)
    duplicated = {source for sources in slugs.values() for source in sources[1:]}
    records = []
    for path in files:
        shown = project.shown(path)
        if shown in duplicated:
            continue
        record = read_case(path, shown, taxonomy, taxonomy_shown, project.settings.sections,
                           include_drafts, problems)
        if record is not None:
            records.append(record)
    check_cases(records, include_drafts, problems)
    visible = [r.case for r in records if r.case is not None and (include_drafts or not r.draft)]
    # Newest first; among equal dates, A to Z (two stable sorts).
    visible.sort(key=lambda c: c.title.casefold())
    visible.sort(key=lambda c: c.published, reverse=True)
    return visible
