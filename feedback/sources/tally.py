"""Tally: GET {url}/forms/{form_id}/submissions?page=N&filter=completed[&startDate=<cursor>].

The shape is Tally's "List form submissions" (developers.tally.so,
api-reference/endpoint/forms/submissions/list): ``page``, ``limit``,
``hasMore``, ``totalNumberOfSubmissionsPerFilter``, ``questions`` (each with
``id``, ``type``, ``title`` and ``fields``, each field with ``uuid``, its
``title`` and, for a choice, its ``options``) and ``submissions`` (each with
``id``, ``submittedAt`` and ``responses`` of ``questionId`` and ``answer``).

Tally's questions are the form author's, so sources.yml maps our fields to
question titles, or to hidden fields by name (``fields: {page: page,
intention: "What brings you here?"}``). Three things are not what they seem:

- a choice (MULTIPLE_CHOICE, DROPDOWN, CHECKBOXES) is answered with option
  ids, which are turned into their labels through the questions' fields;
- hidden fields are one question whose answer is an object keyed by each
  hidden field's name;
- ``afterId`` does not say which way "after" goes, so it is not used. A run
  asks with ``startDate``, the newest ``submittedAt`` already stored
  ("on or after": the newest comes again, and the store upserts it), and
  the cursor only ever moves forwards.

Tally lists newest first, so a run's cursor is saved with its last page only,
and a crash part way never skips older submissions still to come. A run whose
answers to a mapped question cannot be read in any submission (or with no page
in any) stops before anything is stored: storing every response with an empty
page or intention would look like success and be wrong.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import requests

from core.form import Choices

from ..model import FeedbackResponse, Page
from .base import SourceError
from .http import HttpClient, JsonReply
from .normalise import fold, moment_of, shown
from .settings import TallySettings, WebSettings
from .web import WebSource

# Fields without which a response means nothing: no run may leave them empty in every submission.
REQUIRED_IN_A_RUN = frozenset({"page"})
HIDDEN = "HIDDEN_FIELDS"  # the one question that holds every hidden field, answered with an object


@dataclass(frozen=True)
class Where:
    """Where one of our fields is in a Tally submission: which question, which
    hidden field of it (when it is one), and its options' labels by id."""

    title: str  # as written in sources.yml, for messages
    question: str  # the question's id
    hidden: str = ""  # the hidden field's name
    options: Mapping[str, str] = field(default_factory=dict)  # option id -> label


