"""The MkDocs plugin: a thin adapter between MkDocs and Showcase's core.

This is the only module that imports MkDocs. It reads the catalogue once per
build, stops the build on errors (``mkdocs serve`` shows them and carries on),
and hands MkDocs the pages the core rendered.
"""
from __future__ import annotations

import gc
import logging
import os
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urljoin

from mkdocs.config import base, config_options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from core.problems import Problems, Severity
from core.project import Project, option_lines
from core.settings import OPTION_NAMES, Settings, settings_from

from . import addresses
from .blocks import join_blocks
from .feeds import FEEDS_FOR_PAGE, FeedLinks, atom_feeds
from .incremental import BuildLedger, RenderMemo, TemplateCache, digest_of, remove_stale
from .load import load_catalogue
from .model import Catalogue
from .navigation import build_nav
from .open_data import open_data_files
from .print_edition import written_out_links
from .read.cache import CaseCache
from .render import render_site
from .search import IndexerOptions, LiveIndex, SearchIndexer, SearchIndexError, as_document
from .trust import BuildDateError

log = get_plugin_logger("showcase")
serve_log = logging.getLogger("showcase.serve")
if not serve_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  showcase: %(message)s"))
    serve_log.addHandler(_handler)
    serve_log.propagate = False

ASSETS = Path(__file__).parent / "assets"
THEME = Path(__file__).parent / "theme"  # overrides on every site: title, skip link, 404, named menus, feed links
SEARCH_THEME = Path(__file__).parent / "theme_search"  # the header's search box, with `search: pagefind`
SEARCH_BUNDLE = "pagefind"  # where the search index goes in the site
STYLESHEET = "assets/showcase/showcase.css"
SCRIPT = "assets/showcase/feedback.js"  # sends the form in the background, when JavaScript runs
SEARCH_STYLESHEET = "assets/showcase/search.css"
SEARCH_SCRIPT = "assets/showcase/search.js"  # the search page's, loaded by that page alone
# attr_list: generated headings in the Markdown carry data-pagefind-ignore. (Generated
# HTML no longer goes through Markdown, so md_in_html is the site's own choice.)
REQUIRED_EXTENSIONS = ("attr_list",)


class _PageFile(File):
    """A generated page that a ``--dirty`` rebuild skips while it is unchanged.

    MkDocs treats every file with content in memory as modified, so each
    rebuild would convert and template every generated page again. This one
    asks the ledger: unchanged means the page's own digest and the site-wide
    digest are the ones it was last written with, and its file is still there.
    """

    ledger: BuildLedger | None = None

    def is_modified(self) -> bool:
        return self.ledger is None or not self.ledger.unchanged(self.src_uri, self.abs_dest_path)


