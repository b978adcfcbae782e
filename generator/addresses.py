"""Where each generated page lives, as a Markdown path in the docs folder.

Links between pages are written as relative Markdown links to these paths,
so the builder checks every one and rewrites it for its own URL style.
"""
from __future__ import annotations

import posixpath

from .model import Case, Chapter, Term, Toolkit, Vocabulary
from .slugs import slugify

HOME = "index.md"
BROWSE = "cases/index.md"
FEEDBACK = "feedback/index.md"


def case_page(case: Case) -> str:
    return f"cases/{case.slug}.md"


def vocabulary_page(vocabulary: Vocabulary) -> str:
    return f"{vocabulary.slug}/index.md"


def term_page(vocabulary: Vocabulary, term: Term) -> str:
    return f"{vocabulary.slug}/{term.slug}.md"


def toolkits_page(toolkit_dir: str) -> str:
    return f"{toolkit_dir}/index.md"


def feedback_page(page_url: str) -> str:
    """Where the published feedback on the page at ``page_url`` goes."""
    return f"feedback/{slugify(page_url) or 'home'}.md"


def chart_file(name: str) -> str:
    """Where a published chart (``charts/x.svg``) goes on the site."""
    return f"feedback/{name}"


def page_of(target: Case | Chapter | Toolkit) -> str:
    if isinstance(target, Case):
        return case_page(target)
    return target.src_uri


def url_of(page: str, directory_urls: bool = True) -> str:
    """The page's address below the site's root: ``cases/a.md`` -> ``cases/a/``."""
    stem = page[: -len(".md")] if page.endswith(".md") else page
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/" if directory_urls else f"{stem}.html"


def relative(from_page: str, to_page: str) -> str:
    """A link from one Markdown page to another, as MkDocs expects it."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
