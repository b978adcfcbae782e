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
every line until nothing changes (bounds propagation). While counts are being
hidden they are kept up to date, only the part a change can reach worked out
again (``_Deductions``: the same ranges, not an approximation of them), and
once none is left exposed they are worked out from scratch once more and
checked. This is a sound
over-estimate of what a reader can know from one line at a time chained
together; it is the standard heuristic of statistical offices' tools, not a
proof against every combination of lines, and the choice of which count to
hide (the smallest that helps) is itself visible to someone who knows this
code. Both are noted in the README.
"""
from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from core import figures

_TRIED = 8  # hidings tried, nearest first, before taking one that does not settle it alone
# With more small counts exposed than this in a round, each takes its first hiding untried (a
# trial costs working out again the ranges it can change); the rounds after, with few left, try theirs.
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
    steps: int = 0  # lines and counts looked at while protecting: the work done, which the tests keep linear
    _lines_of: list[list[int]] = field(default_factory=list)
    # True on the second try (see protect_or_withhold): hidden counts are bounded only by what the
    # lines give, as for a real reader, not also by the largest true count.
    _loose_top: bool = field(default=False, repr=False)
    _known: _Deductions | None = field(default=None, repr=False)  # while protecting
    _by_size: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)  # line -> (value, cell)
    _shown_from: dict[int, int] = field(default_factory=dict, repr=False)  # line -> its first shown in _by_size
    _withholdable: list[set[int]] = field(default_factory=list, repr=False)  # line -> its cells _labelled counts

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
        """Label every small count "fewer", then hide others until no small count can be worked out.

        What a reader can deduce is kept up to date as counts are hidden (``_Deductions``) rather
        than worked out again over every line for every round and every hiding tried; it is always
        exactly what ``ranges`` would give. Once nothing is left exposed, ``ranges`` itself, from
        scratch, checks it."""
        for cell, label in enumerate(self.labels):
            if label is Label.SHOWN and self._sensitive(cell):
                self.labels[cell] = Label.FEWER
        self._by_size, self._shown_from = {}, {}
        self._withholdable = [{c for c in {total, *members} if self._labelled(c)} for total, members in self.lines]
        self._known = _Deductions(self)
        try:
            for _ in range(len(self.values) + 2):  # each round hides or withholds at least one more cell
                self._known.settle()
                exposed = self._known.exposed()
                if not exposed:
                    if any(self._sensitive(c) for c in self._exposed()):  # the guarantee, from scratch
                        raise SuppressionError("the kept-up deductions missed a small count that can be worked out")
                    return
                changed = False
                touched: set[int] = set()  # lines around a change this round: look again next round
                for cell in exposed:
                    if touched.intersection(self._lines_of[cell]):
                        continue
                    hidden = self._hide_near(cell, trial=len(exposed) <= _TRIAL_ROUND)
                    if hidden is not None:
                        changed = True
                        for other in hidden:
                            touched.update(self._lines_of[other])
                if not changed:
                    raise SuppressionError("small counts stay exposed with everything near them hidden")
            raise SuppressionError("suppression did not settle")
        finally:
            self._known = None

    def protect_or_withhold(self) -> bool:
        """``protect``; if the search for what to hide gets stuck, withhold every breakdown table whole
        and protect what is left (the totals and page counts). True if tables had to be withheld.

        The search hides counts one at a time, nearest first, and on a few small, tangled stores it
        reaches a state where nothing near an exposed count is left to hide. Withholding the
        tables is always safe and publishes less, never more; the pages say "not shown" where it did."""
        start = list(self.labels)
        try:
            self.protect()
            return False
        except SuppressionError:
            pass
        # Credit the reader with only what they could know (a hidden count has no upper bound of its
        # own) and withhold every breakdown table whole: both publish less, never more.
        self.labels = start
        self._loose_top = True
        for number in self.tables:
            for member in self.lines[number][1]:
                self.labels[member] = Label.UNPUBLISHED
        self.protect()
        return True

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
            self.steps += 1 + len(members)
            for cell in self._narrow(total, members, low, high):
                for other in self._lines_of[cell]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)
        return list(zip(low, high, strict=True))

    def _top(self) -> int:
        """An upper bound on every cell. The true largest count is used even when it is hidden: the
        check then credits a reader with more than they know, which only errs towards hiding more.
        Any bound at or above every true count is safe; the loose one is used when the tight one
        leaves nothing to hide."""
        if self._loose_top:  # more than any cell could be: in effect no bound, as for a real reader
            return sum(self.values) + self.threshold
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

    def _hide_near(self, cell: int, trial: bool = True) -> list[int] | None:
        """Hide more, so that ``cell`` can no longer be worked out: the cells whose labels changed,
        or None if nothing is left to hide.

        The counts tried are those nearest to it first (in its own lines, then in the lines of
        hidden counts in those), the smaller first, a page's headline count only after the
        others in the same lines, and "withhold the labelled counts around it" after each ring.
        The first that leaves ``cell`` with a range is taken (without ``trial``, none is tried);
        if none does alone, the first is, and the next round goes on from there. After every ring:
        headline counts, then withholding a whole table around it (a table of 5 with five reasons
        listed says each is 1, however its numbers are hidden; withheld, it says nothing).
        """
        first: tuple[Label, tuple[int, ...]] | None = None
        if trial:
            for index, action in enumerate(self._ordered_actions(cell)):
                if first is None:
                    first = action
                if index >= _TRIED and action[0] is Label.AT_LEAST:
                    continue
                hidden = self._try(action, cell)
                if hidden is not None:
                    return hidden
        else:
            first = next(self._ordered_actions(cell), None)
        return None if first is None else self._apply(first)

    def _try(self, action: tuple[Label, tuple[int, ...]], cell: int) -> list[int] | None:
        """Take ``action`` if it leaves ``cell`` with a range (the cells it hid); else undo it (None)."""
        before = {target: self.labels[target] for target in action[1]}
        known = self._known
        if known is None:  # outside ``protect``: from scratch
            hidden = self._apply(action)
            low, high = self.ranges()[cell]
        else:
            known.settle()
            known.undo = {}
            hidden = self._apply(action)
            known.settle()
            low, high = known.low[cell], known.high[cell]
        if low < high:
            if known is not None:
                known.undo = None
            return hidden
        for target, label in before.items():
            self._relabel(target, label)
        if known is not None:
            known.rollback()
        return None

    def _apply(self, action: tuple[Label, tuple[int, ...]]) -> list[int]:
        """Label the action's targets; the cells whose labels changed."""
        label, targets = action
        hidden = [target for target in dict.fromkeys(targets) if self.labels[target] is not label]
        for target in hidden:
            self._relabel(target, label)
        if self._known is not None:
            self._known.stale.update(hidden)
        return hidden

    def _labelled(self, cell: int) -> bool:
        """Whether withholding the labelled counts around a cell takes this one (see ``_each_action``)."""
        label = self.labels[cell]
        return label is Label.AT_LEAST or (label is Label.FEWER and not self.headline[cell])

    def _relabel(self, cell: int, label: Label) -> None:
        self.labels[cell] = label
        if self._withholdable:
            labelled = self._labelled(cell)
            for number in self._lines_of[cell]:
                if labelled:
                    self._withholdable[number].add(cell)
                else:
                    self._withholdable[number].discard(cell)

    def _ordered_actions(self, cell: int) -> Iterator[tuple[Label, tuple[int, ...]]]:
        """``_actions(cell)``, one at a time. Its first ring comes without going through the ring's
        lines: the shown counts, the smaller first, from each line's counts in order of size
        (``_nearest_shown``), then withholding the labelled counts, from each line's kept set of them
        (the same cells as ``_actions`` gives, in another order, which changes nothing). The rest of
        the list, which means going through every ring, is worked out only if those run out."""
        given = 0
        for other in self._nearest_shown(cell):
            yield Label.AT_LEAST, (other,)
            given += 1
        if self._withholdable:
            labelled = {cell} if self._labelled(cell) else set()
            for number in self._lines_of[cell]:
                labelled.update(self._withholdable[number])
                self.steps += 1 + len(self._withholdable[number])
            if labelled:
                yield Label.WITHHELD, tuple(sorted(labelled))
                given += 1
        for index, action in enumerate(self._each_action(cell)):
            if index >= given:
                yield action

    def _nearest_shown(self, cell: int) -> Iterator[int]:
        """The shown counts above 0 that are not headlines in ``cell``'s own lines, smallest first
        (then by number), as ``_actions`` orders its first ring. Each line's counts are sorted once;
        a count once hidden stays hidden (outside a trial, undone before this goes on), so where
        each line's shown counts start is kept from one call to the next."""
        heap: list[tuple[int, int, int, int]] = []  # (value, cell, line, position in the line's order)
        for number in self._lines_of[cell]:
            order = self._by_size.get(number)
            if order is None:
                total, members = self.lines[number]
                order = self._by_size[number] = sorted(
                    {(self.values[c], c) for c in (total, *members) if self.values[c] > 0 and not self.headline[c]})
            start = self._shown_from.get(number, 0)
            while start < len(order) and self.labels[order[start][1]] is not Label.SHOWN:
                start += 1
                self.steps += 1
            self._shown_from[number] = start
            if start < len(order):
                heap.append((*order[start], number, start))
        heapq.heapify(heap)
        given = {cell}
        while heap:
            _, other, number, position = heapq.heappop(heap)
            order = self._by_size[number]
            position += 1
            while position < len(order) and self.labels[order[position][1]] is not Label.SHOWN:
                position += 1
                self.steps += 1
            if position < len(order):
                heapq.heappush(heap, (*order[position], number, position))
            self.steps += 1
            if other not in given and self.labels[other] is Label.SHOWN:
                given.add(other)
                yield other

    def _actions(self, cell: int) -> list[tuple[Label, tuple[int, ...]]]:
        """What could be hidden for ``cell``, in the order to try it (see ``_hide_near``)."""
        return list(self._each_action(cell))

    def _each_action(self, cell: int) -> Iterator[tuple[Label, tuple[int, ...]]]:
        """``_actions``, one ring at a time: a ring is gone through only when the one before has
        been used up (the labels must not change in between, outside a trial undone)."""
        headlines: list[tuple[Label, tuple[int, ...]]] = []
        tables: list[int] = []  # tables met, in order; whether one is still published is asked at the end
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
                    self.steps += 1 + len(members)
                    if number in self.tables:
                        tables.append(number)
                    for other in (total, *members):
                        if other in seen_cells:
                            continue
                        seen_cells.add(other)
                        if self.labels[other] is not Label.SHOWN:
                            following.append(other)
                            near.append(other)
                        elif self.values[other] > 0:
                            (headline if self.headline[other] else plain).append(other)
            headlines += [(Label.AT_LEAST, (c,)) for c in sorted(headline, key=lambda c: (self.values[c], c))]
            yield from [(Label.AT_LEAST, (c,)) for c in sorted(plain, key=lambda c: (self.values[c], c))]
            # A headline "fewer" (a page below the threshold) keeps its words unless nothing else will do.
            labelled = tuple(c for c in near if self.labels[c] is Label.AT_LEAST
                             or (self.labels[c] is Label.FEWER and not self.headline[c]))
            if labelled:
                yield Label.WITHHELD, labelled
            ring = following
        yield from headlines
        for number in tables:
            members = self.lines[number][1]
            if any(self.labels[m] is not Label.UNPUBLISHED for m in members):
                yield Label.UNPUBLISHED, members
        last = tuple(c for c in near if self.labels[c] in (Label.FEWER, Label.AT_LEAST))
        if last:
            yield Label.WITHHELD, last


