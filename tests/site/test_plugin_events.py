"""The plugin's event handlers read in the order MkDocs calls them.

The order is not written down here: it is recorded from MkDocs itself, by
running its own `mkdocs serve` (with a stand-in for the web server) on a
one-page site and noting each event as its ``PluginCollection`` runs it.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands import serve as mkdocs_serve
from mkdocs.plugins import EVENTS, PluginCollection

from generator.plugin import ShowcasePlugin


class _Server:
    """Takes the place of MkDocs' live-reload server: no port, and `serve` returns at once."""

    def __init__(self, **_: Any) -> None:
        self.error_handler = None

    def watch(self, *_: Any, **__: Any) -> None:
        pass

    def serve(self, **_: Any) -> None:
        pass

    def shutdown(self, **_: Any) -> None:
        pass


class _Stop(Exception):
    """Fails the build on purpose, to see when ``build_error`` comes."""


def _served(root: Path, monkeypatch: pytest.MonkeyPatch, fail_at: str | None = None) -> list[str]:
    """Every event MkDocs runs for `mkdocs serve` of a one-page site, first occurrences, in order."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\nText.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Events\nplugins: []\n", encoding="utf-8")
    seen: list[str] = []
    run_event = PluginCollection.run_event

    def recording(self: PluginCollection, name: str, *args: Any, **kwargs: Any) -> Any:
        if name not in seen:
            seen.append(name)
        if name == fail_at:
            raise _Stop(name)
        return run_event(self, name, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(PluginCollection, "run_event", recording)
        patched.setattr(mkdocs_serve, "LiveReloadServer", _Server)
        try:
            mkdocs_serve.serve(config_file=str(root / "mkdocs.yml"))
        except _Stop:
            assert fail_at is not None
    return seen


def mkdocs_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """MkDocs' events in the order it runs them; ``build_error`` where a failed build runs it."""
    order = _served(tmp_path / "served", monkeypatch)
    failed = _served(tmp_path / "failed", monkeypatch, fail_at="post_build")
    for index, name in enumerate(failed):
        if name not in order:  # only a failed build runs it: just after the event before it
            order.insert(order.index(failed[index - 1]) + 1, name)
    return order


def _handlers() -> list[str]:
    """The plugin's event handlers as the class lists them."""
    return [name for name in vars(ShowcasePlugin) if name.startswith("on_")]


def test_the_handlers_come_in_the_order_mkdocs_calls_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order = mkdocs_order(tmp_path, monkeypatch)
    assert set(order) <= set(EVENTS)
    assert order[0] == "startup" and order[-1] == "shutdown"
    assert order.index("build_error") == order.index("post_build") + 1
    handlers = [name[3:] for name in _handlers()]
    assert set(handlers) <= set(order), set(handlers) - set(order)
    assert handlers == [name for name in order if name in handlers]


def test_each_handler_is_led_by_one_line_saying_what_it_does() -> None:
    for name in _handlers():
        comment = inspect.getcomments(getattr(ShowcasePlugin, name)) or ""
        assert comment.startswith("# ") and comment.count("\n") == 1, f"{name}: {comment!r}"
