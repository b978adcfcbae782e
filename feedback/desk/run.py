"""``showcase feedback desk``: serve the review desk under waitress until Ctrl+C.

It listens on 127.0.0.1, on a free port unless ``--port`` names one, and
prints the address (and opens it in the browser, unless ``--no-browser`` or
there is no desktop to open one on).
Any other address needs a token (``guard.bind_problem``): without one the desk
does not start, and says why.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from core.project import Project
from core.settings import feedback_site_url

from ..connections import make_server
from ..erase import KnownSources
from ..store import DEFAULT_STORE, Store, StoreError
from .app import DeskConfig, create_app
from .guard import TOKEN_ENV, Guard, bind_problem, is_loopback
from .site import Site

if TYPE_CHECKING:
    from ..cli import PageReader

THREADS = 4  # one reviewer's browser, and a little room


def _stop_on_term(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # waitress finishes the requests it is answering, then returns


def _has_desktop() -> bool:
    """Whether a graphical browser can open: without one, Python would start a text browser
    (lynx, w3m) in the terminal the desk is printing to."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(project: Project, args: argparse.Namespace, read_pages: PageReader,
        sources: Callable[[], KnownSources]) -> int:
    """Serve the desk until stopped; 1 (said why) when it cannot start."""
    token = args.token or os.environ.get(TOKEN_ENV) or None
    problem = bind_problem(args.host, token)
    if problem is not None:
        print(f"Not started: {problem}")
        return 1
    store_path = Path(args.store) if args.store else project.root / DEFAULT_STORE
    try:
        Store(store_path).close()  # opened once now, so a store that cannot be used is said at once
    except StoreError as error:
        print(f"Not started: {error}")
        return 1
    out = Path(args.out) if args.out else project.root / project.settings.feedback.published_dir
    site_url = args.site_url or feedback_site_url(project.settings, project.site_url)
    config = DeskConfig(store_path, Site(project, read_pages, out), Guard.make(args.host, token), sources,
                        site_url=site_url if site_url.endswith("/") else site_url + "/",
                        site_name=project.site_name)
    try:
        server = make_server(create_app(config), host=args.host, port=args.port, threads=THREADS,
                             max_request_body_size=256 * 1024)
    except OSError as error:
        print(f"Not started: cannot listen on {args.host}:{args.port} ({error}). Choose another --port, or "
              "leave it out for a free one.")
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    address = f"http://{host}:{server.effective_port}/"
    print(f"The review desk is open at {address}\n    Reviewing {project.shown(store_path)}; publishing to "
          f"{project.shown(out)}. Press Ctrl+C to stop it.", flush=True)
    if token is not None:
        print(f"    Each browser's first visit needs the token: {address}?token=<the token in {TOKEN_ENV}>",
              flush=True)
    if not args.no_browser and is_loopback(args.host) and _has_desktop():
        webbrowser.open(address)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop_on_term) if main else None
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    print("The review desk has stopped.", flush=True)
    return 0
