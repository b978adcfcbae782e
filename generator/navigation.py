"""The site's navigation: Home, Browse, the vocabularies, the toolkit, About.

Case pages and term pages stay out of it: every page carries the whole
navigation, so listing a thousand cases there made builds five times slower.
The result uses the nested-list form that MkDocs' ``nav:`` setting takes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.settings import Settings

from . import addresses
from .model import Catalogue

NavItem = Any  # a path, or {title: path or [items]}


def build_nav(catalogue: Catalogue, settings: Settings, docs_dir: Path) -> list[NavItem]:
    # With Material's navigation.indexes, a section's first index.md is the
    # section's own page: Browse is that page, and each vocabulary keeps its name.
    browse: list[NavItem] = [addresses.BROWSE]
    browse += [{v.title: addresses.vocabulary_page(v)} for v in catalogue.taxonomy.vocabularies]
    nav: list[NavItem] = [
        {settings.label("home_title"): addresses.HOME},
        {settings.label("browse_title"): browse},
    ]
    if catalogue.toolkits:
        toolkit_items: list[NavItem] = [addresses.toolkits_page(settings.toolkit_dir)]
        for toolkit in catalogue.toolkits:
            toolkit_items.append({toolkit.title: [toolkit.src_uri, *(c.src_uri for c in toolkit.chapters)]})
        nav.append({settings.label("toolkit"): toolkit_items})
    if catalogue.feedback is not None:
        nav.append({settings.label("feedback"): addresses.FEEDBACK})
    if (docs_dir / "about.md").is_file():
        nav.append({settings.label("about"): "about.md"})
    return nav
