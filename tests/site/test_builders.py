"""ProperDocs builds the same site; the generator core stays free of MkDocs."""
from __future__ import annotations

import subprocess
import sys

from tests.builds import REPO

from .sites import Built, CaseInfo, article, text_of


def _h2s(built: Built, url: str) -> list[str]:
    return [text_of(h) for h in article(built.soup(url)).find_all("h2")]


def test_properdocs_builds_an_equivalent_site(example: Built, properdocs_example: Built,
                                              example_cases: list[CaseInfo]) -> None:
    def pages(site):
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))

    assert pages(properdocs_example.site) == pages(example.site)
    for case in example_cases:
        assert (properdocs_example.site / "cases" / case.slug / "index.html").is_file()
        assert _h2s(properdocs_example, case.url) == _h2s(example, case.url), case.slug
        assert text_of(article(properdocs_example.soup(case.url)).find("h1")) == case.title
        assert text_of(article(properdocs_example.soup(case.url)).select_one("aside.sc-meta")) \
            == text_of(article(example.soup(case.url)).select_one("aside.sc-meta"))
    for url in ("", "cases/", "themes/", "toolkit/"):
        assert text_of(article(properdocs_example.soup(url))) == text_of(article(example.soup(url))), url


def test_generator_core_does_not_import_mkdocs() -> None:
    code = """
import pkgutil, importlib, sys, json
import generator
names = sorted(m.name for m in pkgutil.walk_packages(generator.__path__, "generator."))
imported = [n for n in names if n != "generator.plugin"]
for name in imported:
    importlib.import_module(name)
print(json.dumps({"imported": imported,
                  "mkdocs": sorted(m for m in sys.modules
                                   if m == "mkdocs" or m.startswith(("mkdocs.", "material", "properdocs")))}))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    import json
    found = json.loads(result.stdout)
    assert {"generator.render", "generator.load", "generator.read.cases", "generator.cli"} <= set(found["imported"])
    assert found["mkdocs"] == []


def test_the_plugin_declares_every_setting_and_no_other() -> None:
    from mkdocs.config.config_options import BaseConfigOption

    from core.settings import OPTION_NAMES
    from generator.plugin import ShowcaseConfig

    declared = {name for name, value in vars(ShowcaseConfig).items() if isinstance(value, BaseConfigOption)}
    assert declared == {"enabled", *OPTION_NAMES}
