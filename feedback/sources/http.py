"""The one HTTP client every web source uses.

Hosted form services are outside our control: they time out, rate-limit us,
return error pages with status 200, cut answers short, and a hostile or
broken one may send a gzip bomb, trickle its answer a byte at a time, nest
its JSON 100,000 deep or redirect us elsewhere. This client turns each of
those into either a bounded, polite retry or a ``SourceError`` that names
the source and what to check, so the collector never shows a traceback and
never loops or waits for ever:

- every read from the socket has a timeout, and the whole run of one source
  has a time limit that a trickle cannot outlast (see ``deadline``);
- an answer's body may be at most ``max_bytes`` after unpacking (see ``body``);
- JSON too deep, or with text that is not Unicode, is refused (see ``jsondata``);
- a redirect is followed only to the same scheme, host and port as asked.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from .base import SourceError
from .body import ACCEPT_ENCODING, READ_SIZE, BodyGarbled, BodyTooBig, read_within
from .deadline import Connections, Deadline, WatchedAdapter
from .jsondata import JsonProblem, load_json

USER_AGENT = "showcase-feedback-collector/1"
# X-RateLimit-Reset values below this are read as seconds from now rather than
# as a Unix time: no real reset time is before 2001, and some services send a delta.
_EPOCH_THRESHOLD = 1_000_000_000
MEGABYTE = 1_000_000
DEFAULT_MAX_BYTES = 20 * MEGABYTE  # one answer, after unpacking
DEFAULT_TIME_LIMIT = 600.0  # seconds one source's pull may take, all its pages and waits included
_REDIRECTS = (301, 302, 303, 307, 308)
_ERROR_BODY = 64 * 1024  # bytes of an error answer read for the service's own message
_STARTS_AS_MARKUP = re.compile(rb"\s*<")


@dataclass(frozen=True)
class HttpOptions:
    """How patient to be with a service. Tests inject ``sleep`` and ``clock``
    so they can record waits instead of waiting."""

    connect_timeout: float = 5.0  # seconds to open a connection
    read_timeout: float = 30.0  # seconds to wait for each part of the answer
    tries: int = 5  # attempts per request, the first included
    backoff: float = 1.0  # seconds before the first retry; doubled after each
    max_wait: float = 60.0  # the longest single wait, whatever a service asks for
    max_pages: int = 1000  # requests per run: a bound on a service that pages for ever
    max_bytes: int = DEFAULT_MAX_BYTES  # the most one answer may hold, after unpacking
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds one run may take; a source's max_minutes overrides it
    max_redirects: int = 5  # redirects followed for one request (only ever to the same scheme, host and port)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.tries < 1 or self.max_pages < 1 or self.max_bytes < 1:
            raise ValueError("HttpOptions.tries, max_pages and max_bytes must be 1 or more")
        if min(self.connect_timeout, self.read_timeout, self.backoff, self.max_wait, self.max_redirects) < 0:
            raise ValueError("HttpOptions timeouts, waits and max_redirects cannot be negative")
        if not 0 < self.time_limit < float("inf"):
            raise ValueError("HttpOptions.time_limit must be a number of seconds above 0")


@dataclass(frozen=True)
class JsonReply:
    """A successful answer: its decoded JSON, and where and how it came."""

    url: str
    status: int
    headers: Mapping[str, str]
    data: Any


class HttpClient:
    """A ``requests.Session`` with timeouts, retries and rate-limit manners.

    One client may serve many runs; what a service said about its rate limit
    is remembered across them, so the next request waits as asked.
    """

    def __init__(self, options: HttpOptions | None = None, session: requests.Session | None = None) -> None:
        self.options = options or HttpOptions()
        self.session = session or requests.Session()
        if str(self.session.headers.get("User-Agent", "")).startswith("python-requests"):
            self.session.headers["User-Agent"] = USER_AGENT  # services ask that clients say who they are
        self.session.headers["Accept"] = "application/json"
        self.session.headers["Accept-Encoding"] = ACCEPT_ENCODING  # only what body.py unpacks within the limit
        self.connections = Connections()  # so a run's time limit can cut a read that never ends
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, WatchedAdapter(self.connections))
        self._resume_at: float | None = None  # when a rate limit said we may ask again (clock time)
        self.waits: list[float] = []  # every wait, in order: shown by tests and in reports

    def close(self) -> None:
        self.session.close()
        self.connections.close()

    def run(self, source: str, *, service: str, check: str, token_env: str | None = None,
            max_bytes: int | None = None, time_limit: float | None = None) -> HttpRun:
        """Start one pull. ``check`` names the settings that locate the form
        (for a 404 message); ``token_env`` the variable that holds the token;
        ``max_bytes`` and ``time_limit`` (seconds), when given, are the
        source's own limits instead of the client's."""
        return HttpRun(self, source, service, check, token_env,
                       max_bytes or self.options.max_bytes, time_limit or self.options.time_limit)

    # What the runs call
    def address_of(self, url: str, params: Mapping[str, Any], headers: Mapping[str, str]) -> str:
        """The address a GET of ``url`` with ``params`` goes to, as the session writes it."""
        prepared = self.session.prepare_request(requests.Request("GET", url, params=dict(params),
                                                                 headers=dict(headers)))
        return prepared.url or url

    def request(self, method: str, url: str, *, headers: Mapping[str, str],
                auth: tuple[str, str] | None = None) -> requests.Response:
        """One request, streamed, within the timeouts, following no redirect
        (the caller decides which to follow)."""
        options = self.options
        return self.session.request(method, url, headers=dict(headers), auth=auth, stream=True,
                                    allow_redirects=False, timeout=(options.connect_timeout, options.read_timeout))

    @property
    def rate_limited(self) -> bool:
        """Whether a service's rate-limit headers said the next request must wait."""
        return self._resume_at is not None

    def wait(self, seconds: float, deadline: Deadline) -> bool:
        """Wait (capped at max_wait); False, without waiting, if that would pass the deadline."""
        seconds = max(0.0, min(seconds, self.options.max_wait))
        if seconds >= deadline.remaining():
            return False
        if seconds > 0:
            self.waits.append(seconds)
            self.options.sleep(seconds)
        return True

    def respect_rate_limit(self, deadline: Deadline) -> bool:
        """Wait as a rate limit asked; False, without waiting, if that would pass the deadline."""
        if self._resume_at is None:
            return True
        remaining = self._resume_at - self.options.clock()
        self._resume_at = None
        return self.wait(remaining, deadline)

    def note_rate_limit(self, response: requests.Response) -> None:
        """X-RateLimit-Remaining: 0 means the next request must wait for X-RateLimit-Reset."""
        remaining = response.headers.get("X-RateLimit-Remaining", "").strip()
        reset = response.headers.get("X-RateLimit-Reset", "").strip()
        if remaining != "0" or not reset:
            return
        try:
            value = float(reset)
        except ValueError:
            return  # an unreadable reset: the retry rules still apply if the service then says 429
        now = self.options.clock()
        self._resume_at = value if value >= _EPOCH_THRESHOLD else now + value

    def retry_after(self, response: requests.Response) -> float | None:
        """Seconds the service asked us to wait, from either form of Retry-After."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        if value.isascii() and value.isdigit():  # not "²", which isdigit() also calls a digit
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None  # unreadable: the caller backs off as if none were given
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - self.options.clock())

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before try ``attempt + 1`` when the service did not say."""
        return min(self.options.backoff * 2.0 ** (attempt - 1), self.options.max_wait)


