"""Reading survey exports as tables: an .xlsx workbook's sheet, and the two
header rows SurveyMonkey writes.

Microsoft Forms gives responses only as .xlsx; SurveyMonkey and Google Forms
offer it too. A workbook comes from a person's download folder, so it is read
as a stranger's file: opened read-only (cells streamed, never the whole file
built in memory), with formulas' last saved values rather than formulas, and
bounded in unpacked size, rows, columns and the length of one cell.

openpyxl is imported only when a workbook is read, so the receiver, which
imports the sources for their settings, never loads it.
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

__all__ = ["MARKERS", "MAX_CELLS", "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_ROWS", "MAX_UNPACKED_MB", "Headings",
           "SheetProblem", "headings_of", "json_safe", "read_xlsx"]

MAX_ROWS = 200_000  # far more responses than any one export of a feedback form holds
MAX_COLUMNS = 2_000  # SurveyMonkey gives each option of a "select all" question its own column
MAX_CELL_CHARS = 100_000  # Excel's own limit for a cell is 32,767 characters
MAX_CELLS = 4_000_000  # cells read in all, empty ones included: bounds the work a sheet of wide rows makes
MAX_UNPACKED_MB = 100  # an .xlsx is a zip: this bounds what it may unpack to (an export is a few MB)
# What SurveyMonkey's second header row says under a question answered in one column.
MARKERS = ("Response", "Open-Ended Response")


# What openpyxl raises for a damaged workbook: a bad zip or deflate stream, a missing part, XML that
# does not parse (ElementTree's ParseError is a SyntaxError) or parts that do not fit together.
_DAMAGED: tuple[type[BaseException], ...] = (zipfile.BadZipFile, zlib.error, KeyError, IndexError, AttributeError,
                                             ValueError, TypeError, OSError, EOFError, SyntaxError)


class SheetProblem(Exception):
    """Why a workbook cannot be read, in words for the person collecting
    (the file source adds the source's name and the path)."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def read_xlsx(path: Path, sheet: str = "") -> list[list[Any]]:
    """Every row of the workbook's first sheet (or of ``sheet``), as lists of cell values:
    text, numbers, booleans and datetimes as Excel holds them, "" for an empty cell.
    Raises SheetProblem for a file that is not a real .xlsx, a missing sheet, or one over the bounds."""
    _check_zip(path)
    from openpyxl import load_workbook  # here, not at the top: see the module's docstring
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except InvalidFileException as error:
        raise _not_xlsx() from error
    except _DAMAGED as error:
        raise _not_xlsx() from error
    try:
        names = list(workbook.sheetnames)
        if sheet and sheet not in names:
            listed = ", ".join(f'"{name}"' for name in names)
            raise SheetProblem(f'has no sheet called "{sheet}"; its sheets are: {listed}.',
                               "Copy the sheet's name exactly into sheet: in sources.yml, or leave sheet: out "
                               "for the first sheet.")
        if not names:
            raise _not_xlsx()
        return _table(workbook[sheet or names[0]])
    except SheetProblem:
        raise
    except _DAMAGED as error:
        raise _not_xlsx() from error  # a damaged part found while the rows are read
    finally:
        workbook.close()


def _check_zip(path: Path) -> None:
    """A real .xlsx is a zip holding a workbook, and unpacks to a bounded size."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_xlsx() from error
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise _not_xlsx()
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise SheetProblem(f"unpacks to {unpacked // (1024 * 1024):,} MB, more than the {MAX_UNPACKED_MB} MB an "
                           "export of a feedback form could need.",
                           "Check it is the right file; export the responses again, or save them as CSV.")


def _not_xlsx() -> SheetProblem:
    return SheetProblem("is not an Excel workbook (.xlsx) the collector can read: it is damaged, or another kind "
                        "of file with an .xlsx name.",
                        "Download the responses again from the survey tool, or open the file in Excel and save "
                        "it as an Excel Workbook (.xlsx) or as CSV.")


def _table(worksheet: Any) -> list[list[Any]]:
    # The size a sheet declares is the writer's word, and may be A1:XFD1048576: forgotten, each row
    # is read as wide as the widest cell it has, and a missing row costs nothing.
    worksheet.reset_dimensions()
    table: list[list[Any]] = []
    read = 0
    for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise SheetProblem(f"has more than {MAX_ROWS:,} rows.",
                               "Check it is the right file; an export with that many responses can be split.")
        read += len(row)
        if read > MAX_CELLS:
            raise SheetProblem(f"has more than {MAX_CELLS:,} cells.",
                               "Check it is the right file, and remove columns the collector does not read.")
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()  # formatting left in a column past the last answer
        if len(cells) > MAX_COLUMNS:
            raise SheetProblem(f"has more than {MAX_COLUMNS:,} columns in row {number}.",
                               "Check it is the right file, and remove columns the collector does not read.")
        table.append([_cell(value, number) for value in cells])
    return table


def _cell(value: Any, row: int) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise SheetProblem(f"has a cell in row {row} holding more than {MAX_CELL_CHARS:,} characters.",
                           "Check it is the right file.")
    if isinstance(value, (time, date)) and not isinstance(value, datetime):
        return value.isoformat()  # a date or a time alone: kept as text, it is never a response's time
    return value


def json_safe(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the store keeps it (JSON): datetimes as ISO 8601 text."""
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in row.items()}


@dataclass(frozen=True)
class Headings:
    """Each column's name, and where a second header row named an option, that option's
    text (what a "select all" column holds when ticked); ``rows`` is how many header rows."""

    names: list[str]
    options: dict[str, str]
    rows: int


def headings_of(table: Sequence[Sequence[Any]]) -> Headings:
    """The column names from the first row, or from the first two in SurveyMonkey's shape:
    its second row says "Response" or "Open-Ended Response" under a question answered in one
    column, and names the option under each column of a question with several. A blank
    question cell continues the question to its left."""
    first = [_text(cell) for cell in table[0]]
    second = [_text(cell) for cell in table[1]] if len(table) > 1 else []
    if not _is_survey_monkey(first, second):
        return Headings(first, {}, 1)
    width = max(len(first), len(second))
    first += [""] * (width - len(first))
    second += [""] * (width - len(second))
    names: list[str] = []
    options: dict[str, str] = {}
    question = ""
    for heading, below in zip(first, second, strict=True):
        question = heading or question
        if not below or below in MARKERS:
            names.append(question)
        elif question:
            name = f"{question} - {below}"
            names.append(name)
            options[name] = below
        else:
            names.append(below)
    return Headings(names, options, 2)


def _is_survey_monkey(first: list[str], second: list[str]) -> bool:
    """Whether the second row is SurveyMonkey's second header row rather than a response:
    it says "Response" somewhere, and either it is blank under the first column (SurveyMonkey's
    Respondent ID, which every response fills) or every other text in it sits under a
    question that spans several columns (so it names one of its options)."""
    if not any(cell in MARKERS for cell in second):
        return False
    if not second[0]:
        return True
    spans = [False] * len(second)
    for index in range(len(second)):
        starts = index < len(first) and bool(first[index])
        continued = index + 1 < len(second) and (index + 1 >= len(first) or not first[index + 1])
        inside = index > 0 and not starts
        spans[index] = inside or (starts and continued)
    return all(not cell or cell in MARKERS or spans[index] for index, cell in enumerate(second))


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()
