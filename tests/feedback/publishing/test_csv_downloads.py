"""Each feedback page offers its figures as a CSV file, made by the build beside it.

The review-and-publish site (``fsite``: a real publish and `mkdocs build --strict`, see
data.py) is read as a visitor would: follow the link, open the CSV, and find in it the very
figures the page's tables show, hidden words and all. The link is relative to the page's own
file, so it works below a sub-path and from a folder without a server.
"""
from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup

from tests.site.sites import article, h2, resolve, section_after, slug, text_of

from .data import EXPECTED_A, INTENTION_LABELS, FeedbackSite, feedback_url

LINK_TEXT = "Download this page's figures (CSV)"
OVERVIEW = "feedback/"


def download_link(soup: BeautifulSoup) -> str:
    links = [a for a in article(soup).find_all("a") if text_of(a) == LINK_TEXT]
    assert len(links) == 1, f"expected one {LINK_TEXT!r} link, found {len(links)}"
    href = links[0]["href"]
    assert not href.startswith(("/", "http:", "https:")), f"{href} is not relative: it breaks under a sub-path"
    return href


def read_table(data: bytes) -> dict[str, list[list[str]]]:
    """The CSV's rows by part (Excel's BOM and CRLF, the header row first)."""
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Part", "Item", "Value"]
    parts: dict[str, list[list[str]]] = {}
    for part, item, value in rows[1:]:
        parts.setdefault(part, []).append([item, value])
    return parts


def page_table(soup: BeautifulSoup, heading: str) -> list[list[str]]:
    for element in section_after(h2(soup, heading)):
        if element.name == "table":
            return [[text_of(cell) for cell in row.find_all("td")] for row in element.select("tbody tr")]
    raise AssertionError(f"no table after {heading!r}")


def csv_of(fsite: FeedbackSite, url: str) -> tuple[BeautifulSoup, dict[str, list[list[str]]], bytes]:
    soup = fsite.built.soup(url)
    target = resolve(url, download_link(soup))
    path = fsite.site / target
    assert path.is_file(), f"the link on {url} goes to {target}, which is not in the site"
    return soup, read_table(path.read_bytes()), path.read_bytes()


def test_a_feedback_page_links_to_a_csv_of_the_tables_it_shows(fsite: FeedbackSite) -> None:
    url = feedback_url(fsite.case_a.url)
    soup, parts, data = csv_of(fsite, url)
    for heading in ("What brought people here", "Who responded"):
        assert parts[heading] == page_table(soup, heading), heading
    ratings = page_table(soup, "How useful people found it")
    assert parts["How useful people found it"][1:] == [[f"Rated {n}", count] for n, count in ratings]
    assert parts["How useful people found it"][0] == ["People who rated it", "5 or more"]
    # The page's hidden words, as written out in data.py: A's reasons are all below 5.
    intentions = EXPECTED_A["by_intention"]
    assert isinstance(intentions, dict)
    assert parts["What brought people here"] == [[INTENTION_LABELS[k], "fewer than 5"] for k in intentions]
    assert parts["Responses"] == [["All", "7"]]
    about = dict(parts["About these figures"])
    assert about["Figures of"] == f"{fsite.case_a.title} ({fsite.case_a.url})"
    assert about["Threshold"] == "5" and "\"fewer than 5\"" in about["Hidden counts"]
    assert about["Built"].endswith(", from the published figures this site shows")
    assert b"APPROVED-ONE" not in data, "comments are not figures: the CSV holds none"


def test_a_page_below_the_threshold_offers_no_csv(fsite: FeedbackSite) -> None:
    """It shows no table, only that it has fewer responses: a file would add nothing."""
    url = feedback_url(fsite.case_b.url)
    assert LINK_TEXT not in text_of(article(fsite.built.soup(url)))
    csvs = sorted(p.relative_to(fsite.site).as_posix() for p in (fsite.site / "feedback").rglob("*.csv"))
    assert csvs == sorted(["feedback/figures.csv", *(f"feedback/figures/{slug(page.url)}.csv" for page in
                                                   (fsite.case_a, fsite.case_c))]), "A and C have tables"


def test_the_overview_links_to_a_csv_of_its_tables(fsite: FeedbackSite) -> None:
    soup, parts, _ = csv_of(fsite, OVERVIEW)
    assert parts["Responses by month"] == page_table(soup, "Responses by month")
    assert parts["What brought people to the pages"] == page_table(soup, "What brought people to the pages")
    assert parts["Who responded"] == page_table(soup, "Who responded")
    assert parts["Responses"][0][0] == "All pages"


def test_the_link_works_from_the_files_themselves(fsite: FeedbackSite) -> None:
    """Opened from a folder (file://) or served below a sub-path, a link relative to the page's own
    file reaches the CSV: it is resolved here against the HTML file, as a browser does offline."""
    for url in (OVERVIEW, feedback_url(fsite.case_a.url)):
        page = fsite.built.page(url)
        target = (page.parent / download_link(fsite.built.soup(url))).resolve()
        assert target.is_file() and target.is_relative_to(fsite.site.resolve()), f"{target} from {page}"
        assert target.suffix == ".csv"
