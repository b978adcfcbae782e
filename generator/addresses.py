"""Where each generated page lives, as a Markdown path in the docs folder, and
the links between them.

Generated markup is HTML that the builder does not rewrite, so its links are
final URLs relative to the page's own URL (``href``), in the builder's URL
style: ``cases/a/`` with directory URLs, ``cases/a.html`` without.
"""
from __future__ import annotations

from core.slugs import slugify
from core.taxonomy import Term, Vocabulary

from .model import Case, Chapter, Toolkit

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


def toolkit_print_page(toolkit: Toolkit) -> str:
    """The page that holds a whole toolkit, for printing or saving as PDF: beside its
    chapters (``toolkit/<slug>/print/``), so that their relative links and images work
    there too; ``print-edition`` if a chapter is itself called ``print``."""
    folder = toolkit.src_uri.rpartition("/")[0]
    taken = {chapter.src_uri for chapter in toolkit.chapters}
    name = "print.md" if f"{folder}/print.md" not in taken else "print-edition.md"
    return f"{folder}/{name}"


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


def listing_page(first: str, number: int) -> str:
    """Page ``number`` of a listing whose first page is ``first``.

    Page 1 keeps the listing's own address; ``cases/index.md`` page 3 is
    ``cases/page/3.md``, ``themes/peer-support.md`` page 3 is
    ``themes/peer-support/page/3.md`` (``cases/page/3/`` and so on).
    """
    if number == 1:
        return first
    stem = first[: -len(".md")] if first.endswith(".md") else first
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return f"{stem}/page/{number}.md" if stem else f"page/{number}.md"


def site_url(target: str, directory_urls: bool = True) -> str:
    """Where a page (``.md``) or a copied file is served, below the site's root,
    exactly as MkDocs names it: ``cases/index.md`` is ``cases/`` with directory
    URLs and ``cases/index.html`` without; the home page is ``""`` or ``index.html``."""
    if not target.endswith(".md"):
        return target
    stem = target[: -len(".md")]
    folder, _, name = stem.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name in ("index", "README"):
        return prefix if directory_urls else f"{prefix}index.html"
    return f"{stem}/" if directory_urls else f"{stem}.html"


def to_root(page: str, directory_urls: bool = True) -> str:
    """The relative path from a page's URL up to the site's root: ``../../`` for ``cases/a/``."""
    return "../" * site_url(page, directory_urls).count("/")


def href(from_page: str, to: str, directory_urls: bool = True) -> str:
    """A link, as written in generated HTML on ``from_page``, to the page or file ``to``.

    Relative to the page's own URL (up to the root, then down), so the site
    works in any folder of a server and, without directory URLs, from the
    file system. A link depends only on how deep the page is, which lets a
    card be rendered once for every page at the same depth.
    """
    return to_root(from_page, directory_urls) + site_url(to, directory_urls) or "./"
