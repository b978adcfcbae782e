"""Our own receiver: GET {url}/api/submissions?after=<cursor>&limit=<n>.

The receiver lists submissions oldest first after a stable cursor, so each
page can carry its own cursor: a crash between pages loses nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Page, Response
from .base import SourceError
from .http import JsonReply
from .normalise import our_fields
from .web import WebSource

API_MAX_LIMIT = 500  # the receiver's own limit (feedback.receiver.API_MAX_LIMIT)


class ReceiverSource(WebSource):
    """Pulls from this project's receiver with its bearer token."""

    source_type = "receiver"
    service = "the receiver"
    needs_form_id = False
    max_page_size = API_MAX_LIMIT

    def pages(self, cursor: str | None) -> Iterator[Page]:
        after = self._number(cursor or "0", "the saved cursor")
        run, headers = self.start()
        while True:
            reply = run.get_json(f"{self.url}/api/submissions", params={"after": after, "limit": self.page_size},
                                 headers=headers)
            data = reply.data
            if not isinstance(data, dict):
                raise self.shape_error(reply, 'an object with "submissions", "next" and "has_more"')
            records = self.records(reply, data.get("submissions"), "a list of submissions")
            more = self.field(reply, data, "has_more", bool, "the answer")
            following = self._number(self.field(reply, data, "next", (str, int), "the answer"), "its next cursor")
            if following < after or (more and following == after):
                raise SourceError(
                    f'Source "{self.name}": the receiver said there is more after cursor {after}, but its next '
                    f"cursor ({following}) does not move past it, so paging would loop. Nothing after "
                    "this point was collected; check the receiver is up to date and its database is intact.")
            yield Page([self._response(reply, record) for record in records], str(following), more)
            if not more:
                return
            after = following

    def _number(self, value: Any, what: str) -> int:
        written = str(value)
        if not written.isdigit():
            raise SourceError(f'Source "{self.name}": {what} {written!r} is not a whole number, as the '
                              "receiver's cursors are. Check the url points at this project's receiver.")
        return int(written)

    def _response(self, reply: JsonReply, record: dict[str, Any]) -> Response:
        key = str(self.field(reply, record, "id", (str, int), "a submission"))
        return self.normaliser.response(
            key=key, where=f"submission {key}", fields=our_fields(record), received_at=record.get("received_at"),
            raw=record, spam=record.get("spam") is True)
