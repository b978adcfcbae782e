"""Fake services and wire faults for the source adapter tests.

Each fake is a small, stateful implementation of one service's listing API,
served by pytest-httpserver through ``respond_with_handler``: real HTTP on
127.0.0.1, with paging worked out from the request as the service would.
``RawServer`` misbehaves below HTTP (cut-short bodies, silence).
"""
from __future__ import annotations

import copy
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.form import Choices
from feedback.model import Page
from feedback.sources.base import Source, SourceConfig
from feedback.sources.config import build_source
from feedback.sources.http import HttpClient
from feedback.store import Counts, Store

NOW = 1_717_000_000.0  # the fixed clock of the tests' HTTP clients (2024-05-29)
TOKEN = "secret-token-for-the-fake-services-0123"  # 32+ characters, as the receiver requires
ROLES = (("prison", "Prison"), ("probation-service", "Probation service"), ("charity", "Charity"),
         ("other", "Other"))
# Answers in the shapes the services publish, kept beside the tests (samples/*/README.md says where).
SAMPLES = Path(__file__).parent / "samples"
FORMSPREE_SAMPLE: dict[str, Any] = json.loads((SAMPLES / "formspree" / "submissions.json").read_text("utf-8"))
TALLY_SAMPLE: dict[str, Any] = json.loads((SAMPLES / "tally" / "submissions.json").read_text("utf-8"))


@dataclass
class Recorder:
    """A ``sleep`` for the tests' HTTP clients: records each wait instead of waiting."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def collect(source: Source, store: Store) -> Counts:
    """A pull, saved the way the collector saves it: page by page, with each page's cursor."""
    total = Counts()
    for page in source.pages(store.cursor(source.name)):
        assert isinstance(page, Page)
        total.add(store.save_page(source.name, page.responses, page.cursor))
    return total


def stamp(i: int) -> str:
    """The i-th submission's time: one minute apart, in the services' Z form."""
    return f"2024-05-01T10:{i:02d}:00.000Z"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


@dataclass
class Fake:
    """What every fake shares: the requests it saw, and hooks for a test to
    change the data after a given request (a submission arriving between pages)."""

    token: str = TOKEN
    seen: list[dict[str, str]] = field(default_factory=list)
    after_request: dict[int, Callable[[], None]] = field(default_factory=dict)
    headers: dict[int, dict[str, str]] = field(default_factory=dict)  # extra headers by request number

    def __call__(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response({"message": "Unauthorized"}, 401)
        self.seen.append(dict(request.args))
        number = len(self.seen)
        response = json_response(self.answer(request.args), headers=self.headers.get(number))
        if number in self.after_request:
            self.after_request[number]()
        return response

    def answer(self, args: Any) -> Any:
        raise NotImplementedError


# The receiver
def receiver_record(i: int, **changes: Any) -> dict[str, Any]:
    record = {"id": f"sub-{i}", "cursor": str(i), "received_at": f"2024-05-01T10:{i:02d}:00.000+00:00",
              "page": "cases/peer-mentors/", "kind": "case", "intention": "practice", "role": "prison",
              "rating": 4, "comments": f"Comment {i}", "organisation": "HMP Example", "email": "a@example.org",
              "consent": True, "spam": False, "spam_reason": ""}
    record.update(changes)
    return record


@dataclass
class FakeReceiver(Fake):
    """GET /api/submissions?after&limit, oldest first, as feedback.receiver serves it."""

    records: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, args: Any) -> Any:
        after, limit = int(args["after"]), int(args["limit"])
        rows = [r for r in self.records if int(r["cursor"]) > after][:limit + 1]
        page, more = rows[:limit], len(rows) > limit
        return {"submissions": page, "next": page[-1]["cursor"] if page else str(after), "has_more": more}


# Netlify
def netlify_record(i: int, **data: Any) -> dict[str, Any]:
    fields = {"form-name": "feedback", "page": "cases/peer-mentors/", "kind": "case", "intention": "similar",
              "role": "probation-service", "rating": "5", "comments": f"Netlify {i}", "organisation": "",
              "email": "", "consent": "yes", "shown_at": "1714557600"}
    fields.update(data)
    return {"id": f"n{i:04d}", "number": i, "created_at": stamp(i), "site_url": "https://example.netlify.app",
            "data": fields, "human_fields": {"Comments": fields["comments"]}}


@dataclass
class FakeNetlify(Fake):
    """GET /forms/{id}/submissions?page&per_page, newest first."""

    records: list[dict[str, Any]] = field(default_factory=list)  # oldest first; served newest first

    def answer(self, args: Any) -> Any:
        page, per_page = int(args["page"]), int(args["per_page"])
        newest_first = list(reversed(self.records))
        return newest_first[(page - 1) * per_page:page * per_page]


