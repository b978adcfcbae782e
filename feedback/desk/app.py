"""The review desk's pages: review, confirm an erasure, preview and publish.

Pages are rendered with autoescaping on (the templates end in .j2, which
Flask would not escape), with one stylesheet and one script, both served from
here and allowed by the Content-Security-Policy as 'self': no inline style or
script, so nothing a reader wrote can run. Every post is checked by ``Guard``
before its route sees it, and answered with a redirect (303), so reloading a
page never decides anything twice.
"""
from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

from flask import Flask, Response, abort, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from core.figures import words
from core.published import PageFeedback, PublishedFeedback

from ..erase import KnownSources
from ..moderate import ForReview, for_review
from ..publish import Written
from ..store import Store
from .decisions import Decisions, Said
from .guard import CSRF_FIELD, Guard
from .site import STOPPED, Site, SiteError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATES = {"pending": "Waiting for a decision", "approved": "Approved", "rejected": "Rejected", "all": "All"}
ACTIONS = ("approve", "reject", "forget")
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
MAX_NOTES = 100  # browser sessions whose messages are kept until their next page


@dataclass(frozen=True)
class DeskConfig:
    """What the desk works on."""

    store_path: Path
    site: Site
    guard: Guard
    sources: Callable[[], KnownSources]  # sources.yml, read when an erasure needs it
    site_url: str = ""  # where the pages are published, for links to them ("" for no links)
    site_name: str = ""


@dataclass(frozen=True)
class Filters:
    """The review list's filters, from the query string (or a post's copy of it)."""

    state: str = "pending"
    page: str = ""
    source: str = ""

    @classmethod
    def read(cls, values: Any) -> Filters:
        state = values.get("state", "pending")
        return cls(state if state in STATES else "pending", values.get("page", "")[:300],
                   values.get("source", "")[:200])

    def keep(self, item: ForReview) -> bool:
        return ((self.state == "all" or item.status == self.state) and (not self.page or item.page == self.page)
                and (not self.source or item.source == self.source))

    def query(self) -> str:
        values = {k: v for k, v in (("state", self.state), ("page", self.page), ("source", self.source))
                  if v and not (k == "state" and v == "pending")}
        return f"?{urlencode(values)}" if values else ""


