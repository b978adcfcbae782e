"""``showcase feedback export``: the published figures as CSV files or a spreadsheet, for a report.

Reads the published folder (``feedback.json``, through ``core.published``), never
the store: only figures already suppressed for the site can be exported, and a
hidden count is the words the site shows ("fewer than 5", "not shown"). The tables
are ``core.figure_tables``'s, the same the site's CSV downloads hold.

CSV is a folder: ``overview.csv`` and one file per page, each a table that opens
in Excel as it is. XLSX is one workbook with a sheet per table.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.figure_tables import Table, all_tables, to_csv
from core.form import Choices
from core.problems import Problems
from core.published import DATA_FILE, PublishedFeedback, cannot_be_read, from_json

from .publish import write_if_changed

FORMATS = ("csv", "xlsx")
SHEET_NAME = 31  # the most characters Excel allows in a sheet's name
WIDEST = 60  # a column wider than this (characters) would hide the next one


class ExportError(Exception):
    """Why nothing was exported, said so that the person knows what to do next."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    path: Path
    tables: int


def read_published(folder: Path, shown: str) -> PublishedFeedback:
    """The published feedback in ``folder``, or ExportError when there is none or it cannot be read."""
    data_file = folder / DATA_FILE
    if not data_file.is_file():
        raise ExportError(f"Nothing has been published yet: there is no {shown}/{DATA_FILE}. Run "
                          "`showcase feedback publish` first, then export again.")
    problems = Problems()
    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        cannot_be_read(f"{shown}/{DATA_FILE}", error, problems)
        data = None
    published = None if data is None else from_json(data, shown, problems)
    if published is None:
        raise ExportError(f"{problems.report()}\nNothing was exported.")
    return published


def published_when(folder: Path) -> tuple[str, str]:
    """When the figures were published: the time feedback.json was last written, which
    `showcase feedback publish` does only when a figure changes."""
    written = datetime.fromtimestamp((folder / DATA_FILE).stat().st_mtime, tz=UTC)
    return "Published", f"{written:%Y-%m-%d %H:%M} UTC (when {DATA_FILE} was last written)"


def export(folder: Path, shown: str, choices: Choices, output: Path, format: str, force: bool = False,
           output_shown: str = "") -> Exported:
    """Write the published figures in ``folder`` to ``output`` as ``format`` (csv: a folder; xlsx: a file).

    ``shown`` and ``output_shown`` are the two paths as the person typed them, for messages."""
    where = output_shown or str(output)
    if format not in FORMATS:
        raise ExportError(f"Nothing was exported: there is no format {format!r}. Choose csv or xlsx.")
    published = read_published(folder, shown)
    if output.exists() and not force:
        raise ExportError(f"Nothing was exported: {where} is already there. Choose another --output, or add "
                          "--force to replace it.")
    tables = all_tables(published, choices, published_when(folder))
    if format == "csv":
        _write_csv(tables, output, where)
    else:
        _write_xlsx(tables, output, where)
    return Exported(output, len(tables))


def _write_csv(tables: list[Table], output: Path, where: str) -> None:
    if output.is_file():
        raise ExportError(f"Nothing was exported: {where} is a file, and a CSV export is a folder of files. Choose "
                          "another --output.")
    if output.is_dir():
        # --force: the folder becomes this export alone; anything but CSV files is left where it is.
        others = [p.name for p in output.iterdir() if p.suffix != ".csv" or not p.is_file()]
        if others:
            listed = ", ".join(sorted(others)[:3])
            raise ExportError(f"Nothing was exported: {where} holds other things than CSV files ({listed}), so it "
                              "is not replaced. Choose another --output.")
        shutil.rmtree(output)
    output.mkdir(parents=True)
    for table in tables:
        write_if_changed(output / f"{table.name}.csv", to_csv(table))


def sheet_names(tables: list[Table]) -> list[str]:
    """A name for each table's sheet: its own, cut to Excel's length and kept unique."""
    names: list[str] = []
    for table in tables:
        base = table.name[:SHEET_NAME]
        name, number = base, 2
        while name.casefold() in {n.casefold() for n in names}:
            suffix = f"-{number}"
            name, number = base[: SHEET_NAME - len(suffix)] + suffix, number + 1
        names.append(name)
    return names


def _write_xlsx(tables: list[Table], output: Path, where: str) -> None:
    if output.is_dir():
        raise ExportError(f"Nothing was exported: {where} is a folder, and an XLSX export is one file. Choose "
                          "another --output.")
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for table, name in zip(tables, sheet_names(tables), strict=True):
        sheet = book.create_sheet(name)
        sheet.append(list(table.columns))
        for column in range(1, len(table.columns) + 1):
            sheet.cell(row=1, column=column).font = bold
        sheet.freeze_panes = "A2"  # the header stays in sight while scrolling
        for row in table.all_rows():
            sheet.append(list(row))
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
                    if len(cell.value) > WIDEST:
                        cell.alignment = wrapped
        for column in range(1, len(table.columns) + 1):
            cells = [table.columns[column - 1], *(str(row[column - 1]) for row in table.all_rows())]
            sheet.column_dimensions[get_column_letter(column)].width = min(WIDEST, max(map(len, cells)) + 2)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        book.save(temporary)
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)
