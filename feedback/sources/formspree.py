"""Formspree: GET {url}/forms/{form_id}/submissions?order=asc&limit&offset[&since].

Formspree leaves out what it judged spam and gives submissions no id, so
each is keyed by the hash of what the reader sent: ``_date`` and the form's
fields. Never ``_status``: Formspree adds it to say how each notification
(the e-mail to each recipient, each plugin) was delivered, and it changes
after the submission arrives, so a key that included it stored the same
submission again on the next pull. ``_status`` is not kept in ``raw`` either:
it names the form's notification recipients, which are not the reader's
answer. Records without ``_status`` are keyed as before, so nothing collected
earlier is stored twice.

Oldest first, so each page carries its own cursor (the last ``_date`` on it,
as Formspree wrote it: no zone, microseconds, the form ``since`` takes) and a
crash between pages loses nothing.

The shape is Formspree's "Form Submissions API" (help.formspree.io, article
360015233153): ``{"fields": [...], "submissions": [{"_date", fields...,
"_status": {recipient or plugin: {flag: bool}}}]}``.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import requests

from core.form import Choices

from ..model import FeedbackResponse, Page
from .base import SourceError
from .http import HttpClient, JsonReply
from .normalise import content_key, our_fields
from .settings import FormspreeSettings, WebSettings
from .web import WebSource

# What Formspree adds to a submission about its delivery, not part of what the reader sent.
DELIVERY = frozenset({"_status"})


def sent(record: dict[str, Any]) -> dict[str, Any]:
    """The submission as the reader sent it: ``_date`` and the fields, without delivery flags."""
    return {name: value for name, value in record.items() if name not in DELIVERY}


class FormspreeSource(WebSource):
    """The submissions of one Formspree form, read with its API key."""

    settings_type: ClassVar[type[WebSettings]] = FormspreeSettings
    service = "Formspree"
    default_url = "https://formspree.io/api/0"

    def __init__(self, settings: FormspreeSettings, http: HttpClient | requests.Session | None,
                 choices: Choices) -> None:
        super().__init__(settings, http, choices)
        self.auth = settings.auth  # bearer or basic

    def pages(self, cursor: str | None) -> Iterator[Page]:
        run, headers = self.start()
        # Formspree documents HTTP basic auth with an empty user and the key as
        # password as well as a bearer token; both send the same key.
        auth = None
        if self.auth == "basic":
            auth = ("", headers.pop("Authorization").removeprefix("Bearer "))
        seen: set[str] = set()
        offset = 0
        while True:
            params: dict[str, Any] = {"order": "asc", "limit": self.page_size, "offset": offset}
            if cursor:
                params["since"] = cursor
            reply = run.get_json(self.form_url, params=params, headers=headers, auth=auth)
            data = reply.data
            if not isinstance(data, dict):
                raise self.shape_error(reply, 'an object with "submissions"')
            records = [sent(record) for record in self.records(reply, data.get("submissions"),
                                                               "a list of submissions")]
            keys = [content_key(record) for record in records]
            if keys and set(keys) <= seen:
                raise SourceError(
                    self.name, f"Formspree returned the same submissions again at offset {offset}, "
                    "so its paging is not moving on. What was read is saved; run the collector again later.")
            seen.update(keys)
            responses = [self._response(reply, record, key) for record, key in zip(records, keys, strict=True)]
            page_cursor = str(records[-1]["_date"]) if records else cursor
            more = len(records) >= self.page_size
            yield Page(responses, page_cursor, more)
            if not more:
                return
            offset += len(records)

    def _response(self, reply: JsonReply, record: dict[str, Any], key: str) -> FeedbackResponse:
        date = self.field(reply, record, "_date", str, "a submission")
        return self.normaliser.response(key=key, where=f"the submission of {date}", fields=our_fields(record),
                                        received_at=date, raw=record)
