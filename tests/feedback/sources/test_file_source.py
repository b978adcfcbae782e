"""Exports from survey tools, as CSV or JSON, mapped by column heading (.xlsx and the
shapes particular tools write: test_exports.py)."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from core.form import Choices
from feedback.collect import collect as run_collect
from feedback.collect import summary
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.file import PAGE_SIZE, FileSource
from feedback.store import Store

from .helpers import collect

NAME = "survey"
HEADINGS = ["Timestamp", "Page URL", "What brings you to this page?", "Which best describes your organisation?",
            "How useful was this page? (1 to 5)", "Any comments?", "May we publish your comment without your name?",
            "Response ID"]
COLUMNS = {"received_at": "Timestamp", "page": "Page URL", "intention": "What brings you to this page?",
           "role": "Which best describes your organisation?", "rating": "How useful was this page? (1 to 5)",
           "comment": "Any comments?", "consent": "May we publish your comment without your name?",
           "id": "Response ID"}
ROWS = [
    ["01/05/2024 10:00:00", "https://example.org/showcase/cases/peer-mentors/", "Yes, I plan to",
     "Probation Service", "4 - Very useful", "Great, thanks", "Yes", "R1"],
    ["01/05/2024 11:30:00", "https://example.org/showcase/toolkit/learner-voice/?utm=x", "just interested",
     "prison", "5", "Line one\nline two", "No", "R2"],
    ["", "", "", "", "", "", "", ""],  # a blank row, as spreadsheets leave at the end
    ["01/12/2024 09:15:00", "/showcase/cases/other-case/", "Something we have not heard of", "Governor", "",
     "", "", "R3"],
]


def write_csv(path: Path, rows: list[list[str]], headings: list[str] = HEADINGS) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # Excel writes a byte order mark
        writer = csv.writer(handle)
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def source_for(tmp_path: Path, choices: Choices, **options: Any) -> FileSource:
    settings: dict[str, Any] = {"path": "export.csv", "columns": COLUMNS, "date_format": "%d/%m/%Y %H:%M:%S",
                                "timezone": "Europe/London", "site_url": "https://example.org/showcase/",
                                "values": {"intention": {"Yes, I plan to": "practice"}}}
    settings.update(options)
    settings = {key: value for key, value in settings.items() if value is not None}  # None: leave it out
    return FileSource.from_config(SourceConfig(NAME, "file", settings, folder=tmp_path), None, choices)


def responses(store: Store) -> list[Any]:
    return sorted((r.response for r in store.responses()), key=lambda r: r.key)


def test_a_csv_export_is_mapped_by_heading(tmp_path: Path, choices: Choices, store: Store) -> None:
    write_csv(tmp_path / "export.csv", ROWS)
    source = source_for(tmp_path, choices)
    pages = list(source.pages(None))
    assert [(len(p.responses), p.cursor, p.more) for p in pages] == [(3, None, False)]
    collect(source, store)
    first, second, third = responses(store)
    assert (first.key, first.page, first.intention, first.role, first.rating, first.comment, first.consent) == (
        "R1", "cases/peer-mentors/", "practice", "probation-service", 4, "Great, thanks", True)
    assert first.received_at == "2024-05-01T09:00:00.000+00:00"  # 10:00 in London summer time
    assert first.kind == "case" and first.source == NAME and first.raw["Response ID"] == "R1"
    assert (second.page, second.intention, second.role, second.rating, second.consent) == (
        "toolkit/learner-voice/", "interested", "prison", 5, False)
    assert second.comment == "Line one\nline two"
    assert (third.page, third.intention, third.role, third.rating) == ("cases/other-case/", "", "", None)
    assert third.received_at == "2024-12-01T09:15:00.000+00:00"  # GMT in winter
    assert third.raw["Which best describes your organisation?"] == "Governor"


def test_a_rerun_stores_nothing_new(tmp_path: Path, choices: Choices, store: Store) -> None:
    write_csv(tmp_path / "export.csv", ROWS)
    source = source_for(tmp_path, choices)
    assert collect(source, store).new == 3
    counts = collect(source, store)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 3)
    assert store.cursor(NAME) is None


def test_without_an_id_column_rows_are_keyed_by_their_content(tmp_path: Path, choices: Choices,
                                                             store: Store) -> None:
    write_csv(tmp_path / "export.csv", ROWS)
    columns = {k: v for k, v in COLUMNS.items() if k != "id"}
    source = source_for(tmp_path, choices, columns=columns)
    collect(source, store)
    row = dict(zip(HEADINGS, ROWS[0], strict=True))
    digest = hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":")).encode()).hexdigest()
    assert digest in {r.key for r in responses(store)}
    assert collect(source_for(tmp_path, choices, columns=columns), store).new == 0


def test_a_json_export_with_its_records_key(tmp_path: Path, choices: Choices, store: Store) -> None:
    records = [dict(zip(HEADINGS, row, strict=True)) for row in ROWS if row[0]]
    records[0]["Timestamp"] = "2024-05-01T10:00:00+01:00"
    (tmp_path / "export.json").write_text(json.dumps({"data": records, "exported": "today"}), encoding="utf-8")
    source = source_for(tmp_path, choices, path="export.json", records="data", date_format=None)
    with pytest.raises(SourceError, match=r"record 2 of .*has the time '01/05/2024 11:30:00'"):
        collect(source, store)
    for record in records[1:]:
        record["Timestamp"] = "2024-05-01T12:00:00"  # no zone: Europe/London, as configured
    (tmp_path / "export.json").write_text(json.dumps({"data": records}), encoding="utf-8")
    collect(source, store)
    got = {r.key: r for r in responses(store)}
    assert got["R1"].received_at == "2024-05-01T09:00:00.000+00:00"
    assert got["R2"].received_at == "2024-05-01T11:00:00.000+00:00"
    assert got["R1"].intention == "practice"


def test_a_json_object_without_records_says_what_it_has(tmp_path: Path, choices: Choices) -> None:
    (tmp_path / "export.json").write_text(json.dumps({"responses": [], "meta": {}}), encoding="utf-8")
    source = source_for(tmp_path, choices, path="export.json")
    with pytest.raises(SourceError, match=r'holds an object.*records:.*"responses", "meta"'):
        list(source.pages(None))


def test_a_missing_column_names_it_and_the_columns_there_are(tmp_path: Path, choices: Choices) -> None:
    headings = [h if h != "Any comments?" else "Comments" for h in HEADINGS]
    write_csv(tmp_path / "export.csv", ROWS, headings)
    with pytest.raises(SourceError) as raised:
        list(source_for(tmp_path, choices).pages(None))
    message = str(raised.value)
    assert message.startswith('Source "survey": ')
    assert 'no column "Any comments?" (columns.comment' in message
    assert '"Comments"' in message and '"Timestamp"' in message


def test_a_bad_date_names_the_row(tmp_path: Path, choices: Choices, store: Store) -> None:
    rows = [list(row) for row in ROWS]
    rows[3][0] = "31/02/2024 09:00:00"
    write_csv(tmp_path / "export.csv", rows)
    with pytest.raises(SourceError, match=r"row 5 of .*export\.csv has the time '31/02/2024 09:00:00'.*"
                                          r"%d/%m/%Y %H:%M:%S"):
        collect(source_for(tmp_path, choices), store)
    assert store.responses() == []  # nothing half-read


def test_a_page_on_another_site_is_kept_as_other_pages_and_counted(tmp_path: Path, choices: Choices,
                                                                     store: Store) -> None:
    """Anyone can post any address to a hosted form: it must not stop the source, and it is never a page."""
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][1] = "https://elsewhere.example/cases/a/"
    write_csv(tmp_path / "export.csv", rows)
    results = run_collect(store, [source_for(tmp_path, choices)], progress=False)
    assert results[0].error is None and results[0].elsewhere == 1
    assert sorted(r.page for r in responses(store)) == ["", "toolkit/learner-voice/"]
    assert "1 response(s) were for an address that is not a page of this site" in summary(results)
    assert "elsewhere.example" not in summary(results)


def test_a_fixed_page_for_a_survey_about_one_page(tmp_path: Path, choices: Choices, store: Store) -> None:
    write_csv(tmp_path / "export.csv", ROWS)
    columns = {k: v for k, v in COLUMNS.items() if k != "page"}
    collect(source_for(tmp_path, choices, columns=columns, page="cases/peer-mentors/"), store)
    assert {r.page for r in responses(store)} == {"cases/peer-mentors/"}


def test_a_missing_file_is_a_source_error(tmp_path: Path, choices: Choices) -> None:
    with pytest.raises(SourceError, match=r"export\.csv does not exist.*relative to the folder of sources\.yml"):
        list(source_for(tmp_path, choices).pages(None))


def test_an_unknown_format_is_a_source_error(tmp_path: Path, choices: Choices) -> None:
    with pytest.raises(SourceError, match="`format: csv`, `format: json` or `format: xlsx`"):
        source_for(tmp_path, choices, path="export.ods")


def test_a_long_export_is_saved_in_pages(tmp_path: Path, choices: Choices, store: Store) -> None:
    rows = [[f"2024-05-01T10:00:{i % 60:02d}Z", "cases/a/", "practice", "prison", "3", f"c{i}", "yes", f"R{i}"]
            for i in range(PAGE_SIZE * 2 + 7)]
    write_csv(tmp_path / "export.csv", rows)
    source = source_for(tmp_path, choices, date_format=None)
    pages = list(source.pages(None))
    assert [(len(p.responses), p.more) for p in pages] == [(PAGE_SIZE, True), (PAGE_SIZE, True), (7, False)]
    assert collect(source, store).new == PAGE_SIZE * 2 + 7


# Hostile exports (issue 8): errors of this source, never a crash of the run
def test_a_json_export_nested_100000_deep_is_this_sources_error(tmp_path: Path, choices: Choices) -> None:
    (tmp_path / "export.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(SourceError, match=r"export\.json is not JSON the collector can read \(it is nested more "
                                          r"than 64 levels deep\)"):
        list(source_for(tmp_path, choices, path="export.json", date_format=None).pages(None))


def test_a_page_address_no_site_could_have_is_kept_as_no_page(tmp_path: Path, choices: Choices,
                                                             store: Store) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][1] = "https://example.org/showcase/cases/" + "a" * 1_000 + "/"
    write_csv(tmp_path / "export.csv", rows)
    collect(source_for(tmp_path, choices), store)
    pages = {r.key: r.page for r in responses(store)}
    assert pages == {"R1": "", "R2": "toolkit/learner-voice/"}  # "": counted as other pages, never printed
