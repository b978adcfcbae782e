"""Keeping the search index in step under ``mkdocs serve``.

A preview rebuild renders only the pages that changed, and Pagefind cannot
take one page out of an index, so every rebuild needs a whole new index. The
pages' last HTML is kept here (compressed: a few kilobytes a page) and, after
each rebuild, indexed again on a thread of its own: the preview never waits
for search. A rebuild that comes while one is being indexed is indexed when
that one ends; only the newest matters.
"""
from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from .indexer import IndexerOptions, IndexSummary, SearchIndexer, SearchIndexError, has_search_body

log = logging.getLogger("showcase.search")


class LiveIndex:
    """The pages of the site being served, and a background re-index after each rebuild."""

    def __init__(self, options: IndexerOptions | None = None, timeout: float = 600.0,
                 report: Callable[[str], None] | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.options = options or IndexerOptions()
        self.timeout = timeout
        self._report = report or log.info
        self._warn = warn or log.warning
        self._pages: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._wanted: tuple[dict[str, bytes], Path] | None = None  # the newest snapshot not yet indexed
        self._worker: threading.Thread | None = None
        self._current: SearchIndexer | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._closed = False
        self.last_summary: IndexSummary | None = None
        self.last_error: SearchIndexError | None = None
        self.generation = 0  # how many indexes have been written

    def page(self, url: str, html: str) -> None:
        """Remember a page as just rendered; one without ``data-pagefind-body`` is forgotten."""
        with self._lock:
            if has_search_body(html):
                self._pages[url] = zlib.compress(html.encode("utf-8"), 1)
            else:
                self._pages.pop(url, None)

    def keep_only(self, urls: Iterable[str]) -> None:
        """Forget pages that are no longer part of the site (a case deleted or made a draft)."""
        keep = set(urls)
        with self._lock:
            for url in [url for url in self._pages if url not in keep]:
                del self._pages[url]

    @property
    def urls(self) -> list[str]:
        with self._lock:
            return sorted(self._pages)

    def rebuild(self, output_dir: Path) -> None:
        """Index the pages as they now are into ``output_dir``, in the background; returns at once."""
        with self._lock:
            if self._closed:
                return
            self._wanted = (dict(self._pages), Path(output_dir))
            self._idle.clear()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="showcase-search-live", daemon=True)
                self._worker.start()

    def wait(self, timeout: float) -> bool:
        """Wait until the newest rebuild has been indexed (for tests); False if it has not in time."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Stop indexing and end the Pagefind process, if one is running."""
        with self._lock:
            self._closed = True
            self._wanted = None
            current = self._current
        if current is not None:
            current.close()
        if self._worker is not None:
            self._worker.join(timeout=15)
        self._idle.set()

    def _run(self) -> None:
        while True:
            with self._lock:
                wanted, self._wanted = self._wanted, None
                if wanted is None or self._closed:
                    self._idle.set()
                    return
                indexer = self._current = SearchIndexer(self.options)
            pages, output_dir = wanted
            try:
                indexer.start()
                for url, compressed in pages.items():
                    with self._lock:
                        superseded = self._wanted is not None or self._closed
                    if superseded:
                        break
                    indexer.add(url, zlib.decompress(compressed).decode("utf-8"))
                else:
                    self.last_summary = indexer.finish(output_dir, self.timeout)
                    self.last_error = None
                    self.generation += 1
                    self._report(self.last_summary.describe())
            except SearchIndexError as error:
                self.last_error = error
                if not self._closed:
                    self._warn(f"The search index was not updated: {error}")
            finally:
                indexer.close()
                with self._lock:
                    self._current = None
