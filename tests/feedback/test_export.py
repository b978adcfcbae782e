"""`showcase feedback export`: the published figures, for a quarterly report.

A copy of the example project gets a store with small counts, written here by hand, and
a real `showcase feedback publish`; then `showcase feedback export` is run as a toolkit
team would run it, and its CSV files and spreadsheet are read back. Every figure
expected is worked out by hand from the responses below, never by the code under test.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.figure_tables import ABOUT
from feedback.model import FeedbackResponse
from feedback.store import DEFAULT_STORE, Store
from tests.builds import copy_example, showcase
from tests.site.sites import read_cases, slug

PUBLISHED = "data/feedback"
# Values from outside that a spreadsheet would run as formulas. Stored as a source gave them,
# they are published under their own names (the form does not offer them).
FORMULA_ROLE = '=HYPERLINK("http://evil.invalid/","click")'
FORMULA_INTENTION = "@SUM(A1:A9)"
# A provider type added to the taxonomy, whose label starts like a formula too.
MINUS_LABEL = "-Minus Trust"
MINUS_SLUG = "minus-trust"


def vote(page: str, key: str, useful: str) -> FeedbackResponse:
    return FeedbackResponse("site", key, page, "case", "", "", None, "", False, False,
                            "2025-02-10T10:00:00.000+00:00", useful=useful)


def full(page: str, key: str, intention: str, role: str, rating: int | None, day: int) -> FeedbackResponse:
    return FeedbackResponse("site", key, page, "case", intention, role, rating, "", False, False,
                            f"2025-02-{day:02d}T10:00:00.000+00:00")


def responses(a: str, b: str) -> list[FeedbackResponse]:
    """Case A: 10 responses, all in February 2025; 5 rated it 4. Case B: 2 responses. Votes:
    A 6 yes and 5 no; B 2 yes and 1 no (3 answered: fewer than 5)."""
    made = [full(a, f"a-practice-{n}", "practice", "prison", 4, 1 + n) for n in range(5)]
    made += [full(a, f"a-formula-{n}", FORMULA_INTENTION, FORMULA_ROLE, None, 10 + n) for n in range(5)]
    made += [full(b, f"b-{n}", "practice", MINUS_SLUG, None, 20 + n) for n in range(2)]
    made += [vote(a, f"a-yes-{n}", "yes") for n in range(6)] + [vote(a, f"a-no-{n}", "no") for n in range(5)]
    made += [vote(b, f"b-yes-{n}", "yes") for n in range(2)] + [vote(b, "b-no", "no")]
    return made


NOTE = ("No number below 5 is published, so that nobody can be singled out: such a count reads \"fewer than 5\". "
        "Some larger numbers are hidden too (\"5 or more\", \"not shown\"), so that a small one cannot be worked "
        "out from the others.")
HEADER = ["Part", "Item", "Value"]
# Worked out by hand. Overview: 12 responses (10 + 2), all in February 2025; votes 8 yes, 6 no.
# B's 2 are hidden on its own page, so nothing may give them away by a difference: the 7 who are
# putting it into practice (A's 5 + B's 2) and the roles' small one are hidden with them.
OVERVIEW_ROWS = [
    ["Responses", "All pages", 12],
    ["Was it useful?", "Yes", 8],
    ["Was it useful?", "No", 6],
    ["Responses by month", "February 2025", 12],
    ["What brought people to the pages", "Putting these ideas into practice", "5 or more"],  # 7
    ["What brought people to the pages", FORMULA_INTENTION, "5 or more"],  # 5; not a choice of the form: last
    ["Who responded", "Prison", "5 or more"],  # 5
    ["Who responded", MINUS_LABEL, "not shown"],  # B's 2
    ["Who responded", FORMULA_ROLE, "5 or more"],  # 5
]
# Case A: its 10 is hidden (12 - 10 would give B's 2 away), and so are its votes (8 - 6 against 6
# and 5), and the reasons, which add up to the 10. The ratings are all shown: 5 rated it 4.
A_ROWS = [
    ["Responses", "All", "5 or more"],
    ["Was it useful?", "Yes", "5 or more"],
    ["Was it useful?", "No", "5 or more"],
    ["What brought people here", "Putting these ideas into practice", "5 or more"],
    ["What brought people here", FORMULA_INTENTION, "5 or more"],
    ["Who responded", "Prison", 5],
    ["Who responded", FORMULA_ROLE, "5 or more"],
    ["How useful people found it", "People who rated it", 5],
    ["How useful people found it", "Average rating (out of 5)", 4.0],
    *(["How useful people found it", f"Rated {n}", 5 if n == 4 else 0] for n in range(1, 6)),
]
# Below the threshold: only that there are fewer, and the votes in words.
B_ROWS = [["Responses", "All", "fewer than 5"], ["Was it useful?", "People who answered", "fewer than 5"]]


def neutralised(row: list[object]) -> list[str]:
    """A row as the CSV must hold it: text that starts like a formula has a quote in front."""
    return [f"'{cell}" if isinstance(cell, str) and cell[:1] in "=+-@" else str(cell) for cell in row]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = copy_example(tmp_path_factory.mktemp("export") / "project")
    taxonomy = root / "cases" / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    marker = ("    - label: Youth offending service\n"
              "      description: Practice led by a youth offending team or service.\n")
    assert marker in text, "the example taxonomy changed: update this test's provider type"
    taxonomy.write_text(text.replace(marker, marker + f'    - label: "{MINUS_LABEL}"\n'
                                     "      description: A made-up provider type.\n"), encoding="utf-8")
    cases = read_cases(root)
    a, b = cases[0].url, cases[1].url
    store = Store(root / DEFAULT_STORE)
    try:
        store.save_page("site", responses(a, b), None)
    finally:
        store.close()
    published = showcase(root, "feedback", "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    return root, a, b


def trimmed(row: tuple[object, ...]) -> list[object]:
    """A sheet's row without the empty cells openpyxl pads it with on the right."""
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def read_csv(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    """An exported CSV file's rows about the figures, and its table (header first) without them."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only after a byte-order mark"
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), "every line ends CRLF, as Excel expects"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0] == HEADER, "the header row comes first, so that any program reads the file as one table"
    return [row for row in rows if row[0] == ABOUT], [row for row in rows if row[0] != ABOUT]


def about_rows(figures_of: str) -> list[list[object]]:
    return [[ABOUT, "Figures of", figures_of], [ABOUT, "Threshold", 5], [ABOUT, "Hidden counts", NOTE]]


def test_csv_export_is_a_folder_of_tables_with_the_published_figures(project: tuple[Path, str, str],
                                                                      tmp_path: Path) -> None:
    root, a, b = project
    out = tmp_path / "report"
    result = showcase(root, "feedback", "export", "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Exported the published figures" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(["overview.csv", f"{slug(a)}.csv", f"{slug(b)}.csv"])
    notes, table = read_csv(out / "overview.csv")
    assert notes[:3] == [neutralised(row) for row in about_rows("All pages")]
    assert notes[3][:2] == [ABOUT, "Published"] and len(notes) == 4
    assert notes[3][2].endswith(" UTC (when feedback.json was last written)")
    assert table == [HEADER, *(neutralised(row) for row in OVERVIEW_ROWS)]
    notes, table = read_csv(out / f"{slug(a)}.csv")
    assert notes[:3] == [neutralised(row) for row in about_rows(a)]
    assert table == [HEADER, *(neutralised(row) for row in A_ROWS)]
    assert read_csv(out / f"{slug(b)}.csv")[1] == [HEADER, *(neutralised(row) for row in B_ROWS)]


def test_formula_looking_text_is_neutralised_in_the_csv(project: tuple[Path, str, str], tmp_path: Path) -> None:
    root, _, _ = project
    out = tmp_path / "report"
    assert showcase(root, "feedback", "export", "--format", "csv", "--output", str(out)).returncode == 0
    text = (out / "overview.csv").read_bytes().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert f"'{FORMULA_ROLE}" in cells and f"'{FORMULA_INTENTION}" in cells and f"'{MINUS_LABEL}" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")], "a cell Excel would run as a formula"


def test_xlsx_export_has_a_sheet_per_table_with_the_published_figures(project: tuple[Path, str, str],
                                                                       tmp_path: Path) -> None:
    root, a, b = project
    out = tmp_path / "report.xlsx"
    result = showcase(root, "feedback", "export", "--format", "xlsx", "--output", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["overview", *(slug(page)[:31] for page in sorted([a, b]))], "pages by address"
    for name, expected in (("overview", OVERVIEW_ROWS), (slug(a)[:31], A_ROWS), (slug(b)[:31], B_ROWS)):
        sheet = book[name]
        rows = [trimmed(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == HEADER
        assert rows[1:4] == about_rows("All pages" if name == "overview" else a if expected is A_ROWS else b)
        assert rows[4][:2] == [ABOUT, "Published"]
        assert rows[5:] == expected, name  # the very text: a spreadsheet cell is text, never run
        assert all(cell.font.bold for cell in sheet[1]), "the header row is bold"
        assert sheet.column_dimensions["B"].width > 10
    # No formulas anywhere: every cell is a number or a (shared or inline) string.
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not [xml for xml in sheets if "<f>" in xml or "<f " in xml]


def test_the_export_holds_what_the_site_hides_as_the_site_words_it(fsite, tmp_path: Path) -> None:
    """The review-and-publish site (tests/feedback/publishing/data.py): case A's small counts are words."""
    from tests.feedback.publishing.data import EXPECTED_A, INTENTION_LABELS

    out = tmp_path / "report"
    result = showcase(fsite.project, "feedback", "export", "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    _, table = read_csv(out / f"{slug(fsite.case_a.url)}.csv")
    words = {"fewer": "fewer than 5", "more": "5 or more", "hidden": "not shown"}
    intentions = EXPECTED_A["by_intention"]
    assert isinstance(intentions, dict)
    expected_intentions = [["What brought people here", INTENTION_LABELS[key], words[value]]
                           for key, value in intentions.items()]
    assert [row for row in table if row[0] == "What brought people here"] == expected_intentions
    assert ["How useful people found it", "People who rated it", "5 or more"] in table
    assert ["How useful people found it", "Rated 3", "fewer than 5"] in table
    assert not [row for row in table if "Average" in row[1]], "no average where the site shows none"
    # Nothing but figures: no comment, approved or not, reaches an export.
    exported = "".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir())
    assert "APPROVED-ONE" not in exported and "PENDING-CONSENTED" not in exported


def test_export_refuses_to_overwrite_without_force(project: tuple[Path, str, str], tmp_path: Path) -> None:
    root, _, _ = project
    out = tmp_path / "report.xlsx"
    out.write_text("a report someone is writing", encoding="utf-8")
    result = showcase(root, "feedback", "export", "--output", str(out))
    assert result.returncode == 1
    assert "already there" in result.stdout and "--force" in result.stdout
    assert out.read_text(encoding="utf-8") == "a report someone is writing"
    assert "Traceback" not in result.stdout + result.stderr
    forced = showcase(root, "feedback", "export", "--output", str(out), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert load_workbook(out).sheetnames[0] == "overview"
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = showcase(root, "feedback", "export", "--format", "csv", "--output", str(folder), "--force")
    assert refused.returncode == 1 and "notes.txt" in refused.stdout
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_export_with_nothing_published_says_to_publish_first(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    result = showcase(root, "feedback", "export", "--format", "csv", "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Nothing has been published yet" in result.stdout
    assert "`showcase feedback publish` first" in result.stdout
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in result.stdout + result.stderr


def test_export_reads_only_the_published_folder(project: tuple[Path, str, str], tmp_path: Path) -> None:
    """The store is not opened: with the store gone the export is the same, and a figure
    changed in feedback.json is what the export says."""
    root, a, _ = project
    copy = tmp_path / "published"
    copy.mkdir()
    data = json.loads((root / PUBLISHED / "feedback.json").read_text(encoding="utf-8"))
    data["pages"][a]["count"] = 11
    (copy / "feedback.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    result = showcase(root, "feedback", "export", "--format", "csv", "--published", str(copy), "--output", str(out),
                      "--store", str(tmp_path / "no-store.sqlite3"))
    assert result.returncode != 0, "--store is not an option of export: it never reads the store"
    result = showcase(root, "feedback", "export", "--format", "csv", "--published", str(copy), "--output", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert read_csv(out / f"{slug(a)}.csv")[1][1] == ["Responses", "All", "11"]
