"""The offline edition (issue 10, §5): `make offline`'s zip, unzipped and opened from
file:// in Chromium, as a prison education department with no internet would open it.

The edition is built once for the module, by the function `make offline` runs
(generator.offline.build_offline), from a copy of the example site. Chromium needs
no --allow-file-access-from-files: Material's offline search reads its index from a
<script> (search/search_index.js) and runs its worker in an iframe (the iframe-worker
shim), both of which a page opened from the file system may do.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.browser.axe import require
from tests.browser.conftest import DESKTOP, MOBILE
from tests.builds import REPO, copy_example

SHIM = REPO / "node_modules" / "iframe-worker" / "shim" / "index.js"
# A case, and a word that is in its provider's name: the search must find it first.
CASE = "cases/coaching-prison-leavers-firthgate-trust.html"
CASE_SOURCE = "cases/coaching-prison-leavers-firthgate-trust.md"
WORD = "Firthgate"
WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition's zip, unzipped into a folder of its own: the folder."""
    require(f"the iframe-worker shim ({SHIM})", SHIM.is_file())
    from generator.offline import build_offline

    folder = tmp_path_factory.mktemp("offline")
    project = copy_example(folder / "project")
    zip_file = folder / "offline.zip"
    build_offline(project / "mkdocs.yml", zip_file, timeout=300)
    unzipped = folder / "unzipped"
    with zipfile.ZipFile(zip_file) as archive:
        archive.extractall(unzipped)
    assert not list(project.glob(".showcase-offline-*")), "the generated configuration was left behind"
    return unzipped


def _title(case_file: Path) -> str:
    """The case's title, from its own front matter."""
    text = case_file.read_text(encoding="utf-8")
    assert WORD in text, f"{case_file} no longer has the word {WORD}: choose another case and word"
    return str(yaml.safe_load(text.split("---")[1])["title"])


@pytest.fixture(scope="module")
def soups(offline: Path) -> dict[Path, BeautifulSoup]:
    """Every page of the edition, parsed once for the module's checks (do not change them)."""
    return {page: BeautifulSoup(page.read_text(encoding="utf-8"), "lxml") for page in sorted(offline.rglob("*.html"))}


# ------------------------------------------------------------------ the configuration

def test_the_configuration_keeps_the_sites_own_plugins_and_options(tmp_path: Path) -> None:
    """MkDocs' INHERIT replaces lists, so the edition writes ``plugins:`` out whole: none of the site's may be lost."""
    from generator.offline import SHIM, offline_config

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: A site\nextra: {analytics: none}\nplugins:\n  - search\n  - showcase:\n"
                      "      cases_dir: studies\n      feedback: {backend: link, link_url: !ENV SURVEY}\n"
                      "  - tags: {enabled: !ENV [TAGS, true]}\n", encoding="utf-8")
    generated = yaml.load(offline_config(config), Loader=yaml.BaseLoader)  # BaseLoader reads custom tags as text
    assert generated["INHERIT"] == "mkdocs.yml" and generated["use_directory_urls"] == "false"
    names = [next(iter(p)) if isinstance(p, dict) else p for p in generated["plugins"]]
    assert names == ["search", "offline", "showcase", "tags"]
    showcase = generated["plugins"][2]["showcase"]
    assert showcase == {"cases_dir": "studies", "search": "off", "online_urls": "folders",
                        "feedback": {"backend": "offline", "link_url": "SURVEY"}}
    text = offline_config(config)
    assert "link_url: !ENV 'SURVEY'" in text and "enabled: !ENV [TAGS, true]" in text, \
        "a tagged option (!ENV) was not written back as it was"
    assert generated["extra"] == {"polyfills": [SHIM]}, "only the shim's own copy: the rest of extra is inherited"


# ------------------------------------------------------------------ the files

def test_every_link_and_asset_is_a_relative_file(offline: Path, soups: dict[Path, BeautifulSoup]) -> None:
    """From the file system a folder address (cases/) or a root-relative one (/assets/...) opens nothing."""
    assert (offline / "index.html").is_file() and (offline / CASE).is_file()
    broken: list[str] = []
    for page, soup in soups.items():
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                value = element.get(attribute)
                if not value or element.get("rel") == ["canonical"]:
                    continue
                parts = urlsplit(value)
                if parts.scheme or parts.netloc:
                    if tag != "a":  # a reader may follow a link out when online; nothing loads one
                        broken.append(f"{page.relative_to(offline)}: <{tag} {attribute}={value}>")
                    continue
                if not parts.path:
                    continue  # #fragment
                target = (page.parent / unquote(parts.path)).resolve()
                if value.startswith("/") or not target.is_file():
                    broken.append(f"{page.relative_to(offline)}: <{tag} {attribute}={value}>")
    assert broken == [], "links or assets that do not open from the file system"


def test_the_shim_is_the_sites_own_copy(offline: Path, soups: dict[Path, BeautifulSoup]) -> None:
    """Material's offline plugin would load it from unpkg.com; the edition brings its own."""
    index = (offline / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<script src="([^"]+)"', index)
    shim = [s for s in sources if "iframe-worker" in s]
    assert shim == ["assets/offline/iframe-worker-shim.js"], sources
    assert (offline / shim[0]).read_bytes() == SHIM.read_bytes()
    assert (offline / "search" / "search_index.js").is_file(), "Material's offline plugin inlines the index"
    assert not (offline / "pagefind").exists(), "Pagefind cannot search from file://"
    for page in soups:
        assert "unpkg.com" not in page.read_text(encoding="utf-8"), page
    # Material indexes what Pagefind is told to ignore unless told too: the notices are not the case's words.
    index = (offline / "search" / "search_index.js").read_text(encoding="utf-8")
    for words in ("This case study was", "How to cite this case study", "Available at:", "you cannot send feedback"):
        assert words not in index, f"Material's search index holds {words!r}"