# Formspree: records shaped like samples/formspree/submissions.json (its README says where
# Formspree documents that shape): `_date` without a zone and with microseconds, and `_status`.
def formspree_date(i: int) -> str:
    """The i-th submission's `_date` as Formspree writes it, one minute apart."""
    return f"2024-05-01T10:{i:02d}:00.{i:06d}"


def formspree_record(i: int, **data: Any) -> dict[str, Any]:
    record = copy.deepcopy(FORMSPREE_SAMPLE["submissions"][0])
    record.update({"_date": formspree_date(i), "comments": f"Formspree {i}"})
    record.update(data)
    return record


@dataclass
class FakeFormspree(Fake):
    """GET /forms/{id}/submissions?order=asc&limit&offset[&since], oldest first;
    ``since`` includes a submission at exactly that time."""

    records: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, args: Any) -> Any:
        assert args["order"] == "asc"
        limit, offset = int(args["limit"]), int(args["offset"])
        rows = [r for r in self.records if "since" not in args or r["_date"] >= args["since"]]
        return {"fields": FORMSPREE_SAMPLE["fields"], "submissions": rows[offset:offset + limit]}

    def deliver(self) -> None:
        """What Formspree does after a submission arrives: its notifications go out and
        each one's flags change (another plugin runs, an e-mail is delivered)."""
        for record in self.records:
            status = record.setdefault("_status", {})
            status["feedback-team@example.org"] = {"delivered": True, "processed": True, "dispatched": True}
            status["plugin:discord"] = {"processed": True}


# Tally: answers shaped like samples/tally/submissions.json (its README says where Tally publishes
# that shape): choices answered with option ids, hidden fields as one object keyed by name.
TALLY_QUESTIONS: list[dict[str, Any]] = TALLY_SAMPLE["questions"]
TALLY_FIELDS = {"page": "page", "kind": "kind", "intention": "What brings you here?", "role": "your role",
                "rating": "How useful was this page?", "comment": "Comments",
                "consent": "May we publish your comment without your name?"}


def tally_option(question: str, label: str) -> str:
    """The id of the option labelled ``label`` in the sample's question ``question``."""
    (found,) = [option["id"] for q in TALLY_QUESTIONS if q["id"] == question for f in q["fields"]
                for option in f.get("options", []) if option["text"] == label]
    return str(found)


def tally_stamp(i: int) -> str:
    """The i-th submission's `submittedAt`, as Tally writes it (UTC, milliseconds, Z)."""
    return f"2024-05-01T{10 + i // 60:02d}:{i % 60:02d}:00.000Z"


def tally_record(i: int, *, completed: bool = True, intention: str | None = "Just interested",
                 role: str | None = "Probation service", consent: bool = True) -> dict[str, Any]:
    """A submission as Tally lists it; ``intention`` and ``role`` are option labels, sent as ids."""
    answers: list[tuple[str, Any]] = [
        ("qHidden", {"page": "https://example.org/cases/peer-mentors/", "kind": "case"}),
        ("qWhy", [tally_option("qWhy", intention)] if intention else None),
        ("qRole", [tally_option("qRole", role)] if role else None),
        ("qRate", 4),
        ("qText", f"Tally {i}"),
        ("qOk", [tally_option("qOk", "Yes, you may")] if consent else []),
        ("qOther", "ignored"),
    ]
    return {"id": f"t{i:03d}", "formId": "wMZqLo", "respondentId": f"r{i}", "isCompleted": completed,
            "submittedAt": tally_stamp(i),
            "responses": [{"id": f"a{i}-{n}", "questionId": question, "answer": answer}
                          for n, (question, answer) in enumerate(answers) if answer is not None]}


@dataclass
class FakeTally(Fake):
    """GET /forms/{id}/submissions?page&filter[&startDate], newest first, ``limit`` a page;
    ``startDate`` keeps the submissions on or after it, as Tally documents."""

    records: list[dict[str, Any]] = field(default_factory=list)  # oldest first; served newest first
    limit: int = 2
    questions: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(TALLY_QUESTIONS))

    def answer(self, args: Any) -> Any:
        assert "afterId" not in args, "the collector must not page with afterId: its direction is not documented"
        rows = list(self.records)
        if "startDate" in args:
            rows = [r for r in rows if _utc(r["submittedAt"]) >= _utc(args["startDate"])]
        if args.get("filter") == "completed":
            rows = [r for r in rows if r["isCompleted"]]
        rows.sort(key=lambda r: _utc(r["submittedAt"]), reverse=True)
        page = int(args["page"])
        chunk = rows[(page - 1) * self.limit:page * self.limit]
        completed = sum(1 for r in self.records if r["isCompleted"])
        return {"page": page, "limit": self.limit, "hasMore": page * self.limit < len(rows),
                "totalNumberOfSubmissionsPerFilter": {"all": len(self.records), "completed": completed,
                                                      "partial": len(self.records) - completed},
                "questions": self.questions, "submissions": chunk}


def _utc(written: str) -> datetime:
    return datetime.fromisoformat(written.replace("Z", "+00:00"))


