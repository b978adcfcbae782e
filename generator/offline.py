"""The offline edition (issue 10, §5): the whole site in one zip that works opened
from the file system, for readers with no internet, such as prison education departments.

It is the project's own ``mkdocs.yml`` built once more with a few changes, so the
two editions never drift apart. A generated configuration ``INHERIT``s it and sets:

- ``use_directory_urls: false``: links go to ``page.html``, which a browser opens
  from a folder; ``cases/a/`` would show a file listing, or nothing.
- Material's ``search`` and ``offline`` plugins in place of Pagefind: Pagefind
  fetches its index, which browsers refuse from ``file://``; Material's offline
  plugin inlines the index into a script, and its search runs in a worker that
  the iframe-worker shim makes work from ``file://``.
- Showcase's ``search: off`` and ``feedback: backend: offline``: the forms become
  a note on how to send feedback, since nothing can be sent from the file system.
- ``extra: polyfills:`` naming a copy of the shim inside the site. Material's
  offline plugin would otherwise add ``https://unpkg.com/iframe-worker/shim``, a
  request to another host, which a computer with no internet cannot make anyway.

The configuration is written beside ``mkdocs.yml`` (a hidden file, removed after the
build and ignored by git), not in a temporary folder: MkDocs resolves ``docs_dir``,
``theme.custom_dir``, ``hooks`` and Showcase's own folders against the folder of the
configuration it is given, so only there do they all mean what ``mkdocs.yml`` means.

MkDocs is run as a command, as ``make build`` runs it; only generator/plugin.py imports it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.project import PLUGIN_NAME

REPO = Path(__file__).resolve().parent.parent
# The shim from the npm package iframe-worker (package.json; `make node_modules/.installed`):
# the project's own node_modules, else those of the Showcase checkout this module is in.
SHIM_IN_NODE_MODULES = Path("node_modules") / "iframe-worker" / "shim" / "index.js"
SHIM = "assets/offline/iframe-worker-shim.js"  # where the site keeps its copy
# Plugins the edition lists itself; the parent's own entries for these are left out.
_OWN_PLUGINS = {"search", "material/search", "offline", "material/offline", PLUGIN_NAME}
# What no page of the edition may name: the hosts Material's offline plugin would load the shim from.
CDN_HOSTS = ("unpkg.com", "cdn.jsdelivr.net")
BUILD_TIMEOUT = 600  # seconds


class OfflineError(Exception):
    """Why the offline edition could not be made, in plain English with what to do next."""


class _Tagged:
    """A YAML value with a custom tag (``!ENV``, ``!!python/name:``), written back as it was read."""

    def __init__(self, tag: str, node: yaml.Node) -> None:
        self.tag, self.node = tag, node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _keep_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    return _Tagged(node.tag, node)


_Loader.add_multi_constructor("!", _keep_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _keep_tag)
_Dumper.add_representer(_Tagged, lambda dumper, value: value.node)


def _entries(plugins: Any) -> list[tuple[str, Any]]:
    """``plugins:`` as (name, options) pairs, whether written as a list or a mapping."""
    if isinstance(plugins, dict):
        return list(plugins.items())
    pairs: list[tuple[str, Any]] = []
    for item in plugins or []:
        if isinstance(item, dict) and item:
            pairs.append(next(iter(item.items())))
        else:
            pairs.append((str(item), None))
    return pairs


def offline_config(config_file: Path) -> str:
    """The edition's configuration: ``INHERIT: mkdocs.yml`` and what the edition changes.

    MkDocs merges mappings with the parent's (``extra``, ``theme``) but replaces lists,
    so ``plugins:`` is written out whole: Material's search and offline plugins, Showcase
    with its options as in ``mkdocs.yml`` but for search and feedback, and every other
    plugin the site lists, unchanged.
    """
    try:
        parent = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as error:
        raise OfflineError(f"{config_file} could not be read ({error}). Run `make build` first: "
                           "it says what to fix in it.") from None
    if not isinstance(parent, dict):
        raise OfflineError(f"{config_file} is empty. Add `site_name:` and the `plugins:` list.")
    entries = _entries(parent.get("plugins"))
    if PLUGIN_NAME not in (name for name, _ in entries):
        raise OfflineError(f"The `showcase` plugin is not listed in {config_file.name}. "
                           "Add `- showcase` under `plugins:`.")
    showcase = next(options for name, options in entries if name == PLUGIN_NAME)
    options: dict[str, Any] = dict(showcase) if isinstance(showcase, dict) else {}
    options["search"] = "off"
    options["feedback"] = {**dict(options.get("feedback") or {}), "backend": "offline"}
    # The edition's pages are files, but its citations and canonical addresses name the published pages.
    options["online_urls"] = "files" if parent.get("use_directory_urls") is False else "folders"
    plugins: list[Any] = ["search", "offline", {PLUGIN_NAME: options}]
    plugins += [name if value is None else {name: value} for name, value in entries if name not in _OWN_PLUGINS]
    extra: dict[str, Any] = parent["extra"] if isinstance(parent.get("extra"), dict) else {}
    polyfills = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
    config = {
        "INHERIT": config_file.name,
        "use_directory_urls": False,
        "plugins": plugins,
        "extra": {"polyfills": [*polyfills, SHIM]},
    }
    header = (f"# The offline edition of {config_file.name}, written by generator/offline.py for one build\n"
              "# and then removed. Change mkdocs.yml, not this.\n")
    return header + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


@dataclass(frozen=True)
class Edition:
    """What was made: the zip, and how many pages it holds."""

    zip_file: Path
    pages: int

    def describe(self) -> str:
        return (f"Wrote {self.zip_file} ({self.pages} pages, {self.zip_file.stat().st_size / 1_000_000:.1f} MB).\n"
                "    Unzip it and open index.html in a web browser: it needs no internet.")


def find_shim(root: Path) -> Path | None:
    """The iframe-worker shim for the project in ``root``, if npm has installed it."""
    return next((folder / SHIM_IN_NODE_MODULES for folder in (root, REPO)
                 if (folder / SHIM_IN_NODE_MODULES).is_file()), None)


def build_site(config_file: Path, site_dir: Path, *, shim: Path | None = None,
               timeout: float = BUILD_TIMEOUT) -> int:
    """Build the edition into ``site_dir``, with the shim copied in; the number of pages."""
    root = config_file.resolve().parent
    shim = shim or find_shim(root)
    if shim is None or not shim.is_file():
        raise OfflineError(f"The iframe-worker shim is missing ({shim or root / SHIM_IN_NODE_MODULES}), and the "
                           "offline search needs it. Install it with npm in the site's folder: "
                           "`npm install iframe-worker` (in Showcase's own checkout, "
                           "`make node_modules/.installed`), then try again.")
    handle, name = tempfile.mkstemp(prefix=".showcase-offline-", suffix=".yml", dir=root)
    generated = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(offline_config(config_file.resolve()))
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(generated),
                   "--site-dir", str(site_dir)]
        try:
            result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                                    timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise OfflineError(f"The offline build took longer than {timeout:.0f} seconds and was stopped. "
                               "Run `make build` to see whether the site itself builds.") from None
    finally:
        generated.unlink(missing_ok=True)
    if result.returncode != 0:
        said = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])  # the end says why
        raise OfflineError("The offline edition did not build. MkDocs said:\n"
                           f"{said}\n"
                           "    Fix what it names (`make build` shows the same problems), then try again.")
    target = site_dir / SHIM
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shim, target)
    pages = [p for p in sorted(site_dir.rglob("*.html")) if p.relative_to(site_dir).as_posix() not in LEFT_OUT]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for host in CDN_HOSTS:
            if host in text:
                raise OfflineError(f"{page.relative_to(site_dir)} still names {host}, which a computer with no "
                                   "internet cannot reach. Please report this to the site's maintainers.")
    return len(pages)


# Only a web server shows the 404 page, and its links start at the server's root
# (/assets/...) so that it works at any depth: from the file system they open nothing.
LEFT_OUT = frozenset({"404.html"})


def write_zip(site_dir: Path, zip_file: Path) -> None:
    """The built site as a zip, index.html at its top, written whole or not at all."""
    partial = zip_file.with_name(zip_file.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site_dir.rglob("*")):
            if path.is_file() and path.relative_to(site_dir).as_posix() not in LEFT_OUT:
                archive.write(path, path.relative_to(site_dir).as_posix())
    partial.replace(zip_file)


def build_offline(config_file: Path, zip_file: Path, *, shim: Path | None = None,
                  timeout: float = BUILD_TIMEOUT) -> Edition:
    """``make offline``: the edition of ``config_file``'s site, as ``zip_file``."""
    with tempfile.TemporaryDirectory(prefix="showcase-offline-") as folder:
        site_dir = Path(folder) / "site"
        pages = build_site(config_file, site_dir, shim=shim, timeout=timeout)
        write_zip(site_dir, zip_file)
    return Edition(zip_file, pages)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.offline",
                                     description="Write the offline edition of the site as a zip.")
    parser.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml (default: mkdocs.yml)")
    parser.add_argument("--output", default="offline.zip", help="the zip to write (default: offline.zip)")
    args = parser.parse_args(argv)
    config_file = Path(args.config)
    if not config_file.is_file():
        print(f"There is no {config_file}. Run this from your Showcase project folder, or give --config.")
        return 1
    print("Building the offline edition ...", flush=True)
    try:
        edition = build_offline(config_file, Path(args.output))
    except OfflineError as error:
        print(f"No offline edition was written. {error}")
        return 1
    print(edition.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
