"""The receiver's own page (issue 10, §6): it carries the site's name from mkdocs.yml, the
site's look from one <style> allowed by its hash, and a link back to the page. Chromium
checks that the style applies under the policy in tests/browser/test_form_and_pages.py."""
from __future__ import annotations

import base64
import hashlib

from bs4 import BeautifulSoup

from ..conftest import SITE_URL
from ..receivers import CASE_PAGE, Receiver, valid_form

SITE_NAME = "Good practice in justice sector learning"  # the example mkdocs.yml's site_name


def test_the_refusal_page_names_the_site_and_links_back(cli: Receiver) -> None:
    response = cli.post(valid_form(role="judge"))
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    home = soup.select_one("header a")
    assert home is not None and home.get_text(strip=True) == SITE_NAME and home["href"] == SITE_URL
    assert SITE_NAME in soup.title.get_text()
    back = soup.select_one("main a[href]")
    assert back["href"] == f"{SITE_URL}{CASE_PAGE}#feedback"
    assert back.get_text(strip=True) == "Go back to the page's feedback form"


def test_the_page_style_is_allowed_by_its_hash_and_nothing_else(cli: Receiver) -> None:
    response = cli.post(valid_form(role="judge"))
    policy = {d.split()[0]: d.split()[1:] for d in response.headers["Content-Security-Policy"].split(";")
              if d.strip()}
    style = BeautifulSoup(response.text, "html.parser").find_all("style")
    assert len(style) == 1
    digest = base64.b64encode(hashlib.sha256(style[0].string.encode("utf-8")).digest()).decode()
    assert policy["style-src"] == [f"'sha256-{digest}'"], "only this page's own style may apply"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
