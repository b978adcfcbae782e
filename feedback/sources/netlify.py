"""Netlify Forms: GET {url}/forms/{form_id}/submissions?page=N&per_page=M.

Netlify lists newest first and has no "after" filter, so a run pages down
until it reaches what the last completed run saw (the cursor: the newest
``created_at`` then), an empty page or a short one. Because older records
come later, the new cursor is saved only with the run's last page; a crash
part way leaves the old cursor, and the next run reads those pages again
(the store upserts, so nothing is stored twice).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

from ..model import FeedbackResponse, Page
from .base import SourceError
from .http import JsonReply
from .normalise import moment_of, our_fields, time_of
from .settings import NetlifySettings, WebSettings
from .web import WebSource


class NetlifySource(WebSource):
    """Verified (non-spam) submissions of one Netlify form."""

    settings_type: ClassVar[type[WebSettings]] = NetlifySettings
    service = "Netlify"
    default_url = "https://api.netlify.com/api/v1"

    def pages(self, cursor: str | None) -> Iterator[Page]:
        since = self._since(cursor)
        run, headers = self.start()
        newest = since
        seen: set[str] = set()
        number = 1
        while True:
            reply = run.get_json(self.form_url, params={"page": number, "per_page": self.page_size}, headers=headers)
            records = self.records(reply, reply.data, "a list of submissions")
            dated: list[tuple[datetime, dict[str, Any]]] = []
            for record in records:
                key = str(self.field(reply, record, "id", (str, int), "a submission"))
                dated.append((self._created(reply, record, key), record))
            keys = {str(record["id"]) for record in records}
            if keys and keys <= seen:
                raise SourceError(
                    self.name, f"Netlify returned page {number} with only submissions already read "
                    "on earlier pages of this run, so its paging is not moving on. What was read is saved but "
                    "the cursor was not moved; run the collector again later.")
            seen |= keys
            for moment, _ in dated:
                newest = moment if newest is None or moment > newest else newest
            # At or after the cursor: one at the very same moment may be new; the store upserts.
            fresh = [self._response(record, moment) for moment, record in dated if since is None or moment >= since]
            last = (not records or len(records) < self.page_size
                    or (since is not None and all(moment <= since for moment, _ in dated)))
            if last:
                yield Page(fresh, newest.isoformat(timespec="milliseconds") if newest else None, False)
                return
            yield Page(fresh, None, True)
            number += 1

    def _since(self, cursor: str | None) -> datetime | None:
        if cursor is None:
            return None
        try:
            return moment_of(cursor)
        except ValueError as error:
            raise SourceError(self.name, f"the saved cursor {cursor!r} is not a time.",
                              "The store may have been edited by hand; remove this source's cursor to read all "
                              "submissions again.") from error

    def _created(self, reply: JsonReply, record: dict[str, Any], key: str) -> datetime:
        try:
            return moment_of(time_of(record.get("created_at")))
        except ValueError as error:
            raise SourceError(self.name, f"submission {key} from {reply.url} has no readable "
                              f"created_at ({record.get('created_at')!r}). Netlify may have changed its API."
                              ) from error

    def _response(self, record: dict[str, Any], moment: datetime) -> FeedbackResponse:
        key = str(record["id"])
        data = record.get("data")
        fields = our_fields(data if isinstance(data, dict) else {})
        return self.normaliser.response(key=key, where=f"submission {key}", fields=fields,
                                        received_at=moment.isoformat(), raw=record)
