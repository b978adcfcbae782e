"""The read cache behind `mkdocs serve`: the same catalogue as a cold read,
and a file read again whenever its bytes change, whatever its time stamp."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from core.project import load_project
from generator.load import load_catalogue
from generator.read.cache import CaseCache
from tests.builds import copy_example


def _project(root: Path):
    project, problems = load_project(root / "mkdocs.yml")
    assert project is not None and not problems.errors, problems.report()
    return project


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


@pytest.mark.parametrize("drafts", [False, True])
def test_warm_read_gives_the_same_catalogue_and_problems_as_a_cold_one(example: Path, drafts: bool) -> None:
    project = _project(example)
    cache = CaseCache()
    cold, cold_problems = load_catalogue(project, drafts)
    first, first_problems = load_catalogue(project, drafts, cache)
    assert cache.reads == len(cold.cases) and cache.reused == 0
    warm, warm_problems = load_catalogue(project, drafts, cache)
    assert cache.reads == 0 and cache.reused == len(cold.cases)
    assert warm == cold and first == cold  # dataclass equality: every case, field by field
    assert [c.slug for c in warm.cases] == [c.slug for c in cold.cases]  # the same order
    assert warm_problems.items == cold_problems.items == first_problems.items


def test_a_changed_file_is_read_again_even_with_the_same_time_stamp(example: Path) -> None:
    project = _project(example)
    cache = CaseCache()
    case_file = sorted(project.cases_dir.glob("*.md"))[0]
    before, _ = load_catalogue(project, False, cache)
    slug = case_file.stem
    old_title = before.case(slug).title
    stat = case_file.stat()
    text = case_file.read_text(encoding="utf-8")
    new_text = text.replace(f"title: {old_title}", "title: A title changed in place", 1)
    assert new_text != text
    case_file.write_text(new_text, encoding="utf-8")
    os.utime(case_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as if the clock had not moved
    assert case_file.stat().st_mtime_ns == stat.st_mtime_ns

    after, _ = load_catalogue(project, False, cache)
    assert cache.reads == 1
    assert after.case(slug).title == "A title changed in place"
    assert after == load_catalogue(project, False)[0]


def test_a_file_with_an_error_keeps_its_problem_while_cached_and_loses_it_when_fixed(example: Path) -> None:
    project = _project(example)
    cache = CaseCache()
    case_file = sorted(project.cases_dir.glob("*.md"))[0]
    good = case_file.read_text(encoding="utf-8")
    case_file.write_text(good.replace("published:", "published: not a date\nwas_published:", 1), encoding="utf-8")
    for _ in range(2):  # read, then from the cache: the same problems both times
        catalogue, problems = load_catalogue(project, False, cache)
        assert case_file.stem not in {c.slug for c in catalogue.cases}
        assert any(p.path.endswith(case_file.name) for p in problems.errors)
    assert cache.reads == 0 and cache.reused == len(list(project.cases_dir.glob("*.md")))  # the broken one too
    case_file.write_text(good, encoding="utf-8")
    catalogue, problems = load_catalogue(project, False, cache)
    assert case_file.stem in {c.slug for c in catalogue.cases} and not problems.errors


def test_a_deleted_case_is_gone_and_a_changed_taxonomy_reads_everything_again(example: Path) -> None:
    project = _project(example)
    cache = CaseCache()
    files = sorted(project.cases_dir.glob("*.md"))
    load_catalogue(project, False, cache)
    files[0].unlink()
    catalogue, _ = load_catalogue(project, False, cache)
    assert files[0].stem not in {c.slug for c in catalogue.cases}
    assert cache.reads == 0

    taxonomy = project.taxonomy_file.read_text(encoding="utf-8")
    project.taxonomy_file.write_text(taxonomy.replace("description:", "description: Changed.", 1), encoding="utf-8")
    catalogue, _ = load_catalogue(project, False, cache)
    assert cache.reads == len(files) - 1 and cache.reused == 0
    assert catalogue == load_catalogue(project, False)[0]


def test_other_settings_or_drafts_read_everything_again(example: Path) -> None:
    project = _project(example)
    cache = CaseCache()
    count = len(list(project.cases_dir.glob("*.md")))
    load_catalogue(project, False, cache)
    load_catalogue(project, True, cache)  # drafts shown: a draft's problems are errors, not notes
    assert cache.reads == count
    fewer = dataclasses.replace(project, settings=dataclasses.replace(
        project.settings, sections=project.settings.sections[:-1]))
    catalogue, problems = load_catalogue(fewer, True, cache)
    assert cache.reads == count
    assert (catalogue, problems.items) == (lambda c, p: (c, p.items))(*load_catalogue(fewer, True))
