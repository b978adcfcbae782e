"""Things the site and the feedback side both say are defined once, in core; here, the site's side.

Each test fails if the site's copy came back and went its own way: the form's
ratings and limits, month names, the form's order, and how a path is shown.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import generator.render_feedback
from core.form import Choices, in_form_order
from core.months import MONTHS, month_name, short_month_name
from core.problems import Problems
from core.project import Project, shown_path
from core.settings import Settings
from core.taxonomy import Taxonomy
from generator.model import Catalogue
from generator.read.toolkit import read_toolkits
from generator.render import _ENV, long_date
from generator.render_feedback import FeedbackRenderer, in_order


def form() -> BeautifulSoup:
    """The feedback form of one case page, rendered with the site's templates."""
    renderer = FeedbackRenderer(Catalogue(Taxonomy(), [], []), Settings(), _ENV, lambda *args, **context: None,
                                "https://example.org/", True)
    return BeautifulSoup(str(renderer.form("case", "cases/a.md")), "html.parser")


@pytest.mark.parametrize("ratings", [range(1, 6), range(1, 4), range(0, 11)])
def test_the_forms_rating_options_are_core_forms_ratings(monkeypatch: pytest.MonkeyPatch, ratings: range) -> None:
    monkeypatch.setattr(generator.render_feedback, "RATINGS", ratings)
    soup = form()
    assert [radio["value"] for radio in soup.find_all("input", attrs={"name": "rating"})] == [str(r) for r in ratings]
    hint = soup.find(id="rating-hint").get_text()
    assert hint == f"{ratings[0]} is not useful, {ratings[-1]} is very useful."


def test_the_forms_limits_are_core_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.render_feedback, "MAX_ORGANISATION", 123)
    monkeypatch.setattr(generator.render_feedback, "MAX_EMAIL", 77)
    soup = form()
    assert soup.find("input", attrs={"name": "organisation"})["maxlength"] == "123"
    assert soup.find("input", attrs={"name": "email"})["maxlength"] == "77"


def test_month_names_are_english_and_the_same_on_both_sides() -> None:
    assert _ENV.filters["month"] is month_name  # the site's pages
    english = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
    assert list(MONTHS) == english
    for number, name in enumerate(english, start=1):
        assert month_name(f"2026-{number:02d}") == f"{name} 2026"
        assert short_month_name(f"2026-{number:02d}") == f"{name[:3]} 2026"  # the charts
        assert long_date(date(2014, number, 30 if number != 2 else 28)).split(" ")[1] == name
    assert long_date(date(2014, 6, 30)) == "30 June 2014"
    for bad in ("2026-00", "2026-13"):
        with pytest.raises(ValueError):
            month_name(bad)


def test_the_sites_tables_use_the_forms_order() -> None:
    choices = Choices(roles=(("prison", "Prison"), ("other", "Other")))
    counts: dict[str, int | str] = {"zzz": 1, "unknown": 2, "other": "fewer", "prison": 4}
    assert in_order(counts, choices.role_labels) == in_form_order(counts, choices.role_labels) == [
        ("Prison", 4), ("Other", "fewer"), ("Not given", 2), ("zzz", 1)]
    assert in_order("hidden", choices.role_labels) == "hidden"
    assert list(choices.intention_labels) == ["practice", "similar", "interested", "other", "unknown"]


def test_a_chapter_is_shown_as_a_case_is(tmp_path: Path) -> None:
    """Both go through ``core.project.shown_path``: a folder reached through ``..`` is shown plainly."""
    root = tmp_path / "project"
    chapter = root / "docs" / "toolkit" / "t" / "one.md"
    chapter.parent.mkdir(parents=True)
    chapter.write_text("---\ntitle: One\n---\nNo order or summary.\n", encoding="utf-8")
    problems = Problems()
    read_toolkits(root, root / "docs" / ".." / "docs", "toolkit", Taxonomy(), "taxonomy.yml", problems)
    shown = {problem.path for problem in problems.items}
    project = Project(root=root, config_file=root / "mkdocs.yml", docs_dir=root / "docs", settings=Settings())
    roundabout = root / "docs" / ".." / "docs" / "toolkit" / "t" / "one.md"
    assert shown == {project.shown(roundabout)} == {shown_path(root, roundabout)} == {"docs/toolkit/t/one.md"}
