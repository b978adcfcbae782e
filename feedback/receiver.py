"""The feedback receiver: a small Flask app that stores what the forms send.

It answers a plain form with a redirect back to the page (303) and a
background send with JSON. It refuses, storing nothing: bodies over 16 KB of
text, invalid fields, too many posts from one address and pages from other
sites. Robots (a filled honeypot, a form sent too fast, a time trap that
cannot be right) get the same answer as people, and their posts are kept,
marked as spam, for the record.

Everything a stranger sends is hostile until checked. Pages are rendered with
autoescaping on (Flask turns it on only for ``.html`` names, not ``.j2``),
and the link back is built only from a page address that ``normalise_page``
accepted. Who a request came from is decided once, by ``TrustedProxies``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

from flask import Flask, Response, jsonify, redirect, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse  # Flask's Response extends it; `redirect` gives this one

from core.form import Choices

from .api import API_MAX_LIMIT
from .inbox import Erasure, InboxError
from .inboxes import InboxLike, Limiter
from .logs import log_requests
from .proxies import TrustedProxies
from .ratelimit import RateLimit
from .submission import check_form, page_of

# 16 KB of what the reader wrote, counted in characters (so 5,000 emoji fit as
# well as 5,000 letters). Browsers percent-encode a plain form, so one character
# can take up to 12 bytes on the wire: the transport limit leaves room for
# 5,000 characters of comments and 200 of organisation in any script.
MAX_BODY = 16 * 1024
MAX_TRANSPORT = 96 * 1024
MAX_CURSOR = 2**63 - 1  # SQLite's largest integer
_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")
_SUBMISSION_ID = re.compile(r"[0-9a-f]{32}")  # as Inbox.add makes them (uuid4().hex)
# A refused post (a mistake to correct) counts against its own limit, this many
# times the limit on accepted posts, so a reader correcting a form is never locked out.
REFUSED_FACTOR = 3
# Wrong API tokens from one address in a minute before it must wait: a person
# mistyping gets a few tries; a guesser gets ten a minute, not thousands a second.
TOKEN_FAILURES_PER_MINUTE = 10
MIN_TOKEN = 32  # characters
# The receiver's pages look like the site's (its header colour, type and focus ring), from
# this one <style> element: allowed by its hash, so no other style (none a sender wrote) applies.
PAGE_STYLE = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
  color: #0b0c0c; background: #fff; }
.header { background: #3f51b5; color: #fff; padding: 0.8rem max(1rem, calc((100% - 38rem) / 2)); }
.header a { color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; }
.header a:hover { text-decoration: underline; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
.summary { border: 5px solid #d4351c; padding: 1rem; }
.summary h1 { font-size: 1.5rem; margin-top: 0; }
a { color: #1d3a9e; text-decoration: underline; }
a:focus { outline: 3px solid #0b0c0c; outline-offset: 2px; box-shadow: 0 0 0 2px #ffdd00; }
.header a:focus { outline-color: #ffdd00; box-shadow: none; }
.back { font-weight: 700; }
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(PAGE_STYLE.encode("utf-8")).digest()).decode("ascii")
# The refusal page is text, links and that <style>: no script, image, frame or form.
CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
                           "form-action 'none'; frame-ancestors 'none'")
MAKE_TOKEN = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
# "Bearer" in any case, then the token (RFC 6750's b64token), as one header.
_BEARER = re.compile(r"(?i:bearer) +([A-Za-z0-9._~+/-]+=*)")
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9._~+/-]+=*")


def token_problem(token: str | None, token_env: str) -> str | None:
    """Why the receiver must not start with this token, or None if it may (or the API is off)."""
    if token is not None and len(token) >= MIN_TOKEN and not _TOKEN_CHARACTERS.fullmatch(token):
        return (f"The token in {token_env} has characters a Bearer token cannot carry (spaces, quotes, "
                f"punctuation other than . _ ~ + / - and a final =). Make one with\n    {MAKE_TOKEN}\n"
                f"and set {token_env} to it (and give the same token to the collector's sources.yml).")
    if token is None or len(token) >= MIN_TOKEN:
        return None
    return (f"The token in {token_env} is {len(token)} characters long; it must be at least {MIN_TOKEN}, "
            f"so it cannot be guessed. Make one with\n    {MAKE_TOKEN}\n"
            f"and set {token_env} to it (and give the same token to the collector's sources.yml).")


@dataclass(frozen=True)
class ReceiverConfig:
    """Everything the receiver needs to know, from mkdocs.yml and the command line."""

    site_url: str  # where the site is published, ending in "/"
    choices: Choices
    rate_limit: int = 10  # posts a minute from one address; 0 for no limit
    token: str | None = None  # for GET /api/submissions; None turns the API off
    token_env: str = "SHOWCASE_FEEDBACK_TOKEN"
    # Proxies whose X-Forwarded-For is believed (addresses or networks, like "127.0.0.1/32").
    trusted_proxies: tuple[str, ...] = ()
    site_name: str = ""  # mkdocs.yml's, so that the receiver's pages say whose they are

    @property
    def origin(self) -> str:
        """As browsers send it: lower case, without a default port."""
        parts = urlsplit(self.site_url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        default = {"http": 80, "https": 443}.get(scheme)
        port = f":{parts.port}" if parts.port and parts.port != default else ""
        return f"{scheme}://{host}{port}"


def create_app(config: ReceiverConfig, inbox: InboxLike, clock: Callable[[], float] = time.time) -> Flask:
    """The receiver as a WSGI app, for waitress (or tests) to serve."""
    app = Flask(__name__)
    # Flask autoescapes only templates named .html, .htm, .xml or .svg; ours end
    # in .j2, so without this a posted value would be written out as markup.
    app.jinja_options = {**app.jinja_options, "autoescape": True}
    app.config["MAX_CONTENT_LENGTH"] = MAX_TRANSPORT

    def rate_limit(name: str, per_minute: int) -> Limiter:
        """Counted in the database when receivers share one (PostgreSQL), so the limit holds across
        them; else in this receiver's memory."""
        shared = inbox.shared_limit(name, per_minute)
        return RateLimit(per_minute) if shared is None else shared

    limiter = rate_limit("accepted", config.rate_limit)
    refusals = rate_limit("refused", config.rate_limit * REFUSED_FACTOR)
    token_failures = rate_limit("token_failures", TOKEN_FAILURES_PER_MINUTE)
    proxies = TrustedProxies.of(config.trusted_proxies)

    def client() -> str:
        """Who sent this request, as far as it can be known (see ``feedback.proxies``)."""
        return proxies.client(request.remote_addr or "", request.headers.getlist("X-Forwarded-For"))

    def wants_json() -> bool:
        return request.is_json or request.accept_mimetypes.best == "application/json"

    def refuse(status: int, message: str, errors: dict[str, str] | None = None,
               headers: dict[str, str] | None = None) -> Response:
        """A refusal in the form the sender can show: JSON, or a page for a plain form."""
        if wants_json() or request.path != "/submit":
            body: dict[str, Any] = {"status": "refused", "message": message}
            if errors:
                body["errors"] = errors
            response = jsonify(body)
        else:
            written = request.form.get("page", "") if status != 413 else ""
            page = page_of(written)  # only an address that passed the check makes the link back
            back = config.site_url if page is None else _page_address(config.site_url, page)
            response = Response(render_template("refused.html.j2", message=message, errors=errors or {},
                                                back=back, knows_page=back != config.site_url,
                                                site_name=config.site_name or "The site",
                                                site_url=config.site_url, style=Markup(PAGE_STYLE)),
                                mimetype="text/html")
        response.status_code = status
        response.headers.update(headers or {})
        return response

    def refuse_post(status: int, message: str, errors: dict[str, str] | None = None) -> Response:
        """A post refused: counted against the refused posts' own, higher limit."""
        wait = refusals.retry_after(client())
        if wait:
            return too_many(wait)
        return refuse(status, message, errors)

    def too_many(wait: int) -> Response:
        return refuse(429, f"Too many responses from your network in the last minute. "
                      f"Please wait {wait} seconds and send it again.", headers={"Retry-After": str(wait)})

    @app.after_request
    def allow_site(response: Response) -> Response:
        # Only the site itself may read the answers (CORS).
        if request.headers.get("Origin") == config.origin:
            response.headers["Access-Control-Allow-Origin"] = config.origin
            response.headers["Access-Control-Allow-Methods"] = "POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Vary"] = "Origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        # A second defence behind escaping: the receiver's pages need no script at all.
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    def too_long_message() -> str:
        return (f"The feedback is too long to accept: the limit is {MAX_BODY // 1024} KB of text "
                f"({MAX_BODY:,} characters). Shorten your comments and send it again.")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Response:
        return refuse(413, too_long_message())

    @app.errorhandler(MethodNotAllowed)
    def wrong_method(error: MethodNotAllowed) -> Response:
        allowed = sorted(error.valid_methods or ())
        return refuse(405, f"{request.method} is not used here: this address takes {', '.join(allowed)}.",
                      headers={"Allow": ", ".join(allowed)})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return refuse(error.code or 500, error.description or "That request could not be handled.")

    @app.route("/submit", methods=["OPTIONS"])
    def preflight() -> Response:
        return Response(status=204)

    @app.post("/submit")
    def submit() -> BaseResponse:
        origin = request.headers.get("Origin")
        if origin and origin != config.origin:
            return refuse_post(403, f"This receiver only takes feedback from {config.origin}.")
        if _content_size() > MAX_BODY:
            return refuse_post(413, too_long_message())
        form = _form_data()
        if form is None:
            return refuse_post(400, "The feedback could not be read. Send the form again from the page.")
        checked = check_form(form, config.choices, clock())
        if checked.submission is None:
            return refuse_post(400, "There is a problem with the feedback: "
                               + "; ".join(m.rstrip(".") for m in checked.errors.values()) + ".",
                               checked.errors)
        wait = limiter.retry_after(client())
        if wait:
            return too_many(wait)
        try:
            stored = inbox.add(checked.submission)
        except InboxError:
            return refuse(503, "The feedback could not be stored just now, so it was not received. "
                          "Please send it again in a few minutes.", headers={"Retry-After": "60"})
        if wants_json():
            return _json({"status": "received", "id": stored.id}, 201)
        target = _page_address(config.site_url, checked.submission.page)
        if checked.submission.is_vote:  # on to the rest of the form, with a thank-you for the vote above it
            return redirect(f"{target}?feedback=useful#feedback-voted", code=303)
        return redirect(f"{target}?feedback=sent#feedback-sent", code=303)

    def token_refusal() -> Response | None:
        """The API's one token check (every /api/ route uses it): a refusal, or None to go on.

        Wrong tokens are counted per address; past the limit every try waits,
        the right token too, so a guesser learns nothing until the wait is over.
        """
        if config.token is None:
            return refuse(401, f"The submissions API is off: start the receiver with {config.token_env} set.",
                          headers={"WWW-Authenticate": "Bearer"})
        address = client()
        wait = token_failures.wait(address)
        if wait:
            return refuse(429, f"Too many wrong tokens from your address in the last minute. Wait {wait} seconds, "
                          "then send the right one.", headers={"Retry-After": str(wait)})
        written = request.headers.get("Authorization")
        given = _BEARER.fullmatch(written.strip()) if written is not None else None
        if given is None or not hmac.compare_digest(given.group(1).encode(), config.token.encode()):
            if written is not None:  # a wrong token is a guess; no token at all is not
                token_failures.retry_after(address)
            return refuse(401, "A valid token is needed: send `Authorization: Bearer <token>`.",
                          headers={"WWW-Authenticate": "Bearer"})
        return None

    @app.get("/api/submissions")
    def submissions() -> Response:
        refused = token_refusal()
        if refused is not None:
            return refused
        written_after, written_limit = request.args.get("after") or "0", request.args.get("limit") or "100"
        if not (_WHOLE_NUMBER.fullmatch(written_after) and _WHOLE_NUMBER.fullmatch(written_limit)):
            return refuse(400, "`after` and `limit` must be whole numbers, written with the digits 0 to 9.")
        after, limit = int(written_after), int(written_limit)
        if after > MAX_CURSOR or not 1 <= limit <= API_MAX_LIMIT:
            return refuse(400, f"`after` must be a cursor this API gave (0 to {MAX_CURSOR}), "
                          f"and `limit` from 1 to {API_MAX_LIMIT}.")
        try:
            rows = inbox.page(after, limit + 1)
        except InboxError as error:
            return refuse(503, f"The submissions cannot be read just now: {error} Then ask again.",
                          headers={"Retry-After": "60"})
        page, more = rows[:limit], len(rows) > limit
        return _json({"submissions": [row.as_json() for row in page],
                      "next": str(page[-1].seq) if page else str(after), "has_more": more}, 200)

    @app.delete("/api/submissions/<ident>")
    def erase(ident: str) -> Response:
        """An erasure request: the submission goes for good; the inbox keeps only a hash of its id.

        Asking again is harmless and says so, so a collector whose first try lost
        its answer can retry and know the job is done.
        """
        refused = token_refusal()
        if refused is not None:
            return refused
        if not _SUBMISSION_ID.fullmatch(ident):
            return refuse(400, "That is not a submission id: use the `id` that GET /api/submissions gives "
                          "(32 characters, each 0 to 9 or a to f).")
        try:
            outcome = inbox.erase(ident)
        except InboxError as error:
            return refuse(503, f"Nothing was erased, because {error} Then ask again.")
        if outcome is Erasure.NOT_FOUND:
            return _json({"status": outcome.value, "id": ident,
                          "message": "There is no submission with this id here, and none was erased. "
                                     "Check this is the receiver it was sent to."}, 404)
        return _json({"status": outcome.value, "id": ident}, 200)

    @app.get("/health")
    def health() -> Response:
        """"ok", or 503 "degraded" when the database cannot be written (posts would be refused).

        Counts are for the token holder only: sent without a token, the answer
        says nothing about how many people wrote.
        """
        body: dict[str, Any] = {"status": "ok"}
        if "Authorization" in request.headers:
            refused = token_refusal()
            if refused is not None:
                return refused
            with suppress(InboxError):  # said below: a database that cannot be read cannot be written either
                body["submissions"] = inbox.count()
        problem = inbox.write_problem()
        if problem is not None:
            body.update(status="degraded", message=f"Feedback cannot be stored: {problem}")
            return _json(body, 503)
        return _json(body, 200)

    log_requests(app, client)  # one JSON line per answer, with nothing personal (feedback.logs)
    return app


def _json(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _content_size() -> int:
    """The body's size in characters once percent-escapes are decoded: what the reader wrote."""
    raw = request.get_data(cache=True)  # kept, so the form is still parsed from it
    if request.mimetype == "application/x-www-form-urlencoded":
        raw = unquote_to_bytes(raw.replace(b"+", b" "))
    return len(raw.decode("utf-8", errors="replace"))


def _form_data() -> dict[str, Any] | None:
    """The fields of a form-encoded or JSON body; None if it is neither.

    JSON is parsed here rather than by Flask, which lets a RecursionError (JSON
    nested thousands deep) through as a 500.
    """
    if request.is_json:
        try:
            data = json.loads(request.get_data(cache=True))
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to read
            return None
        return data if isinstance(data, dict) else None
    return request.form.to_dict()


def _page_address(site_url: str, page: str) -> str:
    """An address on the site only: never somewhere a sender chose (no open redirect)."""
    target = urljoin(site_url, page)
    return target if target.startswith(site_url) and "//" not in target[len(site_url):] else site_url
