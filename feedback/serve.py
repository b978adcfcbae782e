"""``showcase feedback serve``: the receiver under waitress, a production WSGI server,
with the guards against slow connections of ``feedback.connections``.

What it says goes two ways: plain English on stdout for the person who started
it, and one JSON object a line on stderr for a log collector (``feedback.logs``),
so that a service manager can keep the log and drop the prose.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from dataclasses import replace
from types import FrameType
from urllib.parse import urlsplit

from core.form import choices_for
from core.problems import Problems
from core.project import Project
from core.settings import feedback_site_url
from core.taxonomy import read_taxonomy

from .connections import make_server
from .inbox import InboxError
from .inboxes import open_inbox, receiver_database
from .logs import configure, event, log_exception
from .proxies import ProxyError, TrustedProxies
from .receiver import MAX_TRANSPORT, ReceiverConfig, create_app, token_problem


def receiver_config(project: Project, rate_limit: int | None = None) -> tuple[ReceiverConfig, Problems]:
    """The receiver's settings: mkdocs.yml's, the taxonomy's roles, the token from the environment."""
    problems = Problems()
    taxonomy = read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file), problems)
    feedback = project.settings.feedback
    token = os.environ.get(feedback.token_env) or None
    return ReceiverConfig(
        site_url=feedback_site_url(project.settings, project.site_url), choices=choices_for(taxonomy),
        rate_limit=feedback.rate_limit if rate_limit is None else rate_limit,
        token=token, token_env=feedback.token_env, trusted_proxies=tuple(feedback.trusted_proxies),
        site_name=project.site_name), problems


def not_started(reason: str) -> int:
    """Say why the receiver did not start: to the person (stdout) and to the log (stderr, JSON)."""
    print(f"Not started: {reason}")
    event("not_started", logging.ERROR, message=reason)
    return 1


def _stop_on_term(signum: int, frame: FrameType | None) -> None:
    # systemd and `kill` send SIGTERM: waitress treats SystemExit as a request to stop, lets the
    # requests it is answering finish (for up to 5 seconds), and returns, so the database is closed.
    raise SystemExit(0)


def run(project: Project, args: argparse.Namespace) -> int:
    """Serve until stopped; the person reads stdout, a log collector reads stderr (``feedback.logs``)."""
    configure()
    try:
        return _run(project, args)
    except Exception as error:  # logged as JSON (type and place, never its message), said in plain English
        log_exception(error)
        print(f"The receiver stopped because of an unexpected problem: {type(error).__name__}: {error}\n"
              "    The log says where it happened. Please report both to the site's maintainers.")
        return 2


def _run(project: Project, args: argparse.Namespace) -> int:
    config, problems = receiver_config(project, args.rate_limit)
    if problems.errors:
        return not_started(problems.report())
    short = token_problem(config.token, config.token_env)
    if short is not None:
        return not_started(short)
    config = replace(config, trusted_proxies=(*config.trusted_proxies, *(args.trusted_proxy or ())))
    # `make serve` serves the site on its own address, whatever mkdocs.yml's site_url says.
    site_url = getattr(args, "site_url", None)
    if site_url:
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return not_started(f"--site-url {site_url} is not a web address. Write the whole address, "
                               "like --site-url http://127.0.0.1:8000/.")
        config = replace(config, site_url=site_url if site_url.endswith("/") else site_url + "/")
    try:
        proxies = TrustedProxies.of(config.trusted_proxies)
    except ProxyError as error:
        return not_started(str(error))
    try:  # --db, else SHOWCASE_FEEDBACK_DB, else feedback.database, else the default file
        db = receiver_database(project, args.db).location  # prints with any password masked
        inbox = open_inbox(db, connections=args.threads)
    except InboxError as error:
        return not_started(str(error))
    try:
        try:
            server = make_server(create_app(config, inbox), host=args.host, port=args.port, threads=args.threads,
                                 max_request_body_size=2 * MAX_TRANSPORT, proxies=proxies)
        except OSError as error:
            return not_started(f"cannot listen on {args.host}:{args.port} ({error}). "
                               "Choose another --port, or stop what is using it.")
        print(f"Receiving feedback for {config.site_url} on http://{args.host}:{args.port}/submit\n"
              f"    Storing it in {db}", flush=True)
        if config.token is None:
            print(f"    The submissions API is off: set {config.token_env} to turn it on.", flush=True)
        if config.trusted_proxies:
            print(f"    Believing X-Forwarded-For only from {', '.join(config.trusted_proxies)}", flush=True)
        event("start", site_url=config.site_url, listen=f"{args.host}:{args.port}", database=str(db),
              api="on" if config.token else "off", trusted_proxies=list(config.trusted_proxies),
              rate_limit=config.rate_limit, threads=args.threads)
        main = threading.current_thread() is threading.main_thread()  # only it may set signal handlers
        previous = signal.signal(signal.SIGTERM, _stop_on_term) if main else None
        try:
            server.run()
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)
        event("stop")
    finally:
        inbox.close()
    return 0
