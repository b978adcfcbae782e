"""The review desk in headless Chromium, as a reviewer uses it: five comments reviewed (two
approved, one by its keyboard shortcut; one rejected with R; one forgotten after the
confirmation page; the rejection undone), then published, and the built feedback pages
checked. Every page of the desk passes the site's axe checks. A form on another site that
posts to the desk is refused.

The screenshots (desk-*.png in /tmp/showcase-shots) are the README's pictures of the desk.
"""
from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest

from feedback.store import Store
from tests.feedback.desk.helpers import COMMENTS, EMAIL, DeskProject, desk_project, running_desk
from tests.feedback.publishing.data import feedback_url
from tests.site.sites import build_ok

from .axe import axe_violations, require_axe
from .conftest import DESKTOP, MOBILE, serve_folder

pytestmark = pytest.mark.browser
PUBLISHED_TWO = "DESK-TWO: write to me at [email address removed] and I will share our terms of reference."


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[DeskProject, str]]:
    made = desk_project(tmp_path)
    with running_desk(made.project) as address:
        yield made, address


def statuses(made: DeskProject) -> dict[str, str | None]:
    store = Store(made.store_path)
    try:
        return {key: (s.status if (s := store.get(number)) else None) for key, number in made.ids.items()}
    finally:
        store.close()


def checked(page, name: str, shots: Path) -> None:
    """No axe violation at either width; a screenshot at the desktop width."""
    for width in (MOBILE, DESKTOP):
        page.set_viewport_size(width)
        assert axe_violations(page) == [], f"{name} at {width['width']} px"
    page.screenshot(path=str(shots / f"desk-{name}.png"), full_page=True)


def test_a_review_from_five_comments_to_the_published_pages(browser, desk, shots: Path, tmp_path: Path) -> None:
    require_axe()
    made, address = desk
    ids = made.ids
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # for axe's injected script only
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(address)
    assert "5 comments waiting for a decision" in page.inner_text("#waiting")
    assert EMAIL not in page.content()
    checked(page, "review", shots)

    # Typing in the filters decides nothing: the shortcuts work only in a comment's row.
    page.focus("#filter-state")
    page.keyboard.press("a")
    page.keyboard.press("r")
    assert set(statuses(made).values()) == {"pending"}
    page.focus(f"#select-{ids['d1']}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == f"select-{ids['d2']}"

    with page.expect_navigation():
        page.click(f"tr[data-id='{ids['d1']}'] button[data-key=a]")
    assert f"Approved #{ids['d1']}" in page.inner_text(".banner")
    page.focus(f"#select-{ids['d2']}")
    with page.expect_navigation():
        page.keyboard.press("a")
    page.focus(f"#select-{ids['d3']}")
    with page.expect_navigation():
        page.keyboard.press("r")
    assert f"Rejected #{ids['d3']}" in page.inner_text(".banner")
    checked(page, "decided", shots)

    page.check(f"#select-{ids['d4']}")
    with page.expect_navigation():
        page.click("button[name=bulk][value=forget]")
    assert "This cannot be undone" in page.inner_text("main")
    assert statuses(made)["d4"] == "pending"
    checked(page, "forget", shots)
    with page.expect_navigation():
        page.click("#confirm-forget")
    assert f"Deleted #{ids['d4']} for good" in page.inner_text(".banner")

    with page.expect_navigation():
        page.click("#undo")  # the last approve or reject: forgetting cannot be undone
    assert f"Undone: #{ids['d3']} is waiting for review again." in page.inner_text(".banner")
    assert statuses(made) == {"d1": "approved", "d2": "approved", "d3": "pending", "d4": None, "d5": "pending"}
    assert "2 comments waiting for a decision" in page.inner_text("#waiting")

    with page.expect_navigation():
        page.click("text=Preview and publish")
    assert page.inner_text("#preview-total") == "fewer than 5"  # four responses left on the case
    assert page.inner_text("#preview-comments") == "2"
    assert [t.strip() for t in page.locator(".comments .text").all_inner_texts()] == [COMMENTS[0], PUBLISHED_TWO]
    checked(page, "preview", shots)
    with page.expect_navigation():
        page.click("#publish")
    assert "Published" in page.inner_text(".panel")
    checked(page, "published", shots)
    context.close()
    assert errors == []

    built = build_ok(made.project, tmp_path / "site")
    shown = (built.site / feedback_url(made.case.url) / "index.html").read_text(encoding="utf-8")
    assert html.escape(COMMENTS[0], quote=False) in shown and html.escape(PUBLISHED_TWO, quote=False) in shown
    for marker in ("DESK-THREE", "DESK-FOUR", "DESK-FIVE", EMAIL):
        assert marker not in shown
    assert "Fewer than 5 responses so far" in shown


def test_a_form_on_another_site_cannot_post_to_the_desk(browser, desk, tmp_path: Path) -> None:
    require_axe()
    made, address = desk
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # for axe's injected script only
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(address)  # the reviewer has the desk open, with its session cookie
    (tmp_path / "attack").mkdir()
    (tmp_path / "attack" / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>attack</title>'
        f'<form id="f" method="post" action="{address}decide"><input name="bulk" value="approve">'
        + "".join(f'<input name="ids" value="{n}">' for n in made.ids.values())
        + '</form><script>document.getElementById("f").submit()</script>', encoding="utf-8")
    with serve_folder(tmp_path / "attack") as attack:
        with page.expect_navigation(url=f"{address}decide"):
            page.goto(attack)
        assert "nothing was changed" in page.inner_text("main")
        assert axe_violations(page) == []
    context.close()
    assert set(statuses(made).values()) == {"pending"}
