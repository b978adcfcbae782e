"""Survey exports in the shapes the tools publish (issue 13 §1): SurveyMonkey's two header
rows, Google Forms' Timestamp with its GMT offset, and .xlsx workbooks (Microsoft Forms
gives nothing else). The samples, and where each shape is documented, are in
samples/exports/ (see its README.md); the .xlsx files are made here with openpyxl."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from core.form import Choices
from feedback.collect import collect as run_collect
from feedback.model import FeedbackResponse
from feedback.sources import sheets
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.file import FileSource
from feedback.sources.normalise import time_of
from feedback.sources.sheets import headings_of
from feedback.store import Store
from tests.builds import BIN, copy_example, quiet_env
from tests.site.sites import set_plugin_options

from .helpers import collect

SAMPLES = Path(__file__).parent / "samples" / "exports"
SITE = "https://example.org/showcase/"
ORGANISATION = "Which best describes your organisation?"
CONSENT = "May we publish your comment without your name?"
TICKED = "I agree to my comment being published"

SURVEY_MONKEY = {
    "columns": {"id": "Respondent ID", "received_at": "End Date", "page": "Which page were you reading?",
                "intention": "What brings you to this page?", "role": ORGANISATION,
                "rating": "How useful was this page?", "comment": "Any comments?",
                "consent": f"{CONSENT} - {TICKED}", "organisation": f"{ORGANISATION} - Other (please specify)"},
    "date_format": "%m/%d/%Y %I:%M:%S %p", "timezone": "Europe/London", "site_url": SITE,
}
GOOGLE = {
    "columns": {"received_at": "Timestamp", "page": "Page you were reading",
                "intention": "What brings you to this page?", "role": ORGANISATION,
                "rating": "How useful was this page?", "comment": "Any comments?", "consent": CONSENT},
    "site_url": SITE,
}
MICROSOFT_HEADINGS = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
                      "Which page were you reading?", "What brings you to this page?", ORGANISATION,
                      "How useful was this page?", "Any comments?", CONSENT]
MICROSOFT_ROWS: list[list[Any]] = [
    [1, datetime(2024, 5, 1, 9, 58, 2), datetime(2024, 5, 1, 10, 0, 0), "anonymous", "", None,
     "https://example.org/showcase/cases/peer-mentors/", "Putting these ideas into practice", "Charity", 4,
     "Good to see the numbers", "Yes"],
    [2, datetime(2024, 12, 1, 14, 0, 0), datetime(2024, 12, 1, 14, 2, 30), "anonymous", "", None,
     "https://example.org/showcase/toolkit/learner-voice/", "Just interested", "Youth offending service", 5,
     "", "No"],
]
MICROSOFT = {
    "columns": {"id": "ID", "received_at": "Completion time", "page": "Which page were you reading?",
                "intention": "What brings you to this page?", "role": ORGANISATION,
                "rating": "How useful was this page?", "comment": "Any comments?", "consent": CONSENT},
    "site_url": SITE,
}


def source(folder: Path, choices: Choices, path: str, settings: dict[str, Any], **changes: Any) -> FileSource:
    options = {"path": path, **settings, **changes}
    return FileSource.from_config(SourceConfig("export", "file", options, folder=folder), None, choices)


def by_key(store: Store) -> dict[str, FeedbackResponse]:
    return {r.response.key: r.response for r in store.responses()}


def fields(response: FeedbackResponse) -> tuple[Any, ...]:
    return (response.page, response.intention, response.role, response.rating, response.comment,
            response.consent, response.organisation, response.received_at)


def write_xlsx(path: Path, sheets_rows: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    first = True
    for title, rows in sheets_rows.items():
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def survey_monkey_table() -> list[list[Any]]:
    with (SAMPLES / "surveymonkey.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def survey_monkey_xlsx(path: Path) -> Path:
    """The same export as SurveyMonkey's .xlsx download: dates as date cells, numbers as numbers."""
    header, options, *rows = survey_monkey_table()
    cells: list[list[Any]] = [header, options]
    for row in rows:
        typed: list[Any] = list(row)
        typed[0], typed[1] = int(row[0]), int(row[1])
        typed[2] = datetime.strptime(row[2], "%m/%d/%Y %I:%M:%S %p")
        typed[3] = datetime.strptime(row[3], "%m/%d/%Y %I:%M:%S %p")
        typed[13] = int(row[13])
        cells.append([cell if cell != "" else None for cell in typed])
    return write_xlsx(path, {"Sheet": cells})