class _DirtyWarning(logging.Filter):
    """Drops MkDocs' warning on every ``--dirty`` build that the navigation may be wrong.

    It is about pages left unbuilt showing an old navigation; Showcase
    rebuilds every page when the navigation or settings change (the
    site-wide digest), so the warning would only alarm authors on each save.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


class _AsWritten(config_options.BaseConfigOption[Any]):
    """Passes an option through as written; ``settings_from`` checks it."""

    def run_validation(self, value: object) -> Any:
        return value


class ShowcaseConfig(base.Config):
    """The plugin's options: ``enabled``, and one per field of ``Settings``, which says what each
    means and holds its default. They come here as written, for ``settings_from`` to check.
    tests/site/test_builders.py holds the two lists in step."""

    enabled = config_options.Type(bool, default=True)
    cases_dir = config_options.Optional(_AsWritten())
    taxonomy = config_options.Optional(_AsWritten())
    toolkit_dir = config_options.Optional(_AsWritten())
    sections = config_options.Optional(_AsWritten())
    drafts = config_options.Optional(_AsWritten())
    related_limit = config_options.Optional(_AsWritten())
    latest_on_home = config_options.Optional(_AsWritten())
    build_nav = config_options.Optional(_AsWritten())
    chapter_cases_limit = config_options.Optional(_AsWritten())
    cards_per_page = config_options.Optional(_AsWritten())
    labels = config_options.Optional(_AsWritten())
    feedback = config_options.Optional(_AsWritten())
    search = config_options.Optional(_AsWritten())
    search_timeout = config_options.Optional(_AsWritten())
    stale_after_years = config_options.Optional(_AsWritten())
    online_urls = config_options.Optional(_AsWritten())


class ShowcasePlugin(BasePlugin[ShowcaseConfig]):
    """Case studies, vocabularies and toolkits as MkDocs pages."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.project: Project | None = None
        self.catalogue: Catalogue | None = None
        self.problems = Problems()
        # src_uri -> {placeholder: HTML}: the generated blocks joined to each page after Markdown.
        self.blocks: dict[str, dict[str, str]] = {}
        self.indexer: SearchIndexer | None = None  # `mkdocs build`: one index, fed page by page
        self.live: LiveIndex | None = None  # `mkdocs serve`: re-indexed after each rebuild
        self.feed_links: FeedLinks | None = None  # which Atom feeds each page links to (`mkdocs build`)
        # Kept between rebuilds of `mkdocs serve` (MkDocs keeps this instance): read case
        # files by content, the last render, and what each page was written from.
        self.dirty = False
        self.cases = CaseCache()
        self.memo = RenderMemo()
        self.ledger = BuildLedger()
        self.templates = TemplateCache()
        self.warned_search = False

    # Remember whether we serve (errors reported, drafts shown unless `drafts: hide`) or build.
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        if command == "serve" and dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyWarning())
            log.info("Rebuilding only the pages that changed (--dirty). Every page is rebuilt "
                     "when the navigation, mkdocs.yml or the theme change, so MkDocs' warning "
                     "about dirty builds does not apply and is not shown.")

    # Read and check everything, and set up the navigation and styles.
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        options = {k: v for k, v in self.config.items() if k in OPTION_NAMES and v is not None}
        config_file = Path(config.config_file_path)
        settings, problems = settings_from(options, config_file.name,
                                           option_lines(config_file.read_text(encoding="utf-8-sig")))
        if problems:
            raise PluginError("Showcase's settings in mkdocs.yml need fixing:\n" + problems.report())
        root = Path(config.config_file_path).parent
        self.project = Project(root=root, config_file=Path(config.config_file_path),
                               docs_dir=Path(config.docs_dir), settings=settings, site_name=config.site_name)
        serving = self.command == "serve"
        self.ledger.begin()
        self.catalogue, self.problems = load_catalogue(self.project, settings.shows_drafts(serving),
                                                       self.cases if serving else None, previews=serving)
        self._report(serving)
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if config.nav is None and settings.build_nav:
            config.nav = build_nav(self.catalogue, settings, self.project.docs_dir)
        config.extra_css.insert(0, STYLESHEET)
        # Theme overrides go after the site's own custom_dir, so an author's override still wins.
        first = 1 if config.theme.custom_dir else 0
        if str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(first, str(THEME))
        if settings.search == "pagefind":
            # The header's search box (a theme override) and its styles, on every page.
            if str(SEARCH_THEME) not in config.theme.dirs:
                config.theme.dirs.insert(first, str(SEARCH_THEME))
            config.extra_css.insert(1, SEARCH_STYLESHEET)
        if settings.feedback.backend == "receiver":
            config.extra_javascript.append(SCRIPT)
        return config

    # Add the generated pages, and replace toolkit files with their full pages.
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.catalogue is None or self.project is None:
            return files
        notices = [p.format() for p in self.problems.sorted()] if self.command == "serve" else []
        render = self.memo.render if self.command == "serve" else render_site
        try:
            rendered = render(self.catalogue, self.project.settings, notices,
                              site_url=config.site_url or "", directory_urls=config.use_directory_urls)
        except BuildDateError as error:  # a SOURCE_DATE_EPOCH that is not a time (generator/trust.py)
            raise PluginError(str(error)) from None
        for static in rendered.static_files:
            if static.content is not None:  # made during the build: a feedback page's figures as CSV
                files.append(File.generated(config, static.dest_uri, content=static.content))
            else:
                files.append(File.generated(config, static.dest_uri, abs_src_path=str(static.source)))
        self.blocks = {page.src_uri: page.blocks for page in rendered.pages if page.blocks}
        for page in rendered.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                # The same file (the docs folder's own, edit link and all), now a tracked one.
                generated = _PageFile(existing.src_uri, existing.src_dir, existing.dest_dir,
                                      existing.use_directory_urls, inclusion=existing.inclusion)
                generated.content_string = page.markdown
                files.remove(existing)
            else:
                inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
                # File.generated makes the class it is called on, though typed as making a File.
                generated = cast(_PageFile, _PageFile.generated(config, page.src_uri, content=page.markdown,
                                                                inclusion=inclusion))
            if self.dirty:  # only --dirty skips pages; a full build need not digest them
                generated.ledger = self.ledger
                self.ledger.page(page)
            files.append(generated)
        for asset in (STYLESHEET, SCRIPT, SEARCH_STYLESHEET, SEARCH_SCRIPT):
            if files.get_file_from_path(asset) is None:
                files.append(File.generated(config, asset, abs_src_path=str(ASSETS / Path(asset).name)))
        # Atom feeds (linked from every page's head by theme/partials/feeds.html) and the catalogue as open
        # data, both from published cases only, never drafts. Not while serving: they cost 0.2 s a save at
        # 1,000 cases, for files an author previewing pages does not read.
        if self.command != "serve":
            online = self.project.settings.online_directory_urls(config.use_directory_urls)
            feeds = atom_feeds(self.catalogue, config.site_name, config.site_url, online, log.info)
            self.feed_links = feeds.links
            outputs = {**feeds.files, **open_data_files(self.catalogue, config.site_name, config.site_url, online)}
            for dest_uri, content in outputs.items():
                if files.get_file_from_path(dest_uri) is None:  # a file of the docs folder's own wins
                    files.append(File.generated(config, dest_uri, content=content))
        # The pages now hold everything; the catalogue (a copy of every case) can go.
        self.catalogue = None
        return files

    # Under --dirty: title the skipped pages, rebuild all on a site-wide change, remove pages now gone.
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        if not self.dirty:
            return nav
        if not self.warned_search and any(name in config.plugins for name in ("search", "material/search")):
            self.warned_search = True
            log.info("Material's search plugin indexes only the pages each rebuild writes, so while serving "
                     "with --dirty its search misses unchanged pages. Serve without --dirty to try it.")
        for page in nav.pages:
            if page.markdown is None:
                # A skipped page is never read, and its title in the navigation and the
                # footer would fall back to its file name; reading it is cheap.
                page.read_source(config)
        if self.ledger.site(self._site_digest(nav, config)):
            for file in files.documentation_pages():
                if not isinstance(file, _PageFile) and os.path.isfile(file.abs_dest_path):
                    os.remove(file.abs_dest_path)  # so that MkDocs writes it again with the new navigation
        removed = remove_stale(self.ledger.stale(file.abs_dest_path for file in files), config.site_dir)
        if removed:
            log.info(f"Removed {removed} page{'s' if removed != 1 else ''} that no longer exist.")
        return nav

    # Join the generated HTML blocks to the page's converted Markdown.
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        src_uri = page.file.src_uri
        # A build needs each page's blocks once; `mkdocs serve` may build the page again.
        blocks = self.blocks.get(src_uri) if self.command == "serve" else self.blocks.pop(src_uri, None)
        # for print (print_edition.py): the published site's addresses, even in an edition built as files
        as_folders = self._online_folders(config) and not config.use_directory_urls
        if not blocks:
            return written_out_links(html, page.url, config.site_url or "", as_folders)
        joined = join_blocks(html, blocks)
        if joined.missing:
            log.warning(f"{src_uri}: the page's own Markdown hid where {', '.join(joined.missing)} should go "
                        "(an unclosed code block or HTML tag?), so it is at the end of the page. "
                        "Close the code block or tag in the page's source.")
        return written_out_links(joined.html, page.url, config.site_url or "", as_folders)

    # Start the search indexer (build), or forget pages that are gone (serve).
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self.command == "serve":
            env.bytecode_cache = self.templates  # the theme compiled once per server, not per rebuild
        # theme/partials/feeds.html asks which feeds a page links to; none while serving or without site_url.
        env.globals[FEEDS_FOR_PAGE] = self.feed_links.for_page if self.feed_links else None
        if not self._searching():
            return env
        if self.command == "serve":
            if self.live is None:
                # Reports go to MkDocs' log; warnings to Showcase's own, which strict mode does not count.
                self.live = LiveIndex(IndexerOptions(), timeout=self._search_timeout(), report=log.info,
                                      warn=serve_log.warning)
            self.live.keep_only(file.url for file in files.documentation_pages())
        else:
            self._close_indexer()
            self.indexer = SearchIndexer(IndexerOptions()).start()
        return env

    # The canonical address (the head's link, Open Graph, the printed colophon) is the published page's.
    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        if config.site_url and self._online_folders(config) != config.use_directory_urls:
            online = addresses.site_url(page.file.src_uri, self._online_folders(config))
            page.canonical_url = urljoin(config.site_url.rstrip("/") + "/", online)
        return context

    # Hand each written page's own content to the search indexer, which keeps only cases and chapters.
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        content = as_document(page.content or "")
        if self.live is not None and self.command == "serve":
            self.live.page(page.url, content)
        elif self.indexer is not None:
            try:
                self.indexer.add(page.url, content)
            except SearchIndexError as error:
                self._close_indexer()
                raise PluginError(str(error)) from None
        return output

    # Write the search index into the site (build), or re-index in the background (serve).
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        output_dir = Path(config.site_dir) / SEARCH_BUNDLE
        if self.live is not None and self.command == "serve":
            self.live.rebuild(output_dir)
        elif self.indexer is not None:
            indexer, self.indexer = self.indexer, None
            try:
                log.info(indexer.finish(output_dir, self._search_timeout()).describe())
            except SearchIndexError as error:
                raise PluginError(str(error)) from None
        self._finish_rebuild()

    # After a failed build, leave no Pagefind process behind and write every page next time.
    def on_build_error(self, *, error: Exception) -> None:
        self._close_indexer()
        self.ledger.forget()  # pages may be half written: the next build writes them all

    # Rebuild when a case or the taxonomy changes, not only the docs folder.
    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        if self.project is not None:
            server.watch(str(self.project.cases_dir))
            server.watch(str(self.project.taxonomy_file))
        # The first build is done and its own objects are garbage. What is left (the
        # caches above, the theme, the modules) lives as long as the server: freezing
        # it keeps Python's cyclic garbage collector from walking all of it again,
        # which cost up to 0.7 s of a rebuild every few saves at 1,000 cases.
        gc.collect()
        gc.freeze()
        return server

    # The end of `mkdocs serve` leaves no Pagefind process behind either.
    def on_shutdown(self) -> None:
        self._close_indexer()
        if self.live is not None:
            self.live.close()
            self.live = None

    def _site_digest(self, nav: Navigation, config: MkDocsConfig) -> bytes:
        """What every page shares: the navigation as shown, mkdocs.yml, the theme and its overrides."""
        parts: list[object] = [Path(config.config_file_path).read_bytes(), config.site_url,
                               config.use_directory_urls, config.extra_css, config.extra_javascript,
                               config.extra, config.markdown_extensions, config.mdx_configs, config.theme.dirs]

        def walk(items: list[Any]) -> None:
            for item in items:
                parts.extend((type(item).__name__, item.title, getattr(item, "url", None),
                              sorted(getattr(item, "meta", {}).items())))
                walk(getattr(item, "children", None) or [])

        walk(nav.items)
        for folder in config.theme.dirs:
            if "site-packages" in Path(folder).parts:
                continue  # installed themes do not change while serving
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    parts.extend((str(path), stat.st_mtime_ns, stat.st_size))
        return digest_of(parts)

    def _finish_rebuild(self) -> None:
        """Record what every page was written from; while serving, say how much was redone."""
        if self.dirty:
            log.info(f"Rebuilt {len(self.ledger.rebuilt):,} of {self.ledger.pages:,} generated pages "
                     f"({self.cases.reads:,} case file{'s' if self.cases.reads != 1 else ''} read again).")
        self.ledger.finish()

    def _online_folders(self, config: MkDocsConfig) -> bool:
        """Whether the published site's page addresses are folders (``online_urls``)."""
        settings = self.project.settings if self.project is not None else Settings()
        return settings.online_directory_urls(config.use_directory_urls)

    def _searching(self) -> bool:
        return bool(self.config.enabled) and self.project is not None and self.project.settings.search == "pagefind"

    def _search_timeout(self) -> float:
        return float(self.project.settings.search_timeout) if self.project is not None else 600.0

    def _close_indexer(self) -> None:
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    def _report(self, serving: bool) -> None:
        """Errors stop a build; while serving they are shown and the server carries on.

        While serving, problems go to Showcase's own logger: MkDocs counts its
        own warnings in strict mode and would stop rebuilding until they are fixed.
        """
        if self.problems.errors and not serving:
            raise PluginError("Showcase found problems in the content:\n" + self.problems.report())
        if serving:
            for problem in self.problems.sorted():
                serve_log.log(logging.INFO if problem.severity is Severity.NOTE else logging.WARNING,
                              problem.format())
            if self.problems.errors:
                serve_log.warning("Pages with errors are left out of the lists until they are fixed; "
                                  "a case's own page shows its problems at the top, and the home page lists them all.")
            return
        loggers = {Severity.WARNING: log.warning, Severity.NOTE: log.info}
        for problem in self.problems.sorted():
            loggers[problem.severity](problem.format())
