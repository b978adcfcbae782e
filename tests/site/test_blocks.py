"""Generated HTML is joined to the converted Markdown, never converted itself,
and an author cannot forge the placeholders that say where it goes."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.project import load_project
from generator.blocks import PLACEHOLDER, join_blocks, marker, seal
from generator.load import load_catalogue
from generator.render import PageSource, render_site
from tests.builds import REPO, copy_fixture

from .sites import Built, article, build_ok, h2, list_links, text_of

RIVER = "cases/river-project/"


def rendered(project: Path) -> dict[str, PageSource]:
    """The project's pages as the core renders them, in this process."""
    loaded, problems = load_project(project / "mkdocs.yml")
    assert loaded is not None and not problems.errors, problems.report()
    catalogue, problems = load_catalogue(loaded, False)
    assert not problems.errors, problems.report()
    return {page.src_uri: page for page in render_site(catalogue, loaded.settings).pages}


# ------------------------------------------------------------------ what Markdown is given

def authors_text(project: Path) -> dict[str, list[str]]:
    """The Markdown the authors wrote, by the page it is on (case sections, chapter, toolkit and home text)."""
    loaded, _ = load_project(project / "mkdocs.yml")
    catalogue, _ = load_catalogue(loaded, False)
    texts: dict[str, list[str]] = {f"cases/{c.slug}.md": [s.body for s in c.sections] for c in catalogue.cases}
    texts |= {c.src_uri: [c.body] for c in catalogue.chapters}
    texts |= {t.src_uri: [t.intro] for t in catalogue.toolkits}
    if catalogue.home:
        texts["index.md"] = [catalogue.home.body]
    return {uri: sorted((t for t in found if t.strip()), key=len, reverse=True) for uri, found in texts.items()}


def test_markdown_holds_no_generated_markup(example: Built) -> None:
    """Take away the placeholders and the authors' own Markdown: no HTML is left for Markdown to parse."""
    pages = rendered(example.project)
    written_by_page = authors_text(example.project)
    assert len(pages) > 40
    for page in pages.values():
        text = PLACEHOLDER.sub("", page.markdown)
        for written in written_by_page.get(page.src_uri, []):
            text = text.replace(written, "")
        assert "<" not in text, f"{page.src_uri} gives Markdown generated HTML:\n{text[:2000]}"
        assert len(PLACEHOLDER.findall(page.markdown)) == len(page.blocks), page.src_uri
        assert all(key in page.markdown for key in page.blocks), page.src_uri
    case = pages["cases/learner-council-hmp-eastwold.md"]
    blocks = "".join(case.blocks.values())
    for generated in ('class="sc-meta"', 'class="sc-feedback"', 'class="sc-links"', "<h1"):
        assert generated in blocks and generated not in case.markdown


def test_the_placeholder_passes_through_python_markdown(example: Built) -> None:
    import markdown  # the builder's converter, with the example site's extensions

    converter = markdown.Markdown(extensions=["toc", "admonition", "attr_list", "md_in_html", "def_list"])
    page = rendered(example.project)["cases/learner-council-hmp-eastwold.md"]
    body = page.markdown.split("---\n", 2)[2]
    joined = join_blocks(converter.convert(body), page.blocks)
    assert joined.missing == []
    assert "showcase-block" not in joined.html
    assert joined.html.count('<aside class="sc-meta"') == 1