def microsoft_xlsx(path: Path, *, first_sheet: str = "Sheet1", extra_first: bool = False) -> Path:
    rows = [MICROSOFT_HEADINGS, *MICROSOFT_ROWS]
    if extra_first:
        return write_xlsx(path, {"Summary": [["Responses to the feedback form"], ["Count", 2]], first_sheet: rows})
    return write_xlsx(path, {first_sheet: rows})


# SurveyMonkey
def test_survey_monkey_columns_are_named_from_both_header_rows() -> None:
    names = headings_of(survey_monkey_table()).names
    assert names[:9] == ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                         "First Name", "Last Name", "Custom Data 1"]  # row 2 is blank under them
    assert names[9:] == [
        "Which page were you reading?",  # Open-Ended Response: the question alone
        "What brings you to this page?",  # Response: the question alone
        ORGANISATION,
        f"{ORGANISATION} - Other (please specify)",  # a blank question cell continues the question to its left
        "How useful was this page?",
        "How did you find this page? - Search engine",
        "How did you find this page? - A colleague",
        "How did you find this page? - Newsletter",
        "Any comments?",
        f"{CONSENT} - {TICKED}",
    ]


def test_a_response_row_is_not_taken_for_a_second_header_row() -> None:
    """A first response that happens to answer "Response" is still a response."""
    table = [["Timestamp", "Which word?", "Any comments?"], ["2024-05-01T10:00:00Z", "Response", "Fine"]]
    found = headings_of(table)
    assert (found.names, found.rows) == (table[0], 1)


def test_a_survey_monkey_export_is_read_and_every_response_normalised(tmp_path: Path, choices: Choices,
                                                                      store: Store) -> None:
    shutil.copy(SAMPLES / "surveymonkey.csv", tmp_path)
    counts = collect(source(tmp_path, choices, "surveymonkey.csv", SURVEY_MONKEY), store)
    assert counts.new == 3
    got = by_key(store)
    assert fields(got["114000000001"]) == (
        "cases/peer-mentors/", "practice", "probation-service", 4, "Clear, and the contacts helped.",
        True,  # the ticked option's column holds the option's own text, "I agree to ..."
        "", "2024-05-01T09:04:40.000+00:00")  # 10:04:40 AM in London summer time
    assert fields(got["114000000002"]) == (
        "toolkit/learner-voice/", "interested", "other", 5, "Short and useful", False, "A housing association",
        "2024-05-01T12:16:30.000+00:00")  # 01:16:30 PM
    assert fields(got["114000000003"]) == (
        "cases/other-case/", "similar", "prison", 2, "", False, "", "2024-12-02T09:01:00.000+00:00")  # GMT
    assert got["114000000001"].raw["How did you find this page? - Newsletter"] == "Newsletter"
    assert collect(source(tmp_path, choices, "surveymonkey.csv", SURVEY_MONKEY), store).new == 0


