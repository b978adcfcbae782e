"""Print and PDF (issue 10, §2), in a real `mkdocs build --strict`: every toolkit on one page
to print or save as PDF, reached from its contents page; every link in a page's content
carrying the address a printed page writes after it; and every page ending with the site's
name and its address.

The site is the example with a `site_url` under a sub-path and a second, small toolkit whose
chapters hold what a print page must get right: a chapter called `print` (so the print page
must live elsewhere), a setext heading, a `#` line in fenced code, the same heading in two
chapters, and links to another chapter, a case, another host and a place on the page.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.builds import copy_example

from .sites import Built, article, build_ok, read_cases, read_toolkit, resolve, text_of

SITE_URL = "https://good-practice.example.org/showcase/"
PRINT_LINK = "Print or save the whole toolkit"

SECOND_INDEX = """---
title: Posters and displays
summary: Sharing what learners said, on walls and screens.
---
Posters are how most learners hear that their views changed something.
"""
SECOND_CHAPTERS = {
    "print.md": """---
title: Printing the posters
order: 1
summary: Getting posters printed inside.
themes: [Learner voice]
---
## Checklist

Ask the print shop early. See [making displays](making-displays.md) and [the top](#checklist).

```text
# this line is code, not a heading
```

Paper sizes
-----------

Use A3 where you can, and visit <https://www.gov.uk/> or [GOV.UK](https://www.gov.uk/guidance).
""",
    "making-displays.md": """---
title: Making displays
order: 2
summary: Boards, screens and leaflets.
themes: [Well-being]
---
## Checklist

Put displays where learners queue.

### Where to put them

Near the servery and the library.
""",
}


def set_site_url(project: Path, site_url: str) -> None:
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["site_url"] = site_url
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("toolkit-print")
    project = copy_example(root / "project")
    set_site_url(project, SITE_URL)
    folder = project / "docs" / "toolkit" / "posters"
    folder.mkdir()
    (folder / "index.md").write_text(SECOND_INDEX, encoding="utf-8")
    for name, text in SECOND_CHAPTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return build_ok(project, root / "site")


def toolkits(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "docs" / "toolkit").iterdir() if p.is_dir())


def print_url(site: Built, toolkit: str) -> str:
    """The print page's address, as the toolkit's contents page links to it."""
    contents = site.soup(f"toolkit/{toolkit}/")
    links = [a for a in article(contents).find_all("a") if text_of(a) == PRINT_LINK]
    assert len(links) == 1, f"toolkit/{toolkit}/ has no one link '{PRINT_LINK}'"
    return resolve(f"toolkit/{toolkit}/", links[0]["href"])


def chapter_parts(soup) -> list[tuple[str, list]]:
    """Each chapter on a print page: its title and the elements up to the next chapter."""
    parts: list[tuple[str, list]] = []
    for element in article(soup).find_all(True):
        if element.name == "h2" and "sc-print-chapter" in (element.get("class") or []):
            parts.append((text_of(element), []))
        elif parts and element.name in ("h2", "h3", "h4", "p", "pre"):
            parts[-1][1].append(element)
    return parts


def test_the_toolkit_page_links_to_a_print_page_for_every_toolkit(site: Built) -> None:
    assert toolkits(site.project) == ["learner-voice", "posters"]
    assert print_url(site, "learner-voice") == "toolkit/learner-voice/print/"
    # A chapter is called `print`: the print page goes elsewhere, and the chapter keeps its page.
    assert print_url(site, "posters") == "toolkit/posters/print-edition/"
    assert text_of(site.soup("toolkit/posters/print/").h1) == "Printing the posters"


@pytest.mark.parametrize("toolkit", ["learner-voice", "posters"])
def test_the_print_page_has_every_chapter_in_order_after_a_contents_list(site: Built, toolkit: str) -> None:
    meta, chapters = read_toolkit(site.project, toolkit)
    soup = site.soup(print_url(site, toolkit))
    assert text_of(soup.h1) == meta["title"]
    titles = [title for title, _ in chapter_parts(soup)]
    assert titles == [chapter.title for chapter in chapters], "chapters missing or out of order"
    contents = article(soup).select("nav.sc-print-contents a")
    assert [text_of(a) for a in contents] == titles, "the contents list does not match the chapters"
    headings = article(soup).select("h2.sc-print-chapter")
    assert [a["href"] for a in contents] == ["#" + h["id"] for h in headings], "contents must link to each chapter"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), f"ids used twice: {sorted({i for i in ids if ids.count(i) > 1})}"
    # The print page is not a search result of its own (its chapters are) nor in the navigation.
    assert soup.find(attrs={"data-pagefind-body": True}) is None
    url, chapter = print_url(site, toolkit), chapters[0].url
    in_nav = {resolve(chapter, a["href"]) for a in site.soup(chapter).select("nav.md-nav--primary a[href]")}
    assert chapters[-1].url in in_nav and url not in in_nav


@pytest.mark.parametrize("toolkit", ["learner-voice", "posters"])
def test_each_chapter_s_own_content_is_on_the_print_page_one_level_down(site: Built, toolkit: str) -> None:
    _, chapters = read_toolkit(site.project, toolkit)
    parts = dict(chapter_parts(site.soup(print_url(site, toolkit))))
    for chapter in chapters:
        own = article(site.soup(chapter.url))
        # The author's headings: the chapter page's h2 to h4, without those the generator adds.
        headings = [(h.name, text_of(h)) for h in own.find_all(["h2", "h3", "h4"])
                    if not h.has_attr("data-pagefind-ignore") and "sc-meta__title" not in (h.get("class") or [])
                    and not h.find_parent(class_="sc-feedback")]
        printed = [(e.name, text_of(e)) for e in parts[chapter.title] if e.name in ("h2", "h3", "h4")]
        assert printed == [(f"h{int(name[1]) + 1}", text) for name, text in headings], chapter.title
        paragraphs = [text_of(p) for p in own.find_all("p") if p.find_parent(class_="sc-page") is not None
                      and not p.find_parent(class_=["sc-feedback", "sc-pager"]) and not p.get("class")]
        printed_text = {text_of(e) for e in parts[chapter.title]}
        assert paragraphs and all(p in printed_text for p in paragraphs), f"{chapter.title}: text missing"


def test_headings_in_code_stay_code_and_setext_headings_move_down(site: Built) -> None:
    parts = dict(chapter_parts(site.soup("toolkit/posters/print-edition/")))
    posters = parts["Printing the posters"]
    assert ("h3", "Paper sizes") in [(e.name, text_of(e)) for e in posters]
    assert any(e.name == "pre" and "# this line is code" in e.get_text() for e in posters)


def expected_address(page_url: str, href: str) -> str | None:
    if href.startswith("#"):
        return None
    if href.startswith(("http://", "https://")):
        return href
    return SITE_URL.rstrip("/") + "/" + resolve(page_url, href) + ("#" + href.split("#", 1)[1] if "#" in href else "")


def test_every_link_in_a_page_s_content_carries_its_printed_address(site: Built) -> None:
    case = read_cases(site.project)[0]
    pages = [case.url, "toolkit/learner-voice/getting-started/", "toolkit/posters/print/",
             "toolkit/posters/print-edition/", "toolkit/learner-voice/"]
    checked = 0
    for url in pages:
        for link in article(site.soup(url)).find_all("a", href=True):
            href = link["href"]
            if text_of(link) in (href, href.rstrip("/")):
                assert not link.has_attr("data-print-href"), f"{url}: {href} would be printed twice"
                continue
            assert link.get("data-print-href") == expected_address(url, href), f"{url}: {href}"
            checked += 1
    assert checked > 30
    # The chapter's link to a place on its own page is left alone; to another chapter, absolute.
    chapter = article(site.soup("toolkit/posters/print/"))
    assert not chapter.find("a", href="#checklist").has_attr("data-print-href")
    assert chapter.find("a", string="making displays")["data-print-href"] == \
        SITE_URL + "toolkit/posters/making-displays/"


def test_every_page_ends_with_the_site_s_name_and_its_address(site: Built) -> None:
    case = read_cases(site.project)[0]
    for url in [case.url, "toolkit/learner-voice/getting-started/", "toolkit/learner-voice/print/"]:
        found = site.soup(url).select(".sc-colophon")
        assert len(found) == 1, url
        assert text_of(found[0]) == f"Good practice in justice sector learning: {SITE_URL}{url}"


# ---------------------------------------------------------------- the addresses, without a build

def test_printed_addresses_without_a_site_url_are_paths_below_the_root() -> None:
    from generator.print_edition import print_address, written_out_links

    assert print_address("../../themes/a/", "cases/x/", "") == "/themes/a/"
    assert print_address("../../themes/a/#b", "cases/x/", "") == "/themes/a/#b"
    assert print_address("../", "cases/x/", "") == "/cases/"
    assert print_address("#top", "cases/x/", "") is None
    assert print_address("mailto:a@example.org", "cases/x/", "") == "a@example.org"
    assert print_address("javascript:void(0)", "cases/x/", "") is None
    assert print_address("../y.html", "cases/x.html", "https://e.org/s/") == "https://e.org/s/y.html"
    # The offline edition: files here, folders on the published site; a chart keeps its own name.
    assert print_address("../y.html#z", "cases/x.html", "https://e.org/s/", True) == "https://e.org/s/y/#z"
    assert print_address("../index.html", "cases/x.html", "https://e.org/", True) == "https://e.org/"
    assert print_address("index.html", "cases/x.html", "", True) == "/cases/"
    assert print_address("../charts/a.svg", "cases/x.html", "", True) == "/charts/a.svg"
    html = '<p><a href="../a/">A</a> <a href="https://e.org/">https://e.org/</a> <a href="#x">x</a></p>'
    assert written_out_links(html, "cases/x/", "") == (
        '<p><a href="../a/" data-print-href="/cases/a/">A</a> <a href="https://e.org/">https://e.org/</a> '
        '<a href="#x">x</a></p>')


def test_shifting_headings_leaves_code_alone() -> None:
    from generator.print_edition import shift_headings

    source = "# One\n\n## Two\n\n```\n# code\n```\n\nThree\n=====\n\n###### Six\n\ntext\n\n---\n"
    assert shift_headings(source) == (
        "## One\n\n### Two\n\n```\n# code\n```\n\n## Three\n\n###### Six\n\ntext\n\n---\n")
