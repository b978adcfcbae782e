"""The live preview, measured as an author meets it.

Starts ``mkdocs serve --dirty`` (what ``make serve`` runs) on a free port of
127.0.0.1, waits for the first build, then several times appends a sentence to
one case file and polls that case's page over HTTP until the sentence is
there. The figure is the time from the file's write to the served page having
changed, which includes MkDocs noticing the change (its watcher polls every
0.5 s), the rebuild, and serving the page.

    .venv/bin/python bench/preview.py /tmp/m/p1000          # a project folder
    .venv/bin/python bench/preview.py --cases 1000          # a synthetic project, made here

``measure_preview`` is what bench/run.py calls.
"""
# (No `from __future__ import annotations`: bench/run.py loads this file without
# registering it as a module, and dataclasses then cannot resolve string annotations.)
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
for _path in (str(REPO), str(HERE)):
    if _path not in sys.path:
        sys.path.append(_path)

from core.slugs import slugify  # noqa: E402  (the case page's address, as the site makes it)

PAUSE_BETWEEN_EDITS = 2.0  # seconds: an author does not save twice in a breath
POLL_EVERY = 0.02  # seconds between requests while waiting for the page to change


class PreviewError(RuntimeError):
    """The server did not start, or the page did not change in time; the message has the log's end."""


@dataclass(frozen=True)
class PreviewResult:
    """Seconds from each save to the served page showing it, and the median."""

    seconds: list[float]
    median: float
    first_build_s: float  # from starting the server to its first page
    page: str  # the page polled
    rebuilt_pages: list[int] = field(default_factory=list)  # pages rebuilt per save, from the plugin's log
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)  # os.getloadavg() before measuring

    def describe(self) -> str:
        each = ", ".join(f"{s:.2f}" for s in self.seconds)
        rebuilt = f"; pages rebuilt per save: {', '.join(map(str, self.rebuilt_pages))}" if self.rebuilt_pages else ""
        return (f"live preview: median {self.median:.2f} s over {len(self.seconds)} saves ({each} s){rebuilt}; "
                f"first build {self.first_build_s:.1f} s; load average before {self.load_before[0]:.2f}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _case_to_edit(project: Path) -> Path:
    """The first case file by name, as bench/run.py's own edit takes it."""
    cases = sorted((project / "cases").glob("*.md"))
    if not cases:
        raise PreviewError(f"{project / 'cases'} has no case files to edit.")
    return cases[0]


def measure_preview(project: Path, edits: int = 3, timeout: float = 60, *,
                    start_timeout: float = 900) -> PreviewResult:
    """Serve ``project`` with ``--dirty`` and time ``edits`` saves of one case file.

    Every wait is bounded: ``start_timeout`` for the first build, ``timeout``
    for each save to show. The server is always stopped, and the case file is
    put back as it was.
    """
    project = Path(project).resolve()
    case = _case_to_edit(project)
    page = f"cases/{slugify(case.stem)}/"
    original = case.read_bytes()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    with tempfile.TemporaryDirectory(prefix="preview-") as scratch:
        log = Path(scratch) / "serve.log"
        with log.open("w") as output:
            started = time.perf_counter()
            server = subprocess.Popen(
                [str(BIN / "mkdocs"), "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}",
                 "--config-file", str(project / "mkdocs.yml")],
                cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT)
            try:
                deadline = started + start_timeout
                while _get(f"{base}/{page}")[0] != 200:
                    if server.poll() is not None:
                        raise PreviewError(f"`mkdocs serve` stopped (exit {server.returncode}):\n{_tail(log)}")
                    if time.perf_counter() > deadline:
                        raise PreviewError(f"{base}/{page} did not answer within {start_timeout:.0f} s:\n{_tail(log)}")
                    time.sleep(0.2)
                first_build = time.perf_counter() - started
                load = os.getloadavg()
                seconds = []
                for number in range(edits):
                    time.sleep(PAUSE_BETWEEN_EDITS)
                    sentence = f"Preview check {uuid.uuid4().hex[:12]} number {number + 1}."
                    with case.open("a", encoding="utf-8") as file:
                        file.write(f"\n{sentence}\n")
                    written = time.perf_counter()
                    while sentence not in _get(f"{base}/{page}")[1]:
                        if time.perf_counter() - written > timeout:
                            raise PreviewError(f"{base}/{page} did not show the edit within {timeout:.0f} s:\n"
                                               f"{_tail(log)}")
                        time.sleep(POLL_EVERY)
                    seconds.append(time.perf_counter() - written)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(timeout=15)
                case.write_bytes(original)
        rebuilt = [int(n.replace(",", "")) for n in
                   re.findall(r"Rebuilt ([\d,]+) of [\d,]+ generated pages", log.read_text(errors="replace"))]
    return PreviewResult(seconds=seconds, median=statistics.median(seconds), first_build_s=first_build,
                         page=page, rebuilt_pages=rebuilt[1:], load_before=load)  # [0] is the first build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", nargs="?", type=Path, help="a project folder (with mkdocs.yml and cases/)")
    parser.add_argument("--cases", type=int, help="make a synthetic project of this many cases instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60, help="seconds each save may take to show")
    args = parser.parse_args(argv)
    if (args.project is None) == (args.cases is None):
        parser.error("give a project folder or --cases, not both")
    with tempfile.TemporaryDirectory(prefix="preview-project-") as scratch:
        project = args.project
        if project is None:
            from projects import make_showcase_project  # bench/projects.py

            project = make_showcase_project(Path(scratch) / "showcase", args.cases, args.seed).root
        try:
            result = measure_preview(project, args.edits, args.timeout)
        except PreviewError as error:
            print(f"preview: {error}", file=sys.stderr)
            return 1
    print(result.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
