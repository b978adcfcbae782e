"""No page asks another host for anything (issue 10, §4): no fonts, scripts, images or
analytics from elsewhere. Readers on locked-down networks get the whole page, and no third
party learns who read what.

The ``page`` fixture (tests/browser/conftest.py) fails a test on any request off the site's
origin; the other browser tests visit only some kinds of page, so this one opens every kind
the build writes, and the search with results, and waits until nothing more is loading.
"""
from __future__ import annotations

import pytest

from tests.site.sites import Built

from .test_accessibility import STATIC_KINDS, static_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kind", [*STATIC_KINDS, "search"])
def test_no_page_asks_another_host_for_anything(page, base_url: str, built_example: Built, kind: str) -> None:
    url = "search/?q=learner" if kind == "search" else static_pages(built_example.project)[kind]
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(base_url + url)
    if kind == "search":
        page.locator("[data-search-result]").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    # Not a pass by default: the page did load its own styles and scripts (the fixture
    # fails the test, after it, on any of these that went to another host).
    assert any(address.startswith(base_url) and address.endswith(".css") for address in asked), asked
    assert any(address.startswith(base_url) and address.endswith(".js") for address in asked), asked
