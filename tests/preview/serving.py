"""`mkdocs serve` in a subprocess, and bounded polling of its pages."""
from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builds import BIN, quiet_env
from tests.processes import free_port, stop_process


def get(url: str) -> tuple[int, str]:
    """Status and body; 0 when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for(url: str, condition: Callable[[int, str], bool], seconds: float = 45) -> tuple[int, str]:
    """Poll ``url`` until ``condition(status, body)`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        last = get(url)
        if condition(*last):
            return last
        time.sleep(0.3)
    pytest.fail(f"{url} did not reach the expected state in {seconds} s (last status {last[0]})")


@dataclass
class Served:
    project: Path
    base: str  # http://127.0.0.1:port
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"


@contextmanager
def serve(project: Path, log: Path, *, dirty: bool) -> Iterator[Served]:
    """``mkdocs serve`` (``--dirty`` as `make serve` runs it) until the block ends."""
    port = free_port()
    command = [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"] + (["--dirty"] if dirty else [])
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=project, env=quiet_env(), stdout=output, stderr=subprocess.STDOUT)
        try:
            served = Served(project, f"http://127.0.0.1:{port}", log)
            wait_for(served.url("/"), lambda status, body: status == 200, seconds=90)
            yield served
        finally:
            stop_process(process)
