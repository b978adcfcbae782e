"""Cold search in headless Chromium: time to the first result and the bytes it took.

Each site is served by a small threaded ``http.server`` on 127.0.0.1, in this
process, without compression, as the simplest static host serves it. Every
measurement uses a fresh browser context (an empty cache), opens ``/about/``
and, as soon as the page's load event has fired, types a three-word query
into the header search box:

- Showcase: the header's search form (a GET form to the search page), then
  Enter; the search page runs the query with Pagefind.
- Material's built-in search: its header search box, which opens the search
  dialog; the results appear as Material's worker has the index.

The time runs from asking for ``/about/`` to the first result in the page.
The bytes are counted by the server itself, request by request: the body of
every response (so the requests a web worker makes count too, which a page's
own network events can miss). A request counts as "after load" when it
reached the server after the load event; requests that reached it after the
first result are not counted.
"""
from __future__ import annotations

import functools
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}  # wide enough for Material's header search box
QUERY = "mentors housing employment"  # three words of bench/synth.py's vocabulary
START_PAGE = "about/"

# Showcase's header search form leads to its search page; its results are links there.
OUR_INPUT = "form[data-search-header] input[name='q'], form[action*='search']:not(.md-search__form) input[name='q']"
OUR_RESULT = "[data-search-results] [data-search-result] a[href], [data-search-results] a[href]"
FIND_BOX_SECONDS = 10  # a page that has loaded shows its search box at once, or never
MATERIAL_INPUT = "input.md-search__input"
MATERIAL_RESULT = "li.md-search-result__item a"


@dataclass
class _Request:
    arrived: float
    path: str
    bytes: int


class _CountingHandler(SimpleHTTPRequestHandler):
    """Serves files and notes, for each request, when it arrived and how many body bytes it sent."""

    log: list[_Request]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        arrived = time.perf_counter()
        self._sent = 0
        super().do_GET()
        self.log.append(_Request(arrived, self.path, self._sent))

    def copyfile(self, source: Any, outputfile: Any) -> None:
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            self._sent += len(chunk)


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, list[_Request]]]:
    """``folder`` over plain HTTP on a free port of 127.0.0.1; the list every request is noted in."""
    log: list[_Request] = []
    handler = type("Handler", (_CountingHandler,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"bench-{folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Search:
    """One cold search (or the median of several)."""

    seconds: float | None  # None: no result within the time allowed
    total_bytes: int
    after_load_bytes: int
    requests: int
    note: str = ""
    heaviest_after_load: list[tuple[str, int]] = field(default_factory=list)  # (path, bytes), largest first


@dataclass
class SearchResults:
    """Both sites' searches at one size, or why they were not measured."""

    ours: Search | None = None
    material: Search | None = None
    notes: list[str] = field(default_factory=list)
    runs: list[tuple[str, Search]] = field(default_factory=list)


def chromium_missing() -> str:
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (install Debian's chromium package: `make chromium`)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make bench installs the test dependencies)"
    return ""


def _one(browser: Any, base: str, log: list[_Request], ours: bool, timeout_s: float) -> Search:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_s * 1000)
    page = context.new_page()
    loaded: list[float] = []
    page.once("load", lambda _page: loaded.append(time.perf_counter()))
    log.clear()
    note = ""
    found: float | None = None
    start = time.perf_counter()
    try:
        page.goto(base + START_PAGE, wait_until="load")
        if not loaded:
            loaded.append(time.perf_counter())
        if ours:
            box = page.locator(OUR_INPUT).first
            box.click(timeout=FIND_BOX_SECONDS * 1000)
            box.press_sequentially(QUERY)
            with page.expect_navigation(wait_until="commit") as navigation:
                box.press("Enter")
            if navigation.value is not None and navigation.value.status >= 400:
                raise LookupError(f"the search page {navigation.value.url} answered {navigation.value.status}")
            page.wait_for_selector(OUR_RESULT, state="attached", timeout=timeout_s * 1000)
        else:
            box = page.locator(MATERIAL_INPUT)
            box.click(timeout=FIND_BOX_SECONDS * 1000)
            box.press_sequentially(QUERY)
            page.wait_for_selector(MATERIAL_RESULT, state="attached", timeout=timeout_s * 1000)
        found = time.perf_counter()
    except Exception as error:  # a timeout or a missing element: reported, not raised
        note = str(error).splitlines()[0][:200]
    finally:
        end = found or time.perf_counter()
        counted = [r for r in list(log) if r.arrived <= end]
        context.close()
    after = [r for r in counted if loaded and r.arrived > loaded[0]]
    heaviest = sorted(((r.path.split("?")[0], r.bytes) for r in after), key=lambda item: -item[1])[:5]
    return Search(None if found is None else found - start, sum(r.bytes for r in counted),
                  sum(r.bytes for r in after), len(counted), note, heaviest)


def _median(runs: list[Search]) -> Search:
    if any(r.seconds is None for r in runs):
        return next(r for r in runs if r.seconds is None)
    return Search(statistics.median(r.seconds for r in runs),  # type: ignore[misc]
                  int(statistics.median(r.total_bytes for r in runs)),
                  int(statistics.median(r.after_load_bytes for r in runs)),
                  int(statistics.median(r.requests for r in runs)), "", runs[-1].heaviest_after_load)


def measure_search(ours: Path, material: Path, repeat: int, timeout_s: float = 90.0) -> SearchResults:
    """Cold searches on Showcase's site and the plain Material site, interleaved, ``repeat`` each."""
    results = SearchResults()
    missing = chromium_missing()
    if missing:
        results.notes.append(f"Search not measured: {missing}.")
        return results
    measure_ours = (ours / "pagefind").is_dir()
    if not measure_ours:
        results.notes.append("Showcase's search not measured: its site has no pagefind/ folder "
                             "(the Pagefind index is not built yet).")
    measure_material = (material / "search" / "search_index.json").is_file()
    if not measure_material:
        results.notes.append("Material's search not measured: the plain site has no search/search_index.json.")
    if not (measure_ours or measure_material):
        return results
    from playwright.sync_api import sync_playwright

    ours_runs: list[Search] = []
    material_runs: list[Search] = []
    with sync_playwright() as playwright, serve(ours) as (our_url, our_log), \
            serve(material) as (material_url, material_log):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                if measure_ours:
                    ours_runs.append(_one(browser, our_url, our_log, True, timeout_s))
                    results.runs.append(("Showcase", ours_runs[-1]))
                if measure_material:
                    material_runs.append(_one(browser, material_url, material_log, False, timeout_s))
                    results.runs.append(("Material", material_runs[-1]))
        finally:
            browser.close()
    results.ours = _median(ours_runs) if ours_runs else None
    results.material = _median(material_runs) if material_runs else None
    for name, search in (("Showcase", results.ours), ("Material", results.material)):
        if search is not None and search.seconds is None:
            results.notes.append(f"{name}'s search gave no result (waiting at most {timeout_s:.0f} s): "
                                 f"{search.note}.")
    return results

