"""Who may use the review desk, and which posts it believes.

The desk shows comments readers wrote (redacted, but still unpublished) and
changes what the site will show, so:

* it listens on loopback unless told otherwise, and another address needs a
  token (at least ``MIN_TOKEN`` characters): the first visit brings it in the
  address, and a cookie carries it after that;
* on loopback, the Host header must name loopback too, so a web page whose
  name was pointed at 127.0.0.1 (DNS rebinding) cannot read it;
* every post carries this browser session's CSRF token, and an Origin (or
  Referer) of the desk itself. The session cookie is SameSite=Strict and
  HttpOnly, signed with a secret made when the process starts, so a restart
  ends every session.
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

MIN_TOKEN = 32  # characters, as for the receiver's API token
TOKEN_ENV = "SHOWCASE_DESK_TOKEN"
MAKE_TOKEN = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
CSRF_FIELD = "csrf_token"
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or "localhost") reaches only this computer."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_problem(host: str, token: str | None) -> str | None:
    """Why the desk must not start on ``host`` with ``token``, or None if it may."""
    if token is not None and len(token) < MIN_TOKEN:
        return (f"the desk's token is {len(token)} characters long; it must be at least {MIN_TOKEN}, so it "
                f"cannot be guessed. Make one with\n    {MAKE_TOKEN}\nand put it in {TOKEN_ENV}.")
    if token is None and not is_loopback(host):
        return (f"--host {host} would let other computers reach the review desk, which shows unpublished "
                "comments. Leave --host out to use it on this computer only (127.0.0.1). Or set "
                f"{TOKEN_ENV} to a token of at least {MIN_TOKEN} characters, made with\n    {MAKE_TOKEN}\n"
                "and open the address the desk prints, adding ?token= and that token. Safer still: reach a desk "
                "on 127.0.0.1 through an SSH tunnel (ssh -L).")
    return None


@dataclass(frozen=True)
class Guard:
    """The desk's checks, with the secret of this process."""

    host: str  # the address it listens on
    token: str | None = None  # needed from every browser when set
    secret: str = ""  # signs the session cookie; made fresh by ``make``

    @classmethod
    def make(cls, host: str, token: str | None) -> Guard:
        return cls(host, token, secrets.token_urlsafe(32))

    def host_allowed(self, host_header: str) -> bool:
        """On loopback, the browser must have asked for loopback by name (no DNS rebinding)."""
        if not is_loopback(self.host):
            return True
        name = urlsplit(f"//{host_header}").hostname or ""
        return is_loopback(name)

    def token_matches(self, given: str | None) -> bool:
        return self.token is not None and given is not None and \
            hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    @staticmethod
    def new_csrf() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def csrf_matches(expected: str | None, given: str | None) -> bool:
        return bool(expected) and given is not None and \
            hmac.compare_digest(given.encode("utf-8"), str(expected).encode("utf-8"))

    @staticmethod
    def same_origin(origin: str | None, referer: str | None, host_header: str) -> bool:
        """The post came from one of the desk's own pages: its Origin, else its Referer, names the desk."""
        for sent in (origin, referer):
            if sent:
                return sent != "null" and urlsplit(sent).netloc.lower() == host_header.lower()
        return False