def test_placeholders_are_the_same_in_every_run(example: Built) -> None:
    """Keyed by the page's content, not by the run: a cache of converted Markdown keeps working."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from tests.site.test_blocks import rendered; "
            "from pathlib import Path; pages = rendered(Path(sys.argv[2])); "
            "print(json.dumps({u: p.markdown for u, p in pages.items()}))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code, str(REPO), str(example.project)],
                                      capture_output=True, text=True, check=True, timeout=120).stdout)
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0] == {u: p.markdown for u, p in rendered(example.project).items()}


# ------------------------------------------------------------------ joining

def test_join_swaps_only_this_pages_placeholders() -> None:
    markdown, blocks = seal(f"Text\n\n{marker('panel')}\n\nMore\n\n{marker('form')}\n", {
        marker("panel"): '<aside class="panel">P</aside>', marker("form"): "<form>F</form>"})
    assert len(blocks) == 2 and all(key in markdown for key in blocks)
    forged = "<!-- showcase-block " + "0" * 32 + " panel -->"
    first, second = blocks
    html = f"<p>Text</p>\n{first}\n{forged}\n<p>More</p>\n{second}\n{first}"
    joined = join_blocks(html, blocks)
    assert joined.html == f'<p>Text</p>\n<aside class="panel">P</aside>\n{forged}\n<p>More</p>\n<form>F</form>\n' \
                          f'{first}'  # each block once: a second copy of a placeholder stays a comment
    assert joined.missing == []


def test_a_block_whose_placeholder_is_lost_goes_at_the_end() -> None:
    _, blocks = seal(marker("panel"), {marker("panel"): "<aside>P</aside>"})
    joined = join_blocks("<pre><code>&lt;!-- swallowed --&gt;</code></pre>", blocks)
    assert joined.html.endswith("<aside>P</aside>")
    assert joined.missing == ["panel"]


def test_the_key_depends_on_the_page() -> None:
    one, _ = seal(f"A\n{marker('x')}", {})
    two, _ = seal(f"B\n{marker('x')}", {})
    assert re.findall(r"[0-9a-f]{32}", one) != re.findall(r"[0-9a-f]{32}", two)
    with pytest.raises(ValueError):
        marker("Not a name")


# ------------------------------------------------------------------ forging, in a real build

@pytest.fixture(scope="module")
def forged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, int]:
    """The minimal site, with River's own placeholders (as this process renders them),
    placeholders with made-up keys, and a bare one, written into its last section."""
    root = tmp_path_factory.mktemp("forged")
    project = copy_fixture("minimal", root / "project")
    river = rendered(project)["cases/river-project.md"]
    hill = rendered(project)["cases/hill-project.md"]
    attempts = [*river.blocks, *hill.blocks, "<!-- showcase-block " + "f" * 32 + " top -->",
                "<!-- showcase-block top -->", "<!-- showcase-block " + "0" * 32 + " related_list -->"]
    source = project / "cases" / "river-project.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.rstrip("\n") + "\n\n" + "\n\n".join(attempts) + "\n\nThe end of the forgery.\n",
                      encoding="utf-8")
    return build_ok(project, root / "site"), len(attempts)


def test_an_author_cannot_forge_a_placeholder(forged: tuple[Built, int]) -> None:
    forged, attempts = forged
    html = forged.page(RIVER).read_text(encoding="utf-8")
    page = article(forged.soup(RIVER))
    assert len(page.select("aside.sc-meta")) == 1
    assert len(page.find_all("h1")) == 1
    assert len(page.select("section.sc-feedback")) == 1
    assert len(page.select("[data-pagefind-body]")) == 1
    # The related list and the toolkit list each once, after their headings, as without the forgery.
    assert len(page.select("ul.sc-links")) == 2
    soup = forged.soup(RIVER)
    assert list_links(h2(soup, "Related case studies"), RIVER) == ["cases/lake-project/", "cases/hill-project/"]
    assert list_links(h2(soup, "From the toolkit"), RIVER) == ["toolkit/basics/zero-to-one/", "toolkit/basics/middle/"]
    assert "The end of the forgery." in text_of(page)
    # The forged text stays what it was: comments, not blocks, in the author's section.
    assert attempts == 11 and html.count("showcase-block") == attempts
    assert text_of(page.select_one("aside.sc-meta dd")) == "Riverside Trust"


def test_the_forged_site_is_otherwise_the_same(forged: tuple[Built, int], minimal: Built) -> None:
    forged, _ = forged
    for url in ("cases/hill-project/", "cases/lake-project/", "", "cases/"):
        assert text_of(article(forged.soup(url))) == text_of(article(minimal.soup(url))), url
    forged_river = article(forged.soup(RIVER))
    plain_river = article(minimal.soup(RIVER))
    assert text_of(forged_river.select_one("aside.sc-meta")) == text_of(plain_river.select_one("aside.sc-meta"))
    assert [text_of(h) for h in forged_river.find_all("h2")] == [text_of(h) for h in plain_river.find_all("h2")]


def test_use_directory_urls_false_links_resolve(tmp_path: Path) -> None:
    """Links in blocks are final URLs, so they follow the URL style themselves: every one resolves."""
    from .links import check_site

    project = copy_fixture("minimal", tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    built = build_ok(project, tmp_path / "site")
    assert (built.site / "cases" / "river-project.html").is_file()
    report = check_site(built.site)
    assert report.links > 200 and not report.broken, "\n".join(map(str, report.broken[:20]))
    links = [a["href"] for a in article(built.soup("cases/river-project.html")).select("aside.sc-meta dd a")]
    assert links[0] == "../themes/alpha-theme.html"
    home = [a["href"] for a in article(built.soup("index.html")).select(".sc-card__title a")]
    assert home[0] == "cases/hill-project.html"
    shutil.rmtree(built.site)
