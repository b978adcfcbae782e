"""Hostile ``page`` values posted to the receiver by a form on another page, in
headless Chromium: the receiver's refusal pages run no script (issue 8, §1
"Reflected script"). Found as a cross-site form posting ``page="><script>…``,
which ran script in the receiver's origin, on the 400 page (a form from the
site's own origin) and on the 403 page (a form from a foreign one)."""
from __future__ import annotations

import html
from collections.abc import Iterator

import pytest

from core.form import Choices
from feedback.receiver import ReceiverConfig
from tests.feedback.receivers import Receiver, threaded_receiver

from .conftest import DESKTOP, serve_folder

pytestmark = pytest.mark.browser

HOSTILE = [
    '"><script>window.__pwned=1;alert(1)</script>',
    'cases/x/"><img src=x onerror="window.__pwned=2;alert(2)">',
    "'><svg onload=\"window.__pwned=3;alert(3)\">",
    'cases/" autofocus onfocus="window.__pwned=4',
]


def attack_page(action: str, page: str) -> str:
    """A page that posts the feedback form, with a hostile ``page``, to the receiver as soon as it loads."""
    fields = {"page": page, "kind": "case", "intention": "practice", "role": "prison", "comments": "hello"}
    inputs = "".join(f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                     for name, value in fields.items())
    return (f'<!doctype html><meta charset="utf-8"><title>attack</title>'
            f'<form id="f" method="post" action="{html.escape(action)}">{inputs}</form>'
            f'<script>document.getElementById("f").submit()</script>')


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Receiver]]:
    """The site's origin and a foreign one (two ports of 127.0.0.1), and a receiver for the site."""
    root = tmp_path_factory.mktemp("receiver-pages")
    (root / "site").mkdir()
    (root / "foreign").mkdir()
    with serve_folder(root / "site") as site_url, serve_folder(root / "foreign") as foreign_url:
        config = ReceiverConfig(site_url=site_url, choices=Choices(roles=(("prison", "Prison"), ("other", "Other"))),
                                rate_limit=0)
        with threaded_receiver(config, root / "receiver.sqlite3") as receiver:
            for number, page in enumerate(HOSTILE):
                for folder in ("site", "foreign"):
                    (root / folder / f"attack-{number}.html").write_text(attack_page(receiver.submit, page),
                                                                         encoding="utf-8")
            yield site_url, foreign_url, receiver


@pytest.mark.parametrize("number", range(len(HOSTILE)))
@pytest.mark.parametrize(("origin", "status"), [("site", 400), ("foreign", 403)])
def test_a_hostile_page_runs_no_script_on_the_refusal_page(browser, sites: tuple[str, str, Receiver], number: int,
                                                           origin: str, status: int) -> None:
    site_url, foreign_url, receiver = sites
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        statuses: list[int] = []

        def on_dialog(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda response: statuses.append(response.status)
                if response.url == receiver.submit else None)
        attacker = (site_url if origin == "site" else foreign_url) + f"attack-{number}.html"
        page.goto(attacker)
        page.wait_for_url(receiver.submit)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # time for an image's error handler, had one been made
        assert statuses == [status]
        assert page.locator("h1").inner_text() == "There is a problem with your feedback"
        assert dialogs == [], "the refusal page opened a dialog: script ran"
        assert page.evaluate("() => typeof window.__pwned") == "undefined", "the refusal page ran script"
        assert errors == []
        back = page.locator("main a").get_attribute("href")
        assert back == site_url, f"the link back was made from the posted value: {back!r}"
    finally:
        context.close()
