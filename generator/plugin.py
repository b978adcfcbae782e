"""The MkDocs plugin: a thin adapter between MkDocs and Showcase's core.

This is the only module that imports MkDocs. It reads the catalogue once per
build, stops the build on errors (``mkdocs serve`` shows them and carries on),
and hands MkDocs the pages the core rendered.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import base, config_options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from .config import OPTION_NAMES, settings_from
from .load import load_catalogue
from .model import Catalogue
from .navigation import build_nav
from .problems import Problems, Severity
from .project import Project, option_lines
from .render import render_site

log = get_plugin_logger("showcase")
serve_log = logging.getLogger("showcase.serve")
if not serve_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  showcase: %(message)s"))
    serve_log.addHandler(_handler)
    serve_log.propagate = False

ASSETS = Path(__file__).parent / "assets"
STYLESHEET = "assets/showcase/showcase.css"
SCRIPT = "assets/showcase/feedback.js"  # sends the form in the background, when JavaScript runs
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html")


class _AsWritten(config_options.BaseConfigOption[Any]):
    """Passes an option through as written; ``settings_from`` checks it."""

    def run_validation(self, value: object) -> Any:
        return value


# One option per field of ``Settings``: the options are declared there, once.
ShowcaseConfig = type("ShowcaseConfig", (base.Config,), {
    "enabled": config_options.Type(bool, default=True),
    **{name: config_options.Optional(_AsWritten()) for name in OPTION_NAMES},
})


class ShowcasePlugin(BasePlugin[ShowcaseConfig]):
    """Case studies, vocabularies and toolkits as MkDocs pages."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.project: Project | None = None
        self.catalogue: Catalogue | None = None
        self.problems = Problems()

    # Remember whether we serve (drafts shown, errors reported) or build.
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

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
        include_drafts = settings.drafts == "show" or (settings.drafts == "auto" and serving)
        self.catalogue, self.problems = load_catalogue(self.project, include_drafts)
        self._report(serving)
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if config.nav is None and settings.build_nav:
            config.nav = build_nav(self.catalogue, settings, self.project.docs_dir)
        config.extra_css.insert(0, STYLESHEET)
        if settings.feedback.backend == "receiver":
            config.extra_javascript.append(SCRIPT)
        return config

    # Rebuild when a case or the taxonomy changes, not only the docs folder.
    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        if self.project is not None:
            server.watch(str(self.project.cases_dir))
            server.watch(str(self.project.taxonomy_file))
        return server

    # Add the generated pages, and replace toolkit files with their full pages.
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.catalogue is None or self.project is None:
            return files
        notices = [p.format() for p in self.problems.sorted()] if self.command == "serve" else []
        rendered = render_site(self.catalogue, self.project.settings, notices,
                               site_url=config.site_url or "", directory_urls=config.use_directory_urls)
        for static in rendered.static_files:
            files.append(File.generated(config, static.dest_uri, abs_src_path=str(static.source)))
        for page in rendered.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                existing.content_string = page.markdown
            else:
                inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
                files.append(File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion))
        for asset in (STYLESHEET, SCRIPT):
            if files.get_file_from_path(asset) is None:
                files.append(File.generated(config, asset, abs_src_path=str(ASSETS / Path(asset).name)))
        # The pages now hold everything; the catalogue (a copy of every case) can go.
        self.catalogue = None
        return files

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
                serve_log.warning("Pages with errors are left out until they are fixed; "
                                  "the home page lists the problems too.")
            return
        loggers = {Severity.WARNING: log.warning, Severity.NOTE: log.info}
        for problem in self.problems.sorted():
            loggers[problem.severity](problem.format())
