"""The one HTTP client every web source uses.

Hosted form services are outside our control: they time out, rate-limit us,
return error pages with status 200 and cut answers short. This client turns
each of those into either a bounded, polite retry or a ``SourceError`` that
names the source and what to check, so the collector never shows a traceback
and never loops for ever.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from .base import SourceError

USER_AGENT = "showcase-feedback-collector/1"
# X-RateLimit-Reset values below this are read as seconds from now rather than
# as a Unix time: no real reset time is before 2001, and some services send a delta.
_EPOCH_THRESHOLD = 1_000_000_000


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
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.tries < 1 or self.max_pages < 1:
            raise ValueError("HttpOptions.tries and max_pages must be 1 or more")
        if min(self.connect_timeout, self.read_timeout, self.backoff, self.max_wait) < 0:
            raise ValueError("HttpOptions timeouts and waits cannot be negative")


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
        self._resume_at: float | None = None  # when a rate limit said we may ask again (clock time)
        self.waits: list[float] = []  # every wait, in order: shown by tests and in reports

    def close(self) -> None:
        self.session.close()

    def run(self, source: str, *, service: str, check: str, token_env: str | None = None) -> HttpRun:
        """Start one pull. ``check`` names the settings that locate the form
        (for a 404 message); ``token_env`` the variable that holds the token."""
        return HttpRun(self, source, service, check, token_env)

    # What the runs call
    def _wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.options.max_wait))
        if seconds > 0:
            self.waits.append(seconds)
            self.options.sleep(seconds)

    def _respect_rate_limit(self) -> None:
        if self._resume_at is None:
            return
        remaining = self._resume_at - self.options.clock()
        self._resume_at = None
        self._wait(remaining)

    def _note_rate_limit(self, response: requests.Response) -> None:
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

    def _retry_after(self, response: requests.Response) -> float | None:
        """Seconds the service asked us to wait, from either form of Retry-After."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None  # unreadable: the caller backs off as if none were given
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - self.options.clock())

    def _backoff(self, attempt: int) -> float:
        return min(self.options.backoff * 2.0 ** (attempt - 1), self.options.max_wait)


