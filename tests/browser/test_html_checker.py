"""The Nu Html Checker (vnu-jar, the W3C's checker) finds no error in the markup this
project writes (issue 10, §1): one page of every kind the build writes, the search
page, the published feedback, and the receiver's own error page.

Material for MkDocs' own markup has a few errors we cannot change from here; they are
listed in MATERIAL, each with where it comes from, and only those are let through.
Marked `browser` with the other checks that need tools from outside Python (Java and
node_modules); it skips without them on a laptop and fails under CI.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from core.form import Choices
from feedback.receiver import ReceiverConfig
from tests.feedback.publishing.data import FeedbackSite as PublishedSite
from tests.feedback.publishing.data import feedback_url
from tests.feedback.receivers import threaded_receiver
from tests.site.sites import Built

from .axe import Message, require_vnu, vnu_errors
from .test_accessibility import static_pages

pytestmark = pytest.mark.browser

# Errors in markup that Material for MkDocs writes (its templates, in the installed package),
# not Showcase: (what the message says, a pattern its extract matches, why).
MATERIAL: list[tuple[str, str, str]] = [
    ("Attribute “autocomplete” is only allowed when the input type is",
     r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" '
     r'autocomplete="off">',
     "material/templates/base.html: the drawer's and search's toggles, checkboxes with autocomplete=off "
     "(so that Firefox does not restore them open)"),
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     r'<label class="md-nav__title" for="__toc">',
     "material/templates/partials/toc.html: the contents list's title labels a checkbox that is only in "
     "the page when the contents list is part of the navigation (toc.integrate)"),
]

# A page with errors of the kinds a template slip makes, checked in the same run: the
# checker (and the reading of its report) must find them, or a pass here would mean nothing.
BROKEN = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>broken</title></head><body>'
          '<main><p id="twice">one</p><p id="twice">two</p><ul><p>not a list item</p></ul></main></body></html>')


def from_material(message: Message) -> bool:
    return any(re.search(text, message.text) and re.search(extract, message.extract)
               for text, extract, _why in MATERIAL)


def receiver_error_page(tmp_path: Path) -> str:
    """What the receiver answers a plain form post with missing answers: its error page."""
    site_url = "http://127.0.0.1:9/"
    config = ReceiverConfig(site_url=site_url, choices=Choices(roles=(("prison", "Prison"), ("other", "Other"))),
                            rate_limit=0)
    with threaded_receiver(config, tmp_path / "receiver.sqlite3") as receiver:
        answer = requests.post(receiver.submit, data={"page": "cases/x/", "kind": "case"},
                               headers={"Origin": site_url.rstrip("/")}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "text/html" in answer.headers["Content-Type"], answer.text[:300]
    return answer.text


@pytest.mark.timeout(300)
def test_the_html_checker_finds_no_error_in_the_markup_showcase_writes(built_example: Built, fsite: PublishedSite,
                                                                       tmp_path: Path) -> None:
    java = require_vnu()
    files = [built_example.page(url) for url in static_pages(built_example.project).values()]
    files.append(built_example.page("search/"))
    files += [fsite.built.page("feedback/"), fsite.built.page(feedback_url(fsite.case_a.url))]
    refused = tmp_path / "receiver-error.html"
    refused.write_text(receiver_error_page(tmp_path), encoding="utf-8")
    files.append(refused)
    for file in files:
        assert file.is_file(), f"{file} was not written"

    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")

    found = vnu_errors(java, [*files, broken])
    assert len([e for e in found if e.file.endswith("/broken.html")]) >= 2, "the checker missed known errors"
    errors = [e for e in found if not e.file.endswith("/broken.html")]
    ours = [e for e in errors if not from_material(e)]
    assert ours == [], f"the Nu Html Checker finds {len(ours)} errors:\n" + "\n".join(map(str, ours))
    assert len(errors) - len(ours) <= 3 * len(files), "more of Material's errors than the allow-list expects"
