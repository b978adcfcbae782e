"""Small-number suppression: which published counts must be hidden so that
none singles out a reader, even by subtraction.

UK official statistics (the GP Patient Survey, ONS) do not publish a count
below a threshold (primary suppression), and then hide enough other counts
that the small one cannot be worked out from a total and the rest
(secondary suppression). Counts here are linked: a page's breakdown adds up
to its count, each page's breakdown adds up with the others to the
overview's, and the overview's to the total. So the check is not done table
by table: every published count is a ``cell``, every "these add up to that"
a ``line``, and a cell is safe only when what a reader could deduce about it
from all the lines together is a range, not one number.

What a reader knows about a cell is what its label says:

* ``SHOWN`` (the number): exactly it;
* ``FEWER`` ("fewer than 5"): 1 to 4, with a threshold of 5;
* ``AT_LEAST`` ("5 or more"): a count chosen to hide a small one. Only counts
  of the threshold or more are chosen, so the label tells the truth, and the
  check assumes the reader knows it;
* ``WITHHELD`` ("not shown"): any count from 1 up. Used when the labels
  above would still give a small count away (a page of 6: "5 or more" and
  "fewer than 5" can only be 5 and 1);
* ``UNPUBLISHED``: never printed (the breakdown of responses to addresses
  that are not the site's pages, or of a page below the threshold): any
  count from 0 up.

Zero is always shown: it singles nobody out, and hiding it would only hide
that a choice was not made.

The reader's deductions are worked out by narrowing each cell's range with
every line until nothing changes (bounds propagation). This is a sound
over-estimate of what a reader can know from one line at a time chained
together; it is the standard heuristic of statistical offices' tools, not a
proof against every combination of lines, and the choice of which count to
hide (the smallest that helps) is itself visible to someone who knows this
code. Both are noted in the README.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum

from . import figures


_TRIED = 8  # hidings tried, nearest first, before taking one that does not settle it alone
# With more small counts exposed than this in a round, each takes its first hiding untried (a
# trial costs a pass over every count); the rounds after, with few left, try theirs.
_TRIAL_ROUND = 10


class Label(Enum):
    """How a published count is shown."""

    SHOWN = "shown"
    FEWER = figures.FEWER  # below the threshold
    AT_LEAST = figures.AT_LEAST  # the threshold or more, hidden so that a small count cannot be worked out
    WITHHELD = figures.HIDDEN  # not shown at all; some count in its table would otherwise be given away
    UNPUBLISHED = "unpublished"  # never printed anywhere


class SuppressionError(RuntimeError):
    """The counts could not be protected: a bug in this module, never the data's fault."""


