"""The projects the benchmark builds, all from the same synthetic cases.

- ``showcase``: the repository's mkdocs.yml, taxonomy and docs/, plus N cases.
- ``plain``: what a user would do instead of Showcase. Each case's own
  Markdown (its title as the h1, then its sections) as an ordinary page under
  ``cases/``, left out of the navigation, the repository's docs/ as they are,
  Material with its built-in search, no Showcase plugin.
- ``same``: Showcase's own pages written out as ordinary files (the plugin's
  ``on_config`` and ``on_files`` run in process and say what to write), built
  by plain MkDocs + Material with the built-in search. The generated blocks,
  which Showcase joins to the converted prose after Markdown, are joined into
  the Markdown here as raw HTML, so this build makes Python-Markdown read
  HTML that Showcase never gives it: it isolates the core's cost, and costs
  the plain build more than Showcase.
- ``hugo``: the same prose as ``plain`` (and the docs pages) built by Hugo
  with the minimal layout below.
"""
from __future__ import annotations

import copy
import json
import shutil
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from core.project import PLUGIN_NAME, Project, load_project  # noqa: E402

try:
    from generator.blocks import PLACEHOLDER as _PLACEHOLDER
except ImportError:  # before generated markup moved out of the Markdown
    import re

    _PLACEHOLDER = re.compile(r"(?!)")

from synth import CaseWriter  # noqa: E402  (bench/ is the script's folder)

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _Loader = yaml.SafeLoader

# The settings a plugin may change in on_config that shape the pages.
_PLUGIN_CHANGES = ("nav", "extra_css", "extra_javascript", "markdown_extensions", "mdx_configs",
                   "extra", "extra_templates", "watch")

HUGO_LAYOUT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main>{{ .Content }}</main>
</body>
</html>
"""


@dataclass(frozen=True)
class CaseProse:
    """One case as its author wrote it: the title and the Markdown of its sections."""

    slug: str
    title: str
    body: str

    @property
    def markdown(self) -> str:
        return f"# {self.title}\n\n{self.body.lstrip()}"


def read_case(path: Path) -> CaseProse:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return CaseProse(path.stem, path.stem, text)
    end = text.index("\n---\n", 3)
    meta = yaml.load(text[4:end], Loader=_Loader) or {}
    return CaseProse(path.stem, str(meta.get("title") or path.stem), text[end + 5:])


def _written_config(project: Project) -> dict[str, Any]:
    return yaml.load(project.config_file.read_text(encoding="utf-8"), Loader=_Loader) or {}


def _without_showcase(plugins: Any) -> list[Any]:
    """The plugins list of mkdocs.yml without Showcase, with Material's search on."""
    if isinstance(plugins, dict):
        plugins = [{k: v} if v else k for k, v in plugins.items()]
    kept = [p for p in plugins or [] if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)]
    names = {p if isinstance(p, str) else next(iter(p)) for p in kept}
    return kept if "search" in names else ["search", *kept]


def _plain_theme(theme: Any) -> Any:
    """The theme as written, without an override folder inside generator/ (Showcase's own)."""
    if isinstance(theme, dict) and "custom_dir" in theme:
        custom = (REPO / str(theme["custom_dir"])).resolve()
        if REPO / "generator" in custom.parents or custom == REPO / "generator":
            theme = {k: v for k, v in theme.items() if k != "custom_dir"}
    return theme


def _absolute_theme_dir(written: dict[str, Any]) -> None:
    """A relative ``custom_dir`` still points into the repository from the copied project."""
    theme = written.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir") and not Path(theme["custom_dir"]).is_absolute():
        theme["custom_dir"] = str((REPO / theme["custom_dir"]).resolve())