def create_app(config: DeskConfig) -> Flask:
    """The desk as a WSGI app, for waitress (or tests) to serve."""
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder="static")
    app.jinja_options = {**app.jinja_options, "autoescape": True}
    app.secret_key = config.guard.secret
    app.config.update(SESSION_COOKIE_NAME="showcase_desk", SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_HTTPONLY=True, MAX_CONTENT_LENGTH=256 * 1024)
    guard, site = config.guard, config.site
    decisions = Decisions()
    notes: dict[str, list[Said]] = {}
    published: dict[str, Written] = {}
    lock = threading.Lock()

    @contextmanager
    def opened() -> Iterator[Store]:
        # One connection a request: SQLite's belong to the thread that opened them, and a
        # collection running meanwhile is seen at once.
        with closing(Store(config.store_path)) as store:
            yield store

    def note(said: list[Said]) -> None:
        with lock:
            if len(notes) >= MAX_NOTES:
                notes.pop(next(iter(notes)))
            notes.setdefault(session["sid"], []).extend(said)

    def page(template: str, status: int = 200, **values: Any) -> Response:
        with lock:
            shown = notes.pop(session.get("sid", ""), [])
        body = render_template(template, csrf_field=CSRF_FIELD, csrf=session.get("csrf", ""), notes=shown,
                               site_name=config.site_name or "Showcase", undo=decisions.can_undo,
                               **values)
        return Response(body, status=status, mimetype="text/html")

    @app.before_request
    def check() -> BaseResponse | None:
        if request.endpoint == "static" and request.method == "GET":
            return None  # the stylesheet and the script are the package's own, nothing of the store's
        if not guard.host_allowed(request.host):
            return refused(400, "This desk answers only at an address of this computer, such as "
                           "http://127.0.0.1. Open the address it printed when it started.")
        if guard.token is not None and not session.get("access"):
            if not guard.token_matches(request.args.get("token")):
                return refused(401, "This desk needs its token. Open the address it printed when it started, "
                               "adding ?token= and the token it was started with.")
            session.clear()
            session["access"] = True
            return redirect(request.path, code=303)  # the token leaves the address bar
        if "sid" not in session:
            session["sid"], session["csrf"] = secrets.token_urlsafe(16), guard.new_csrf()
        if request.method == "POST":
            if not guard.same_origin(request.headers.get("Origin"), request.headers.get("Referer"), request.host):
                return refused(403, "This was not sent from the desk's own page, so nothing was changed. "
                               "Go back to the desk and try again there.")
            if not guard.csrf_matches(session.get("csrf"), request.form.get(CSRF_FIELD)):
                return refused(403, "This form was out of date (the desk was restarted, or it was sent from "
                               "elsewhere), so nothing was changed. Go back to the desk, reload it and try again.")
        return None

    def refused(status: int, message: str) -> Response:
        body = render_template("desk_refused.html.j2", message=message, site_name=config.site_name or "Showcase",
                               status=status)
        return Response(body, status=status, mimetype="text/html")

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"  # a post still says where it came from
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return refused(error.code or 500, error.description or "That request could not be handled.")

    def link(address: str) -> str | None:
        """The page on the published site; never anywhere else."""
        if not config.site_url:
            return None
        target = urljoin(config.site_url, address)
        return target if target.startswith(config.site_url) and "//" not in target[len(config.site_url):] else None

    @app.get("/")
    def review() -> Response:
        filters = Filters.read(request.args)
        with opened() as store:
            items = for_review(store, include_decided=True)
        roles = site.role_labels()
        shown = [item for item in items if filters.keep(item)]
        return page("desk_review.html.j2", items=shown, filters=filters, states=STATES,
                    waiting=sum(item.status == "pending" for item in items),
                    pages=sorted({item.page for item in items}), sources=sorted({item.source for item in items}),
                    roles=roles, link=link, total=len(items))

    def ids_of(values: list[str]) -> list[int]:
        ids = []
        for value in values:
            if not value.isdigit() or len(value) > 18:
                abort(400, "That is not a comment's number. Go back to the desk and choose again.")
            ids.append(int(value))
        return list(dict.fromkeys(ids))

    @app.post("/decide")
    def decide() -> BaseResponse:
        filters = Filters.read(request.form)
        one = request.form.get("one", "")
        if one:
            action, _, number = one.partition(":")
            ids = ids_of([number])
        else:
            action, ids = request.form.get("bulk", ""), ids_of(request.form.getlist("ids"))
        if action not in ACTIONS:
            abort(400, "Choose Approve, Reject or Forget.")
        if not ids:
            note([Said("Nothing was changed: tick the comments first, then choose what to do with them.", True)])
            return redirect(url_for("review") + filters.query(), code=303)
        if action == "forget":
            query = urlencode([("ids", str(i)) for i in ids] + [(k, v) for k, v in
                              (("state", filters.state), ("page", filters.page), ("source", filters.source)) if v])
            return redirect(f"{url_for('confirm_forget')}?{query}", code=303)
        with opened() as store:
            note(decisions.decide(store, action, ids))
        return redirect(url_for("review") + filters.query(), code=303)

    @app.get("/forget")
    def confirm_forget() -> Response:
        ids = ids_of(request.args.getlist("ids"))
        with opened() as store:
            items = [item for item in for_review(store, include_decided=True) if item.id in ids]
        if not items:
            abort(404, "Those comments are not in the store any more: they may have been deleted already.")
        return page("desk_forget.html.j2", items=items, filters=Filters.read(request.args))

    @app.post("/forget")
    def forget() -> BaseResponse:
        ids, filters = ids_of(request.form.getlist("ids")), Filters.read(request.form)
        if request.form.get("confirm") != "yes" or not ids:
            abort(400, "Nothing was deleted. Choose the comments again, then confirm.")
        sources = config.sources()
        with opened() as store:
            note(decisions.forget(store, ids, sources))
        return redirect(url_for("review") + filters.query(), code=303)

    @app.post("/undo")
    def undo() -> BaseResponse:
        with opened() as store:
            note(decisions.undo(store))
        return redirect(url_for("review") + Filters.read(request.form).query(), code=303)

    @app.get("/preview")
    def preview() -> Response:
        try:
            with opened() as store:
                result = site.preview(store)
        except SiteError as error:
            return page("desk_preview.html.j2", problem=error.report, result=None)
        return page("desk_preview.html.j2", problem="", result=result, link=link, threshold=site.threshold,
                    out=site.shown_out, words=words, changes=_changes(result, site.published_now()))

    @app.post("/publish")
    def publish() -> BaseResponse:
        try:
            with opened() as store:
                written = site.publish(store)
        except SiteError as error:
            note([Said(f"{STOPPED}\n{error.report}", problem=True)])
            return redirect(url_for("preview"), code=303)
        with lock:
            published[session["sid"]] = written
        return redirect(url_for("done"), code=303)

    @app.get("/published")
    def done() -> BaseResponse:
        with lock:
            written = published.pop(session["sid"], None)
        if written is None:
            return redirect(url_for("preview"), code=303)
        return page("desk_published.html.j2", written=written, out=site.shown_out)

    return app


@dataclass(frozen=True)
class PageChange:
    """One page's feedback now (the last publish) and after the next one."""

    path: str
    now: PageFeedback | None
    after: PageFeedback | None
    new: frozenset[str]  # comments the next publish adds
    leaving: list[str]  # comments it takes off the site


def _changes(after: PublishedFeedback, now: PublishedFeedback | None) -> list[PageChange]:
    """Every page the site shows feedback for now or will after the next publish, in address order."""
    before = now.pages if now else {}
    changes = []
    for path in sorted({*before, *after.pages}):
        old, new = before.get(path), after.pages.get(path)
        old_texts = [str(c["text"]) for c in old.comments] if old else []
        new_texts = [str(c["text"]) for c in new.comments] if new else []
        changes.append(PageChange(path, old, new, frozenset(new_texts) - set(old_texts),
                                  [text for text in old_texts if text not in new_texts]))
    return changes
