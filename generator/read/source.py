"""Reading one Markdown file with YAML front matter, keeping line numbers.

python-frontmatter's YAML handler defines what a front-matter boundary is; we
also keep where each part starts so that problems point at the author's line.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from core.problems import Problems
from core.text_file import read_text
from core.yaml_nodes import Mapping, load_yaml, mapping_of

_BOUNDARY = YAMLHandler.FM_BOUNDARY
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
YAML_HINT = ("Check this line and the one above it: a value that contains "
             "a colon needs quotes around it, and list items need a space after `-`.")


def _yaml_hint(yaml_text: str, line: int) -> str:
    """The likeliest cause of a YAML error on ``line`` (1-based), for the slips Word makes.

    A tab at the start of a line is not indentation to YAML; typographic quotes
    are not quotes to it, so a colon inside them still starts a new field.
    """
    lines = yaml_text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent:
        return ("This line is indented with a tab: YAML needs spaces. "
                "Replace the tab with spaces (two for each level).")
    value = here.partition(":")[2]
    if any(mark in value for mark in _CURLY_QUOTES) and ":" in value:
        return ("The value is inside typographic quotes (“ ”), which YAML does not read as quotes, "
                "so its colon starts a new field: use straight quotes, like `title: \"Peer mentors: the first year\"`.")
    return YAML_HINT


@dataclass
class MarkdownFile:
    """A file's front matter (with key lines) and its Markdown body."""

    path: str  # as shown to authors
    meta: Mapping
    body: str
    body_line: int  # file line where ``body`` starts

    def line(self, key: str) -> int:
        """The file line of a front-matter key, or of the front matter's start."""
        return self.meta.lines.get(key, 1)


def read_source(path: Path, shown: str, problems: Problems, *, front_matter: bool = True,
                raw: bytes | None = None) -> MarkdownFile | None:
    """Split a file into front matter and body; report what stops that.

    With ``front_matter=False`` a file may have none, as ordinary MkDocs pages do.
    ``raw``: the file's bytes, if already read.
    """
    text = read_text(path, shown, problems, raw)
    if text is None:
        return None
    boundaries = list(_BOUNDARY.finditer(text))
    if not front_matter and (not boundaries or boundaries[0].start() != 0):
        return MarkdownFile(shown, Mapping(), text, 1)
    if not boundaries or boundaries[0].start() != 0:
        problems.add(shown, 1, "The file does not start with front matter.",
                     "The first line must be `---`, followed by fields such as "
                     "`title:`, then another `---` line before the text.")
        return None
    if len(boundaries) < 2:
        problems.add(shown, 1, "The front matter is not closed.",
                     "Add a line with just `---` after the last front-matter field.")
        return None
    first, second = boundaries[0], boundaries[1]
    meta_line = text.count("\n", 0, first.end()) + 1
    yaml_text = text[first.end(): second.start()]
    values, node, error = load_yaml(yaml_text)
    if error is not None:
        problems.add(shown, meta_line + error.line - 1,
                     f"The front matter is not valid YAML: {error.message}.", _yaml_hint(yaml_text, error.line))
        return None
    if node is None or not isinstance(values, dict):
        problems.add(shown, meta_line, "The front matter has no fields.",
                     "Write one field per line, like `title: A learner council`.")
        return None
    meta = mapping_of(node)
    meta.lines = {key: meta_line + line - 1 for key, line in meta.lines.items()}
    meta.repeated = [(key, meta_line + line - 1) for key, line in meta.repeated]
    for key, line in meta.repeated:
        problems.add(shown, line, f"The field `{key}` is given more than once.",
                     f"Keep one `{key}:` line and delete the other.")
    body_line = text.count("\n", 0, second.end()) + 1
    return MarkdownFile(shown, meta, text[second.end():], body_line)
