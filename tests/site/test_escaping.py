"""Text from case files appears exactly as written: never as HTML, Markdown or template code.

The fixture tests/fixtures/sites/escaping has a case whose title, provider,
summary and quote carry ``<script>alert(n)</script>``, ``*stars*``,
``[link](http://evil)`` and ``{{ x }}``, and a neighbour whose summary has
``<50%``, ``>80%`` and double quotes.
"""
from __future__ import annotations

import pytest

from .sites import Built, article, read_cases, text_of

HOSTILE = "cases/hostile/"
NEIGHBOUR = "cases/neighbour/"
PAGES_WITH_IT = ["", "cases/", HOSTILE, NEIGHBOUR, "themes/plain-theme/"]


@pytest.fixture(scope="module")
def hostile(escaping: Built):
    return next(c for c in read_cases(escaping.project) if c.slug == "hostile")


def _body(escaping: Built, url: str):
    return article(escaping.soup(url))


def test_fixture_is_what_the_tests_expect(hostile) -> None:
    for value in (hostile.title, hostile.provider, hostile.summary, hostile.quote["text"]):
        for part in ("<script>", "*stars*", "[link](http://evil)", "{{ x }}"):
            assert part in value


def test_no_markup_from_the_fields_in_generated_content(escaping: Built) -> None:
    """Cards, the summary, the panel, related lists and the quote: no element comes from a field.

    (The page's own <h1> comes from the theme, and is test_title_makes_no_element_on_the_case_page.)
    """
    for url in PAGES_WITH_IT:
        body = _body(escaping, url)
        scripts = [s for s in body.find_all("script") if "alert" in s.get_text() and s.find_parent("h1") is None]
        assert scripts == [], url
        assert body.find("a", href=lambda h: h and "//evil" in h) is None, url
        assert body.find("em") is None, url
        assert body.find("b") is None, url
        assert "{{ x }}" in text_of(body), url


def test_fields_read_as_plain_text_where_the_generator_writes_them(escaping: Built, hostile) -> None:
    page = _body(escaping, HOSTILE)
    assert "*stars* [link](http://evil) {{ x }}" in text_of(page.select_one("p.sc-summary"))
    quote = page.select_one("figure.sc-quote")
    assert text_of(quote.find("blockquote")) == hostile.quote["text"]
    assert text_of(quote.find("figcaption")) == "Speaker <b>bold</b>, Learner"
    card = _body(escaping, "cases/").select_one("li.sc-card")
    assert "[link](http://evil) {{ x }}" in text_of(card.select_one(".sc-card__title"))


def test_fields_appear_exactly_as_written(escaping: Built, hostile) -> None:
    page = _body(escaping, HOSTILE)
    assert text_of(page.select_one("p.sc-summary")) == hostile.summary
    provider = next(dt for dt in page.select("aside.sc-meta dt") if text_of(dt) == "Provider")
    assert text_of(provider.find_next_sibling("dd")) == hostile.provider
    card = _body(escaping, "cases/").select_one("li.sc-card")
    assert text_of(card.select_one(".sc-card__title")) == hostile.title
    assert text_of(card.select_one(".sc-card__summary")) == hostile.summary
    neighbour = next(c for c in read_cases(escaping.project) if c.slug == "neighbour")
    assert text_of(_body(escaping, NEIGHBOUR).select_one("p.sc-summary")) == neighbour.summary


def test_title_makes_no_element_on_the_case_page(escaping: Built, hostile) -> None:
    soup = escaping.soup(HOSTILE)
    assert [s for s in soup.find_all("script") if "alert" in s.get_text()] == []
    assert text_of(article(soup).find("h1")) == hostile.title
    assert soup.find("title").get_text().startswith(hostile.title)


def test_summary_is_the_meta_description(escaping: Built) -> None:
    for case in read_cases(escaping.project):
        meta = escaping.soup(case.url).find("meta", attrs={"name": "description"})
        assert meta["content"] == case.summary, case.slug
        assert set(meta.attrs) == {"name", "content"}, case.slug
