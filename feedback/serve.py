"""``showcase feedback serve``: the receiver under waitress, a production WSGI server,
with the guards against slow connections of ``feedback.connections``."""
from __future__ import annotations

import argparse
import logging
import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from core.form import choices_for
from core.problems import Problems
from core.project import Project
from core.settings import feedback_site_url
from core.taxonomy import read_taxonomy

from .connections import make_server
from .inbox import DEFAULT_DB, Inbox, InboxError
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


def run(project: Project, args: argparse.Namespace) -> int:
    config, problems = receiver_config(project, args.rate_limit)
    if problems.errors:
        print(problems.report())
        return 1
    short = token_problem(config.token, config.token_env)
    if short is not None:
        print(f"Not started: {short}")
        return 1
    config = replace(config, trusted_proxies=(*config.trusted_proxies, *(args.trusted_proxy or ())))
    # `make serve` serves the site on its own address, whatever mkdocs.yml's site_url says.
    site_url = getattr(args, "site_url", None)
    if site_url:
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            print(f"Not started: --site-url {site_url} is not a web address. Write the whole address, "
                  "like --site-url http://127.0.0.1:8000/.")
            return 1
        config = replace(config, site_url=site_url if site_url.endswith("/") else site_url + "/")
    try:
        proxies = TrustedProxies.of(config.trusted_proxies)
    except ProxyError as error:
        print(f"Not started: {error}")
        return 1
    db = Path(args.db) if args.db else project.root / DEFAULT_DB
    try:
        inbox = Inbox(db)
    except InboxError as error:
        print(f"Not started: {error}")
        return 1
    print(f"Receiving feedback for {config.site_url} on http://{args.host}:{args.port}/submit\n"
          f"    Storing it in {db}")
    if config.token is None:
        print(f"    The submissions API is off: set {config.token_env} to turn it on.")
    if config.trusted_proxies:
        print(f"    Believing X-Forwarded-For only from {', '.join(config.trusted_proxies)}")
    logging.basicConfig()  # waitress's warnings, as waitress.serve shows them
    try:
        try:
            server = make_server(create_app(config, inbox), host=args.host, port=args.port, threads=args.threads,
                                 max_request_body_size=2 * MAX_TRANSPORT, proxies=proxies)
        except OSError as error:
            print(f"Not started: cannot listen on {args.host}:{args.port} ({error}). "
                  "Choose another --port, or stop what is using it.")
            return 1
        server.run()
    finally:
        inbox.close()
    return 0