class _Deductions:
    """What a reader can deduce about each cell, exactly as ``Cells.ranges`` works it out, kept up
    to date as counts are hidden instead of worked out again over every line.

    The ranges are the fixed point of narrowing by every line, and it is the same whatever order
    the lines are taken in. When counts are hidden, a range can only widen if it was narrowed
    using one of them, directly or through ranges that were: each cell remembers the lines that
    narrowed it (``support``, and each line the cells it narrowed), and the cells reached from
    the hidden ones that way (``_reach``) start again from what their labels say. Every other
    range was deduced without them, so it still holds, and narrowing again from there reaches
    the same fixed point as ``ranges`` from scratch, at the cost of the part that changed. Each
    line's sums are kept, with a bound on its widest member, so that a line of thousands (a
    reason's column over every page) that cannot narrow anything is passed over at once.

    A trial (``undo`` a dict) records what it changes, so ``rollback`` puts it all back.
    """

    def __init__(self, cells: Cells) -> None:
        self.cells = cells
        self.top = cells._top()
        count = len(cells.values)
        self.low = [0] * count
        self.high = [0] * count
        for cell in range(count):
            self.low[cell], self.high[cell] = self.initial(cell)
        self.support: list[set[int]] = [set() for _ in range(count)]  # lines that narrowed the cell
        self.narrowed: list[set[int]] = [set() for _ in cells.lines]  # cells the line narrowed
        self.member_of: list[list[int]] = [[] for _ in range(count)]  # once for each time it is a member
        self.simple: list[bool] = []  # no member twice, and not the total: the quick check applies
        for number, (total, members) in enumerate(cells.lines):
            for member in members:
                self.member_of[member].append(number)
            self.simple.append(total not in members and len(set(members)) == len(members))
        self.low_sum = [sum(self.low[m] for m in members) for _, members in cells.lines]
        self.high_sum = [sum(self.high[m] for m in members) for _, members in cells.lines]
        self.wide = [max((self.high[m] - self.low[m] for m in members), default=0) for _, members in cells.lines]
        self.exact = {c for c in range(count) if cells._sensitive(c) and self.low[c] == self.high[c]}
        self.stale: set[int] = set()  # cells whose labels changed since the ranges were settled
        self.undo: dict[int, tuple[int, int, set[int]]] | None = None  # cell -> before the trial
        self.propagate(range(len(cells.lines)))

    def initial(self, cell: int) -> tuple[int, int]:
        """What the cell's label alone says (as in ``Cells.ranges``)."""
        label, value, threshold = self.cells.labels[cell], self.cells.values[cell], self.cells.threshold
        if label is Label.SHOWN:
            return value, value
        if label is Label.FEWER:
            return 1, threshold - 1
        if label is Label.AT_LEAST:
            return threshold, self.top
        return (1, self.top) if label is Label.WITHHELD else (0, self.top)

    def exposed(self) -> list[int]:
        """The small counts a reader can work out (every small count is labelled, none shown)."""
        return sorted(self.exact)

    def touch(self, cell: int) -> None:
        if self.undo is not None and cell not in self.undo:
            self.undo[cell] = (self.low[cell], self.high[cell], set(self.support[cell]))

    def put(self, cell: int, low: int, high: int) -> None:
        self.touch(cell)
        low_change, high_change = low - self.low[cell], high - self.high[cell]
        if not low_change and not high_change:
            return
        width = high - low
        for number in self.member_of[cell]:
            self.low_sum[number] += low_change
            self.high_sum[number] += high_change
            if width > self.wide[number]:
                self.wide[number] = width
        self.low[cell], self.high[cell] = low, high
        if self.cells._sensitive(cell):
            if low == high:
                self.exact.add(cell)
            else:
                self.exact.discard(cell)

    def settle(self) -> None:
        """Bring the ranges up to date with the labels changed since the last time."""
        if not self.stale:
            return
        reached = self.reach(self.stale)
        self.stale = set()
        for cell in reached:
            self.touch(cell)
            for number in self.support[cell]:
                self.narrowed[number].discard(cell)
            self.support[cell] = set()
            self.put(cell, *self.initial(cell))
        self.propagate(dict.fromkeys(number for cell in sorted(reached) for number in self.cells._lines_of[cell]))

    def reach(self, start: Iterable[int]) -> set[int]:
        """The cells whose ranges were narrowed using one of ``start``'s, directly or not."""
        found = set(start)
        stack = list(found)
        while stack:
            cell = stack.pop()
            for number in self.cells._lines_of[cell]:
                self.cells.steps += 1
                for other in self.narrowed[number]:
                    if other not in found:
                        found.add(other)
                        stack.append(other)
        return found

    def propagate(self, lines: Iterable[int]) -> None:
        """Narrow by ``lines``, and by the lines of every cell that changes, until nothing does."""
        pending = deque(lines)
        queued = set(pending)
        budget = 50 * (len(self.cells.lines) + 1) * (self.top + 1)  # as in ``Cells.ranges``
        while pending:
            budget -= 1
            if budget < 0:
                raise SuppressionError("the ranges did not settle")
            number = pending.popleft()
            queued.discard(number)
            for cell in self.tighten(number):
                self.support[cell].add(number)
                self.narrowed[number].add(cell)
                for other in self.cells._lines_of[cell]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)

    def tighten(self, number: int) -> list[int]:
        """``Cells._narrow`` on one line; the cells that changed. The line's total is narrowed from
        its kept sums, and its members are looked at only when one of them may be wider than the
        slack the line leaves, the only case in which ``_narrow`` narrows a member."""
        total, members = self.cells.lines[number]
        low, high = self.low, self.high
        self.cells.steps += 1
        if self.simple[number]:
            low_sum, high_sum = self.low_sum[number], self.high_sum[number]
            total_low, total_high = max(low[total], low_sum), min(high[total], high_sum)
            if self.wide[number] <= min(high_sum - total_low, total_high - low_sum):
                if (total_low, total_high) == (low[total], high[total]):
                    return []
                if total_low > total_high:
                    raise SuppressionError("the counts contradict their own sums")
                self.put(total, total_low, total_high)
                return [total]
        self.cells.steps += len(members)
        local = list(dict.fromkeys((total, *members)))
        index = {cell: position for position, cell in enumerate(local)}
        local_low, local_high = [low[c] for c in local], [high[c] for c in local]
        changed = list(dict.fromkeys(Cells._narrow(index[total], tuple(index[m] for m in members),
                                                   local_low, local_high)))
        for position in changed:
            self.put(local[position], local_low[position], local_high[position])
        if self.simple[number]:
            self.wide[number] = max((high[m] - low[m] for m in members), default=0)
        return [local[position] for position in changed]

    def rollback(self) -> None:
        """Put back every range and record as they were when the trial began."""
        undo, self.undo = self.undo or {}, None
        self.stale = set()
        for cell, (low, high, support) in undo.items():
            self.put(cell, low, high)
            for number in self.support[cell]:
                self.narrowed[number].discard(cell)
            self.support[cell] = support
            for number in support:
                self.narrowed[number].add(cell)
