"""The form and pages as a new reader meets them (issue 10, §6), measured in headless
Chromium: the chapter pager's links each on a line of their own on a phone, the 1 to 5
rating on one line, and the receiver's own pages looking like the site's under their
strict Content-Security-Policy.

Screenshots go to /tmp/showcase-shots/form-*.png.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from core.form import Choices
from feedback.receiver import ReceiverConfig
from tests.feedback.receivers import threaded_receiver
from tests.site.sites import Built, first_chapter, read_toolkit

from .conftest import DESKTOP, MOBILE, serve_folder

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
SITE_NAME = "Good practice in justice sector learning"


def boxes(page, selector: str) -> list[dict[str, float]]:
    found = page.locator(selector)
    result = [found.nth(i).bounding_box() for i in range(found.count())]
    assert result and None not in result, f"{selector} is not shown"
    return result  # type: ignore[return-value]


def chapter_with_both_neighbours(built: Built) -> str:
    """A chapter that has a previous and a next chapter: all three pager links."""
    toolkit = first_chapter(built.project).url.split("/")[1]
    _, chapters = read_toolkit(built.project, toolkit)
    assert len(chapters) >= 3, f"the toolkit {toolkit} needs three chapters for this test"
    return chapters[1].url


@pytest.mark.parametrize("viewport", [MOBILE, NARROW], ids=["375", "320"])
def test_each_pager_link_has_a_line_of_its_own_on_a_phone(page, base_url: str, built_example: Built,
                                                          shots: Path, viewport: dict[str, int]) -> None:
    url = chapter_with_both_neighbours(built_example)
    page.set_viewport_size(viewport)
    page.goto(base_url + url)
    links = boxes(page, "nav.sc-pager a")
    assert len(links) == 3, "previous, contents and next"
    for above, below in itertools.pairwise(links):
        assert below["y"] >= above["y"] + above["height"] + 4, \
            f"pager links share a line or touch at {viewport['width']} px: {links}"
    page.locator("nav.sc-pager").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"form-pager-{viewport['width']}.png"))


def test_the_pager_links_stand_apart_on_a_wide_screen(page, base_url: str, built_example: Built,
                                                       shots: Path) -> None:
    url = chapter_with_both_neighbours(built_example)
    page.goto(base_url + url)
    links = boxes(page, "nav.sc-pager a")
    for left, right in itertools.pairwise(links):
        apart = right["x"] - (left["x"] + left["width"])
        below = right["y"] >= left["y"] + left["height"]
        assert apart >= 16 or below, f"pager links run together at 1280 px: {links}"
    page.locator("nav.sc-pager").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "form-pager-1280.png"))


@pytest.mark.parametrize("viewport", [MOBILE, NARROW], ids=["375", "320"])
def test_the_rating_stays_on_one_line_on_a_phone(page, base_url: str, built_example: Built, shots: Path,
                                                 viewport: dict[str, int]) -> None:
    page.set_viewport_size(viewport)
    page.goto(base_url + first_chapter(built_example.project).url + "#feedback-more")  # the rest of the form, open
    radios = boxes(page, "#field-rating input[type=radio]")
    assert len(radios) == 5
    tops = {round(box["y"]) for box in radios}
    assert len(tops) == 1, f"the rating wraps at {viewport['width']} px: tops {sorted(tops)}"
    labels = boxes(page, "#field-rating .sc-choice__label")
    assert len({round(box["y"]) for box in labels}) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the page scrolls sideways"
    field = page.locator("#field-rating")
    field.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"form-rating-{viewport['width']}.png"))


def test_the_receivers_page_carries_the_sites_name_style_and_a_way_back(browser, tmp_path: Path,
                                                                          shots: Path) -> None:
    """A plain post with answers missing, as without JavaScript: the page it gets back."""
    (tmp_path / "site").mkdir()
    with serve_folder(tmp_path / "site") as site_url:
        config = ReceiverConfig(site_url=site_url, site_name=SITE_NAME, rate_limit=0,
                                choices=Choices(roles=(("prison", "Prison"), ("other", "Other"))))
        with threaded_receiver(config, tmp_path / "receiver.sqlite3") as receiver:
            form = ('<!doctype html><meta charset="utf-8"><title>form</title>'
                    f'<form method="post" action="{receiver.submit}"><input type="hidden" name="page" '
                    'value="cases/x/"><input type="hidden" name="kind" value="case"><button>Send</button></form>')
            (tmp_path / "site" / "form.html").write_text(form, encoding="utf-8")
            for viewport in (DESKTOP, MOBILE):
                context = browser.new_context(viewport=viewport)
                context.set_default_timeout(10_000)
                try:
                    opened = context.new_page()
                    console: list[str] = []
                    opened.on("console", lambda message, seen=console: seen.append(message.text))
                    opened.goto(site_url + "form.html")
                    with opened.expect_navigation(url=receiver.submit):
                        opened.get_by_role("button", name="Send").click()
                    header = opened.locator("header a")
                    assert header.inner_text() == SITE_NAME and header.get_attribute("href") == site_url
                    assert SITE_NAME in opened.title()
                    back = opened.locator("main a")
                    assert back.inner_text() == "Go back to the page's feedback form"
                    assert back.get_attribute("href") == f"{site_url}cases/x/#feedback"
                    # The style applied: its hash is in the policy (a refused style leaves the header white).
                    colour = opened.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
                    assert colour == "rgb(63, 81, 181)", "the receiver's style was refused by its own policy"
                    assert not [m for m in console if "Content Security Policy" in m], console
                    opened.screenshot(path=str(shots / f"form-receiver-{viewport['width']}.png"), full_page=True)
                finally:
                    context.close()
