"""Search in a real `mkdocs build`: what is indexed, the header box, the search page, `search: off`."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.builds import BIN, copy_example, quiet_env
from tests.site.sites import Built, read_cases, read_taxonomy, read_toolkit, resolve, soup_of


def indexed_pages(site: Path) -> int:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def html_pages(site: Path) -> list[Path]:
    return [path for path in site.rglob("*.html") if "pagefind" not in path.parts]


def test_only_cases_and_chapters_are_indexed(built_example: Built) -> None:
    cases = read_cases(built_example.project)
    _, chapters = read_toolkit(built_example.project, "learner-voice")
    assert indexed_pages(built_example.site) == len(cases) + len(chapters)
    bodies = {path.relative_to(built_example.site).as_posix() for path in html_pages(built_example.site)
              if "data-pagefind-body" in path.read_text(encoding="utf-8")}
    expected = {f"{case.url}index.html" for case in cases} | {f"{chapter.url}index.html" for chapter in chapters}
    assert bodies == expected


def test_material_search_is_gone_and_every_page_has_one_search_box(built_example: Built) -> None:
    assert not (built_example.site / "search" / "search_index.json").exists(), "Material's lunr index is still built"
    for path in html_pages(built_example.site):
        if path.name == "404.html":
            continue
        soup = soup_of(path)
        assert not soup.select(".md-search"), f"{path}: Material's search dialog is still there"
        forms = soup.select("header form[role=search]")
        assert len(forms) == 1, f"{path}: {len(forms)} search boxes in the header"
        form = forms[0]
        url = path.relative_to(built_example.site).as_posix().removesuffix("index.html")
        assert form.get("method") == "get" and resolve(url, form["action"]) == "search/", path
        field = form.select_one("input[name=q]")
        assert field is not None and form.select_one(f"label[for={field['id']}]").get_text(strip=True), path


def test_the_search_page_has_a_labelled_filter_for_every_vocabulary_year_and_kind(built_example: Built) -> None:
    soup = built_example.soup("search/")
    cases = read_cases(built_example.project)
    facets = {fieldset["data-search-facet"]: fieldset for fieldset in soup.select("fieldset[data-search-facet]")}
    vocabularies = read_taxonomy(built_example.project)
    assert list(facets) == [v.field for v in vocabularies] + ["year", "kind"]
    for vocabulary in vocabularies:
        fieldset = facets[vocabulary.field]
        assert fieldset.legend.get_text(strip=True) == vocabulary.title
        assert [box["value"] for box in fieldset.select("input[type=checkbox]")] == [t.label for t in vocabulary.terms]
    years = sorted({str(case.published.year) for case in cases}, reverse=True)
    assert [box["value"] for box in facets["year"].select("input")] == years
    assert [box["value"] for box in facets["kind"].select("input")] == ["Case study", "Toolkit chapter"]
    for control in soup.select("[data-search-form] input, [data-search-form] select"):
        assert soup.select_one(f"label[for={control['id']}]") is not None, f"{control} has no label"
    status = soup.select_one("[data-search-status]")
    assert status["role"] == "status" and status["aria-live"] == "polite"


def test_the_search_page_without_javascript_links_to_every_listing(built_example: Built) -> None:
    soup = built_example.soup("search/")
    message = soup.select_one("[data-search-nojs]")
    assert "needs JavaScript" in message.get_text()
    links = {resolve("search/", a["href"]) for a in message.select("a[href]")}
    assert links == {"cases/"} | {f"{v.slug}/" for v in read_taxonomy(built_example.project)}
    assert soup.select_one("[data-search-form]").has_attr("hidden"), "the form shows before the script runs"


def test_search_off_builds_no_index_no_page_and_no_box(search_off: Built) -> None:
    assert not (search_off.site / "pagefind").exists()
    assert not (search_off.site / "search" / "index.html").exists()
    for path in html_pages(search_off.site):
        assert "data-search-header" not in path.read_text(encoding="utf-8"), path


def test_without_directory_urls_the_box_and_results_still_lead_to_pages(flat_urls: Built) -> None:
    about = soup_of(flat_urls.site / "cases" / "index.html")
    assert about.select_one("header form[role=search]")["action"] == "../search.html"
    assert (flat_urls.site / "search.html").is_file()
    cases = read_cases(flat_urls.project)
    assert indexed_pages(flat_urls.site) >= len(cases)


def test_a_missing_pagefind_stops_the_build_with_what_to_do(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    env = {**quiet_env(), "PAGEFIND_BINARY_PATH": str(tmp_path / "nowhere" / "pagefind")}
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "could not start Pagefind" in output and "search: off" in output, output[-2000:]
    assert "Traceback" not in output, "the reader sees a stack trace instead of the message"


def _pagefind_values(soup, attribute: str) -> dict[str, list[str]]:
    """What Pagefind reads from ``data-pagefind-filter`` or ``-meta``: name -> values."""
    values: dict[str, list[str]] = {}
    for element in soup.select(f"[{attribute}]"):
        for part in [element[attribute]]:  # one capture an element on these pages
            if ":" in part:
                name, value = part.split(":", 1)
            elif "[" in part:
                name, source = part[:-1].split("[", 1)
                value = element[source]
            else:
                name, value = part, element.get_text(" ", strip=True)
            values.setdefault(name.strip(), []).append(value.strip())
    return values


def test_case_pages_declare_their_filters_meta_and_sort(built_example: Built) -> None:
    for case in read_cases(built_example.project):
        soup = built_example.soup(case.url)
        filters = _pagefind_values(soup, "data-pagefind-filter")
        expected = {field: [t.label for t in terms] for field, terms in case.terms.items() if terms}
        expected.update(year=[str(case.published.year)], kind=["Case study"])
        assert filters == expected, case.url
        meta = {name: values[0] for name, values in _pagefind_values(soup, "data-pagefind-meta").items()}
        assert meta == {"kind": "Case study", "title": case.title, "provider": case.provider, "summary": case.summary,
                        "themes": "; ".join(t.label for t in case.terms_of("themes")),
                        "evidence": case.terms_of("evidence")[0].label, "published": case.published.isoformat()}
        assert _pagefind_values(soup, "data-pagefind-sort") == {"published": [case.published.isoformat()]}
        body = soup.select("[data-pagefind-body]")
        assert len(body) == 1 and body[0].select_one("h1").get_text(strip=True) == case.title
        # What must not be indexed is marked so.
        for heading in body[0].select("h2"):
            if heading.get_text(strip=True).rstrip("¶") in ("Related case studies", "From the toolkit"):
                assert heading.get("data-pagefind-ignore") == "all"
                assert heading.find_next_sibling("ul").get("data-pagefind-ignore") == "all"
        for form in body[0].select("form, .sc-feedback-summary"):
            assert form.find_parent(attrs={"data-pagefind-ignore": "all"}) or form.get("data-pagefind-ignore")
