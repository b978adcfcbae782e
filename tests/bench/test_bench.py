"""The benchmark runs inside the suite at a small size, so it cannot rot.

The whole of ``bench/run.py`` runs once on 20 cases (every build, the cold
searches in Chromium, the live preview), and the table must come out with a
row for every build and figures in every cell that was measured. The parts
whose mistakes a small run would not show are checked on their own: the
memory of a process tree, the judging of targets, and the same-output
baseline's Markdown.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import markdown
import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"
CHROMIUM = Path("/usr/bin/chromium")


def _bench(name: str) -> ModuleType:
    """A module of bench/, imported as bench/run.py imports it (bench/ first on the path)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _cells(output: str, build: str) -> list[str]:
    line = next((line for line in output.splitlines() if line.startswith(f"| 20 | {build} |")), None)
    assert line is not None, f"no table row for {build} at 20 cases in:\n{output}"
    return [cell.strip() for cell in line.strip("|").split("|")]


NUMBER = re.compile(r"[0-9][0-9,]*(\.[0-9]+)?\Z")


@pytest.mark.timeout(180)
def test_a_small_run_prints_the_table_with_every_row() -> None:
    results = BENCH / "results.md"
    before = results.read_bytes() if results.exists() else None
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--cases", "20", "--repeat", "1",
                           "--no-record", "--preview-at", "20"],
                          cwd=REPO, capture_output=True, text=True, timeout=170,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert (results.read_bytes() if results.exists() else None) == before, "--no-record wrote results.md"

    assert "Machine: 2 CPUs" in output or "Machine: " in output
    columns = _bench("report").COLUMNS
    assert "| " + " | ".join(columns) + " |" in output
    for build in ("Showcase", "Plain MkDocs + Material", "Same output, plain MkDocs"):
        cells = _cells(output, build)
        assert len(cells) == len(columns)
        for column in ("Build time (s)", "Peak memory (MB)", "Largest HTML page (kB)", "HTML pages"):
            assert NUMBER.match(cells[columns.index(column)]), f"{build}: {column} is {cells}"
    hugo = _cells(output, "Hugo")
    if shutil.which("hugo"):
        assert NUMBER.match(hugo[columns.index("Build time (s)")]), hugo
    else:
        assert hugo[2] == "not built" and "Hugo is not installed" in output

    if CHROMIUM.is_file():
        for build in ("Showcase", "Plain MkDocs + Material"):
            cells = _cells(output, build)
            for column in ("Search: first result (s)", "Search: received, all (kB)",
                           "Search: received after load (kB)"):
                assert NUMBER.match(cells[columns.index(column)]), f"{build}: {column} in\n{output[-3000:]}"
    if (BENCH / "preview.py").is_file():
        assert NUMBER.match(_cells(output, "Showcase")[columns.index("Live preview (s)")]), output[-3000:]
    assert re.search(r"^- PASS  Largest HTML page at 20 cases: ", output, re.M), output[-3000:]
    assert "Not judged, as this run did not measure the size they need" in output


def test_the_peak_memory_of_a_build_counts_its_child_processes(tmp_path: Path) -> None:
    """A parent and a child each holding 150 MB at once: the tree's peak is near 300 MB.

    GNU time's figure would be that of the larger process, about 160 MB.
    """
    holder = "import time; block = b'x' * (150 * 2**20); time.sleep({sleep})"
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(f"""
        import subprocess, sys
        {holder.format(sleep=0)}
        subprocess.run([sys.executable, "-c", {holder.format(sleep=1.5)!r}], check=True)
    """), encoding="utf-8")
    run = _bench("measure").run_measured([sys.executable, str(script)], tmp_path, timeout=60)
    assert run.returncode == 0, run.output
    assert run.processes >= 2
    assert run.rss_mb > 290, run


def _size(sizes_module: ModuleType, cases: int, showcase_s: float, plain_s: float, largest_kb: float) -> object:
    measure = _bench("measure")
    size = sizes_module.Size(cases)
    size.runs[sizes_module.SHOWCASE] = [measure.Run(showcase_s, 100.0, 0)]
    size.runs[sizes_module.PLAIN] = [measure.Run(plain_s, 120.0, 0)]
    size.stats[sizes_module.SHOWCASE] = measure.SiteStats(10, int(largest_kb * 1000), "cases/index.html")
    return size


def test_targets_pass_fail_or_are_not_measured() -> None:
    targets, sizes = _bench("targets"), _bench("sizes")
    verdicts, unjudged = targets.judge({1000: _size(sizes, 1000, 9.0, 10.0, 149.0)})
    by_name = {(v.target.name, v.cases): v for v in verdicts}
    assert by_name[("Full build time", 1000)].status == "PASS"
    assert by_name[("Largest HTML page", 1000)].status == "PASS"
    assert by_name[("Live preview after one edit", 1000)].status == "NOT MEASURED"
    assert {t.cases for t in unjudged} == {5000}

    verdicts, unjudged = targets.judge({1000: _size(sizes, 1000, 9.0, 10.0, 20.0),
                                        5000: _size(sizes, 5000, 60.0, 50.0, 151.0)})
    by_name = {(v.target.name, v.cases): v for v in verdicts}
    assert by_name[("Full build time", 5000)].status == "FAIL"  # 1.2 x plain
    assert by_name[("Build time of 5,000 cases over that of 1,000 cases", 5000)].status == "FAIL"  # 6.7 x
    assert by_name[("Largest HTML page", 5000)].status == "FAIL"
    assert by_name[("Peak memory", 5000)].status == "PASS"  # 100 MB against 120
    assert by_name[("Search: time to the first result", 5000)].status == "NOT MEASURED"
    assert unjudged == []


def test_the_same_output_baseline_converts_the_prose_inside_a_wrapper_block() -> None:
    """The page wrapper opens in one block and closes in another; the prose between stays Markdown."""
    projects = _bench("projects")
    page = "---\ntitle: T\n---\n<!-- a -->\n\n## Heading\n\nSome *prose*.\n\n<!-- b -->\n"
    joined = projects.joined_markdown(page, {"<!-- a -->": '<div class="sc-page" data-pagefind-body>\n<h1>T</h1>',
                                             "<!-- b -->": "<section><p>form</p></section>\n</div>"})
    html = markdown.markdown(joined.split("---\n", 2)[2], extensions=["md_in_html"])
    assert "<h2>Heading</h2>" in html and "<em>prose</em>" in html
    assert html.count('<div class="sc-page"') == 1 and "<p>form</p>" in html and html.rstrip().endswith("</div>")
    with pytest.raises(SystemExit):
        projects.joined_markdown(page, {"<!-- c -->": "<p>lost</p>"})
