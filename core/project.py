"""Finding a Showcase project: its ``mkdocs.yml``, folders and settings.

The command line reads ``mkdocs.yml`` itself (no MkDocs import), tolerating
the ``!!python/name:`` and ``!ENV`` tags that MkDocs configurations use.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.problems import Problems
from core.settings import Settings, settings_from
from core.yaml_nodes import describe_yaml_error

PLUGIN_NAME = "showcase"


class _TolerantLoader(yaml.SafeLoader):
    """Safe YAML that reads MkDocs' custom tags as empty values."""


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Project:
    """Where everything is. Paths shown to authors are relative to ``root``."""

    root: Path
    config_file: Path
    docs_dir: Path
    settings: Settings
    site_name: str = ""
    site_url: str = ""  # mkdocs.yml's `site_url`
    directory_urls: bool = True  # mkdocs.yml's `use_directory_urls`: pages at cases/a/, or at cases/a.html

    @property
    def cases_dir(self) -> Path:
        return self.root / self.settings.cases_dir

    @property
    def taxonomy_file(self) -> Path:
        return self.root / self.settings.taxonomy

    def shown(self, path: Path) -> str:
        """A path as an author would type it: relative to the project."""
        return shown_path(self.root, path)


def shown_path(root: Path, path: Path) -> str:
    """``path`` as an author would type it: relative to the project's ``root``, or as it is
    when it is outside. Both are resolved first, so a relative root, ``..`` or a symbolic
    link on the way to the project gives the same answer as the plain path."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# How a command finds its project: from ``--config`` or the nearest mkdocs.yml; None once it
# has printed why it could not.
ProjectLoader = Callable[[str | None], "Project | None"]


_NOT_LISTED = object()


def plugin_options(config: dict[str, Any]) -> Any:
    """The ``showcase`` plugin's options as written, or ``_NOT_LISTED``."""
    plugins = config.get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) and p else (p, {}) for p in plugins)
    for name, options in entries:
        if name == PLUGIN_NAME:
            return {} if options is None else options
    return _NOT_LISTED


def option_lines(text: str) -> dict[str, int]:
    """The line of each showcase option in ``mkdocs.yml`` ("" for the plugin itself)."""
    try:
        root = yaml.compose(text, Loader=_TolerantLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    plugins = next((v for k, v in root.value if k.value == "plugins"), None)
    pairs: list[tuple[yaml.Node, yaml.Node | None]] = []
    if isinstance(plugins, yaml.MappingNode):
        pairs = list(plugins.value)
    elif isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            pairs += list(item.value) if isinstance(item, yaml.MappingNode) else [(item, None)]
    for key, value in pairs:
        if key.value == PLUGIN_NAME:
            lines = {"": key.start_mark.line + 1}
            _key_lines(value, "", lines)
            return lines
    return {}


def _key_lines(node: yaml.Node | None, prefix: str, lines: dict[str, int]) -> None:
    """``{"feedback.backend": 12, ...}`` for every key under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[prefix + str(key.value)] = key.start_mark.line + 1
            _key_lines(value, f"{prefix}{key.value}.", lines)


def find_config(start: Path) -> Path | None:
    """``mkdocs.yml`` in ``start`` or the nearest folder above it."""
    for folder in [start, *start.parents]:
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def load_project(config_file: Path) -> tuple[Project | None, Problems]:
    """Read ``mkdocs.yml`` into a ``Project``, or say what stops that."""
    problems = Problems()
    shown = config_file.name
    try:
        text = config_file.read_text(encoding="utf-8-sig")
        config = yaml.load(text, Loader=_TolerantLoader)
    except OSError as error:
        problems.add(shown, None, f"The site configuration could not be read ({error.strerror}).",
                     "Run the command from the folder that holds mkdocs.yml.")
        return None, problems
    except yaml.YAMLError as error:
        described = describe_yaml_error(error)
        problems.add(shown, described.line, f"The site configuration is not valid YAML: {described.message}.",
                     "Check the indentation on this line and the one above it.")
        return None, problems
    if not isinstance(config, dict):
        problems.add(shown, 1, "The site configuration is empty.", "Add `site_name:` and the `plugins:` list.")
        return None, problems
    options = plugin_options(config)
    if options is _NOT_LISTED:
        problems.add(shown, None, "The `showcase` plugin is not listed in the site configuration.",
                     "Add `- showcase` under `plugins:` in mkdocs.yml.")
        return None, problems
    settings, found = settings_from(options, shown, option_lines(text))
    problems.extend(found)
    root = config_file.parent
    return Project(root=root, config_file=config_file, docs_dir=root / str(config.get("docs_dir") or "docs"),
                   settings=settings, site_name=str(config.get("site_name") or ""),
                   site_url=str(config.get("site_url") or ""),
                   directory_urls=config.get("use_directory_urls") is not False), problems
