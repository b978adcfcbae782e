"""Measuring one build: wall time, peak memory of its whole process tree, and what it wrote.

GNU time's "maximum resident set size" is per process: a Showcase build runs
the pagefind binary as a child process, and that child's memory is part of
what the build costs. So a build runs in its own session and a thread samples
the tree every ``SAMPLE_SECONDS``: the build process, its children and theirs
(``/proc/PID/task/*/children``), adding up each one's resident set
(``/proc/PID/statm``). The peak of that sum is the figure reported. A spike
shorter than the sampling interval could be missed, so the figure is never
less than the largest single process's own peak, which the kernel keeps
exactly (``wait4``'s ``ru_maxrss``). Shared pages (libc, say) count once in
each process, as ``ps`` and ``top`` count them.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

SAMPLE_SECONDS = 0.05
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    """One build: wall seconds, peak memory of its process tree, and its output's tail."""

    seconds: float
    rss_mb: float
    returncode: int
    output: str = ""
    processes: int = 1  # how many processes the tree held at most

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("WARNING")]


def _children(pid: int) -> list[int]:
    """Direct children of ``pid``, from every one of its threads (a thread forks its own)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as file:
                found += [int(p) for p in file.read().split()]
        except OSError:
            continue
    return found


def _resident_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as file:
            return int(file.read().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0  # it has just ended


@dataclass
class _TreeSampler:
    """Samples the summed resident memory of a process and its descendants until stopped."""

    root: int
    peak_bytes: int = 0
    most_processes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += _children(pid)
        total = sum(_resident_bytes(pid) for pid in tree)
        self.peak_bytes = max(self.peak_bytes, total)
        self.most_processes = max(self.most_processes, len(tree))

    def run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()

    def stop(self) -> None:
        self._stop.set()


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None,
                 timeout: float | None = None) -> Run:
    """Run ``command`` to its end; its wall time and the peak memory of its process tree."""
    with open(os.devnull, "rb") as stdin:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        sampler = _TreeSampler(process.pid)
        thread = threading.Thread(target=sampler.run, name="rss-sampler", daemon=True)
        thread.start()
        output: list[bytes] = []
        reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
        reader.start()
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                os.killpg(process.pid, 9)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
    sampler.stop()
    thread.join()
    reader.join(timeout=10)
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    peak = max(sampler.peak_bytes, usage.ru_maxrss * 1024)  # ru_maxrss is in kB on Linux
    text = b"".join(output).decode("utf-8", errors="replace")
    return Run(seconds, peak / 2**20, process.returncode, text, max(sampler.most_processes, 1))


@dataclass(frozen=True)
class SiteStats:
    """What a build wrote: its HTML pages and the largest of them."""

    pages: int
    largest_bytes: int
    largest_page: str

    @classmethod
    def of(cls, site: Path) -> SiteStats:
        sizes = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")
                 if p.is_file()]
        if not sizes:
            return cls(0, 0, "")
        largest = max(sizes)
        return cls(len(sizes), largest[0], largest[1])


# --- the machine ---------------------------------------------------------------

def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _command_output(command: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def hugo_version(hugo: str | None) -> str:
    if not hugo:
        return "not installed"
    words = _command_output([hugo, "version"]).split()
    return words[1].lstrip("v").split("+")[0] if len(words) > 1 else "unknown"


def machine(repo: Path, hugo: str | None) -> str:
    """One paragraph on the machine and the software, for the record."""
    model, memory = "unknown CPU", "unknown memory"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB memory"
                break
    except OSError:
        pass
    commit = _command_output(["git", "rev-parse", "--short", "HEAD"], repo) or "unknown"
    dirty = _command_output(["git", "status", "--porcelain", "--", "generator", "bench", "mkdocs.yml"], repo)
    if dirty:
        commit += " with uncommitted changes"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    chromium = _command_output(["/usr/bin/chromium", "--version"]).replace("Chromium ", "").split(" ")[0]
    return (f"{os.cpu_count()} CPUs ({model}), {memory}, load average {load} at the start; "
            f"Python {platform.python_version()}, MkDocs {_version('mkdocs')}, "
            f"Material {_version('mkdocs-material')}, Pagefind {_version('pagefind')} "
            f"(binary {_version('pagefind-bin')}), Hugo {hugo_version(hugo)}, Chromium "
            f"{chromium or 'not installed'}, "
            f"Playwright {_version('playwright')}; commit {commit}.")


def python_bin() -> Path:
    return Path(sys.executable).parent