def test_no_page_has_a_feedback_form(offline: Path, soups: dict[Path, BeautifulSoup]) -> None:
    """Nothing can be sent from the file system: each form is a note on how to send feedback."""
    for page, soup in soups.items():
        assert soup.select("form:not(.md-search__form)") == [], page  # Material's search box is no form to send
    note = soups[offline / CASE].select_one("#feedback")
    assert note is not None and "offline edition" in note.get_text(), "the case has no offline feedback note"


def test_the_edition_cites_and_names_the_published_pages(offline: Path, soups: dict[Path, BeautifulSoup]) -> None:
    """Its pages are files (cases/a.html), which the published site does not have: a citation, a canonical
    address, a feed or the catalogue that gave one would send a reader to a page that is not there."""
    import json

    import feedparser

    site_url = yaml.safe_load((offline.parent / "project" / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
    online = site_url.rstrip("/") + "/" + CASE.removesuffix(".html") + "/"
    soup = soups[offline / CASE]
    canonical = soup.select_one('link[rel="canonical"]')
    assert canonical is not None and canonical["href"] == online
    og_url = soup.select_one('meta[property="og:url"]')
    assert og_url is not None and og_url["content"] == online
    citation = soup.select_one(".sc-citation")
    assert citation is not None and citation.get_text().endswith("Available at: " + online)
    assert (offline / "index.html").is_file() and online in soup.select_one(".sc-colophon").get_text()
    home = soups[offline / "index.html"].select_one('link[rel="canonical"]')
    assert home is not None and home["href"] == site_url.rstrip("/") + "/"
    printed = [a["data-print-href"] for a in soup.select("article a[data-print-href]")]
    assert printed and not [p for p in printed if p.endswith(".html")], "a printed link names a file address"
    records = json.loads((offline / "cases.json").read_text(encoding="utf-8"))["cases"]
    assert online in {record["url"] for record in records}
    assert not [r["url"] for r in records if r["url"].endswith(".html")]
    feed = feedparser.parse((offline / "feed.xml").read_bytes())
    assert feed.entries and not [e.link for e in feed.entries if e.link.endswith(".html")]


# ------------------------------------------------------------------ in Chromium, from file://

# The session's one Chromium (tests/browser/conftest.py): a second Playwright in the same process fails.


@pytest.mark.parametrize("width", WIDTHS)
def test_search_finds_a_case_and_nothing_leaves_the_page(browser, offline: Path, width: str) -> None:
    """Search from file://, follow the result to the case, find the note, all without a request off file://."""
    shots = Path("/tmp/showcase-shots")
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(10_000)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto((offline / "index.html").as_uri())
        if width == "mobile":
            page.locator("label.md-header__button[for=__search]").click()  # the search opens from the header
        search = page.locator("input.md-search__input")
        search.click()
        page.keyboard.type(WORD)  # Material searches as the reader types
        first = page.locator(".md-search-result__item a").first
        first.wait_for(state="visible", timeout=10_000)
        page.screenshot(path=str(shots / f"offline-search-{width}.png"))
        assert first.get_attribute("href", timeout=1_000) is not None
        assert urlsplit(first.evaluate("a => a.href")).path.endswith("/" + CASE), "the case is not the first result"
        first.click()
        page.wait_for_url(f"**/{CASE}*")
        assert page.locator("h1").first.inner_text() == _title(offline.parent / "project" / CASE_SOURCE)
        note = page.locator("#feedback")
        note.scroll_into_view_if_needed()
        assert note.is_visible() and "offline edition" in note.inner_text()
        assert note.locator("form").count() == 0
        note.screenshot(path=str(shots / f"offline-feedback-{width}.png"))
    finally:
        context.close()
        # Checked even when a step above failed: a request that cannot be answered offline is the likely cause.
        away = [url for url in requests if not url.startswith("file://")]
        assert away == [], "the offline edition asked for something off the file system"
    assert errors == [], "JavaScript errors in the offline edition"
    assert any(url.endswith("search/search_index.js") for url in requests), "the search index was not loaded"


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_on_materials_search_with_its_results_open(browser, offline: Path, width: str) -> None:
    """The edition's search is Material's own dialog: its result text and highlighted words must meet AA too."""
    from tests.browser.axe import axe_violations, require_axe

    require_axe()
    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto((offline / "index.html").as_uri())
        if width == "mobile":
            page.locator("label.md-header__button[for=__search]").click()
        page.locator("input.md-search__input").click()
        page.keyboard.type("learner")  # a common word: many results, each with highlighted text
        page.locator(".md-search-result__item mark").first.wait_for(state="visible", timeout=10_000)
        page.locator(".md-search-result__meta").first.wait_for(state="visible")
        page.screenshot(path=f"/tmp/showcase-shots/offline-search-axe-{width}.png")
        violations = axe_violations(page)
    finally:
        context.close()
    assert violations == [], f"axe finds {len(violations)} failing nodes on the offline search:\n" + \
        "\n".join(violations)
