"""What lets a reader trust a page (issue 10, §4), in real `mkdocs build`s of the example site:

- the evidence level, with its description in words, on every card and every case page;
- an old case says so at the top of its page ("last reviewed" or "published", and the
  number of years the `stale_after_years` setting gives), and a recent one does not, on a
  day fixed with SOURCE_DATE_EPOCH so the test means the same thing every year;
- every page has a meta description, Open Graph tags and one canonical address from `site_url`;
- each case says how to cite it: provider, year, title and its full address.

Expectations are read from the case files and cases/taxonomy.yml, not from the generator.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from tests.builds import copy_example

from .sites import (
    Built,
    CaseInfo,
    article,
    build_ok,
    card_urls,
    first_chapter,
    read_cases,
    read_taxonomy,
    resolve,
    set_plugin_options,
    soup_of,
    text_of,
)

TODAY = date(2026, 3, 1)  # the day the builds here are made "on"
EPOCH = str(int(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC).timestamp()))
RECENT = "recent"  # the slugs' roles in the project below
OLD_REVIEWED = "old-reviewed"
OLD_PUBLISHED = "old-published"


def _set_dates(case_file: Path, published: str, reviewed: str | None) -> None:
    """Give a copied case these dates (and no `reviewed` line when ``reviewed`` is None)."""
    text = case_file.read_text(encoding="utf-8")
    text = re.sub(r"^reviewed:.*\n", "", text, flags=re.MULTILINE)
    extra = f"\nreviewed: {reviewed}" if reviewed else ""
    text, count = re.subn(r"^published:.*$", f"published: {published}{extra}", text, count=1, flags=re.MULTILINE)
    assert count == 1, case_file
    case_file.write_text(text, encoding="utf-8")


def _project(root: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the example with three cases dated for the test: reviewed 2 months before TODAY
    (though published long before), reviewed 3 years before, and published 5 years before
    without a review. Returns the project and {role: slug}."""
    project = copy_example(root / "project")
    files = sorted((project / "cases").glob("*.md"))
    assert len(files) >= 3
    roles = {RECENT: files[0], OLD_REVIEWED: files[1], OLD_PUBLISHED: files[2]}
    _set_dates(roles[RECENT], "2012-05-01", "2026-01-01")
    _set_dates(roles[OLD_REVIEWED], "2014-05-01", "2023-02-27")
    _set_dates(roles[OLD_PUBLISHED], "2021-02-27", None)
    return project, {role: path.stem for role, path in roles.items()}


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, dict[str, str]]]:
    """The dated project, built "on" TODAY with the default setting (2 years)."""
    root = tmp_path_factory.mktemp("trust")
    project, slugs = _project(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield build_ok(project, root / "site"), slugs


@pytest.fixture(scope="module")
def one_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, dict[str, str]]]:
    """The same, with `stale_after_years: 1`."""
    root = tmp_path_factory.mktemp("trust-one-year")
    project, slugs = _project(root)
    set_plugin_options(project, stale_after_years=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield build_ok(project, root / "site"), slugs


def _notice(built: Built, slug: str):
    return article(built.soup(f"cases/{slug}/")).select_one(".sc-stale")


def _evidence_words(project: Path) -> dict[str, str]:
    """Evidence term label -> its description, from cases/taxonomy.yml."""
    data = yaml.safe_load((project / "cases" / "taxonomy.yml").read_text(encoding="utf-8"))
    return {term["label"].strip(): " ".join(term["description"].split()) for term in data["evidence"]["terms"]}


def _site_url(project: Path) -> str:
    return yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]


# ---------------------------------------------------------------- staleness

def test_an_old_case_says_so_first_and_a_recent_one_does_not(dated: tuple[Built, dict[str, str]]) -> None:
    built, slugs = dated
    assert _notice(built, slugs[RECENT]) is None, "reviewed two months ago: no notice"
    for role, wording, since in [(OLD_REVIEWED, "This case study was last reviewed more than 2 years ago",
                                  "2023-02-27"),
                                 (OLD_PUBLISHED, "This case study was published more than 2 years ago",
                                  "2021-02-27")]:
        notice = _notice(built, slugs[role])
        assert notice is not None, role
        assert text_of(notice).startswith(wording + ", on "), text_of(notice)
        assert notice.find("time")["datetime"] == since
        # In words and announced as a note; at the top: straight after the page's heading.
        assert notice.get("role") == "note"
        assert notice.find_previous_sibling().name == "h1"
        assert notice.has_attr("data-pagefind-ignore"), "the notice is not what a search should find"


