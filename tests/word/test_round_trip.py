"""Round trip: an imported case, its front matter completed as the author would, passes
`showcase check` and builds with `mkdocs build --strict`, images and table included (one build)."""
from __future__ import annotations

import re
from pathlib import Path

from tests.builds import copy_example, showcase
from tests.site.sites import build_ok, soup_of

from .test_import import ALT_TODO, inspectorate_document


def test_an_imported_case_once_completed_passes_check_and_builds_strictly(tmp_path: Path) -> None:
    site = copy_example(tmp_path / "site")
    source = inspectorate_document(tmp_path / "Learner council.docx")
    imported = showcase(site, "import", str(source))  # the installed command, as an author runs it
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert imported.stdout.startswith("Learner council.docx: wrote cases/learner-council.md (a draft")
    assert imported.stderr == ""
    case = site / "cases" / "learner-council.md"

    # As imported, it is a draft that `showcase check --drafts` says how to finish.
    drafts = showcase(site, "check", "--drafts")
    assert drafts.returncode == 1
    # (The wording is `showcase check`'s own; what matters here is the file, the line and the field.)
    assert any(line.startswith("cases/learner-council.md:9: error: ") and "`themes`" in line
               for line in drafts.stdout.split("\n")), drafts.stdout

    # The author completes it: a theme from the suggestions, the missing alt text, no `draft:`.
    text = case.read_text(encoding="utf-8")
    text = text.replace("themes: []  ", "themes: [Learner voice]  ", 1)
    text = text.replace(f"![](../assets/cases/learner-council/image-2.png) {ALT_TODO}",
                        "![A red square](../assets/cases/learner-council/image-2.png)")
    text = re.sub(r"^draft: true.*\n", "", text, flags=re.MULTILINE)
    case.write_text(text, encoding="utf-8")
    checked = showcase(site, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.rstrip().endswith("No problems found.")

    built = build_ok(site, tmp_path / "built")
    page_file = built.page("cases/learner-council/")
    page = soup_of(page_file)
    assert page.find("h1").get_text(strip=True) == "Learner council"
    images = [(img["alt"], img["src"]) for img in page.select("article img") if "assets/cases" in img["src"]]
    assert images == [("Learners at a council meeting", "../../assets/cases/learner-council/image-1.png"),
                      ("A red square", "../../assets/cases/learner-council/image-2.png")]
    for _, src in images:
        assert (page_file.parent / src).resolve().is_file()
    table = page.select_one("article table")
    assert table is not None
    assert [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in table.select("tr")] == [
        ["Month", "Topic"], ["May", "Library hours"], ["June", "Peer mentors | buddies"]]
    assert page.select_one('article a[href="https://example.org/terms"]').get_text() == "council's terms"
    assert [li.get_text() for li in page.select("article ol li")][:2] == ["Nominate", "Vote"]
    assert "independent" in [strong.get_text() for strong in page.select("article strong")]
    assert "every month" in [em.get_text() for em in page.select("article em")]
    assert "The council changed how we plan the year." in page.get_text()