def _write_yaml(path: Path, value: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(value, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- Showcase ------------------------------------------------------------------

def make_showcase_project(target: Path, cases: int, seed: int) -> Project:
    """mkdocs.yml, the taxonomy and docs/ from the repository, and ``cases`` synthetic cases."""
    target.mkdir(parents=True)
    written = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    _absolute_theme_dir(written)
    _write_yaml(target / "mkdocs.yml", written)
    shutil.copytree(REPO / "docs", target / "docs")
    project, problems = load_project(target / "mkdocs.yml")
    if project is None or problems.errors:
        sys.exit("The repository's mkdocs.yml cannot be read:\n" + problems.report())
    project.cases_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / project.settings.taxonomy, project.taxonomy_file)
    taxonomy = yaml.load(project.taxonomy_file.read_text(encoding="utf-8"), Loader=_Loader)
    writer = CaseWriter(taxonomy, [s.title for s in project.settings.sections], seed)
    writer.write(project.cases_dir, cases)
    return project


def case_prose(project: Project) -> list[CaseProse]:
    return [read_case(path) for path in sorted(project.cases_dir.glob("*.md"))]


# --- plain MkDocs + Material on the same prose ----------------------------------

def make_plain_project(project: Project, prose: list[CaseProse], target: Path) -> None:
    """The authors' Markdown as ordinary pages out of the navigation, the docs as they are."""
    target.mkdir(parents=True)
    shutil.copytree(REPO / "docs", target / "docs")
    cases = target / "docs" / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    for case in prose:
        (cases / f"{case.slug}.md").write_text(case.markdown, encoding="utf-8")
    written = _written_config(project)
    written["plugins"] = _without_showcase(written.get("plugins"))
    if "theme" in written:
        written["theme"] = _plain_theme(written["theme"])
    written["docs_dir"] = "docs"
    written["not_in_nav"] = "/cases/*.md\n"
    _write_yaml(target / "mkdocs.yml", written)


# --- Showcase's pages as ordinary files -------------------------------------------

def not_in_nav_patterns(pages: list[tuple[str, bool]]) -> str:
    """Gitignore-style patterns (MkDocs' ``not_in_nav``) for the out-of-nav pages.

    ``pages`` are (src_uri, in_nav). One ``/folder/*.md`` per folder, then
    ``!/page.md`` for its in-nav pages, rather than thousands of single paths
    that MkDocs would match one by one.
    """
    folder = lambda uri: uri.rsplit("/", 1)[0] if "/" in uri else ""  # noqa: E731
    folders = sorted({folder(uri) for uri, in_nav in pages if not in_nav and folder(uri)})
    lines = [f"/{f}/*.md" for f in folders]
    lines += [f"!/{uri}" for uri, in_nav in pages if in_nav and folder(uri) in folders]
    lines += [f"/{uri}" for uri, in_nav in pages if not in_nav and not folder(uri)]
    return "\n".join(lines) + "\n"


def _as_yaml(value: Any) -> Any:
    """A value of MkDocs' loaded config as mkdocs.yml would write it."""
    from mkdocs.config.config_options import ExtraScriptValue

    if isinstance(value, ExtraScriptValue):
        written: dict[str, Any] = {"path": value.path}
        written.update({k: v for k, v in (("type", value.type), ("defer", value.defer),
                                           ("async", value.async_)) if v})
        return written if len(written) > 1 else value.path
    if isinstance(value, (list, tuple)):
        return [_as_yaml(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_yaml(v) for k, v in value.items()}
    return value


def _blocks_of(file: Any, plugin: Any) -> dict[str, str]:
    """The HTML blocks the plugin keeps for this page (on the file, or in a table by src_uri), if any."""
    for holder in (file, getattr(file, "source", None), getattr(file, "page_source", None)):
        blocks = getattr(holder, "blocks", None)
        if isinstance(blocks, dict):
            return blocks
    for name in ("blocks", "_blocks", "page_blocks"):
        table = getattr(plugin, name, None)
        if isinstance(table, dict) and isinstance(table.get(file.src_uri), dict):
            return table[file.src_uri]
    return {}


def _rendered_blocks(plugin: Any, config: Any) -> dict[str, dict[str, str]]:
    """Every page's blocks from the core itself, rendered as the plugin renders them for a build.

    The blocks are keyed by placeholders that carry a digest of the page's
    Markdown, so they match the plugin's pages whenever the core renders the
    same Markdown.
    """
    from generator.load import load_catalogue
    from generator.render import render_site

    catalogue, _ = load_catalogue(plugin.project, include_drafts=False)
    rendered = render_site(catalogue, plugin.project.settings, [], site_url=config.site_url or "",
                           directory_urls=config.use_directory_urls)
    return {page.src_uri: dict(getattr(page, "blocks", {}) or {}) for page in rendered.pages}


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Unclosed(HTMLParser):
    """Finds the start tags a block of HTML leaves open (a wrapper that a later block closes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[tuple[str, tuple[int, int]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append((tag, self.getpos()))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


def _markdown_inside_wrappers(html: str) -> str:
    """``html`` with ``markdown="1"`` on each element it opens and leaves open.

    Showcase's case and chapter pages are wrapped in one element (it carries
    ``data-pagefind-body``) that opens in the first block and closes in the
    last, around the author's Markdown. Written into a Markdown file, such an
    opening tag would make Python-Markdown take everything up to its closing
    tag as raw HTML, the prose included; ``markdown="1"`` (md_in_html) has it
    convert the prose inside, as it would in a hand-written page.
    """
    finder = _Unclosed()
    finder.feed(html)
    finder.close()
    if not finder.open:
        return html
    starts = [0]
    for line in html.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for tag, (line, column) in reversed(finder.open):
        at = starts[line - 1] + column + 1 + len(tag)  # just after "<tag"
        html = html[:at] + ' markdown="1"' + html[at:]
    return html


def joined_markdown(markdown: str, blocks: dict[str, str]) -> str:
    """The page's Markdown with each block in place of its placeholder, as raw HTML.

    ``blocks`` is keyed by placeholder, as the core makes it. A block stands
    on its own lines with blank lines around it, so that Python-Markdown
    takes it as one raw HTML block and passes it through, as MkDocs did with
    this generated markup before it was taken out of the Markdown.
    """
    for placeholder, html in blocks.items():
        if placeholder not in markdown:
            raise SystemExit(f"bench: the placeholder {placeholder!r} is not in its page's Markdown; "
                             "bench/projects.py needs to follow generator/blocks.py.")
        markdown = markdown.replace(placeholder, f"\n\n{_markdown_inside_wrappers(html.strip())}\n\n")
    return markdown


def make_same_output_project(project: Project, target: Path) -> int:
    """Showcase's pages as ordinary Markdown files, built without the plugin; returns the page count.

    The plugin itself says what to write: its ``on_config`` (what it adds to
    the configuration) and its ``on_files`` (every page and asset it makes or
    rewrites), run here in process as ``mkdocs build`` runs them: through the
    configuration's plugin collection (``config.plugins.on_startup``,
    ``on_config``, ``on_files``, ``on_shutdown``), the very calls ``mkdocs
    build`` makes. The collection also names the plugin whose event is running,
    which ``File.generated`` records as the file's ``generated_by``; mkdocs.yml
    lists only Showcase, so only its events run.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import InclusionLevel, get_files

    config = load_config(str(project.config_file))
    plugin = config.plugins[PLUGIN_NAME]
    config.plugins.on_startup(command="build", dirty=False)
    before = {key: copy.deepcopy(config[key]) for key in _PLUGIN_CHANGES}
    try:
        config = config.plugins.on_config(config)  # stops on errors in the cases, as a build does
        files = config.plugins.on_files(get_files(config), config=config)
    except PluginError as error:
        sys.exit(f"The synthetic cases do not build (a bug in bench/synth.py?):\n{error}")

    target.mkdir(parents=True)
    shutil.copytree(project.docs_dir, target / "docs")
    pages: list[tuple[str, bool]] = []
    core_blocks: dict[str, dict[str, str]] | None = None
    for file in files:
        if file.is_documentation_page():
            pages.append((file.src_uri, file.inclusion != InclusionLevel.NOT_IN_NAV))
        if file.generated_by or file.is_documentation_page():
            path = target / "docs" / file.src_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            blocks = _blocks_of(file, plugin) if file.is_documentation_page() else {}
            if not blocks and file.is_documentation_page() and _PLACEHOLDER.search(file.content_string):
                if core_blocks is None:
                    core_blocks = _rendered_blocks(plugin, config)
                blocks = core_blocks.get(file.src_uri, {})
            if blocks:
                path.write_text(joined_markdown(file.content_string, blocks), encoding="utf-8")
            elif file.is_documentation_page() and _PLACEHOLDER.search(file.content_string):
                raise SystemExit(f"bench: {file.src_uri} has block placeholders but bench/projects.py "
                                 "cannot find its blocks; it needs to follow generator/plugin.py.")
            else:
                path.write_bytes(file.content_bytes)
    config.plugins.on_shutdown()

    written = _written_config(project)
    written["plugins"] = _without_showcase(written.get("plugins"))
    if "theme" in written:
        written["theme"] = _plain_theme(written["theme"])
    for key in _PLUGIN_CHANGES:
        if config[key] == before[key]:
            continue
        if key == "markdown_extensions":  # keep the options as written; add what the plugin added
            extensions = written.setdefault(key, [])
            names = {e if isinstance(e, str) else next(iter(e)) for e in extensions}
            extensions += [e for e in config[key] if e not in names]
        else:
            written[key] = _as_yaml(config[key])
    written["not_in_nav"] = not_in_nav_patterns(pages)
    written["docs_dir"] = "docs"
    _write_yaml(target / "mkdocs.yml", written)
    return len(pages)


# --- Hugo ------------------------------------------------------------------------

def make_hugo_project(project: Project, prose: list[CaseProse], target: Path) -> None:
    """The same prose as the plain project, as Hugo content with a one-file layout."""
    content = target / "content"
    (content / "cases").mkdir(parents=True)
    for case in prose:
        (content / "cases" / f"{case.slug}.md").write_text(
            f"---\ntitle: {json.dumps(case.title)}\n---\n{case.markdown}", encoding="utf-8")
    for page in (REPO / "docs").rglob("*.md"):
        relative = page.relative_to(REPO / "docs")
        if relative.name == "index.md":  # Hugo's section page; index.md would make a leaf bundle
            relative = relative.with_name("_index.md")
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, content / relative)
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(HUGO_LAYOUT, encoding="utf-8")
    title = _written_config(project).get("site_name", "Showcase")
    (target / "hugo.toml").write_text(
        f'baseURL = "http://127.0.0.1/"\ntitle = {json.dumps(title)}\nlanguageCode = "en"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        "[markup.goldmark.renderer]\nunsafe = true\n", encoding="utf-8")
