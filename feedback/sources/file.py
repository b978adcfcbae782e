"""An export from a survey tool (SurveyMonkey, Microsoft Forms, Google Forms),
as a CSV, JSON or Excel (.xlsx) file, mapped to our fields by column headings in sources.yml.

CSV and .xlsx are read into the same table, so one mapping serves both downloads of
an export. SurveyMonkey's two header rows are named as ``sheets.headings_of`` says:
"question" for a question answered in one column, "question - option" for each
option's column.

There is no cursor: the whole file is read each time, and the store's upsert
by (source, key) makes a rerun harmless. Rows are keyed by the export's own
id column when one is named, else by the hash of the row's content.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, Self

from core.form import Choices

from ..model import FeedbackResponse, Page
from .base import SourceConfig, SourceError
from .jsondata import JsonProblem, load_json
from .normalise import Normaliser, content_key, fold
from .settings import COLUMNS, FIELDS, FORMATS, FileSettings, settings_of
from .sheets import Headings, SheetProblem, headings_of, json_safe, read_xlsx

__all__ = ["COLUMNS", "FORMATS", "PAGE_SIZE", "FileSource"]

PAGE_SIZE = 500  # rows saved per transaction


class FileSource:
    """Responses from one exported file. The settings come checked (see ``settings``)."""

    def __init__(self, settings: FileSettings, http: object, choices: Choices) -> None:
        """``http`` is accepted (and unused) so every source is built the same way."""
        self.settings = settings
        self.name = settings.name
        self.normaliser = Normaliser.for_source(settings, choices)
        self.path = settings.path
        self.format = settings.format
        self.columns = settings.columns
        self.fixed_page = settings.page
        self.date_format = settings.date_format
        self.zone = settings.timezone
        self.encoding = settings.encoding
        self.delimiter = settings.delimiter
        self.records_key = settings.records
        self.sheet = settings.sheet
        self._headings: list[str] = []
        self._options: dict[str, str] = {}  # "question - option" -> the option's text (SurveyMonkey)

    @classmethod
    def from_config(cls, config: SourceConfig, http: object, choices: Choices) -> Self:
        """The adapter for one entry of sources.yml (or one written by hand, checked now)."""
        settings = settings_of(config)
        if not isinstance(settings, FileSettings):
            raise SourceError(config.name, f"a {config.type} source cannot be read as a file.",
                              "Check its type in sources.yml: it should be file.")
        return cls(settings, http, choices)

    def pages(self, cursor: str | None) -> Iterator[Page]:
        """Every row, in pages; ``cursor`` is ignored and every page's is None."""
        rows = self._rows()
        if not rows:
            yield Page([], None, False)
            return
        responses = [self._response(number, what, row) for number, what, row in rows]
        for start in range(0, len(responses), PAGE_SIZE):
            chunk = responses[start:start + PAGE_SIZE]
            yield Page(chunk, None, start + PAGE_SIZE < len(responses))

    # Reading
    def _rows(self) -> list[tuple[int, str, dict[str, Any]]]:
        """(number, how a person finds it, the row) for each row with anything in it."""
        if self.format == "xlsx":
            rows = self._xlsx()
            self._check_columns()
            return [(n, what, row) for n, what, row in rows if any(_filled(value) for value in row.values())]
        try:
            content = self.path.read_text(encoding=self.encoding)
        except FileNotFoundError as error:
            raise SourceError(self.name, f'the file {self.path} does not exist. Check path in '
                              "sources.yml (it is relative to the folder of sources.yml).") from error
        except UnicodeDecodeError as error:
            raise SourceError(self.name, f'{self.path} is not {self.encoding} text ({error.reason} at '
                              f"byte {error.start}). Export it again as UTF-8, or set encoding: in sources.yml."
                              ) from error
        except (OSError, LookupError) as error:
            raise SourceError(self.name, f'{self.path} cannot be read ({error}).') from error
        rows = self._csv(content) if self.format == "csv" else self._json(content)
        if self.format == "csv" or rows:
            self._check_columns()
        return [(n, what, row) for n, what, row in rows if any(_filled(value) for value in row.values())]

    def _csv(self, content: str) -> list[tuple[int, str, dict[str, Any]]]:
        reader = csv.reader(content.splitlines(keepends=True), delimiter=self.delimiter)
        try:
            table = list(reader)
        except csv.Error as error:
            raise SourceError(self.name, f'{self.path} is not a readable CSV file near line '
                              f"{reader.line_num} ({error}).") from error
        return self._table(table)

    def _xlsx(self) -> list[tuple[int, str, dict[str, Any]]]:
        try:
            table = read_xlsx(self.path, self.sheet)
        except FileNotFoundError as error:
            raise SourceError(self.name, f'the file {self.path} does not exist. Check path in '
                              "sources.yml (it is relative to the folder of sources.yml).") from error
        except SheetProblem as problem:
            raise SourceError(self.name, f"{self.path} {problem.reason}", problem.hint) from problem
        except OSError as error:
            raise SourceError(self.name, f'{self.path} cannot be read ({error}).') from error
        return self._table(table)

    def _table(self, table: list[list[Any]]) -> list[tuple[int, str, dict[str, Any]]]:
        """Rows of cells (from CSV or a sheet) as rows keyed by column name, after the header row or rows."""
        if not table or not any(_filled(cell) for cell in table[0]):
            raise SourceError(self.name, f'{self.path} is empty: it has no row of column headings.')
        found: Headings = headings_of(table)
        headings = found.names
        for name, heading in self.columns.items():
            if headings.count(heading) > 1:
                raise SourceError(self.name, f'{self.path} has two columns headed "{heading}" '
                                  f"(columns.{name}), so which one to read is unclear. Rename one in the file.")
        self._headings, self._options = headings, found.options
        rows = []
        for index, cells in enumerate(table[found.rows:], start=found.rows + 1):
            row = dict(zip(headings, list(cells) + [""] * (len(headings) - len(cells)), strict=False))
            rows.append((index, f"row {index}", row))
        return rows

    def _json(self, content: str) -> list[tuple[int, str, dict[str, Any]]]:
        try:
            data = load_json(content)
        except JsonProblem as error:
            raise SourceError(self.name, f'{self.path} is not JSON the collector can read '
                              f"({error.reason}). Export it again from the survey tool.") from error
        if self.records_key:
            if not isinstance(data, dict) or self.records_key not in data:
                raise SourceError(self.name, f'{self.path} has no "{self.records_key}" at the top '
                                  "(the records option). Check the name in the file.")
            data = data[self.records_key]
        elif isinstance(data, dict):
            keys = ", ".join(f'"{key}"' for key in data)
            raise SourceError(self.name, f'{self.path} holds an object, not a list of responses. Set '
                              f"records: to the name of the list in it (it has {keys or 'nothing'}).")
        if not isinstance(data, list):
            raise SourceError(self.name, f'{self.path} does not hold a list of responses.')
        rows = []
        for index, record in enumerate(data, start=1):
            if not isinstance(record, dict):
                raise SourceError(self.name, f'record {index} of {self.path} is not an object of '
                                  "column headings and answers.")
            rows.append((index, f"record {index}", record))
        seen: list[str] = []
        for _, _, record in rows:
            seen.extend(key for key in record if key not in seen)
        self._headings = seen
        return rows

    def _check_columns(self) -> None:
        """Every mapped column is in the file: a renamed question would
        otherwise be read as blank answers without a word."""
        headings = self._headings
        for name, heading in self.columns.items():
            if heading not in headings:
                listed = "; ".join(f'"{h}"' for h in headings) or "none"
                raise SourceError(self.name, f'{self.path} has no column "{heading}" (columns.{name} in '
                                  f"sources.yml). Its columns are: {listed}. Copy the heading exactly.")

    def _ticked(self, heading: str, value: Any) -> Any:
        """A "select all" option's column holds the option's text when it is ticked: for
        consent, that text is a yes whatever it says ("I agree to publication")."""
        option = self._options.get(heading)
        if option is not None and isinstance(value, str) and fold(value) == fold(option):
            return True
        return value

    def _response(self, number: int, what: str, row: dict[str, Any]) -> FeedbackResponse:
        fields = {name: row.get(heading) for name, heading in self.columns.items() if name in FIELDS}
        if "consent" in self.columns:
            fields["consent"] = self._ticked(self.columns["consent"], fields.get("consent"))
        if self.fixed_page and "page" not in self.columns:
            fields["page"] = self.fixed_page
        ident = row.get(self.columns["id"]) if "id" in self.columns else None
        if "id" in self.columns and not _filled(ident):
            raise SourceError(self.name, f'{what} of {self.path} has no {self.columns["id"]}, the id '
                              "column. Check the export is complete, or leave id out of columns.")
        if isinstance(ident, float) and ident.is_integer():
            ident = int(ident)  # a number typed into Excel: 7, not 7.0
        raw = json_safe(row)
        key = str(ident).strip() if ident is not None else content_key(raw)
        return self.normaliser.response(key=key, where=f"{what} of {self.path}", fields=fields,
                                        received_at=row.get(self.columns["received_at"]), raw=raw,
                                        date_format=self.date_format or None, zone=self.zone)


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