class HttpRun:
    """One pull from one source: remembers every address fetched, so a service
    whose "next" link points back to a page already read stops the run
    instead of looping, and stops at ``max_pages`` requests in any case.
    The run's time limit starts when it is made, and covers every request,
    read and wait of the pull."""

    def __init__(self, client: HttpClient, source: str, service: str, check: str,
                 token_env: str | None, max_bytes: int, time_limit: float) -> None:
        self.client = client
        self.source = source
        self.service = service
        self.check = check
        self.token_env = token_env
        self.max_bytes = max_bytes
        self.deadline = Deadline(time_limit, client.connections)
        self.fetched: list[str] = []

    def _error(self, message: str, hint: str = "") -> SourceError:
        return SourceError(self.source, message, hint)

    def get_json(self, url: str, *, params: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None, auth: tuple[str, str] | None = None) -> JsonReply:
        """GET ``url`` and return its JSON, retrying what is worth retrying."""
        try:
            address = self.client.address_of(url, params or {}, headers or {})
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as error:
            raise self._error(f"the address {url} is not a web address ({error}). "
                              "Check the url option in sources.yml.") from error
        if address in self.fetched:
            raise self._error(
                f"{self.service} pointed back to {address}, which this run has already read, so its "
                "paging is going round in a loop. Nothing after this point was collected; run the "
                "collector again later, and if it happens again report it to the service.")
        if len(self.fetched) >= self.client.options.max_pages:
            raise self._error(
                f"stopped after {len(self.fetched)} pages in one run, the most allowed, in case "
                f"{self.service}'s paging never ends. What was read is saved; run the collector again "
                "to go on, or raise max_pages if this form really has that many responses.")
        self.fetched.append(address)
        return self._fetch(address, headers or {}, auth)

    def _fetch(self, address: str, headers: Mapping[str, str], auth: tuple[str, str] | None) -> JsonReply:
        options = self.client.options
        problem = ""
        for attempt in range(1, options.tries + 1):
            if not self.client.respect_rate_limit(self.deadline):
                raise self._out_of_time(f"{self.service} asked us to wait longer than the time left")
            if self.deadline.remaining() <= 0:
                raise self._out_of_time()
            wait: float | None = None
            try:
                with self.deadline.watching():
                    outcome = self._attempt(address, headers, auth)
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
                if self.deadline.expired:  # the time limit cut the connection: that, not the cut, is the news
                    raise self._out_of_time() from error
                problem = self._problem(address, error)
            else:
                if self.deadline.expired:  # an answer that ended when the time ran out may be cut short
                    raise self._out_of_time()
                if isinstance(outcome, tuple):
                    body, response = outcome
                    return self._decode(response, body)
                problem, wait = outcome.problem, outcome.wait
            if attempt < options.tries and not self.client.wait(
                    self.client.backoff(attempt) if wait is None else wait, self.deadline):
                raise self._out_of_time(f"the last time, {problem}, and waiting to try again would pass it")
        raise self._error(
            f"gave up after {options.tries} tries: the last time, {problem}. The service may be down or "
            "busy; nothing after this point was collected.",
            f"Run the collector again later, and if it keeps happening check {self.check} in sources.yml.")

    def _attempt(self, address: str, headers: Mapping[str, str],
                 auth: tuple[str, str] | None) -> tuple[bytearray, requests.Response] | _Retry:
        """One try: the body of a successful answer, or what went wrong and may be retried.
        Redirects are followed here, only while they stay on the same scheme, host and port."""
        options = self.client.options
        target = address
        for _ in range(options.max_redirects + 1):
            with self.client.request("GET", target, headers=headers, auth=auth) as response:
                self.client.note_rate_limit(response)
                status = response.status_code
                if 200 <= status < 300:
                    return self._body(response, self.max_bytes), response
                if status in _REDIRECTS:
                    target = self._redirect(target, response)
                    continue
                said = _service_message(self._error_body(response))
                if status in (401, 403, 404):
                    raise self._refused(status, response, said)
                if status == 429 or 500 <= status < 600:
                    wait = self.client.retry_after(response)
                    if wait is None and self.client.rate_limited:
                        wait = 0.0  # the rate-limit headers already say how long; that wait comes next
                    return _Retry(f"{self.service} answered HTTP {status}{said}", wait)
                raise self._error(
                    f"{self.service} refused the request with HTTP {status}{said}.",
                    f"Check {self.check} and the other options for this source in sources.yml.")
        raise self._error(f"{address} redirected more than {options.max_redirects} times.",
                          f"Check {self.check} in sources.yml.")

    def _redirect(self, current: str, response: requests.Response) -> str:
        """Where a redirect leads, if it stays on the same scheme, host and port; else a SourceError."""
        location = response.headers.get("Location", "").strip()
        if not location:
            raise self._error(f"{current} answered with a redirect (HTTP {response.status_code}) "
                              "but did not say where to.", f"Check {self.check} in sources.yml.")
        target = urljoin(current, location)
        if _origin(target) != _origin(current):
            raise self._error(
                f"{current} redirected to {_shorten(target)}, which is not on {_origin_text(current)}. "
                "Redirects are followed only to the same scheme, host and port, so that a token is never "
                "sent to, nor data stored from, another place; nothing was stored from it. If the service "
                f"has really moved, write its new address as url in sources.yml (and check {self.check}).")
        return target

    def _body(self, response: requests.Response, limit: int) -> bytearray:
        """The unpacked body, at most ``limit`` bytes, or a SourceError."""
        declared = response.headers.get("Content-Length", "").strip()
        packing = response.headers.get("Content-Encoding", "")
        if not packing.strip() and declared.isdigit() and int(declared) > limit:
            raise self._too_big(response, limit)
        try:
            return read_within(response.raw.stream(READ_SIZE, decode_content=False), packing, limit)
        except BodyTooBig:
            raise self._too_big(response, limit) from None
        except BodyGarbled as error:
            raise self._error(f"{response.url} answered with a body that cannot be read: {error}. "
                              "The service may be having problems: run the collector again later."
                              ) from error

    def _error_body(self, response: requests.Response) -> bytes | None:
        """The start of an error answer, for the service's own message; None if it is too big or garbled."""
        try:
            return bytes(self._body(response, _ERROR_BODY))
        except SourceError:
            return None

    def _too_big(self, response: requests.Response, limit: int) -> SourceError:
        return self._error(
            f"{response.url} sent an answer of more than {_size(limit)} (after unpacking), the most one answer "
            "may hold. Nothing from it was stored.",
            "It may be a broken or hostile answer; if this form's pages really are that big, lower page_size "
            "or raise max_response_mb for this source in sources.yml.")

    def _out_of_time(self, why: str = "") -> SourceError:
        limit = self.deadline.seconds
        said = f" ({why})" if why else ""
        return self._error(
            f"stopped after {_duration(limit)}, the longest one source may take{said}. {self.service} may be "
            "very slow or sending its answer a little at a time. What was read before this point is saved.",
            "Run the collector again later, or raise max_minutes for this source in sources.yml if it really "
            "needs longer.")

    def _problem(self, address: str, error: Exception) -> str:
        """A retryable failure in plain words, or a SourceError for one not worth retrying."""
        options = self.client.options
        if isinstance(error, requests.exceptions.ConnectTimeout):
            return f"could not connect to {self.service} within {options.connect_timeout:g} seconds"
        if isinstance(error, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)):
            return f"{self.service} did not answer within {options.read_timeout:g} seconds"
        if isinstance(error, (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError)):
            return f"{self.service}'s answer was cut short before the end"
        if isinstance(error, requests.exceptions.ConnectionError):
            return _connection_problem(self.service, error)
        if isinstance(error, requests.exceptions.RequestException):
            raise self._error(f"{address} could not be requested ({error}).",
                              f"Check {self.check} in sources.yml.") from error
        return f"the connection to {self.service} failed ({type(error).__name__})"

    def _refused(self, status: int, response: requests.Response, said: str) -> SourceError:
        variable = f"the environment variable {self.token_env}" if self.token_env else "the token"
        if status == 401:
            return self._error(f"{self.service} refused the token (HTTP 401{said}).",
                               f"Check that {variable}, named by token_env in sources.yml, is set and holds a "
                               "current token.")
        if status == 403:
            return self._error(f"the token in {variable} was accepted but cannot read this form's "
                               f"submissions (HTTP 403{said}).", "Check that it belongs to an account that "
                               f"can see the form, and check {self.check} in sources.yml.")
        return self._error(f"{response.url} was not found (HTTP 404{said}).", f"Check {self.check} in sources.yml.")

    def _decode(self, response: requests.Response, body: bytearray) -> JsonReply:
        """The JSON of a successful answer, or a SourceError saying what came instead."""
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.split(";")[0].strip().lower()
        if mime in ("text/html", "application/xhtml+xml") or _STARTS_AS_MARKUP.match(body):
            raise self._error(
                f"{response.url} answered with a web page instead of data (HTTP {response.status_code}). "
                "That usually means the address is a website or a sign-in page rather than the API, "
                "or a proxy is in the way.", f"Check {self.check} in sources.yml.")
        if mime != "application/json" and not mime.endswith("+json"):
            raise self._error(
                f"{response.url} answered with {mime or 'no content type'}, not JSON.",
                f"Check {self.check} in sources.yml.")
        charset = response.encoding or "utf-8"
        try:
            data = load_json(body.decode(charset))
        except UnicodeDecodeError as error:
            raise self._error(f"{response.url} answered with text that is not valid "
                              f"{charset} ({error.reason}).") from error
        except LookupError as error:
            raise self._error(f"{response.url} said its answer is in {_shorten(charset)}, which is "
                              "not a known character set; JSON should be UTF-8. Report it to the "
                              "service.") from error
        except JsonProblem as error:
            raise self._error(
                f"{response.url} answered with JSON that cannot be read ({error.reason}). The service may be "
                "having problems: run the collector again later.") from error
        return JsonReply(response.url, response.status_code, response.headers, data)


