"""Building sites for the tests, and reading what they were built from.

Expectations come from the source files themselves (front matter parsed here
with plain YAML, a deliberately separate reading from the generator's), so the
tests follow the example content when editors change it.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.builds import build, copy_example

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _NOT_WORD.sub("-", text.lower()).strip("-")


# ---------------------------------------------------------------- building

@dataclass(frozen=True)
class Built:
    """A project folder and the site built from it."""

    project: Path
    site: Path

    def page(self, url: str) -> Path:
        """The HTML file for a site URL path such as ``cases/`` or ``cases/x/``."""
        url = url.lstrip("/")
        return self.site / url / "index.html" if url == "" or url.endswith("/") else self.site / url

    def soup(self, url: str) -> BeautifulSoup:
        return soup_of(self.page(url))


@cache
def _soup_cached(path: Path, mtime: float) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def soup_of(path: Path) -> BeautifulSoup:
    """A parsed page (shared between tests: do not change it)."""
    assert path.is_file(), f"{path} was not built"
    return _soup_cached(path, path.stat().st_mtime)


def build_ok(project: Path, site: Path, *, tool: str = "mkdocs", strict: bool = True) -> Built:
    result = build(project, site, tool=tool, strict=strict)
    if result.returncode != 0:
        pytest.fail(f"`{tool} build` of {project} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return Built(project, site)


_BUILT: dict[str, Built] = {}


def example_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example site, copied and built once per test session (shared by packages)."""
    if "example" not in _BUILT:
        root = tmp_path_factory.mktemp("example")
        project = copy_example(root / "project")
        _BUILT["example"] = build_ok(project, root / "site")
    return _BUILT["example"]


def set_plugin_options(project: Path, **options: Any) -> None:
    """Change the showcase plugin's options in a project's ``mkdocs.yml``."""
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for index, entry in enumerate(config["plugins"]):
        if entry == "showcase":
            config["plugins"][index] = entry = {"showcase": {}}
        if isinstance(entry, dict) and "showcase" in entry:
            entry["showcase"] = {**(entry["showcase"] or {}), **options}
            break
    else:
        raise AssertionError("no showcase plugin in mkdocs.yml")
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def mark_draft(case_file: Path) -> None:
    text = case_file.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    case_file.write_text("---\ndraft: true\n" + text[4:], encoding="utf-8")


# ---------------------------------------------------------------- sources

DEFAULT_SECTIONS = ["The provider's message", "The good practice in detail", "Provider background", "What next"]


def plugin_options(project: Path) -> dict[str, Any]:
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "showcase" in entry:
            return dict(entry["showcase"] or {})
    return {}


def configured_sections(project: Path) -> list[str]:
    sections = plugin_options(project).get("sections") or DEFAULT_SECTIONS
    return [s if isinstance(s, str) else s["title"] for s in sections]

def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    assert text.startswith("---\n"), "no front matter"
    end = text.index("\n---", 3)
    meta = yaml.safe_load(text[4:end]) or {}
    body = text[end + 4:].split("\n", 1)[1] if "\n" in text[end + 4:] else ""
    return meta, body


def as_list(value: Any) -> list[str]:
    if value is None or value == "" or value == []:
        return []
    return [str(v).strip() for v in value] if isinstance(value, list) else [str(value).strip()]


@dataclass(frozen=True)
class TermInfo:
    vocabulary: str  # front-matter field
    vocabulary_slug: str
    label: str
    slug: str

    @property
    def url(self) -> str:
        return f"{self.vocabulary_slug}/{self.slug}/"


@dataclass
class VocabularyInfo:
    field: str
    title: str
    singular: str
    slug: str
    terms: list[TermInfo]

    def find(self, label: str) -> TermInfo:
        for term in self.terms:
            if term.label.casefold() == label.strip().casefold():
                return term
        raise AssertionError(f"{label!r} is not a term of {self.field}")


def read_taxonomy(project: Path) -> list[VocabularyInfo]:
    data = yaml.safe_load((project / "cases" / "taxonomy.yml").read_text(encoding="utf-8"))
    vocabularies = []
    for field_name, spec in data.items():
        vslug = slug(spec["title"])
        terms = [TermInfo(field_name, vslug, t["label"].strip(), slug(t["label"])) for t in spec["terms"]]
        vocabularies.append(VocabularyInfo(field_name, spec["title"], spec.get("singular") or spec["title"],
                                           vslug, terms))
    return vocabularies


@dataclass
class CaseInfo:
    slug: str
    title: str
    provider: str
    summary: str
    published: date
    reviewed: date | None
    terms: dict[str, list[TermInfo]]
    related: list[str]
    draft: bool
    quote: dict[str, str] | None
    sections: list[str] = field(default_factory=list)  # ## headings in the body, in order

    @property
    def url(self) -> str:
        return f"cases/{self.slug}/"

    def terms_of(self, field_name: str) -> list[TermInfo]:
        return self.terms.get(field_name, [])