class TallySource(WebSource):
    """The completed submissions of one Tally form."""

    settings_type: ClassVar[type[WebSettings]] = TallySettings
    service = "Tally"
    default_url = "https://api.tally.so"

    def __init__(self, settings: TallySettings, http: HttpClient | requests.Session | None,
                 choices: Choices) -> None:
        super().__init__(settings, http, choices)
        self.titles = settings.fields  # our field -> the question's title or the hidden field's name

    def pages(self, cursor: str | None) -> Iterator[Page]:
        since = self._since(cursor)
        run, headers = self.start()
        newest = since
        seen: set[str] = set()
        read: list[list[FeedbackResponse]] = []
        answered: set[str] = set()  # our fields some submission of this run answered readably
        given: set[str] = set()  # our fields some submission of this run gave any answer to
        number = 1
        while True:
            params: dict[str, Any] = {"page": number, "filter": "completed"}
            if since is not None:
                params["startDate"] = _written(since)
            reply = run.get_json(self.form_url, params=params, headers=headers)
            data = reply.data
            if not isinstance(data, dict):
                raise self.shape_error(reply, 'an object with "questions", "submissions" and "hasMore"')
            more = self.field(reply, data, "hasMore", bool, "the answer")
            records = self.records(reply, data.get("submissions"), "a list of submissions")
            places = self._places(reply, data.get("questions"))
            keys = {str(self.field(reply, record, "id", (str, int), "a submission")) for record in records}
            if keys and keys <= seen:
                raise SourceError(
                    self.name, f"Tally returned page {number} with only submissions already read "
                    "on earlier pages of this run, so its paging is not moving on. Nothing from this run was "
                    "saved and the cursor was not moved; run the collector again later.")
            seen |= keys
            responses: list[FeedbackResponse] = []
            for record in records:
                if record.get("isCompleted") is False:
                    continue  # a reader who left the form part way: not a response yet
                response, filled, present = self._response(reply, record, places)
                answered |= filled
                given |= present
                moment = moment_of(response.received_at)
                newest = moment if newest is None or moment > newest else newest
                responses.append(response)
            read.append(responses)
            if not more:
                break
            number += 1
        if any(read):
            self._check_answered(answered, given)
        for i, responses in enumerate(read):
            last = i == len(read) - 1
            yield Page(responses, _written(newest) if last and newest else (cursor if last else None), not last)

    def _since(self, cursor: str | None) -> datetime | None:
        """The saved cursor as a time. A cursor from before startDate paging (a
        submission id) is read as none: the run reads every submission again,
        keyed by Tally's own ids, so nothing is stored twice."""
        if not cursor:
            return None
        try:
            return moment_of(cursor)
        except ValueError:
            return None

    def _places(self, reply: JsonReply, questions: Any) -> dict[str, Where]:
        """Our field -> where it is, through the titles and names in sources.yml."""
        listed = self.records(reply, questions, "a list of questions")
        by_title: dict[str, Where] = {}
        hidden: dict[str, Where] = {}
        for question in listed:
            title, ident = question.get("title"), question.get("id")
            if not isinstance(ident, str):
                continue
            fields = [f for f in question.get("fields") or [] if isinstance(f, dict)]
            if question.get("type") == HIDDEN:
                for item in fields:
                    if isinstance(item.get("title"), str):
                        hidden.setdefault(fold(item["title"]), Where(item["title"], ident, item["title"]))
            elif isinstance(title, str):
                by_title.setdefault(fold(title), Where(title, ident, options=_options(fields)))
        result: dict[str, Where] = {}
        missing: list[str] = []
        for name, title in self.titles.items():
            place = by_title.get(fold(title)) or hidden.get(fold(title))
            if place is None:
                missing.append(f'"{title}" (fields.{name})')
            else:
                result[name] = place
        if missing:
            have = "; ".join(f'"{where.title}"' for where in by_title.values())
            names = ", ".join(f'"{where.hidden}"' for where in hidden.values())
            raise SourceError(
                self.name, f"the form has no question titled {' or '.join(missing)} and no hidden field of "
                f"that name, as sources.yml says. Its questions are: {have or 'none'}"
                f"{f'; its hidden fields: {names}' if names else ''}.",
                "Copy each title or hidden field's name exactly.")
        return result

    def _response(self, reply: JsonReply, record: dict[str, Any],
                  places: dict[str, Where]) -> tuple[FeedbackResponse, set[str], set[str]]:
        """One submission; which of our fields it answered in a form we could read; which it answered at all."""
        key = str(record["id"])
        answers: dict[str, Any] = {}
        for answer in self.records(reply, record.get("responses", []), "a list of answers"):
            answers.setdefault(str(answer.get("questionId")), answer.get("answer"))
        fields: dict[str, Any] = {}
        present: set[str] = set()
        for name, place in places.items():
            given = answers.get(place.question)
            if not _empty(given):
                present.add(name)
            value = _read(given, place)
            if not _empty(value):
                fields[name] = value
        submitted = self.field(reply, record, "submittedAt", str, f"submission {key}")
        response = self.normaliser.response(key=key, where=f"submission {key}", fields=fields,
                                            received_at=submitted, raw=record)
        return response, set(fields), present

    def _check_answered(self, answered: set[str], given: set[str]) -> None:
        """Stop before storing when a mapped question was answered in this run but never in a form
        we could read (option ids that resolve to nothing, hidden fields as text), or when no
        submission says which page it is about. An optional question that nobody in this run
        answered (a comment, a rating) is not a fault: a run may fetch only one submission."""
        unread = [name for name in self.titles
                  if name not in answered and (name in given or name in REQUIRED_IN_A_RUN)]
        if not unread:
            return
        said = "; ".join(f'"{self.titles[name]}" (fields.{name})' for name in unread)
        raise SourceError(
            self.name, f"no submission read in this run has an answer that could be read for {said}. "
            "Nothing from this run was stored, so no response is kept with that left empty.",
            "Check in sources.yml that each title is the question you mean (a hidden field is named as in the "
            "form's hidden fields, e.g. page). If nobody has answered that question yet, take it out of "
            "`fields` until someone has; if the form's answers look right in Tally, Tally may have changed "
            f"its API: report this message with the form's id ({shown(self.form_id)}).")


def _options(fields: list[dict[str, Any]]) -> dict[str, str]:
    """A choice question's option ids and their labels, from each of its fields' ``options``."""
    labels: dict[str, str] = {}
    for item in fields:
        for option in item.get("options") or []:
            if isinstance(option, dict) and isinstance(option.get("id"), str):
                text = option.get("text", option.get("label"))
                if isinstance(text, str):
                    labels.setdefault(option["id"], text)
    return labels


def _read(value: Any, place: Where) -> Any:
    """One answer as our normaliser takes it: a hidden field by its name, option ids as
    labels. What cannot be read becomes None, never a guess."""
    if place.hidden:
        if not isinstance(value, dict):
            return None
        wanted = fold(place.hidden)
        return next((v for k, v in value.items() if isinstance(k, str) and fold(k) == wanted), None)
    if isinstance(value, dict):
        return None  # an object where a question's answer was expected: not a shape we know
    if not place.options:
        return value
    chosen = value if isinstance(value, list) else [value]
    known = {fold(label) for label in place.options.values()}
    labels = []
    for item in chosen:
        if isinstance(item, str) and item in place.options:
            labels.append(place.options[item])
        elif isinstance(item, str) and fold(item) in known:
            labels.append(item)  # already a label (an older answer, or a form's export)
    return labels or None


def _empty(value: Any) -> bool:
    if value is None or value == [] or value == {}:
        return True
    return isinstance(value, str) and not value.strip()


def _written(moment: datetime) -> str:
    """A time as Tally writes ``submittedAt`` (UTC, milliseconds, Z): the cursor and ``startDate``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
