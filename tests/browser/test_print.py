"""Print and PDF (issue 10, §2) in headless Chromium, with print media emulated: a case or
chapter prints without the site's navigation, header, search, contents or form; keeps its
metadata; writes out each link's address after its text; cuts nothing off; and ends with the
site's name and the page's address. A whole toolkit prints, as a PDF, from one page reached
from its contents page, with every chapter in order.

Screenshots of the printed pages go to /tmp/showcase-shots/print-*.png.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from pypdf import PdfReader

from tests.site.sites import Built, first_chapter, read_cases, read_toolkit

from .conftest import DESKTOP, MOBILE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

# What paper has no use for, and must not show: (what it is, its selector on the page).
HIDDEN = [
    ("the header", ".md-header"),
    ("the navigation drawer or sidebar", ".md-sidebar--primary"),
    ("the table of contents", ".md-sidebar--secondary"),
    ("the search box", "form[role=search]"),
    ("the feedback form", ".sc-feedback"),
    ("the footer", ".md-footer"),
]

# For each element: shown at all (neither it nor an ancestor has display: none), per its computed style.
DISPLAYED = """elements => elements.map(element => {
  for (let node = element; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.display === "none" || style.visibility === "hidden") return false;
  }
  return true;
})"""

# Every link in the article whose address is not a place on this page: its text, href, and ::after content.
LINKS = """article => [...article.querySelectorAll("a[href]")]
  .filter(a => !a.getAttribute("href").startsWith("#") && !a.closest(".sc-feedback"))
  .map(a => ({text: a.textContent.trim(), href: a.href, after: getComputedStyle(a, "::after").content}))"""

# Elements of the article that would cut their content off: clipped and with more in them than shows.
CUT_OFF = """article => [...article.querySelectorAll("*")].filter(element => {
  const style = getComputedStyle(element);
  const clips = value => value === "hidden" || value === "clip" || value === "auto" || value === "scroll";
  return (clips(style.overflowX) && element.scrollWidth > element.clientWidth + 1)
      || (clips(style.overflowY) && element.scrollHeight > element.clientHeight + 1);
}).map(element => element.tagName + "." + element.className)"""


def site_settings(project: Path) -> tuple[str, str]:
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    return str(config["site_name"]), str(config.get("site_url") or "")


def printed_address(base_url: str, site_url: str, absolute: str) -> str:
    """What the page should write after a link to ``absolute`` (a URL on the test server)."""
    if not absolute.startswith(base_url):
        return absolute
    path = absolute[len(base_url):]
    return site_url.rstrip("/") + "/" + path if site_url else "/" + path


def displayed(page, selector: str) -> list[bool]:
    return page.eval_on_selector_all(selector, DISPLAYED)


@pytest.mark.parametrize("kind", ["case", "chapter"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280", "375"])
def test_a_printed_page_has_its_content_and_links_written_out_without_the_site_around_it(
        page, base_url: str, built_example: Built, shots: Path, kind: str, viewport: dict[str, int]) -> None:
    site_name, site_url = site_settings(built_example.project)
    url = read_cases(built_example.project)[0].url if kind == "case" else first_chapter(built_example.project).url
    page.set_viewport_size(viewport)
    page.goto(base_url + url)
    # On screen the page has all of these, so the checks below are not about missing elements.
    # (The sidebars are closed drawers at 375 px: there only that they exist.)
    for what, selector in HIDDEN:
        on_screen = displayed(page, selector)
        assert on_screen and (any(on_screen) or "sidebar" in selector), \
            f"{what} ({selector}) is not on the {kind} page on screen: update the test's selectors"
    assert not any(displayed(page, ".sc-colophon")), "the closing address shows on screen"

    page.emulate_media(media="print")
    page.screenshot(path=str(shots / f"print-{kind}-{viewport['width']}.png"), full_page=True)
    for what, selector in HIDDEN:
        assert not any(displayed(page, selector)), f"{what} ({selector}) is printed"

    if kind == "chapter":  # previous, contents, next: links to click, not to read on paper
        assert displayed(page, ".sc-pager") == [False], "the chapter's pager is printed"
    if kind == "case":
        assert displayed(page, ".sc-meta") == [True], "the metadata panel is not printed"
        assert page.locator(".sc-meta").inner_text().startswith("About this case study")

    links = page.eval_on_selector("article", LINKS)
    assert len(links) >= 3, f"the {kind} page has too few links to test"
    for link in links:
        address = printed_address(base_url, site_url, link["href"])
        if link["text"] in (address, link["href"]):
            assert link["after"] in ("none", "normal"), f"{link['href']} is written out twice"
        else:
            assert link["after"] == f'" ({address})"', f"the link {link['text']!r} prints {link['after']}"
    anchors = page.eval_on_selector_all("article a[href^='#']",
                                        "links => links.map(a => getComputedStyle(a, '::after').content)")
    assert all(after in ("none", "normal") for after in anchors), "links to a place on the page print an address"

    colophon = page.locator(".sc-colophon")
    expected = f"{site_name}: {site_url + url if site_url else '/' + url}"
    assert colophon.is_visible() and colophon.inner_text() == expected
    # It is the last thing printed in the article.
    last = page.eval_on_selector("article", """article => {
      const shown = [...article.querySelectorAll("*")].filter(e => e.getClientRects().length && e.innerText?.trim());
      return Math.max(...shown.map(e => e.getBoundingClientRect().bottom));
    }""")
    assert colophon.bounding_box()["y"] + colophon.bounding_box()["height"] >= last - 1

    assert page.eval_on_selector("article", CUT_OFF) == [], "content cut off in print"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "print runs off the page"


def test_a_whole_toolkit_prints_as_one_pdf_with_every_chapter_in_order(
        page, base_url: str, built_example: Built, shots: Path) -> None:
    toolkit = first_chapter(built_example.project).toolkit
    _, chapters = read_toolkit(built_example.project, toolkit)
    page.goto(base_url + f"toolkit/{toolkit}/")
    page.get_by_role("link", name="Print or save the whole toolkit").click()
    page.wait_for_load_state()
    assert page.url == urljoin(base_url, f"toolkit/{toolkit}/print/")

    titles = [chapter.title for chapter in chapters]
    headings = page.locator("article h2.sc-print-chapter").all_inner_texts()
    assert [re.sub(r"\s*¶$", "", h).strip() for h in headings] == titles
    contents = page.locator("nav.sc-print-contents a").all_inner_texts()
    assert contents == titles

    page.emulate_media(media="print")
    page.screenshot(path=str(shots / "print-toolkit-1280.png"), full_page=True)
    for what, selector in HIDDEN[:4]:
        assert not any(displayed(page, selector)), f"{what} ({selector}) is printed"
    pdf = page.pdf(format="A4", print_background=False)
    (shots / "print-toolkit.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    # Each chapter starts a new sheet, after the introduction and contents.
    assert pages > len(chapters), f"the PDF has {pages} pages for {len(chapters)} chapters"
    # The PDF's own text, as a reader (or a screen reader) gets it, in order: the contents
    # list names every chapter, then each chapter starts its own sheet, in the toolkit's order.
    sheets = [" ".join((sheet.extract_text() or "").split()) for sheet in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(sheets)
    listed = [text.find(title) for title in titles]
    assert -1 not in listed and listed == sorted(listed), "the contents list is missing a chapter or out of order"
    starts = [next((n for n, sheet in enumerate(sheets) if sheet.startswith(title)), None) for title in titles]
    assert None not in starts, f"a chapter does not start a sheet of its own: {dict(zip(titles, starts, strict=True))}"
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "chapters out of order in the PDF"
    before = " ".join(sheets[: starts[0]])
    assert all(title in before for title in titles), "the contents list does not come before the first chapter"
    for words in ("Skip to content", "Is this page useful", "Send feedback", "Search"):
        assert words not in text, f"{words!r} is in the PDF: the site around the toolkit was printed"
    site_name = yaml.safe_load((built_example.project / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]
    assert site_name in sheets[-1], "the last sheet does not end with the site's name"
