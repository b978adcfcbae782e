"""The published feedback as tables of figures, and the CSV format they are written in.

Shared by ``showcase feedback export`` (CSV and spreadsheets for a quarterly
report) and the site's "Download this page's figures (CSV)" links, so a
downloaded file and an exported one say the same thing in the same words.
Both read the published feedback (``core.published``), never the store: what
is already suppressed is all these tables can hold, and a hidden count is the
word the site shows for it ("fewer than 5", "5 or more", "not shown").

Comments are not figures and are left out; so is anything a page does not show.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.figures import Figure, words
from core.form import RATINGS, Choices, in_form_order
from core.months import month_name
from core.published import PageFeedback, PublishedFeedback, Useful
from core.slugs import slugify

Cell = str | int | float
COLUMNS = ("Part", "Item", "Value")
OVERVIEW = "overview"  # the overview table's name (a file name or a sheet's)
NOT_SHOWN = "All"  # the item of a row standing for a table withheld whole
ABOUT = "About these figures"  # the part of the rows that say what the figures are
# What a spreadsheet would take for the start of a formula: such text gets a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One table of published figures: what it is about, then its rows.

    A count is a number, or the words the site shows for a hidden one; every other
    cell is text (a label, a month, a page's address). ``about`` (what the figures
    are of, the threshold, when they were published) comes first, as rows of their
    own under the same header, so that the file is one plain table a program can
    read as well as a person in a spreadsheet.
    """

    name: str  # unique among the tables: a file's stem, or a sheet's name
    about: tuple[tuple[str, Cell], ...]
    rows: list[tuple[str, str, Cell]] = field(default_factory=list)
    columns: tuple[str, ...] = COLUMNS

    def all_rows(self) -> list[tuple[str, str, Cell]]:
        """The rows as written: about the figures first, then the figures."""
        return [(ABOUT, item, value) for item, value in self.about] + self.rows


def threshold_note(threshold: int) -> str:
    """What the words in place of numbers mean, said the way the site's pages say it."""
    return (f"No number below {threshold} is published, so that nobody can be singled out: such a count reads "
            f"\"fewer than {threshold}\". Some larger numbers are hidden too (\"{threshold} or more\", \"not "
            f"shown\"), so that a small one cannot be worked out from the others.")


def about(figures_of: str, threshold: int, as_of: tuple[str, str]) -> tuple[tuple[str, Cell], ...]:
    """What a table's first rows say: whose figures, the threshold and what it means, and when."""
    return (("Figures of", figures_of), ("Threshold", threshold), ("Hidden counts", threshold_note(threshold)),
            as_of)


class _Rows:
    """Rows of one table, with each count as the site shows it."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.rows: list[tuple[str, str, Cell]] = []

    def cell(self, figure: Figure) -> Cell:
        return figure if isinstance(figure, int) else words(figure, self.threshold)

    def add(self, part: str, item: str, value: Cell) -> None:
        self.rows.append((part, item, value))

    def breakdown(self, part: str, counts: dict[str, Figure] | str, labels: Mapping[str, str]) -> None:
        """A breakdown in the form's order; one "not shown" row for a table withheld whole."""
        if isinstance(counts, str):
            self.add(part, NOT_SHOWN, self.cell(counts))
            return
        for label, count in in_form_order(counts, labels):
            self.add(part, label, self.cell(count))

    def useful(self, votes: Useful) -> None:
        part = "Was it useful?"
        if isinstance(votes, str):  # fewer answered than the threshold, or withheld whole
            self.add(part, "People who answered", self.cell(votes))
        elif votes:
            self.add(part, "Yes", self.cell(votes["yes"]))
            self.add(part, "No", self.cell(votes["no"]))


def overview_table(published: PublishedFeedback, choices: Choices, as_of: tuple[str, str]) -> Table:
    """The figures of the feedback overview: totals, votes, months, reasons and roles."""
    rows = _Rows(published.threshold)
    rows.add("Responses", "All pages", rows.cell(published.total))
    if published.other_pages != 0:
        rows.add("Responses", "Addresses that are not pages of this site", rows.cell(published.other_pages))
    rows.useful(published.useful)
    if published.total != "fewer":  # the site shows the breakdowns only at the threshold or more
        if isinstance(published.by_month, str):
            rows.add("Responses by month", NOT_SHOWN, rows.cell(published.by_month))
        else:
            for month, count in published.by_month:
                rows.add("Responses by month", month_name(month), rows.cell(count))
        rows.breakdown("What brought people to the pages", published.by_intention, choices.intention_labels)
        rows.breakdown("Who responded", published.by_role, choices.role_labels)
    return Table(OVERVIEW, about("All pages", published.threshold, as_of), rows.rows)


def page_table(page: PageFeedback, threshold: int, choices: Choices, as_of: tuple[str, str], name: str,
               title: str | None = None) -> Table:
    """The figures of one page's feedback: responses, votes, reasons, roles and ratings."""
    rows = _Rows(threshold)
    rows.add("Responses", "All", rows.cell(page.count))
    rows.useful(page.useful)
    if page.rated is not None:  # below the threshold a page shows no breakdowns
        rows.breakdown("What brought people here", page.by_intention, choices.intention_labels)
        rows.breakdown("Who responded", page.by_role, choices.role_labels)
        part = "How useful people found it"
        rows.add(part, "People who rated it", rows.cell(page.rated))
        if page.rating_average is not None:
            rows.add(part, f"Average rating (out of {RATINGS[-1]})", page.rating_average)
        if page.rated not in (0, "fewer"):
            if isinstance(page.ratings, str):
                rows.add(part, NOT_SHOWN, rows.cell(page.ratings))
            else:
                for rating, count in page.ratings.items():
                    rows.add(part, f"Rated {rating}", rows.cell(count))
    figures_of = f"{title} ({page.page})" if title else page.page
    return Table(name, about(figures_of, threshold, as_of), rows.rows)


def page_names(pages: list[str]) -> dict[str, str]:
    """Each page's table name: the slug its feedback page has, made unique and never the overview's."""
    names: dict[str, str] = {}
    taken = {OVERVIEW}
    for page in sorted(pages):
        base = slugify(page) or "home"
        name, number = base, 2
        while name in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name)
        names[page] = name
    return names


def all_tables(published: PublishedFeedback, choices: Choices, as_of: tuple[str, str],
               titles: Mapping[str, str] | None = None) -> list[Table]:
    """The overview's table, then one for each page (by address), as ``export`` writes them."""
    names = page_names(list(published.pages))
    return [overview_table(published, choices, as_of),
            *(page_table(page, published.threshold, choices, as_of, names[path], (titles or {}).get(path))
              for path, page in sorted(published.pages.items()))]


# ---------------------------------------------------------------- CSV

def safe_text(cell: Cell) -> Cell:
    """A cell a spreadsheet will not run: text that starts like a formula gets a quote in front.

    Labels and page addresses come from outside, and "=HYPERLINK(...)" opened in Excel
    would be a live link. Numbers are left alone: a count is never negative.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def to_csv(table: Table) -> str:
    """The table as CSV for Excel: a byte-order mark (so Excel reads UTF-8), CRLF line ends,
    the header row, then the rows (``Table.all_rows``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.all_rows():
        writer.writerow([safe_text(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()