def read_cases(project: Path, *, drafts: bool = False) -> list[CaseInfo]:
    """The project's cases, newest first (ties A to Z), drafts left out unless asked."""
    vocabularies = read_taxonomy(project)
    cases = []
    for path in sorted((project / "cases").rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        terms = {v.field: [v.find(label) for label in as_list(meta.get(v.field))] for v in vocabularies}
        quote = meta.get("quote")
        if isinstance(quote, str):
            quote = {"text": quote}
        case = CaseInfo(
            slug=slug(path.stem), title=str(meta["title"]).strip(), provider=str(meta["provider"]).strip(),
            summary=str(meta["summary"]).strip(), published=meta["published"], reviewed=meta.get("reviewed"),
            terms=terms, related=as_list(meta.get("related")), draft=bool(meta.get("draft")), quote=quote,
            sections=re.findall(r"^## +(.+?) *$", body, flags=re.MULTILINE))
        if drafts or not case.draft:
            cases.append(case)
    cases.sort(key=lambda c: c.title.casefold())
    cases.sort(key=lambda c: c.published, reverse=True)
    return cases


@dataclass
class ChapterInfo:
    toolkit: str
    slug: str
    title: str
    order: int
    summary: str
    themes: list[str]  # labels as written

    @property
    def url(self) -> str:
        return f"toolkit/{self.toolkit}/{self.slug}/"


def read_toolkit(project: Path, toolkit: str, docs: str = "docs") -> tuple[dict[str, Any], list[ChapterInfo]]:
    folder = project / docs / "toolkit" / toolkit
    index_meta: dict[str, Any] = {}
    chapters = []
    for path in sorted(folder.glob("*.md")):
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if path.name == "index.md":
            index_meta = meta
            continue
        chapters.append(ChapterInfo(toolkit, slug(path.stem), str(meta["title"]), int(meta["order"]),
                                    str(meta["summary"]), as_list(meta.get("themes"))))
    chapters.sort(key=lambda c: (c.order, c.title))
    return index_meta, chapters


def first_chapter(project: Path) -> ChapterInfo:
    """The first chapter of the project's first toolkit (by folder name): a toolkit page to test on."""
    toolkits = sorted(p.name for p in (project / "docs" / "toolkit").iterdir() if p.is_dir())
    assert toolkits, f"{project} needs a toolkit for this test"
    _, chapters = read_toolkit(project, toolkits[0])
    assert chapters, f"the toolkit {toolkits[0]} needs a chapter for this test"
    return chapters[0]


# ---------------------------------------------------------------- reading pages

def article(soup: BeautifulSoup):
    found = soup.select_one("article.md-content__inner")
    assert found is not None, "no article in the page"
    return found


def text_of(tag) -> str:
    """Visible text, without Material's permalink pilcrows, spaces collapsed."""
    parts = [s for s in tag.find_all(string=True) if not (s.parent.name == "a" and "headerlink" in
                                                          (s.parent.get("class") or []))]
    return " ".join("".join(parts).split())


def resolve(page_url: str, href: str) -> str:
    """A relative href on the page at ``page_url`` as a site URL path (no leading slash)."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    base = page_url if page_url.endswith("/") or page_url == "" else posixpath.dirname(page_url) + "/"
    joined = posixpath.normpath(posixpath.join("/" + base, href))
    if (href.endswith("/") or href in ("", ".", "..") or href.endswith("/..")) and not joined.endswith("/"):
        joined += "/"
    return joined.lstrip("/")


def section_after(heading, stop_names=("h2",)):
    """The elements after a heading, up to the next heading of the same level."""
    out = []
    for sibling in heading.find_next_siblings():
        if sibling.name in stop_names:
            break
        out.append(sibling)
    return out


def h2(soup: BeautifulSoup, title: str):
    for heading in article(soup).find_all("h2"):
        if text_of(heading) == title:
            return heading
    raise AssertionError(f"no h2 {title!r} in the page; h2s: {[text_of(h) for h in article(soup).find_all('h2')]}")


def list_links(heading, page_url: str) -> list[str]:
    """Site URL paths of the links in the list right after ``heading``."""
    for sibling in section_after(heading):
        if sibling.name in ("ul", "ol"):
            return [resolve(page_url, li.find("a")["href"]) for li in sibling.find_all("li", recursive=False)]
    return []


def card_urls(soup: BeautifulSoup, page_url: str) -> list[str]:
    return [resolve(page_url, card.select_one(".sc-card__title a")["href"])
            for card in article(soup).select("li.sc-card")]


def nav_urls(soup: BeautifulSoup, page_url: str) -> set[str]:
    nav = soup.select_one("nav.md-nav--primary")
    assert nav is not None, "no primary navigation"
    return {resolve(page_url, a["href"]) for a in nav.find_all("a", href=True) if "#" not in a["href"]}
