"""The accessibility tools the browser tests use: axe-core injected into a page,
the Nu Html Checker (vnu-jar, run with Java), and colour contrast as WCAG computes it.

axe-core and vnu-jar come from npm (`make node_modules/.installed`, which
`make test` runs). Without them, or without Chromium or Java, the tests skip on
a laptop but fail under CI (any value of the CI environment variable).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")

# WCAG 2.2 AA as axe tags it: every A and AA rule of 2.0, 2.1 and 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"desktop": 1280, "mobile": 375}


def require(what: str, present: bool) -> None:
    """Skip without a tool on a laptop; fail under CI, where a skipped check would pass unseen."""
    if present:
        return
    message = f"{what} is missing: run `make node_modules/.installed` (and `make chromium`)"
    if os.environ.get("CI"):
        pytest.fail(message + "; the accessibility checks may not be skipped under CI", pytrace=False)
    pytest.skip(message)


def require_axe() -> None:
    require(str(CHROMIUM), CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK))
    require(f"axe-core ({AXE})", AXE.is_file())


def require_vnu() -> str:
    """The java command for the Nu Html Checker."""
    java = shutil.which("java")
    require("java (Debian: default-jre-headless)", java is not None)
    require(f"the Nu Html Checker ({VNU})", VNU.is_file())
    assert java is not None
    return java


# ------------------------------------------------------------------- axe

def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now, one line per failing node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.flatMap(v => v.nodes.map(n =>
                `${v.id}: ${n.target.join(' ')} :: ${(n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)}`));
        }""",
        WCAG_TAGS,
    )
    return list(found)


# ------------------------------------------------------------------- contrast

def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    red, green, blue = (_channel(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: tuple[float, float, float], two: tuple[float, float, float]) -> float:
    """WCAG's contrast ratio, 1 to 21."""
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


_RGB = re.compile(r"rgba?\(([^)]*)\)")


def parse_colour(css: str) -> tuple[tuple[float, float, float], float] | None:
    """``rgb(...)``/``rgba(...)`` as Chromium computes it: ((r, g, b), alpha)."""
    match = _RGB.search(css)
    if not match:
        return None
    parts = [float(p) for p in re.split(r"[,\s/]+", match.group(1).strip()) if p]
    alpha = parts[3] if len(parts) > 3 else 1.0
    return (parts[0], parts[1], parts[2]), alpha


def over(colour: tuple[tuple[float, float, float], float], background: tuple[float, float, float]
         ) -> tuple[float, float, float]:
    """A colour with alpha, painted over an opaque background."""
    (red, green, blue), alpha = colour
    return (red * alpha + background[0] * (1 - alpha), green * alpha + background[1] * (1 - alpha),
            blue * alpha + background[2] * (1 - alpha))


# ------------------------------------------------------------------- the Nu Html Checker

@dataclass(frozen=True)
class Message:
    file: str
    line: int
    text: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text} [{self.extract.strip()[:160]}]"


def vnu_errors(java: str, files: list[Path], timeout: float = 240) -> list[Message]:
    """The checker's errors (not warnings) for these HTML files, in one run of Java."""
    command = [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always"]
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=timeout, check=False)
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the Nu Html Checker gave no report:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return [Message(m.get("url", "").removeprefix("file:"), int(m.get("lastLine", 0)), m.get("message", ""),
                    m.get("extract", ""))
            for m in report.get("messages", []) if m.get("type") == "error"]
