"""The attacks of issue 8 on the receiver, each tried over real HTTP on 127.0.0.1."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import SITE_URL
from ..receivers import TOKEN, Receiver, cli_receiver


@pytest.fixture(scope="module")
def cli(receiver_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    """``showcase feedback serve --rate-limit 0`` with the API token set, as an operator runs it."""
    db = tmp_path_factory.mktemp("attacked") / "feedback.sqlite3"
    with cli_receiver(receiver_project, db, token=TOKEN, rate_limit=0, site_url=SITE_URL) as receiver:
        yield receiver
