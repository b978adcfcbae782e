"""Decisions taken at the desk, through ``feedback.moderate`` and ``feedback.erase`` only.

Approving and rejecting can be undone: the desk remembers the last decision
(one comment, or the several decided at once) and what each comment was
before, and undo puts that back. Forgetting cannot: an erasure deletes the
response for good, which is what the person who asked is owed, so the desk
asks first and says it cannot be undone. A decision taken elsewhere since
(``showcase feedback approve``, or a collection that brought an edited comment
back to review) is left alone by undo.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..erase import KnownSources, forget
from ..moderate import ModerationError, approve, reject, return_to_review
from ..store import Store

DECIDE = {"approve": approve, "reject": reject}
DONE = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class Said:
    """What a step did, in words for the reviewer; ``problem`` when it was not done."""

    text: str
    problem: bool = False


@dataclass(frozen=True)
class _Taken:
    response_id: int
    before: str  # "pending", "approved" or "rejected"
    after: str


@dataclass
class Decisions:
    """The desk's decisions, with the last one kept for undo. One desk, one reviewer."""

    _last: list[_Taken] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def can_undo(self) -> int:
        """How many comments the undo would put back (0: nothing to undo)."""
        return len(self._last)

    def decide(self, store: Store, action: str, ids: list[int]) -> list[Said]:
        """Approve or reject each of ``ids``; this becomes the decision undo takes back."""
        decide = DECIDE[action]
        said, taken = [], []
        with self._lock:
            for response_id in ids:
                stored = store.get(response_id)
                try:
                    said.append(Said(decide(store, response_id)))
                except ModerationError as error:
                    said.append(Said(str(error), problem=True))
                    continue
                if stored is not None and stored.status != DONE[action]:
                    taken.append(_Taken(response_id, stored.status, DONE[action]))
            if taken:
                self._last = taken
        return said

    def undo(self, store: Store) -> list[Said]:
        """Put back what the last approve or reject changed, once."""
        with self._lock:
            last, self._last = self._last, []
            said = []
            for step in last:
                stored = store.get(step.response_id)
                if stored is None or stored.status != step.after:
                    said.append(Said(f"#{step.response_id} was left as it is: it was changed or deleted "
                                     "after that decision.", problem=True))
                    continue
                back: Callable[[Store, int], str] = (return_to_review if step.before == "pending"
                                                     else DECIDE["approve" if step.before == "approved"
                                                                 else "reject"])
                try:
                    back(store, step.response_id)
                except ModerationError as error:
                    said.append(Said(str(error), problem=True))
                    continue
                said.append(Said(f"Undone: #{step.response_id} is {_status_words(step.before)} again."))
            return said or [Said("There is no decision to undo.", problem=True)]

    def forget(self, store: Store, ids: list[int], sources: KnownSources) -> list[Said]:
        """Erase each of ``ids`` here and at its source (or say how), as ``showcase feedback forget`` does."""
        said = []
        with self._lock:
            for response_id in ids:
                try:
                    outcome = forget(store, response_id, sources)
                except ModerationError as error:
                    said.append(Said(str(error), problem=True))
                    continue
                said.append(Said(outcome.message, problem=not outcome.finished))
            self._last = [step for step in self._last if step.response_id not in ids]
        return said


def _status_words(status: str) -> str:
    return "waiting for review" if status == "pending" else status
