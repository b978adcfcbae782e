"""Splitting a case study's body into its level-2 sections.

Headings inside fenced code blocks are not headings, and both Markdown heading
styles (``## Title`` and a line underlined with ``---``) count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_UNSPACED = re.compile(r"^ {0,3}(#{1,6})([^#\s].*?)[ \t]*$")  # `##What next`: a heading without its space
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ATTRS = re.compile(r"\s*\{[^}]*\}\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class Heading:
    level: int
    title: str
    line: int  # file line
    spaced: bool = True  # false for ``##What next``, which Markdown shows as text, not a heading


@dataclass
class RawSection:
    """A level-2 heading and the Markdown up to the next one."""

    heading: Heading
    body: str


@dataclass
class Split:
    """What the body holds: text before the first section, level-1 headings, sections."""

    preamble: str
    preamble_line: int
    top_headings: list[Heading]
    sections: list[RawSection]


def normalise(title: str) -> str:
    """Compare headings as people read them: any case, any apostrophe."""
    title = title.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", title).strip().rstrip(":.").casefold()


def is_blank(markdown: str) -> bool:
    """True when nothing but white space and comments (such as prompts) is left."""
    return not _COMMENT.sub("", markdown).strip()


def split_sections(body: str, first_line: int, known: frozenset[str] = frozenset()) -> Split:
    """Cut ``body`` (which starts at file line ``first_line``) at level-2 headings.

    ``known``: the section titles, normalised. A heading with one of them at
    another level (``# What next``), or written without its space
    (``##What next``), is the author's slip for that section: it is cut there
    too, so the slip is reported once instead of as a missing section.
    """
    lines = body.split("\n")
    fence: str | None = None
    in_comment = False
    headings: list[tuple[int, Heading]] = []  # (index of first line of heading, heading)
    skip_to = -1
    for index, line in enumerate(lines):
        if index <= skip_to:
            continue
        if in_comment:  # a commented-out heading is not shown, so it is not a section
            in_comment = "-->" not in line
            continue
        if fence is None and line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line[line.index("<!--") + 4:]
            continue
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        atx = _ATX.match(line)
        if atx:
            title = _ATTRS.sub("", atx.group(2) or "").strip()
            headings.append((index, Heading(len(atx.group(1)), title, first_line + index)))
            continue
        unspaced = _UNSPACED.match(line)
        if unspaced and normalise(unspaced.group(2)) in known:
            headings.append((index, Heading(len(unspaced.group(1)), unspaced.group(2).strip(),
                                            first_line + index, spaced=False)))
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        setext = _SETEXT.match(following)
        if setext and line.strip() and not line.startswith((" " * 4, "\t")) \
                and (index == 0 or not lines[index - 1].strip()):
            level = 1 if setext.group(1)[0] == "=" else 2
            title = _ATTRS.sub("", line).strip()
            headings.append((index, Heading(level, title, first_line + index)))
            skip_to = index + 1
    at_level_2 = {normalise(h.title) for _, h in headings if h.level == 2 and h.spaced}
    promoted: set[str] = set()
    cuts = []
    for index, heading in headings:
        name = normalise(heading.title)
        if heading.level == 2 and heading.spaced:
            cuts.append((index, heading))
        elif name in known and name not in at_level_2 and name not in promoted:
            promoted.add(name)  # the first such slip for a section that is otherwise missing
            cuts.append((index, heading))
    cut_lines = {index for index, _ in cuts}
    top = [h for i, h in headings if h.level == 1 and i not in cut_lines]
    top_lines = {i for i, h in headings if h.level == 1 and i not in cut_lines}
    end_of_preamble = cuts[0][0] if cuts else len(lines)
    sections = []
    for position, (index, heading) in enumerate(cuts):
        start = index + (2 if _is_setext_at(lines, index) else 1)
        stop = cuts[position + 1][0] if position + 1 < len(cuts) else len(lines)
        sections.append(RawSection(heading, "\n".join(lines[start:stop]).strip("\n")))
    # A level-1 heading is reported as that; it is not also "text before the first section".
    kept = [text if i not in top_lines else "" for i, text in enumerate(lines[:end_of_preamble])]
    preamble = "\n".join(kept)
    first_text = next((i for i, text in enumerate(kept) if text.strip()), 0)
    return Split(preamble, first_line + first_text, top, sections)


def _is_setext_at(lines: list[str], index: int) -> bool:
    line = lines[index]
    return (not _ATX.match(line) and not _UNSPACED.match(line) and index + 1 < len(lines)
            and bool(_SETEXT.match(lines[index + 1])))


_PLACEHOLDERS = ("tbc", "tbd", "todo", "to do", "to follow", "to be confirmed", "to be completed",
                 "coming soon", "xxx", "lorem ipsum")


def placeholder(markdown: str) -> str | None:
    """What stands in for a section's text: "only a heading", or the placeholder ("TBC"); else None.

    Headings (``###``) and comments are not text a reader can use.
    """
    text = _COMMENT.sub("", markdown)
    prose = [line for line in text.split("\n") if line.strip() and not _ATX.match(line)
             and not _SETEXT.match(line)]
    if not prose:
        return "heading" if text.strip() else None
    words = re.sub(r"[^\w\s]", " ", " ".join(prose)).casefold().split()
    said = " ".join(words)
    if said in _PLACEHOLDERS or said.startswith("lorem ipsum"):
        return " ".join(prose).strip()
    return None
