"""Our own receiver: GET {url}/api/submissions?after=<cursor>&limit=<n>, and
DELETE {url}/api/submissions/<id> for an erasure request.

The receiver lists submissions oldest first after a stable cursor, so each
page can carry its own cursor: a crash between pages loses nothing.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from enum import Enum
from typing import Any, ClassVar
from urllib.parse import quote

import requests

from ..model import FeedbackResponse, Page
from .base import SourceError
from .http import JsonReply
from .normalise import our_fields
from .settings import ReceiverSettings, WebSettings
from .web import WebSource, token_of

_MAX_ANSWER = 64 * 1024  # an erasure's answer is a line of JSON; read no more than this of it


class Deletion(Enum):
    """What the receiver said to an erasure request. All three mean it no longer has it."""

    ERASED = "erased"
    ALREADY_ERASED = "already erased"
    NOT_FOUND = "not found"


class ReceiverSource(WebSource):
    """Pulls from this project's receiver with its bearer token."""

    settings_type: ClassVar[type[WebSettings]] = ReceiverSettings
    service = "the receiver"
    needs_form_id = False

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
                    self.name, f"the receiver said there is more after cursor {after}, but its next "
                    f"cursor ({following}) does not move past it, so paging would loop. Nothing after "
                    "this point was collected; check the receiver is up to date and its database is intact.")
            yield Page([self._response(reply, record) for record in records], str(following), more)
            if not more:
                return
            after = following

    def _number(self, value: Any, what: str) -> int:
        written = str(value)
        if not written.isdigit():
            raise SourceError(self.name, f"{what} {written!r} is not a whole number, as the receiver's cursors are.",
                              "Check the url points at this project's receiver.")
        return int(written)

    def _response(self, reply: JsonReply, record: dict[str, Any]) -> FeedbackResponse:
        key = str(self.field(reply, record, "id", (str, int), "a submission"))
        return self.normaliser.response(
            key=key, where=f"submission {key}", fields=our_fields(record), received_at=record.get("received_at"),
            raw=record, spam=record.get("spam") is True)

    def delete(self, key: str) -> Deletion:
        """Erase one submission at the receiver, once, within the client's timeouts.

        No retries here: a person is waiting, and ``showcase feedback forget
        --retry`` tries again later. Raises SourceError, saying what to check,
        whenever the receiver does not confirm the submission is gone (an older
        receiver without the route answers a plain 404, which is not taken as
        "gone").
        """
        token = token_of(self.name, self.token_env)
        address = f"{self.url}/api/submissions/{quote(key, safe='')}"
        options = self.http.options
        try:
            with self.http.request("DELETE", address, headers={"Authorization": f"Bearer {token}"}) as answer:
                status = answer.status_code
                body = answer.raw.read(_MAX_ANSWER, decode_content=True)
        except requests.exceptions.Timeout:
            raise self._undeleted(address, f"it did not answer within {options.read_timeout:g} seconds") from None
        except requests.exceptions.ConnectionError as error:
            refused = "Connection refused" in str(error)
            raise self._undeleted(address, "it refused the connection: check it is running and the url in "
                                  "sources.yml" if refused else "the connection to it failed") from None
        except requests.exceptions.RequestException as error:
            raise self._undeleted(address, f"the request could not be made ({error})") from None
        said = _status_of(body)
        if status == 200 and said in (Deletion.ERASED.value, Deletion.ALREADY_ERASED.value):
            return Deletion(said)
        if status == 404 and said == Deletion.NOT_FOUND.value:
            return Deletion.NOT_FOUND
        if status == 401:
            raise self._undeleted(address, f"it refused the token (HTTP 401). Check that {self.token_env}, named "
                                  "by token_env in sources.yml, holds the token the receiver was started with")
        if status in (404, 405):
            raise self._undeleted(address, f"it does not know erasure requests (HTTP {status}): it may be older "
                                  "than this collector. Update the receiver and restart it")
        if 300 <= status < 400:
            raise self._undeleted(address, f"it answered with a redirect (HTTP {status}), which is not followed "
                                  "for an erasure. Check the url in sources.yml is the receiver's own address")
        raise self._undeleted(address, f"it answered HTTP {status} without confirming the erasure")

    def _undeleted(self, address: str, why: str) -> SourceError:
        return SourceError(self.name, "the receiver still has the submission, because asking it to "
                           f"erase it ({address}) failed: {why}.")


def _status_of(body: bytes) -> str | None:
    """The ``status`` of a JSON answer, or None when the answer is not our receiver's JSON."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    status = data.get("status") if isinstance(data, dict) else None
    return status if isinstance(status, str) else None
