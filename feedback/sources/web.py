"""What the web sources share: their settings, the token, and the HTTP client."""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Self
from urllib.parse import quote

import requests

from core.form import Choices

from ..model import Page
from .base import SourceConfig, SourceError
from .http import MEGABYTE, HttpClient, HttpRun, JsonReply
from .normalise import Normaliser, shown
from .settings import LIMITS, WebSettings, settings_of

__all__ = ["LIMITS", "WebSource", "client_of", "token_of"]


def client_of(http: HttpClient | requests.Session | None) -> HttpClient:
    """Adapters take our client, a bare session (wrapped with default manners), or nothing."""
    if isinstance(http, HttpClient):
        return http
    return HttpClient(session=http)


def token_of(source: str, variable: str) -> str:
    """The source's token, from the environment variable that sources.yml names."""
    token = os.environ.get(variable)
    if token is None:
        raise SourceError(source, f"the environment variable {variable} is not set.",
                          f"Set {variable} to this service's API token before running the collector.")
    if not token.strip():
        raise SourceError(source, f"the environment variable {variable} is empty.",
                          f"Set {variable} to this service's API token before running the collector.")
    return token.strip()


class WebSource:
    """A source read over HTTP with a token from the environment.

    Subclasses set ``settings_type``, ``service`` (for messages),
    ``default_url`` and ``needs_form_id``, and write ``pages``. The settings
    come checked (see ``settings``): nothing here looks at sources.yml again.
    """

    settings_type: ClassVar[type[WebSettings]] = WebSettings
    service = ""
    default_url = ""
    needs_form_id = True

    def __init__(self, settings: WebSettings, http: HttpClient | requests.Session | None,
                 choices: Choices) -> None:
        self.settings = settings
        self.name = settings.name
        self.http = client_of(http)
        self.normaliser = Normaliser.for_source(settings, choices)
        self.token_env = settings.token_env
        self.url = settings.url or self.default_url.rstrip("/")
        self.form_id = settings.form_id
        self.page_size = settings.page_size
        megabytes, minutes = settings.max_response_mb, settings.max_minutes
        self.max_bytes: int | None = round(megabytes * MEGABYTE) if megabytes else None  # None: the client's
        self.time_limit: float | None = minutes * 60 if minutes else None

    @classmethod
    def from_config(cls, config: SourceConfig, http: HttpClient | requests.Session | None,
                    choices: Choices) -> Self:
        """The adapter for one entry of sources.yml (or one written by hand, checked now)."""
        settings = settings_of(config)
        if not isinstance(settings, cls.settings_type):
            raise SourceError(config.name, f"a {config.type} source cannot be read as {cls.service}.",
                              f"Check its type in sources.yml: it should be {cls.settings_type.source_type}.")
        return cls(settings, http, choices)

    @property
    def form_url(self) -> str:
        """``{url}/forms/{form_id}/submissions``, the form id safely quoted."""
        return f"{self.url}/forms/{quote(self.form_id, safe='')}/submissions"

    def check(self) -> str:
        """The settings that locate this form, named for a 404 message."""
        if not self.needs_form_id:
            return "the url option"
        custom = " and url" if self.settings.url else ""
        return f'form_id "{self.form_id}"{custom}'

    def start(self) -> tuple[HttpRun, dict[str, str]]:
        """A run, and the Authorization header; reads the token now, so a
        missing variable is reported when the pull starts."""
        token = token_of(self.name, self.token_env)
        run = self.http.run(self.name, service=self.service, check=self.check(), token_env=self.token_env,
                            max_bytes=self.max_bytes, time_limit=self.time_limit)
        return run, {"Authorization": f"Bearer {token}"}

    def pages(self, cursor: str | None) -> Iterator[Page]:
        raise NotImplementedError

    # Checking the shape of answers
    def shape_error(self, reply: JsonReply, expected: str) -> SourceError:
        return SourceError(self.name, f"{reply.url} answered with JSON that is not {expected}. "
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
            raise SourceError(self.name, f'{what} from {reply.url} has no usable "{name}" '
                              f"({shown(value)}). {self.service} may have changed its API.")
        return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)