class HttpRun:
    """One pull from one source: remembers every address fetched, so a service
    whose "next" link points back to a page already read stops the run
    instead of looping, and stops at ``max_pages`` requests in any case."""

    def __init__(self, client: HttpClient, source: str, service: str, check: str,
                 token_env: str | None) -> None:
        self.client = client
        self.source = source
        self.service = service
        self.check = check
        self.token_env = token_env
        self.fetched: list[str] = []

    def _say(self, text: str) -> str:
        return f'Source "{self.source}": {text}'

    def get_json(self, url: str, *, params: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None, auth: tuple[str, str] | None = None) -> JsonReply:
        """GET ``url`` and return its JSON, retrying what is worth retrying."""
        try:
            address = self.client.session.prepare_request(
                requests.Request("GET", url, params=dict(params or {}), headers=dict(headers or {}))).url or url
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as error:
            raise SourceError(self._say(f"the address {url} is not a web address ({error}). "
                                        "Check the url option in sources.yml.")) from error
        if address in self.fetched:
            raise SourceError(self._say(
                f"{self.service} pointed back to {address}, which this run has already read, so its "
                "paging is going round in a loop. Nothing after this point was collected; run the "
                "collector again later, and if it happens again report it to the service."))
        if len(self.fetched) >= self.client.options.max_pages:
            raise SourceError(self._say(
                f"stopped after {len(self.fetched)} pages in one run, the most allowed, in case "
                f"{self.service}'s paging never ends. What was read is saved; run the collector again "
                "to go on, or raise max_pages if this form really has that many responses."))
        self.fetched.append(address)
        return self._fetch(address, headers or {}, auth)

    def _fetch(self, address: str, headers: Mapping[str, str], auth: tuple[str, str] | None) -> JsonReply:
        options = self.client.options
        problem = ""
        for attempt in range(1, options.tries + 1):
            self.client._respect_rate_limit()
            wait: float | None = None
            try:
                response = self.client.session.get(
                    address, headers=dict(headers), auth=auth,
                    timeout=(options.connect_timeout, options.read_timeout))
            except requests.exceptions.ConnectTimeout:
                problem = f"could not connect to {self.service} within {options.connect_timeout:g} seconds"
            except requests.exceptions.ReadTimeout:
                problem = f"{self.service} did not answer within {options.read_timeout:g} seconds"
            except requests.exceptions.ChunkedEncodingError:
                problem = f"{self.service}'s answer was cut short before the end"
            except requests.exceptions.ConnectionError as error:
                problem = _connection_problem(self.service, error)
            except requests.exceptions.ContentDecodingError:
                problem = f"{self.service}'s answer was cut short or garbled and could not be unpacked"
            except requests.exceptions.TooManyRedirects as error:
                raise SourceError(self._say(f"{address} redirects in a loop ({error}). "
                                            f"Check {self.check} in sources.yml.")) from error
            except requests.exceptions.RequestException as error:
                raise SourceError(self._say(f"{address} could not be requested ({error}). "
                                            f"Check {self.check} in sources.yml.")) from error
            else:
                self.client._note_rate_limit(response)
                status = response.status_code
                if 200 <= status < 300:
                    return self._decode(response)
                if status in (401, 403, 404):
                    raise SourceError(self._refused(status, response))
                if status == 429 or 500 <= status < 600:
                    problem = f"{self.service} answered HTTP {status}{_service_message(response)}"
                    wait = self.client._retry_after(response)
                    if wait is None and self.client._resume_at is not None:
                        wait = 0.0  # the rate-limit headers already say how long; that wait comes next
                else:
                    raise SourceError(self._say(
                        f"{self.service} refused the request with HTTP {status}{_service_message(response)}. "
                        f"Check {self.check} and the other options for this source in sources.yml."))
            if attempt < options.tries:
                self.client._wait(self.client._backoff(attempt) if wait is None else wait)
        raise SourceError(self._say(
            f"gave up after {options.tries} tries: the last time, {problem}. The service may be down or "
            "busy; nothing after this point was collected. Run the collector again later, and if it keeps "
            f"happening check {self.check} in sources.yml."))

    def _refused(self, status: int, response: requests.Response) -> str:
        said = _service_message(response)
        variable = f"the environment variable {self.token_env}" if self.token_env else "the token"
        if status == 401:
            return self._say(f"{self.service} refused the token (HTTP 401{said}). Check that {variable}, "
                             "named by token_env in sources.yml, is set and holds a current token.")
        if status == 403:
            return self._say(f"the token in {variable} was accepted but cannot read this form's "
                             f"submissions (HTTP 403{said}). Check that it belongs to an account that "
                             f"can see the form, and check {self.check} in sources.yml.")
        return self._say(f"{response.url} was not found (HTTP 404{said}). "
                         f"Check {self.check} in sources.yml.")

    def _decode(self, response: requests.Response) -> JsonReply:
        """The JSON of a successful answer, or a SourceError saying what came instead."""
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.split(";")[0].strip().lower()
        body = response.content
        start = body.lstrip()[:1]
        if mime in ("text/html", "application/xhtml+xml") or start == b"<":
            raise SourceError(self._say(
                f"{response.url} answered with a web page instead of data (HTTP {response.status_code}). "
                "That usually means the address is a website or a sign-in page rather than the API, "
                f"or a proxy is in the way. Check {self.check} in sources.yml."))
        if mime != "application/json" and not mime.endswith("+json"):
            raise SourceError(self._say(
                f"{response.url} answered with {mime or 'no content type'}, not JSON. "
                f"Check {self.check} in sources.yml."))
        try:
            data = json.loads(body.decode(response.encoding or "utf-8"))
        except UnicodeDecodeError as error:
            raise SourceError(self._say(f"{response.url} answered with text that is not valid "
                                        f"{response.encoding or 'UTF-8'} ({error.reason}).")) from error
        except json.JSONDecodeError as error:
            raise SourceError(self._say(
                f"{response.url} answered with JSON that cannot be read ({error.msg} at line {error.lineno}, "
                f"column {error.colno}). The service may be having problems: run the collector again later.")
            ) from error
        return JsonReply(response.url, response.status_code, response.headers, data)


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


def _service_message(response: requests.Response) -> str:
    """The service's own short explanation, when it gives one in JSON: ``: "..."``."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("message", "error", "errors", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return f': "{value.strip()[:200]}"'
    return ""


@dataclass
class Recorder:
    """A ``sleep`` for tests and dry runs: records each wait instead of waiting."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
