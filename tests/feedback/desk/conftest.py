"""The desk's app on a copy of the example site, driven with Flask's test client."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from core.form import choices_for
from core.problems import Problems
from core.project import Project, load_project
from core.taxonomy import read_taxonomy
from feedback.desk.app import DeskConfig, create_app
from feedback.desk.guard import Guard
from feedback.desk.site import Site
from feedback.erase import KnownSources
from feedback.store import Store
from generator.form_pages import pages_with_forms

from .helpers import DeskProject, desk_project

ORIGIN = "http://localhost"  # Flask's test client asks for http://localhost/
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def loaded(project: Path) -> Project:
    found, problems = load_project(project / "mkdocs.yml")
    assert found is not None, problems.report()
    return found


def desk_config(made: DeskProject, guard: Guard | None = None) -> DeskConfig:
    project = loaded(made.project)
    choices = choices_for(read_taxonomy(project.taxonomy_file, "cases/taxonomy.yml", Problems()))
    return DeskConfig(made.store_path, Site(project, pages_with_forms, made.project / "data" / "feedback"),
                      guard or Guard.make("127.0.0.1", None),
                      lambda: KnownSources({}, "feedback/sources.yml", choices, "there is no such file"),
                      site_url="https://good-practice.example.gov.uk/", site_name=project.site_name)


@dataclass
class Desk:
    """A reviewer's browser session on the desk."""

    made: DeskProject
    client: Any
    csrf: str = ""  # the session's token, read once (reading a page shows, and so clears, its messages)

    def get(self, path: str, **kwargs: object):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | list, *, csrf: bool = True, origin: str | None = ORIGIN, **kwargs: object):
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if csrf:
            self.csrf = self.csrf or csrf_of(self.get("/").get_data(as_text=True))
            fields.append(("csrf_token", self.csrf))
        headers = {"Origin": origin} if origin else {}
        return self.client.post(path, data=urlencode(fields), headers=headers,
                                content_type="application/x-www-form-urlencoded", **kwargs)

    def status(self, key: str) -> str | None:
        store = Store(self.made.store_path)
        try:
            stored = store.get(self.made.ids[key])
        finally:
            store.close()
        return None if stored is None else stored.status


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    made = desk_project(tmp_path)
    app = create_app(desk_config(made))
    with app.test_client() as client:
        yield Desk(made, client)