def test_survey_monkey_rows_are_numbered_as_in_the_file(tmp_path: Path, choices: Choices, store: Store) -> None:
    """Two header rows: the first response is row 3, and a message must say so."""
    lines = (SAMPLES / "surveymonkey.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace("12/02/2024 09:01:00 AM", "31/02/2024 09:01:00 AM")
    (tmp_path / "surveymonkey.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match=r"row 5 of .*surveymonkey\.csv has the time '31/02/2024 09:01:00 AM'"):
        collect(source(tmp_path, choices, "surveymonkey.csv", SURVEY_MONKEY), store)


def test_a_mapping_to_the_first_row_alone_names_the_two_row_heading(tmp_path: Path, choices: Choices) -> None:
    """Mapping consent to the question when its column is named "question - option" says what the columns are."""
    shutil.copy(SAMPLES / "surveymonkey.csv", tmp_path)
    columns = {**SURVEY_MONKEY["columns"], "consent": CONSENT}
    with pytest.raises(SourceError) as raised:
        list(source(tmp_path, choices, "surveymonkey.csv", SURVEY_MONKEY, columns=columns).pages(None))
    assert f'no column "{CONSENT}"' in str(raised.value)
    assert f'"{CONSENT} - {TICKED}"' in str(raised.value)


def test_the_same_mapping_reads_the_csv_and_the_xlsx_of_one_export(tmp_path: Path, choices: Choices,
                                                                   store: Store, tmp_path_factory:
                                                                   pytest.TempPathFactory) -> None:
    shutil.copy(SAMPLES / "surveymonkey.csv", tmp_path)
    survey_monkey_xlsx(tmp_path / "surveymonkey.xlsx")
    collect(source(tmp_path, choices, "surveymonkey.csv", SURVEY_MONKEY), store)
    from_csv = {key: fields(r) for key, r in by_key(store).items()}
    other = Store(tmp_path_factory.mktemp("xlsx-store") / "collected.sqlite3")
    try:
        assert collect(source(tmp_path, choices, "surveymonkey.xlsx", SURVEY_MONKEY), other).new == 3
        from_xlsx = {key: fields(r) for key, r in by_key(other).items()}
        assert by_key(other)["114000000001"].raw["End Date"] == "2024-05-01T10:04:40"  # kept as JSON text
    finally:
        other.close()
    assert from_xlsx == from_csv and len(from_csv) == 3


# Google Forms
def test_google_forms_timestamps_with_their_gmt_offset_are_the_right_instants(tmp_path: Path, choices: Choices,
                                                                               store: Store) -> None:
    shutil.copy(SAMPLES / "google-forms.csv", tmp_path)
    collect(source(tmp_path, choices, "google-forms.csv", GOOGLE), store)
    got = sorted(by_key(store).values(), key=lambda r: r.received_at)
    assert [r.received_at for r in got] == [
        "2024-05-01T09:00:00.000+00:00",  # 10:00:00 AM GMT+1
        "2024-05-01T16:00:00.000+00:00",  # 9:30:00 PM GMT+5:30
        "2024-12-01T10:00:00.000+00:00",  # 10:00:00 AM GMT
    ]
    assert [(r.intention, r.role, r.rating, r.consent) for r in got] == [
        ("practice", "charity", 4, True), ("interested", "college", 3, False), ("other", "prison", 5, True)]


def test_a_google_sheets_download_reads_with_its_date_format(tmp_path: Path, choices: Choices,
                                                             store: Store) -> None:
    """The linked sheet's own CSV writes the Timestamp in the sheet's locale, with no zone."""
    shutil.copy(SAMPLES / "google-sheets.csv", tmp_path)
    collect(source(tmp_path, choices, "google-sheets.csv", GOOGLE, date_format="%d/%m/%Y %H:%M:%S",
                   timezone="Europe/London"), store)
    assert sorted(r.received_at for r in by_key(store).values()) == [
        "2024-05-01T09:00:00.000+00:00", "2024-12-01T10:00:00.000+00:00"]


def test_a_date_format_and_a_gmt_offset_together(tmp_path: Path, choices: Choices, store: Store) -> None:
    """A date_format for the date, and the offset Google adds after it, which gives the zone."""
    text = (SAMPLES / "google-forms.csv").read_text(encoding="utf-8").replace("2024/05/01 10:00:00 AM GMT+1",
                                                                              "01/05/2024 10:00:00 GMT+2")
    (tmp_path / "google-forms.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"row 3 .*'2024/05/01 9:30:00 PM GMT\+5:30'.*%d/%m/%Y %H:%M:%S"):
        collect(source(tmp_path, choices, "google-forms.csv", GOOGLE, date_format="%d/%m/%Y %H:%M:%S"), store)
    text = "\n".join(text.splitlines()[:2]) + "\n"
    (tmp_path / "google-forms.csv").write_text(text, encoding="utf-8")
    collect(source(tmp_path, choices, "google-forms.csv", GOOGLE, date_format="%d/%m/%Y %H:%M:%S"), store)
    assert [r.received_at for r in by_key(store).values()] == ["2024-05-01T08:00:00.000+00:00"]


@pytest.mark.parametrize(("written", "instant"), [
    ("2024/05/01 10:00:00 AM GMT-4", "2024-05-01T14:00:00.000+00:00"),
    ("2024/05/01 12:00:00 AM GMT+1", "2024-04-30T23:00:00.000+00:00"),  # midnight, in the 12-hour clock
    ("2024/05/01 22:15:00 GMT+10:30", "2024-05-01T11:45:00.000+00:00"),  # a 24-hour locale
    ("2024/05/01 10:00:00 AM UTC", "2024-05-01T10:00:00.000+00:00"),
])
def test_google_timestamp_offsets(written: str, instant: str) -> None:
    assert time_of(written, zone=ZoneInfo("Europe/London")) == instant  # the offset, not the zone, decides


def test_an_offset_no_zone_has_is_not_a_time() -> None:
    with pytest.raises(ValueError, match="GMT\\+25 is not a time zone offset"):
        time_of("2024/05/01 10:00:00 AM GMT+25")


# Microsoft Forms and .xlsx
def test_a_microsoft_forms_workbook_is_read_from_its_first_sheet(tmp_path: Path, choices: Choices,
                                                                 store: Store) -> None:
    microsoft_xlsx(tmp_path / "forms.xlsx")
    collect(source(tmp_path, choices, "forms.xlsx", MICROSOFT, timezone="Europe/London"), store)
    got = by_key(store)
    assert set(got) == {"1", "2"}  # the ID cell is the number 1, the key its text
    assert fields(got["1"]) == ("cases/peer-mentors/", "practice", "charity", 4, "Good to see the numbers", True,
                                "", "2024-05-01T09:00:00.000+00:00")  # a zone-less 10:00 in London summer time
    assert fields(got["2"]) == ("toolkit/learner-voice/", "interested", "youth-offending-service", 5, "", False,
                                "", "2024-12-01T14:02:30.000+00:00")
    assert got["1"].raw["Start time"] == "2024-05-01T09:58:02" and got["1"].raw["Last modified time"] == ""


def test_a_zone_less_cell_is_utc_when_sources_yml_gives_no_timezone(tmp_path: Path, choices: Choices,
                                                                    store: Store) -> None:
    microsoft_xlsx(tmp_path / "forms.xlsx")
    collect(source(tmp_path, choices, "forms.xlsx", MICROSOFT), store)
    assert by_key(store)["1"].received_at == "2024-05-01T10:00:00.000+00:00"


def test_a_named_sheet_is_read_and_a_wrong_name_lists_the_sheets(tmp_path: Path, choices: Choices,
                                                                 store: Store) -> None:
    microsoft_xlsx(tmp_path / "forms.xlsx", first_sheet="Form1", extra_first=True)
    with pytest.raises(SourceError, match=r'forms\.xlsx has no column "ID"'):
        list(source(tmp_path, choices, "forms.xlsx", MICROSOFT).pages(None))  # the first sheet is the summary
    assert collect(source(tmp_path, choices, "forms.xlsx", MICROSOFT, sheet="Form1"), store).new == 2
    with pytest.raises(SourceError) as raised:
        list(source(tmp_path, choices, "forms.xlsx", MICROSOFT, sheet="Responses").pages(None))
    message = str(raised.value)
    assert message.startswith('Source "export": ') and "Traceback" not in message
    assert 'has no sheet called "Responses"; its sheets are: "Summary", "Form1".' in message


def test_sheet_is_only_for_a_workbook(tmp_path: Path, choices: Choices) -> None:
    shutil.copy(SAMPLES / "google-forms.csv", tmp_path)
    with pytest.raises(SourceError, match=r"`sheet` is only for Excel workbooks"):
        source(tmp_path, choices, "google-forms.csv", GOOGLE, sheet="Sheet1")


def test_an_old_xls_file_is_refused_with_what_to_do(tmp_path: Path, choices: Choices) -> None:
    with pytest.raises(SourceError, match=r"(?s)old Excel file \(\.xls\).*save it as an Excel Workbook \(\.xlsx\)"):
        source(tmp_path, choices, "forms.xls", MICROSOFT)


@pytest.mark.parametrize("damage", ["text", "cut short", "zip without a workbook", "damaged sheet"])
def test_a_file_that_is_not_a_real_xlsx_is_refused_plainly(tmp_path: Path, choices: Choices, store: Store,
                                                         damage: str) -> None:
    path = tmp_path / "forms.xlsx"
    if damage == "text":
        path.write_text("ID,Start time\n1,2024-05-01\n", encoding="utf-8")
    elif damage == "cut short":
        whole = microsoft_xlsx(tmp_path / "whole.xlsx").read_bytes()
        path.write_bytes(whole[:len(whole) // 2])
    elif damage == "zip without a workbook":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    else:
        with zipfile.ZipFile(microsoft_xlsx(tmp_path / "whole.xlsx")) as whole, zipfile.ZipFile(path, "w") as archive:
            for member in whole.infolist():
                data = whole.read(member)
                archive.writestr(member, b"<worksheet><sheetData><row>" if "worksheets/" in member.filename else data)
    results = run_collect(store, [source(tmp_path, choices, "forms.xlsx", MICROSOFT)], progress=False)
    error = str(results[0].error)
    assert "is not an Excel workbook (.xlsx) the collector can read" in error, error
    assert "Download the responses again" in error and "Traceback" not in error
    assert store.responses() == []


@pytest.mark.parametrize(("bound", "value", "expected"), [
    ("MAX_ROWS", 2, "has more than 2 rows"),
    ("MAX_COLUMNS", 5, "has more than 5 columns in row 1"),
    ("MAX_CELL_CHARS", 20, "has a cell in row 1 holding more than 20 characters"),
    ("MAX_UNPACKED_MB", 0, "unpacks to 0 MB, more than the 0 MB"),
    ("MAX_CELLS", 20, "has more than 20 cells"),
])
def test_a_workbook_over_a_bound_is_refused(tmp_path: Path, choices: Choices, monkeypatch: pytest.MonkeyPatch,
                                            bound: str, value: int, expected: str) -> None:
    """Each bound, lowered so a small workbook crosses it (a real hostile file would be slow to make)."""
    microsoft_xlsx(tmp_path / "forms.xlsx")
    monkeypatch.setattr(sheets, bound, value)
    with pytest.raises(SourceError, match=expected):
        list(source(tmp_path, choices, "forms.xlsx", MICROSOFT).pages(None))


def test_a_response_a_million_rows_down_is_refused_quickly(tmp_path: Path, choices: Choices) -> None:
    """One cell in row 1,000,000 (a sheet that says it is A1:L1000000): refused at the row bound, in seconds."""
    path = microsoft_xlsx(tmp_path / "forms.xlsx")
    from openpyxl import load_workbook
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet.cell(row=1_000_000, column=12, value="Yes")
    workbook.save(path)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"has more than 200,000 rows"):
        list(source(tmp_path, choices, "forms.xlsx", MICROSOFT).pages(None))
    assert time.monotonic() - started < 20


def test_the_receiver_never_loads_openpyxl() -> None:
    """openpyxl is for the collector: the receiver imports the sources' settings, never the workbook reader."""
    script = ("import sys, feedback.serve, feedback.receiver, feedback.sources.file, feedback.sources.config\n"
              "assert 'openpyxl' not in sys.modules, 'openpyxl was imported'\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# The real command
def test_showcase_feedback_collect_reads_each_kind_of_export(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    set_plugin_options(project, feedback={"retention_days": 100 * 365})  # the samples' dates stay in 2024
    folder = project / "feedback"
    folder.mkdir(exist_ok=True)
    for name in ("surveymonkey.csv", "google-forms.csv"):
        shutil.copy(SAMPLES / name, folder / name)
    microsoft_xlsx(folder / "forms.xlsx", first_sheet="Form1", extra_first=True)
    (folder / "sources.yml").write_text(f"""\
sources:
  - name: surveymonkey
    type: file
    path: surveymonkey.csv
    date_format: "%m/%d/%Y %I:%M:%S %p"
    timezone: Europe/London
    site_url: {SITE}
    columns:
      id: Respondent ID
      received_at: End Date
      page: Which page were you reading?
      intention: What brings you to this page?
      role: {ORGANISATION}
      rating: How useful was this page?
      comment: Any comments?
      consent: "{CONSENT} - {TICKED}"
      organisation: "{ORGANISATION} - Other (please specify)"
  - name: google-forms
    type: file
    path: google-forms.csv
    site_url: {SITE}
    columns:
      received_at: Timestamp
      page: Page you were reading
      intention: What brings you to this page?
      role: {ORGANISATION}
      consent: {CONSENT}
  - name: microsoft-forms
    type: file
    path: forms.xlsx
    sheet: Form1
    timezone: Europe/London
    site_url: {SITE}
    columns:
      id: ID
      received_at: Completion time
      page: Which page were you reading?
      intention: What brings you to this page?
      role: {ORGANISATION}
      consent: {CONSENT}
""", encoding="utf-8")
    store_path = tmp_path / "collected.sqlite3"
    result = subprocess.run([str(BIN / "showcase"), "feedback", "collect", "--no-progress", "--store",
                             str(store_path)], cwd=project, env=quiet_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
    assert "All sources collected" in result.stdout
    store = Store(store_path)
    try:
        responses = [r.response for r in store.responses()]
    finally:
        store.close()
    counted = {name: sum(r.source == name for r in responses)
               for name in ("surveymonkey", "google-forms", "microsoft-forms")}
    assert counted == {"surveymonkey": 3, "google-forms": 3, "microsoft-forms": 2}
    assert {r.received_at for r in responses if r.source == "microsoft-forms"} == {
        "2024-05-01T09:00:00.000+00:00", "2024-12-01T14:02:30.000+00:00"}
    assert sum(r.consent for r in responses if r.source == "surveymonkey") == 1