@dataclass
class Cells:
    """Counts and the sums that link them, for one publish."""

    threshold: int
    values: list[int] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)  # (total, members)
    headline: list[bool] = field(default_factory=list)  # a count a page leads with: hidden last
    tables: set[int] = field(default_factory=set)  # lines that may be withheld whole
    _lines_of: list[list[int]] = field(default_factory=list)

    def cell(self, value: int, *, published: bool = True, headline: bool = False) -> int:
        """A new count, shown unless ``published`` is False; its number. A ``headline`` count (a
        page's number of responses) is hidden only when nothing else will do."""
        if value < 0:
            raise ValueError(f"a count cannot be negative ({value})")
        self.values.append(value)
        self.headline.append(headline)
        self.labels.append(Label.SHOWN if published else Label.UNPUBLISHED)
        self._lines_of.append([])
        return len(self.values) - 1

    def line(self, total: int, members: list[int], *, table: bool = False) -> None:
        """Say that the ``members`` add up to ``total`` (all cell numbers). A ``table`` (a breakdown
        shown as one table) may, as a last resort, be withheld whole: none of its members printed."""
        if sum(self.values[m] for m in members) != self.values[total]:
            raise ValueError("the members of a line do not add up to its total")
        number = len(self.lines)
        self.lines.append((total, tuple(members)))
        if table:
            self.tables.add(number)
        for cell in {total, *members}:
            self._lines_of[cell].append(number)

    def label(self, cell: int) -> Label:
        return self.labels[cell]

    def published(self, cell: int) -> int | str | None:
        """What feedback.json holds for the cell: the number, a label's word, or None if never printed."""
        label = self.labels[cell]
        if label is Label.SHOWN:
            return self.values[cell]
        return None if label is Label.UNPUBLISHED else label.value

    def _sensitive(self, cell: int) -> bool:
        return 0 < self.values[cell] < self.threshold

    def protect(self) -> None:
        """Label every small count "fewer", then hide others until no small count can be worked out."""
        for cell, label in enumerate(self.labels):
            if label is Label.SHOWN and self._sensitive(cell):
                self.labels[cell] = Label.FEWER
        for _ in range(len(self.values) + 2):  # each round hides or withholds at least one more cell
            exposed = [c for c in self._exposed() if self._sensitive(c)]
            if not exposed:
                return
            changed = False
            touched: set[int] = set()  # lines around a change this round: look again next round
            for cell in exposed:
                if touched.intersection(self._lines_of[cell]):
                    continue
                before = list(self.labels)
                if self._hide_near(cell, trial=len(exposed) <= _TRIAL_ROUND):
                    changed = True
                    for other, (old, new) in enumerate(zip(before, self.labels, strict=True)):
                        if old is not new:
                            touched.update(self._lines_of[other])
            if not changed:
                raise SuppressionError("small counts stay exposed with everything near them hidden")
        raise SuppressionError("suppression did not settle")

    def ranges(self) -> list[tuple[int, int]]:
        """What a reader can deduce about each cell: its lowest and highest possible value."""
        top = self._top()
        low = [0] * len(self.values)
        high = [0] * len(self.values)
        for cell, label in enumerate(self.labels):
            value = self.values[cell]
            low[cell], high[cell] = {
                Label.SHOWN: (value, value), Label.FEWER: (1, self.threshold - 1),
                Label.AT_LEAST: (self.threshold, top), Label.WITHHELD: (1, top), Label.UNPUBLISHED: (0, top),
            }[label]
        pending = deque(range(len(self.lines)))  # first in, first out: a long line waits for all its changes
        queued = set(pending)
        budget = 50 * (len(self.lines) + 1) * (top + 1)  # each pass narrows some range by at least 1
        while pending:
            budget -= 1
            if budget < 0:
                raise SuppressionError("the ranges did not settle")
            number = pending.popleft()
            queued.discard(number)
            total, members = self.lines[number]
            for cell in self._narrow(total, members, low, high):
                for other in self._lines_of[cell]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)
        return list(zip(low, high, strict=True))

    def _top(self) -> int:
        """An upper bound on every cell. The true largest count is used even when it is hidden: the
        check then credits a reader with more than they know, which only errs towards hiding more."""
        return max(max(self.values, default=0), self.threshold)

    @staticmethod
    def _narrow(total: int, members: tuple[int, ...], low: list[int], high: list[int]) -> list[int]:
        """Narrow the ranges of one line's cells (``total = sum(members)``); the cells that changed."""
        changed = []
        low_sum, high_sum = sum(low[m] for m in members), sum(high[m] for m in members)
        if low_sum > low[total] or high_sum < high[total]:
            low[total], high[total] = max(low[total], low_sum), min(high[total], high_sum)
            changed.append(total)
        for member in members:
            others_low, others_high = low_sum - low[member], high_sum - high[member]
            new_low, new_high = max(low[member], low[total] - others_high), min(high[member], high[total] - others_low)
            if (new_low, new_high) != (low[member], high[member]):
                low_sum += new_low - low[member]
                high_sum += new_high - high[member]
                low[member], high[member] = new_low, new_high
                changed.append(member)
        if any(low[c] > high[c] for c in changed):
            raise SuppressionError("the counts contradict their own sums")
        return changed

    def _exposed(self) -> list[int]:
        """Cells a reader can work out exactly though they are not shown."""
        return [c for c, (low, high) in enumerate(self.ranges())
                if low == high and self.labels[c] is not Label.SHOWN]

    def _hide_near(self, cell: int, trial: bool = True) -> bool:
        """Hide more, so that ``cell`` can no longer be worked out; False if nothing is left to hide.

        The counts tried are those nearest to it first (in its own lines, then in the lines of
        hidden counts in those), the smaller first, a page's headline count only after the
        others in the same lines, and "withhold the labelled counts around it" after each ring.
        The first that leaves ``cell`` with a range is taken (without ``trial``, none is tried);
        if none does alone, the first is, and the next round goes on from there. After every ring: headline counts, then withholding
        a whole table around it (a table of 5 with five reasons listed says each is 1, however
        its numbers are hidden; withheld, it says nothing).
        """
        actions = self._actions(cell)
        tried = actions[:_TRIED] + [a for a in actions[_TRIED:] if a[0] is not Label.AT_LEAST] if trial else []
        for action in tried:
            saved = list(self.labels)
            self._apply(action)
            low, high = self.ranges()[cell]
            self.labels = saved
            if low < high:
                self._apply(action)
                return True
        if not actions:
            return False
        self._apply(actions[0])
        return True

    def _apply(self, action: tuple[Label, tuple[int, ...]]) -> None:
        label, targets = action
        for target in targets:
            self.labels[target] = label

    def _actions(self, cell: int) -> list[tuple[Label, tuple[int, ...]]]:
        """What could be hidden for ``cell``, in the order to try it (see ``_hide_near``)."""
        actions: list[tuple[Label, tuple[int, ...]]] = []
        headlines: list[tuple[Label, tuple[int, ...]]] = []
        tables: list[tuple[Label, tuple[int, ...]]] = []
        seen_lines: set[int] = set()
        seen_cells = {cell}
        ring = [cell]
        near = [cell]
        while ring:
            following: list[int] = []
            plain: list[int] = []
            headline: list[int] = []
            for current in ring:
                for number in self._lines_of[current]:
                    if number in seen_lines:
                        continue
                    seen_lines.add(number)
                    total, members = self.lines[number]
                    if number in self.tables and any(self.labels[m] is not Label.UNPUBLISHED for m in members):
                        tables.append((Label.UNPUBLISHED, members))
                    for other in (total, *members):
                        if other in seen_cells:
                            continue
                        seen_cells.add(other)
                        if self.labels[other] is not Label.SHOWN:
                            following.append(other)
                            near.append(other)
                        elif self.values[other] > 0:
                            (headline if self.headline[other] else plain).append(other)
            actions += [(Label.AT_LEAST, (c,)) for c in sorted(plain, key=lambda c: (self.values[c], c))]
            headlines += [(Label.AT_LEAST, (c,)) for c in sorted(headline, key=lambda c: (self.values[c], c))]
            # A headline "fewer" (a page below the threshold) keeps its words unless nothing else will do.
            labelled = tuple(c for c in near if self.labels[c] is Label.AT_LEAST
                             or (self.labels[c] is Label.FEWER and not self.headline[c]))
            if labelled:
                actions.append((Label.WITHHELD, labelled))
            ring = following
        last = tuple(c for c in near if self.labels[c] in (Label.FEWER, Label.AT_LEAST))
        return actions + headlines + tables + ([(Label.WITHHELD, last)] if last else [])