def test_the_number_of_years_follows_the_setting(one_year: tuple[Built, dict[str, str]]) -> None:
    built, slugs = one_year
    assert _notice(built, slugs[RECENT]) is None
    assert text_of(_notice(built, slugs[OLD_REVIEWED])).startswith(
        "This case study was last reviewed more than 1 year ago,")
    assert text_of(_notice(built, slugs[OLD_PUBLISHED])).startswith(
        "This case study was published more than 1 year ago,")


def test_the_boundary_and_a_leap_day() -> None:
    """Stale only when the date is more than the age before today; 29 February counts as 28 February."""
    from generator.trust import staleness

    def case(published: date, reviewed: date | None = None):
        from generator.model import Case
        return Case("x", "cases/x.md", "T", "P", "S", published, reviewed, {}, None, [], False, [])

    assert staleness(case(date(2024, 3, 1)), TODAY, 2) is None  # exactly two years: not yet
    assert staleness(case(date(2024, 2, 29)), TODAY, 2) is not None
    assert staleness(case(date(2024, 2, 29)), date(2026, 2, 28), 2) is None
    assert staleness(case(date(2010, 1, 1), date(2025, 1, 1)), TODAY, 2) is None  # the review counts
    assert staleness(case(date(2010, 1, 1)), TODAY, 0) is None  # 0: never


def test_today_is_source_date_epoch_else_the_build_date() -> None:
    from generator.trust import BuildDateError, build_date

    assert build_date({"SOURCE_DATE_EPOCH": EPOCH}) == TODAY
    assert build_date({}) == datetime.now(UTC).date()
    with pytest.raises(BuildDateError, match=r"SOURCE_DATE_EPOCH is 'yesterday'.*whole number of seconds"):
        build_date({"SOURCE_DATE_EPOCH": "yesterday"})


# ---------------------------------------------------------------- evidence

def test_every_card_and_case_page_gives_the_evidence_level_in_words(example: Built,
                                                                    example_cases: list[CaseInfo]) -> None:
    words = _evidence_words(example.project)
    by_url = {case.url: case for case in example_cases}
    assert all(case.terms_of("evidence") for case in example_cases), "every example case has an evidence level"
    listings = ["", "cases/"] + [term.url for vocabulary in read_taxonomy(example.project)
                                 for term in vocabulary.terms]
    seen: set[str] = set()
    for url in listings:
        soup = example.soup(url)
        for card in article(soup).select("li.sc-card"):
            case = by_url[resolve(url, card.select_one(".sc-card__title a")["href"])]
            label = case.terms_of("evidence")[0].label
            facts = {text_of(group.find("dt")): group.find("dd") for group in card.select(".sc-card__terms > div")}
            assert text_of(facts["Evidence level"]) == f"{label} {words[label]}", (url, case.slug)
            seen.add(case.url)
    assert seen == set(by_url), "every case has a card somewhere"
    for case in example_cases:
        label = case.terms_of("evidence")[0].label
        panel = article(example.soup(case.url)).select_one("aside.sc-meta")
        dd = next(dt.find_next_sibling("dd") for dt in panel.find_all("dt") if text_of(dt) == "Evidence level")
        assert text_of(dd) == f"{label} {words[label]}", case.slug
        assert text_of(dd.select_one(".sc-evidence")) == words[label]
        assert not dd.select_one(".sc-evidence").has_attr("title"), "in words, not a tooltip"


def test_the_evidence_pages_describe_each_level(example: Built) -> None:
    words = _evidence_words(example.project)
    evidence = next(v for v in read_taxonomy(example.project) if v.field == "evidence")
    index = text_of(article(example.soup(f"{evidence.slug}/")))
    for term in evidence.terms:
        assert words[term.label] in index
        assert text_of(article(example.soup(term.url)).select_one(".sc-summary")) == words[term.label]


# ---------------------------------------------------------------- citing

