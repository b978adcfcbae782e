"""The feedback receiver: a small Flask app that stores what the forms send.

It answers a plain form with a redirect back to the page (303) and a
background send with JSON. It refuses, storing nothing: bodies over 16 KB,
invalid fields, too many posts from one address and pages from other sites.
Robots (a filled honeypot, a form sent too fast) get the same answer as
people, and their posts are kept, marked as spam, for the record.
"""
from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

from flask import Flask, Response, jsonify, redirect, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .form import Choices
from .inbox import Inbox
from .ratelimit import RateLimit
from .submission import check_form

# 16 KB of what the reader wrote. Browsers percent-encode a plain form, so one
# character can take up to 12 bytes on the wire: the transport limit leaves room
# for 5,000 characters in any script, and the 16 KB applies once decoded.
MAX_BODY = 16 * 1024
MAX_TRANSPORT = 64 * 1024
API_MAX_LIMIT = 500


@dataclass(frozen=True)
class ReceiverConfig:
    """Everything the receiver needs to know, from mkdocs.yml and the command line."""

    site_url: str  # where the site is published, ending in "/"
    choices: Choices
    rate_limit: int = 10  # posts a minute from one address; 0 for no limit
    token: str | None = None  # for GET /api/submissions; None turns the API off
    token_env: str = "SHOWCASE_FEEDBACK_TOKEN"

    @property
    def origin(self) -> str:
        """As browsers send it: lower case, without a default port."""
        parts = urlsplit(self.site_url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        default = {"http": 80, "https": 443}.get(scheme)
        port = f":{parts.port}" if parts.port and parts.port != default else ""
        return f"{scheme}://{host}{port}"


def create_app(config: ReceiverConfig, inbox: Inbox, clock: Callable[[], float] = time.time) -> Flask:
    """The receiver as a WSGI app, for waitress (or tests) to serve."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_TRANSPORT
    limiter = RateLimit(config.rate_limit)

    def wants_json() -> bool:
        return request.is_json or request.accept_mimetypes.best == "application/json"

    def refuse(status: int, message: str, errors: dict[str, str] | None = None,
               headers: dict[str, str] | None = None) -> Response:
        """A refusal in the form the sender can show: JSON, or a page for a plain form."""
        if wants_json() or request.path.startswith("/api/"):
            body: dict[str, Any] = {"status": "refused", "message": message}
            if errors:
                body["errors"] = errors
            response = jsonify(body)
        else:
            page = request.form.get("page", "") if status != 413 else ""
            back = _page_address(config.site_url, page)
            response = Response(render_template("refused.html.j2", message=message, errors=errors or {},
                                                back=back, knows_page=back != config.site_url),
                                mimetype="text/html")
        response.status_code = status
        response.headers.update(headers or {})
        return response

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
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Response:
        return refuse(413, f"The feedback is too long to accept: the limit is {MAX_BODY // 1024} KB. "
                      "Shorten your comments and send it again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return refuse(error.code or 500, error.description or "That request could not be handled.")

    @app.route("/submit", methods=["OPTIONS"])
    def preflight() -> Response:
        return Response(status=204)

    @app.post("/submit")
    def submit() -> Response:
        origin = request.headers.get("Origin")
        if origin and origin != config.origin:
            return refuse(403, f"This receiver only takes feedback from {config.origin}.")
        wait = limiter.retry_after(request.remote_addr or "")
        if wait:
            return refuse(429, f"Too many responses from your network in the last minute. "
                          f"Please wait {wait} seconds and send it again.", headers={"Retry-After": str(wait)})
        if _content_size() > MAX_BODY:
            raise RequestEntityTooLarge()
        form = _form_data()
        if form is None:
            return refuse(400, "The feedback could not be read. Send the form again from the page.")
        checked = check_form(form, config.choices, clock())
        if checked.submission is None:
            return refuse(400, "There is a problem with the feedback: "
                          + "; ".join(m.rstrip(".") for m in checked.errors.values()) + ".",
                          checked.errors)
        stored = inbox.add(checked.submission)
        if wants_json():
            return _json({"status": "received", "id": stored.id}, 201)
        target = _page_address(config.site_url, checked.submission.page)
        return redirect(f"{target}?feedback=sent#feedback-sent", code=303)

    @app.get("/api/submissions")
    def submissions() -> Response:
        if config.token is None:
            return refuse(401, f"The submissions API is off: start the receiver with {config.token_env} set.",
                          headers={"WWW-Authenticate": "Bearer"})
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {config.token}".encode()):
            return refuse(401, "A valid token is needed: send `Authorization: Bearer <token>`.",
                          headers={"WWW-Authenticate": "Bearer"})
        try:
            after = int(request.args.get("after") or 0)
            limit = int(request.args.get("limit") or 100)
        except ValueError:
            return refuse(400, "`after` and `limit` must be whole numbers.")
        if after < 0 or not 1 <= limit <= API_MAX_LIMIT:
            return refuse(400, f"`after` must be 0 or more, and `limit` from 1 to {API_MAX_LIMIT}.")
        rows = inbox.page(after, limit + 1)
        page, more = rows[:limit], len(rows) > limit
        return _json({"submissions": [row.as_json() for row in page],
                      "next": str(page[-1].seq) if page else str(after), "has_more": more}, 200)

    @app.get("/health")
    def health() -> Response:
        return _json({"status": "ok", "submissions": inbox.count()}, 200)

    return app


def _json(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _content_size() -> int:
    """The body's size once percent-escapes are decoded: what the reader wrote."""
    raw = request.get_data(cache=True)  # kept, so the form is still parsed from it
    if request.mimetype == "application/x-www-form-urlencoded":
        return len(unquote_to_bytes(raw.replace(b"+", b" ")))
    return len(raw)


def _form_data() -> dict[str, Any] | None:
    """The fields of a form-encoded or JSON body."""
    if request.is_json:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else None
    return request.form.to_dict()


def _page_address(site_url: str, page: str) -> str:
    """An address on the site only: never somewhere a sender chose (no open redirect)."""
    target = urljoin(site_url, page)
    return target if target.startswith(site_url) and "//" not in target[len(site_url):] else site_url
