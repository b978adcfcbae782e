"""Tally: GET {url}/forms/{form_id}/submissions?page=N&filter=completed[&afterId=<cursor>].

Tally's questions are the form author's, so sources.yml maps our fields to
question titles (``fields: {intention: "What brings you here?", ...}``).
Tally lists newest first; the cursor (the newest completed submission's id)
is saved only with the run's last page, so a crash part way never skips the
older submissions still to come.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

import requests

from core.form import Choices

from ..model import FeedbackResponse, Page
from .base import SourceError
from .http import HttpClient, JsonReply
from .normalise import fold, moment_of
from .settings import TallySettings, WebSettings
from .web import WebSource


class TallySource(WebSource):
    """The completed submissions of one Tally form."""

    settings_type: ClassVar[type[WebSettings]] = TallySettings
    service = "Tally"
    default_url = "https://api.tally.so"

    def __init__(self, settings: TallySettings, http: HttpClient | requests.Session | None,
                 choices: Choices) -> None:
        super().__init__(settings, http, choices)
        self.titles = settings.fields  # our field -> the question's title

    def pages(self, cursor: str | None) -> Iterator[Page]:
        run, headers = self.start()
        newest: tuple[datetime, str] | None = None
        seen: set[str] = set()
        number = 1
        while True:
            params: dict[str, Any] = {"page": number, "filter": "completed"}
            if cursor:
                params["afterId"] = cursor
            reply = run.get_json(self.form_url, params=params, headers=headers)
            data = reply.data
            if not isinstance(data, dict):
                raise self.shape_error(reply, 'an object with "questions", "submissions" and "hasMore"')
            more = self.field(reply, data, "hasMore", bool, "the answer")
            records = self.records(reply, data.get("submissions"), "a list of submissions")
            questions = self._questions(reply, data.get("questions"))
            keys = {str(self.field(reply, record, "id", (str, int), "a submission")) for record in records}
            if keys and keys <= seen:
                raise SourceError(
                    self.name, f"Tally returned page {number} with only submissions already read "
                    "on earlier pages of this run, so its paging is not moving on. What was read is saved but "
                    "the cursor was not moved; run the collector again later.")
            seen |= keys
            responses: list[FeedbackResponse] = []
            for record in records:
                if record.get("isCompleted") is False:
                    continue  # a reader who left the form part way: not a response yet
                response = self._response(reply, record, questions)
                moment = moment_of(response.received_at)
                if newest is None or moment > newest[0]:
                    newest = (moment, response.key)
                responses.append(response)
            if not more:
                yield Page(responses, newest[1] if newest else cursor, False)
                return
            yield Page(responses, None, True)
            number += 1

    def _questions(self, reply: JsonReply, questions: Any) -> dict[str, str]:
        """Question id -> our field, through the titles in sources.yml."""
        listed = self.records(reply, questions, "a list of questions")
        by_title: dict[str, str] = {}
        for question in listed:
            title, ident = question.get("title"), question.get("id")
            if isinstance(title, str) and isinstance(ident, str):
                by_title.setdefault(fold(title), ident)
        result: dict[str, str] = {}
        for name, title in self.titles.items():
            ident = by_title.get(fold(title))
            if ident is None:
                have = "; ".join(f'"{q.get("title")}"' for q in listed if isinstance(q.get("title"), str))
                raise SourceError(self.name, f'the form has no question titled "{title}" (fields.{name} '
                                  f"in sources.yml). Its questions are: {have or 'none'}.", "Copy the title exactly.")
            result[ident] = name
        return result

    def _response(self, reply: JsonReply, record: dict[str, Any], questions: dict[str, str]) -> FeedbackResponse:
        key = str(record["id"])
        fields: dict[str, Any] = {}
        answers = self.records(reply, record.get("responses", []), "a list of answers")
        for answer in answers:
            name = questions.get(str(answer.get("questionId")))
            if name is not None:
                fields[name] = answer.get("answer")
        submitted = self.field(reply, record, "submittedAt", str, f"submission {key}")
        return self.normaliser.response(key=key, where=f"submission {key}", fields=fields,
                                        received_at=submitted, raw=record)