# One kit per web source type, for tests that try the same fault on each
@dataclass(frozen=True)
class Kit:
    """One web source type: how to configure it, and one good final page."""

    type: str
    path: str
    options: dict[str, Any]
    first_query: dict[str, str]
    final_page: Any

    @property
    def token_env(self) -> str:
        return str(self.options["token_env"])

    def source(self, url: str, client: HttpClient, choices: Choices, **options: Any) -> Any:
        """The adapter, reading from ``url``; ``options`` add to or change the kit's."""
        config = SourceConfig(name=f"{self.type}-test", type=self.type,
                              options={**self.options, "url": url, **options})
        return build_source(config, choices, client)


KITS = [
    Kit("receiver", "/api/submissions", {"token_env": "RECEIVER_TOKEN", "page_size": 2},
        {"after": "0", "limit": "2"}, {"submissions": [receiver_record(1)], "next": "1", "has_more": False}),
    Kit("netlify", "/forms/form-1/submissions", {"form_id": "form-1", "token_env": "NETLIFY_TOKEN", "page_size": 2},
        {"page": "1", "per_page": "2"}, [netlify_record(1)]),
    Kit("formspree", "/forms/xyzabcde/submissions",
        {"form_id": "xyzabcde", "token_env": "FORMSPREE_KEY", "page_size": 2},
        {"order": "asc", "limit": "2", "offset": "0"}, {"submissions": [formspree_record(1)]}),
    Kit("tally", "/forms/wMZqLo/submissions", {"form_id": "wMZqLo", "token_env": "TALLY_KEY", "fields": TALLY_FIELDS},
        {"page": "1", "filter": "completed"},
        {"page": 1, "limit": 50, "hasMore": False, "questions": TALLY_QUESTIONS, "submissions": [tally_record(1)]}),
]


def expect(httpserver: HTTPServer, kit: Kit) -> Any:
    return httpserver.expect_ordered_request(kit.path, method="GET", query_string=kit.first_query,
                                             headers={"Authorization": f"Bearer {TOKEN}"})


def stored(store: Store) -> int:
    return len(store.responses(include_spam=True))


# Hostile answers
def gzip_bomb(megabytes: int) -> bytes:
    """One gzip member that unpacks to ``megabytes`` MiB of zero bytes, at about 1,000 to 1.

    Made in well under a second: after a full flush each MiB of zeros packs to
    the same bytes, so one packed MiB is repeated, then an empty final block and
    the trailer (CRC-32 and length of the whole) end a stream gzip accepts."""
    zeros = b"\0" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    final_empty_block = b"\x03\x00"
    return (first + again * (megabytes - 1) + final_empty_block
            + struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF))


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def trickle(head: bytes, slow: bytes, rest: bytes = b"", every: float = 0.5) -> Callable[[socket.socket], None]:
    """Send ``head`` at once, then ``slow`` one byte every ``every`` seconds, then
    ``rest``: each read gets a byte well within the read timeout. Bounded by the
    length of ``slow``; ends early when the client hangs up."""
    def send(connection: socket.socket) -> None:
        try:
            connection.sendall(head)
            for i in range(len(slow)):
                time.sleep(every)
                connection.sendall(slow[i:i + 1])
            connection.sendall(rest)
        except OSError:
            return  # the client cut the connection: what the test is for

    return send


def json_head(body_length: int, extra: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(body_length).encode()
            + b"\r\nConnection: close\r\n" + extra + b"\r\n")


# Below HTTP
def cut_short(connection: socket.socket) -> None:
    """Promise 400 bytes of JSON, send 20, and hang up."""
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n"
                       b"Connection: close\r\n\r\n" + b'{"submissions": [{"i')


def answer_with(body: Any) -> Callable[[socket.socket], None]:
    """A whole, correct JSON answer (so a retry after a fault can succeed)."""
    data = json.dumps(body).encode()

    def send(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                           + str(len(data)).encode() + b"\r\nConnection: close\r\n\r\n" + data)
    return send


class RawServer:
    """A TCP server on 127.0.0.1 that reads each request and then does what the
    next behaviour says; the last behaviour repeats. ``silent`` is a behaviour
    that never answers (until the server is closed). Bounded: it stops after
    ``max_connections`` and its thread is joined on exit."""

    def __init__(self, *behaviours: Callable[[socket.socket], None] | str, max_connections: int = 20) -> None:
        self.behaviours = behaviours
        self.max_connections = max_connections
        self.connections = 0
        self._stop = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set() and self.connections < self.max_connections:
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            with connection:
                behaviour = self.behaviours[min(self.connections, len(self.behaviours) - 1)]
                self.connections += 1
                connection.settimeout(2)
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                if behaviour == "silent":
                    self._stop.wait(3)  # say nothing; the client's read timeout ends it
                else:
                    assert callable(behaviour)
                    behaviour(connection)
