"""`make serve` runs the receiver with `--site-url http://127.0.0.1:8000/` (issue 10, §4).

Once mkdocs.yml has a `site_url` (the published address, for canonical links and
citations), the receiver would otherwise accept forms only from that address, and
refuse every form on the site `make serve` shows at 127.0.0.1:8000."""
from __future__ import annotations

from pathlib import Path

from tests.builds import copy_example

from ..receivers import cli_receiver, valid_form

DEV = "http://127.0.0.1:8000/"


def test_the_serve_address_overrides_mkdocs_site_url(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    assert "\nsite_url: https://" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    with cli_receiver(project, tmp_path / "feedback.sqlite3", site_url=DEV,
                      extra_args=("--site-url", DEV)) as receiver:
        assert f"Receiving feedback for {DEV} " in receiver.log.read_text(encoding="utf-8")
        sent = receiver.post(valid_form(), headers={"Origin": DEV.rstrip("/")})
        assert sent.status_code == 303 and sent.headers["Location"].startswith(DEV), sent.text[:300]
        refused = receiver.post(valid_form(), headers={"Origin": "https://good-practice.example.gov.uk"})
        assert refused.status_code == 403