@dataclass(frozen=True)
class _Retry:
    """A try that failed in a way worth trying again, and how long the service asked us to wait."""

    problem: str
    wait: float | None


def _origin(address: str) -> tuple[str, str, int | None]:
    """Scheme, host and port, the port written out when it is the scheme's default."""
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = -1  # an unreadable port is no one's origin
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def _origin_text(address: str) -> str:
    scheme, host, port = _origin(address)
    return f"{scheme}://{host}:{port}"


def _shorten(text: str, most: int = 120) -> str:
    """An address or name from a stranger, cut so it cannot fill a screen or a log."""
    return text if len(text) <= most else text[:most] + "..."


def _size(count: int) -> str:
    return f"{count / MEGABYTE:g} MB" if count >= MEGABYTE else f"{count:,} bytes"


def _duration(seconds: float) -> str:
    if seconds >= 60:
        minutes = seconds / 60
        return f"{minutes:g} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


def _connection_problem(service: str, error: requests.exceptions.ConnectionError) -> str:
    """Plain words for the usual connection failures, without urllib3's internals."""
    text = str(error)
    if "IncompleteRead" in text or "Connection broken" in text or "ProtocolError" in text:
        return f"{service}'s answer was cut short before the end"
    if "Read timed out" in text:
        return f"{service} stopped sending its answer part way through"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return f"the host of {service} could not be found (check the url option)"
    if "Connection refused" in text:
        return f"{service} refused the connection"
    return f"the connection to {service} failed"


def _service_message(body: bytes | None) -> str:
    """The service's own short explanation, when it gives one in JSON: ``: "..."``."""
    if not body:
        return ""
    try:
        data = load_json(body.decode("utf-8"))
    except (UnicodeDecodeError, JsonProblem):
        return ""
    if isinstance(data, dict):
        for key in ("message", "error", "errors", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return f': "{value.strip()[:200]}"'
    return ""
