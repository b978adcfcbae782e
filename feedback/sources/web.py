"""What the web sources share: options, the token, and the HTTP client."""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from core.form import Choices

from ..model import Page
from .base import SourceConfig, SourceError
from .http import MEGABYTE, HttpClient, HttpRun, JsonReply
from .normalise import Normaliser, option, shown, token_of

# The limits a source may set in sources.yml, with the largest each may be:
# a limit is there to be met, so it cannot be switched off.
LIMITS = {"max_response_mb": 1000, "max_minutes": 24 * 60}


def client_of(http: HttpClient | requests.Session | None) -> HttpClient:
    """Adapters take our client, a bare session (wrapped with default manners), or nothing."""
    if isinstance(http, HttpClient):
        return http
    return HttpClient(session=http)


class WebSource:
    """A source read over HTTP with a token from the environment.

    Subclasses set ``service`` (for messages), ``default_url`` and
    ``needs_form_id``, and write ``pages``.
    """

    source_type = ""
    service = ""
    default_url = ""
    needs_form_id = True
    default_page_size = 100
    max_page_size = 1000

    def __init__(self, config: SourceConfig, http: HttpClient | requests.Session | None, choices: Choices) -> None:
        self.config = config
        self.name = config.name
        self.http = client_of(http)
        self.normaliser = Normaliser.for_source(config, choices)
        self.token_env: str = option(config, "token_env", str)
        url = option(config, "url", str, self.default_url) if self.default_url else option(config, "url", str)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(f'Source "{self.name}": url must be a web address starting with https://, '
                              f"not {url!r}.")
        self.url = url.rstrip("/")
        self.form_id: str = str(option(config, "form_id", (str, int))) if self.needs_form_id else ""
        self.page_size: int = option(config, "page_size", int, self.default_page_size)
        if not 1 <= self.page_size <= self.max_page_size:
            raise SourceError(f'Source "{self.name}": page_size must be from 1 to {self.max_page_size}.')
        megabytes = limit_of(config, "max_response_mb")
        minutes = limit_of(config, "max_minutes")
        self.max_bytes: int | None = round(megabytes * MEGABYTE) if megabytes else None  # None: the client's
        self.time_limit: float | None = minutes * 60 if minutes else None

    @property
    def form_url(self) -> str:
        """``{url}/forms/{form_id}/submissions``, the form id safely quoted."""
        return f"{self.url}/forms/{quote(self.form_id, safe='')}/submissions"

    def check(self) -> str:
        """The settings that locate this form, named for a 404 message."""
        if not self.needs_form_id:
            return "the url option"
        custom = " and url" if "url" in self.config.options else ""
        return f'form_id "{self.form_id}"{custom}'

    def start(self) -> tuple[HttpRun, dict[str, str]]:
        """A run, and the Authorization header; reads the token now, so a
        missing variable is reported when the pull starts."""
        token = token_of(self.config)
        run = self.http.run(self.name, service=self.service, check=self.check(), token_env=self.token_env,
                            max_bytes=self.max_bytes, time_limit=self.time_limit)
        return run, {"Authorization": f"Bearer {token}"}

    def pages(self, cursor: str | None) -> Iterator[Page]:
        raise NotImplementedError

    # Checking the shape of answers
    def shape_error(self, reply: JsonReply, expected: str) -> SourceError:
        return SourceError(f'Source "{self.name}": {reply.url} answered with JSON that is not {expected}. '
                           f"Check {self.check()} in sources.yml; if they are right, {self.service} may "
                           "have changed its API.")

    def records(self, reply: JsonReply, items: Any, expected: str) -> list[dict[str, Any]]:
        """``items`` as a list of JSON objects, or a SourceError."""
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise self.shape_error(reply, expected)
        return items

    def field(self, reply: JsonReply, record: Mapping[str, Any], name: str, kinds: type | tuple[type, ...],
              what: str) -> Any:
        value = record.get(name)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
            raise SourceError(f'Source "{self.name}": {what} from {reply.url} has no usable "{name}" '
                              f"({shown(value)}). {self.service} may have changed its API.")
        return value


def limit_of(config: SourceConfig, name: str) -> float | None:
    """A limit from sources.yml (see LIMITS): a number above 0 and at most its largest, or None if not set."""
    value = config.options.get(name)
    if value is None:
        return None
    largest = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 < value <= largest:
        raise SourceError(f'Source "{config.name}": {name} must be a number above 0 and at most {largest:,}, '
                          f"not {shown(value)}. Leave it out to use the default.")
    return float(value)


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)
