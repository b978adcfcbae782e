"""Where a page's feedback summary line ("6 responses: …") sits (issue 10, §6): inside
the page's Feedback section, under its heading, so that what others said and the place to
say it are together; with the form turned off, on its own as before."""
from __future__ import annotations

import shutil

import pytest

from tests.site.sites import article, build_ok, set_plugin_options

from .data import FeedbackSite


@pytest.mark.parametrize("which", ["case_a", "chapter"])
def test_the_summary_line_is_inside_the_feedback_section(fsite: FeedbackSite, which: str) -> None:
    target = getattr(fsite, which)
    body = article(fsite.built.soup(target.url))
    summaries = body.select("p.sc-feedback-summary")
    assert len(summaries) == 1, target.url
    section = summaries[0].find_parent("section")
    assert section is not None and section.get("id") == "feedback", \
        f"the summary on {target.url} is outside the Feedback section"
    heading = section.find("h2")
    assert heading is not None and heading.get_text(strip=True) == "Feedback"
    after_heading = heading.find_next_sibling()
    assert after_heading is summaries[0], "the summary comes straight after the Feedback heading"
    assert summaries[0].find_next("form") is section.find("form"), "the summary comes before the form"


def test_with_the_form_off_the_summary_line_still_shows(fsite: FeedbackSite,
                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("feedback-form-off")
    project = root / "project"
    shutil.copytree(fsite.project, project)
    set_plugin_options(project, feedback={"backend": "off"})
    built = build_ok(project, root / "site")
    body = article(built.soup(fsite.case_a.url))
    assert body.select("section#feedback") == []
    assert len(body.select("p.sc-feedback-summary")) == 1
