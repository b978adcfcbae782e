"""Building the Pagefind index beside the build, on the other core.

MkDocs renders pages on one thread; Pagefind indexes them in a process of its
own. ``SearchIndexer`` sits between the two: ``add`` hands a page over at
once (a queue bounded in bytes, so a slow indexer holds the build back rather
than filling memory), a thread with its own asyncio loop feeds the pages to
the process as they come, and ``finish`` waits (with a deadline) for the last
of them and writes the bundle. Whatever happens, ``close`` ends the process.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pagefind.index import PagefindIndex

from .service import Service, ServiceError, ServiceGone, find_binary

# Only pages carrying this attribute are indexed (cases and toolkit chapters);
# everything else is not sent to Pagefind at all.
BODY_ATTRIBUTE = "data-pagefind-body"
_BODY_TAG = re.compile(r"<[a-zA-Z][^<>]*\s" + BODY_ATTRIBUTE + r"(?=[\s=/>])")

_T = TypeVar("_T")

# Pagefind's ready-made interfaces, which the site does not use (it has its
# own search page on the JavaScript API): left out of the bundle.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
           "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")

_WHAT_TO_DO = ("Reinstall the project's dependencies (`.venv/bin/pip install -c constraints.txt -e .`, "
               "which brings Pagefind's own binary with `pagefind[bin]`), then build again. To build without "
               "search meanwhile, set `search: off` under `- showcase:` in mkdocs.yml.")


class SearchIndexError(Exception):
    """Why the search index could not be built, in plain English, with what to do next."""


@dataclass(frozen=True)
class IndexerOptions:
    """How the indexer runs; the defaults suit the site."""

    # One index in one language, whatever `lang` a page declares.
    language: str = "en"
    # Pages handed over but not yet indexed may take this much memory;
    # `add` waits for room beyond it.
    max_queued_bytes: int = 64 * 2**20
    # How long `add` may wait for room before giving up.
    add_timeout: float = 300.0
    # The pagefind binary; by default the one `pagefind[bin]` installed.
    binary: str | None = None


@dataclass(frozen=True)
class IndexSummary:
    """What was indexed and written, for the build log."""

    pages: int
    words: int
    files: int
    bytes: int
    seconds: float  # from start() to the bundle written
    waited: float  # of which after the last page: what the build waited for
    output_dir: Path

    def describe(self) -> str:
        return (f"Search index: {self.pages} pages, {self.words:,} words, {self.files} files "
                f"({self.bytes / 2**20:.1f} MB) in {self.output_dir.name}/, {self.seconds:.1f} s "
                f"({self.waited:.1f} s after the last page)")


def as_document(content: str, language: str = "en") -> str:
    """The smallest document around a page's own content, for Pagefind.

    Pagefind reads nothing outside ``<body>``; sending only the content (not
    the theme's navigation and header, which it would parse and discard)
    made a 1,000-case build about 6% faster. ``content`` is the page's HTML
    as the site serves it, already escaped; ``language`` is our own setting.
    """
    return f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"></head><body>{content}</body></html>'


def has_search_body(html: str) -> bool:
    """Whether a page asks to be indexed (a cheap test, done before anything is queued).

    The attribute must be on a tag: a page that only mentions it in its text is not indexed.
    """
    return BODY_ATTRIBUTE in html and _BODY_TAG.search(html) is not None


class SearchIndexer:
    """One index, built once: ``start``, ``add`` pages, ``finish``; ``close`` always."""

    def __init__(self, options: IndexerOptions | None = None) -> None:
        self.options = options or IndexerOptions()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready: Future[PagefindIndex] | None = None
        self._service: Service | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._room = threading.Condition()
        self._queued_bytes = 0
        self._pages = 0
        self._words = 0
        self._failure: SearchIndexError | None = None
        self._started_at = 0.0
        self._closed = False
        self._launched = threading.Event()  # set once the process runs, or could not be started

    # ------------------------------------------------------------ the build's side

    def start(self) -> SearchIndexer:
        """Start the thread and the Pagefind process; returns at once."""
        if self._thread is not None:
            raise RuntimeError("this indexer has already been started")
        self._started_at = time.perf_counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="showcase-search", daemon=True)
        self._thread.start()
        self._ready = self._call(self._launch())
        return self

    @property
    def pid(self) -> int | None:
        """The Pagefind process's id, once it runs (for tests and diagnostics)."""
        self._launched.wait(timeout=10)
        return self._service.pid if self._service is not None else None

    @property
    def indexed(self) -> int:
        """How many pages Pagefind has taken so far."""
        return self._pages

    def add(self, url: str, html: str) -> bool:
        """Queue a page for the index; False (and nothing sent) if it lacks ``data-pagefind-body``.

        ``url`` is the page's address relative to the site root, e.g. ``cases/x/``.
        Returns at once unless more than ``max_queued_bytes`` are waiting.
        """
        if not has_search_body(html):
            return False
        self._raise_if_failed()
        if self._loop is None or self._closed:
            raise RuntimeError("add() before start() or after finish()/close()")
        size = len(html)
        deadline = time.monotonic() + self.options.add_timeout
        with self._room:
            while self._queued_bytes and self._queued_bytes + size > self.options.max_queued_bytes:
                left = deadline - time.monotonic()
                if left <= 0 or self._failure is not None:
                    break
                self._room.wait(timeout=min(left, 1.0))
            self._raise_if_failed()
            if self._queued_bytes and self._queued_bytes + size > self.options.max_queued_bytes:
                self._fail(SearchIndexError(
                    f"Pagefind, which builds the search index, had not taken the pages waiting for it after "
                    f"{self.options.add_timeout:.0f} seconds, so the build stopped. The computer may be very "
                    f"busy: build again when it is quieter. {_WHAT_TO_DO}"))
                self._raise_if_failed()
            self._queued_bytes += size
        self._loop.call_soon_threadsafe(self._queue, url, html, size)
        return True

    def finish(self, output_dir: Path, timeout: float) -> IndexSummary:
        """Wait for every page (at most ``timeout`` seconds), write the bundle to ``output_dir``, close.

        The bundle is written beside ``output_dir`` and moved into place, so a
        reader never sees half an index. Raises ``SearchIndexError``.
        """
        if self._loop is None:
            raise RuntimeError("finish() before start()")
        try:
            future = self._call(self._finish(Path(output_dir).resolve(), time.perf_counter()))
            try:
                return future.result(timeout=timeout)
            except FutureTimeout:
                future.cancel()
                raise SearchIndexError(
                    f"Building the search index took longer than {timeout:.0f} seconds, so the build stopped "
                    f"waiting for it. Build again; if the catalogue is very large or the computer very busy, "
                    f"raise `search_timeout` under `- showcase:` in mkdocs.yml (it is in seconds). "
                    f"To build without search, set `search: off` there.") from None
            except SearchIndexError:
                raise
            except ServiceGone as gone:
                raise self._gone_error(gone) from None
            except (ServiceError, OSError) as error:
                raise SearchIndexError(
                    f"Pagefind could not write the search index to {output_dir}: {error}. Check that the "
                    f"folder can be written to and the disk is not full, then build again.") from None
        finally:
            self.close()

    def close(self) -> None:
        """End the Pagefind process and the thread; safe to call at any time, more than once."""
        if self._closed or self._loop is None:
            self._closed = True
            return
        self._closed = True
        loop = self._loop
        if loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
            except (FutureTimeout, OSError, RuntimeError, ServiceError):
                # The polite way failed or hung: end the process outright, so none is left behind.
                pid = self._service.pid if self._service is not None else None
                if pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        if not loop.is_running() and not loop.is_closed():
            loop.close()
        with self._room:
            self._room.notify_all()

    # ------------------------------------------------------------ the indexing thread

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> Future[_T]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _launch(self) -> PagefindIndex:
        binary = find_binary(self.options.binary)
        if binary is None:
            self._launched.set()
            raise ServiceGone("no pagefind program is installed")
        self._service = Service(binary)
        try:
            await self._service.launch()
        except OSError as error:
            raise ServiceGone(f"{binary} could not be run ({error.strerror or error})") from error
        finally:
            self._launched.set()
        return await self._service.create_index({"force_language": self.options.language})

    def _queue(self, url: str, html: str, size: int) -> None:
        self._tasks.append(asyncio.get_running_loop().create_task(self._index_page(url, html, size)))

    async def _index_page(self, url: str, html: str, size: int) -> None:
        try:
            assert self._ready is not None
            index = await asyncio.wrap_future(self._ready)
            reply = await index.add_html_file(content=html, url=url)
            self._pages += 1
            self._words += int(reply.get("page_word_count") or 0)
        except ServiceGone as gone:
            self._fail(self._gone_error(gone))
        except ServiceError as error:
            self._fail(SearchIndexError(
                f"Pagefind could not index the page {url}: {error}. Check that page in the built site; "
                f"if it looks right, build again, and if it keeps happening set `search: off` under "
                f"`- showcase:` in mkdocs.yml and report the page."))
        finally:
            with self._room:
                self._queued_bytes -= size
                self._room.notify_all()

    async def _finish(self, output_dir: Path, asked_at: float) -> IndexSummary:
        assert self._ready is not None
        index = await asyncio.wrap_future(self._ready)
        while self._tasks:
            tasks, self._tasks = self._tasks, []
            await asyncio.gather(*tasks)
        self._raise_if_failed()
        staging = output_dir.with_name(f".{output_dir.name}.new")
        shutil.rmtree(staging, ignore_errors=True)
        await index.write_files(output_path=str(staging))
        for name in _UNUSED:
            (staging / name).unlink(missing_ok=True)
        sizes = [path.stat().st_size for path in staging.rglob("*") if path.is_file()]
        _swap(staging, output_dir)
        now = time.perf_counter()
        return IndexSummary(pages=self._pages, words=self._words, files=len(sizes), bytes=sum(sizes),
                            seconds=now - self._started_at, waited=now - asked_at, output_dir=output_dir)

    async def _shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._service is not None:
            await self._service.close()

    # ------------------------------------------------------------ failures

    def _fail(self, failure: SearchIndexError) -> None:
        with self._room:
            if self._failure is None:
                self._failure = failure
            self._room.notify_all()

    def _launch_error(self) -> BaseException | None:
        """Why the process could not be started, once that is known."""
        if self._ready is None or not self._ready.done() or self._ready.cancelled():
            return None
        return self._ready.exception()

    def _raise_if_failed(self) -> None:
        if self._failure is None and (error := self._launch_error()) is not None:
            self._fail(self._gone_error(error))
        if self._failure is not None:
            raise self._failure

    def _gone_error(self, error: BaseException) -> SearchIndexError:
        if self._launch_error() is not None:
            return SearchIndexError(
                f"Showcase could not start Pagefind, the program that builds the search index: {error}. "
                f"{_WHAT_TO_DO}")
        return SearchIndexError(
            f"Pagefind, the program that builds the search index, {error} after indexing "
            f"{self._pages} pages, so the index was not written. Build again; if it keeps happening, "
            f"check that the computer has memory to spare. {_WHAT_TO_DO}")


def _swap(staging: Path, output_dir: Path) -> None:
    """Put the new bundle in place of the old one, removing the old one after."""
    old = output_dir.with_name(f".{output_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if output_dir.exists():
        output_dir.rename(old)
    staging.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)
