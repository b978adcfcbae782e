"""Site search with Pagefind, indexed beside the build (no MkDocs here).

``SearchIndexer`` builds one index while pages are rendered; ``LiveIndex``
keeps it in step under ``mkdocs serve``. Only pages that carry
``data-pagefind-body`` (case studies and toolkit chapters) are indexed.
"""
from .indexer import (
    BODY_ATTRIBUTE,
    IndexerOptions,
    IndexSummary,
    SearchIndexer,
    SearchIndexError,
    as_document,
    has_search_body,
)
from .live import LiveIndex

__all__ = [
    "BODY_ATTRIBUTE",
    "IndexSummary",
    "IndexerOptions",
    "LiveIndex",
    "SearchIndexError",
    "SearchIndexer",
    "as_document",
    "has_search_body",
]