def test_each_case_says_how_to_cite_it(example: Built, example_cases: list[CaseInfo]) -> None:
    site_url = _site_url(example.project)
    assert site_url.startswith("https://") and "example" in site_url
    for case in example_cases:
        panel = article(example.soup(case.url)).select_one("aside.sc-meta")
        heading = panel.find("h3")
        assert text_of(heading) == "How to cite this case study"
        citation = heading.find_next_sibling("p")
        assert "sc-citation" in citation["class"]
        assert citation.find(True) is None, "plain text, nothing but words to copy"
        assert text_of(citation) == (f"{case.provider} ({case.published.year}) {case.title.rstrip(' .')}. "
                                     f"Case study. Available at: {site_url}{case.url}"), case.slug


# ---------------------------------------------------------------- page metadata

def _heads(built: Built) -> dict[str, object]:
    """Every page the build wrote, by its address, parsed."""
    return {path.relative_to(built.site).as_posix(): soup_of(path) for path in sorted(built.site.rglob("*.html"))}


def test_every_page_has_a_description_open_graph_and_one_canonical_address(example: Built) -> None:
    site_url = _site_url(example.project)
    config = yaml.safe_load((example.project / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = _heads(example)
    kinds = {"cases/index.html", "index.html", "404.html", "about/index.html", "search/index.html",
             "toolkit/index.html", f"{first_chapter(example.project).url}index.html"}
    assert kinds <= set(pages)
    for path, soup in pages.items():
        def meta(name: str, soup=soup) -> list[str]:
            return [tag["content"] for tag in soup.head.find_all("meta", attrs={"name": name})] + \
                [tag["content"] for tag in soup.head.find_all("meta", attrs={"property": name})]

        description = meta("description")
        assert len(description) == 1 and description[0].strip(), path
        assert meta("og:description") == description, path
        assert meta("og:site_name") == [config["site_name"]], path
        assert len(meta("og:title")) == 1 and meta("og:title")[0].strip(), path
        assert meta("og:type") in (["article"], ["website"]), path
        canonical = [tag["href"] for tag in soup.head.find_all("link", rel="canonical")]
        if path == "404.html":  # a page for every missing address has no address of its own
            assert canonical == [] and meta("og:url") == [], path
            continue
        address = site_url + (path.removesuffix("index.html") if path.endswith("index.html") else path)
        assert canonical == [address], path
        assert meta("og:url") == [address], path


def test_descriptions_are_the_pages_own_summaries(example: Built, example_cases: list[CaseInfo]) -> None:
    config = yaml.safe_load((example.project / "mkdocs.yml").read_text(encoding="utf-8"))

    def meta(url: str, name: str) -> str:
        head = example.soup(url).head
        tag = head.find("meta", attrs={"name": name}) or head.find("meta", attrs={"property": name})
        return tag["content"]

    for case in example_cases:
        assert meta(case.url, "description") == case.summary, case.slug
        assert meta(case.url, "og:title") == case.title
        assert meta(case.url, "og:type") == "article"
    chapter = first_chapter(example.project)
    assert meta(chapter.url, "description") == chapter.summary
    assert meta(chapter.url, "og:title") == chapter.title
    for url in ("", "about/", "cases/"):
        assert meta(url, "description") == config["site_description"], url
    assert meta("", "og:title") == config["site_name"]
    assert meta("about/", "og:title") == "About"
    assert meta("", "og:type") == "website"


def test_no_site_url_means_no_canonical_and_a_citation_without_an_address(tmp_path: Path) -> None:
    """A site that has not said where it lives still builds, and never makes an address up."""
    project = copy_example(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"^site_url:.*\n", "", config.read_text(encoding="utf-8"), flags=re.MULTILINE),
                      encoding="utf-8")
    built = build_ok(project, tmp_path / "site")
    case = read_cases(project)[0]
    soup = built.soup(case.url)
    assert soup.head.find("link", rel="canonical") is None
    assert soup.head.find("meta", attrs={"property": "og:url"}) is None
    assert text_of(article(soup).select_one(".sc-citation")) == \
        f"{case.provider} ({case.published.year}) {case.title.rstrip(' .')}. Case study."
    assert card_urls(built.soup("cases/"), "cases/"), "the rest of the site is there"


def test_a_source_date_epoch_that_is_not_a_time_stops_the_build_and_says_so(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.builds import build

    project = copy_example(tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "SOURCE_DATE_EPOCH is 'yesterday'" in result.stderr and "Traceback" not in result.stderr, result.stderr
