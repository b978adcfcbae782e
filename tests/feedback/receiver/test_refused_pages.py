"""Hostile ``page`` values on the refusal pages: everything escaped, and the link
back built only from a page address that passed the check (issue 8, §1 "Reflected
script" and "Page addresses"). Chromium runs the same attack in
tests/browser/test_receiver_pages.py."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ..conftest import SITE_URL
from ..receivers import CASE_PAGE, Receiver, valid_form

FOREIGN = "https://evil.example.com"
# What a cross-site form posted; each must come back as text, never as markup.
HOSTILE_PAGES = [
    '"><script>window.__pwned=1</script>',
    "cases/x/\"><img src=x onerror=\"window.__pwned=2\">",
    "'><svg onload=window.__pwned=3>",
    'cases/" autofocus onfocus="window.__pwned=4',
    "cases/</a><script>window.__pwned=6</script>/",
]


def back_link(html: str) -> str:
    return BeautifulSoup(html, "html.parser").select_one("main a[href]")["href"]


def assert_inert(html: str, page: str) -> None:
    """Nothing of the posted value is markup: no element, attribute or script came from it."""
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("svg") is None
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on") or name == "autofocus"], element
    assert "__pwned" not in html, "the posted value was written into the page"
    assert back_link(html) == SITE_URL, "the link back was made from an address that failed the check"


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_a_hostile_page_on_the_400_page_is_inert(cli: Receiver, page: str) -> None:
    response = cli.post(valid_form(page=page))
    assert response.status_code == 400 and response.headers["Content-Type"].startswith("text/html")
    assert_inert(response.text, page)


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_a_hostile_page_on_the_foreign_origin_403_page_is_inert(cli: Receiver, page: str) -> None:
    response = cli.post(valid_form(page=page), headers={"Origin": FOREIGN})
    assert response.status_code == 403 and response.headers["Content-Type"].startswith("text/html")
    assert_inert(response.text, page)


def test_the_refusal_pages_allow_no_script_at_all(cli: Receiver) -> None:
    """A second defence behind escaping: were markup ever written out, the browser would not run it."""
    for response in (cli.post(valid_form(page=HOSTILE_PAGES[0])),
                     cli.post(valid_form(page=HOSTILE_PAGES[0]), headers={"Origin": FOREIGN})):
        directives = response.headers["Content-Security-Policy"].split(";")
        policy = {d.split()[0]: d.split()[1:] for d in directives if d.strip()}
        assert policy["default-src"] == ["'none'"] and "script-src" not in policy
        assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]


def test_the_link_back_uses_the_checked_address(cli: Receiver) -> None:
    """A page that passed the check (even with another error in the form) is linked, normalised."""
    response = cli.post(valid_form(page="Cases/Learner-Council-HMP-Eastwold", role="judge"))
    assert response.status_code == 400
    assert back_link(response.text) == f"{SITE_URL}Cases/Learner-Council-HMP-Eastwold/#feedback"


@pytest.mark.parametrize("length", [201, 1_000, 10_000])
def test_a_page_address_that_is_too_long_is_refused(cli: Receiver, length: int) -> None:
    """Such addresses reached the published overview as unmoderated text."""
    page = ("buy-cheap-pills-call-0800-000000/" * 400)[: length - 1] + "/"
    assert len(page) == length
    before = cli.count()
    json = cli.post_json(valid_form(page=page))
    assert json.status_code == 400 and set(json.json()["errors"]) == {"page"}
    plain = cli.post(valid_form(page=page))
    assert plain.status_code == 400 and back_link(plain.text) == SITE_URL
    assert page not in plain.text
    assert cli.count() == before


def test_a_page_address_of_200_characters_is_accepted_normalised(cli: Receiver) -> None:
    page = ("a" * 99 + "/") * 2  # exactly 200 with its one trailing slash
    assert len(page) == 200
    response = cli.post_json(valid_form(page=page + "/"))  # a second slash goes
    assert response.status_code == 201, response.text
    assert cli.rows("id = ?", (response.json()["id"],))[0]["page"] == page
    assert cli.post_json(valid_form(page=CASE_PAGE.rstrip("/"))).status_code == 201


def test_the_refusal_template_escapes_what_it_is_given(make_config, tmp_path) -> None:
    """The receiver's own template environment: every value escaped, whatever the caller passes."""
    from feedback.inbox import Inbox
    from feedback.receiver import create_app

    inbox = Inbox(tmp_path / "escape.sqlite3")
    try:
        app = create_app(make_config(), inbox)
        with app.test_request_context("/submit"):
            html = app.jinja_env.get_template("refused.html.j2").render(
                message="<script>window.__pwned=1</script>", errors={"x": "<b onclick=x>bold</b>"},
                back='https://showcase.example.org/" onmouseover="x', knows_page=True)
    finally:
        inbox.close()
    assert "<script>" not in html and "<b " not in html and '" onmouseover' not in html
    assert "&lt;b onclick=x&gt;bold&lt;/b&gt;" in html
