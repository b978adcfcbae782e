"""Putting a document's blocks where a case file wants them: front matter and sections.

The order of the steps matters: furniture goes first (so a footer line is
never a summary), then the title and provider, the quote, and then the walk
through the headings that shares every block out among the sections.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.settings import SectionSpec

from .furniture import LeftOut, furniture_reason, margins_left_out
from .headings import Cue, cues_for, match_section
from .html_markdown import Block, escape, to_blocks
from .read import WordDocument

_PROVIDER_LINE = re.compile(r"^\s*(?:name of (?:the )?provider|provider(?: name)?|organisation)\s*[:–—-]\s*(.+)$",
                            re.IGNORECASE)
_HEADING_WORDS = 12  # an all-bold paragraph longer than this is emphasis, not a heading
# Two lists one after the other are one list to Markdown unless something stands between them.
LIST_BREAK = "<!-- a new list -->"
_ATTRIBUTION = re.compile(r"^\s*[-–—~]\s*(.+)$")
# Quotation marks, straight and typographic (left and right, single and double, guillemets).
_OPENING = "\"'\u201c\u2018\u00ab\u201e"
_CLOSING = "\"'\u201d\u2019\u00bb\u201c"
_INLINE_ATTRIBUTION = re.compile("^[" + re.escape(_OPENING) + "](.+)[" + re.escape(_CLOSING) + r"]\s*[-–—]\s*(.+)$")


@dataclass
class Quote:
    text: str
    by: str = ""
    role: str = ""


@dataclass
class Draft:
    """What the import found, before it is written: each value with where it came from."""

    title: str = ""
    title_from: str = ""
    provider: str = ""
    provider_from: str = ""
    summary: str = ""
    published: date | None = None
    published_from: str = ""
    quote: Quote | None = None
    sections: dict[str, list[str]] = field(default_factory=dict)  # section title -> Markdown blocks
    matched: list[tuple[str, str]] = field(default_factory=list)  # (document heading, section)
    sub_headings: list[str] = field(default_factory=list)  # document headings written as ###
    missing: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    words: str = ""  # the document's text, for suggesting terms


def arrange(document: WordDocument, specs: tuple[SectionSpec, ...]) -> Draft:
    draft = Draft(sections={spec.title: [] for spec in specs})
    draft.left_out = margins_left_out(document.margins)
    blocks: list[Block] = []
    for block in to_blocks(document.html):
        reason = furniture_reason(block, document.margins)
        if reason:
            draft.left_out.append(LeftOut(block.text, reason))
        else:
            blocks.append(block)
    draft.words = "\n".join(b.text for b in blocks)
    cues = cues_for(specs)
    blocks = _bold_headings(blocks, cues)
    blocks = _take_title(blocks, document, draft, cues)
    blocks = _take_provider(blocks, draft)
    blocks = _take_quote(blocks, draft)
    _share_out(blocks, specs, draft, cues)
    _dates(document, draft)
    return draft


def _bold_headings(blocks: list[Block], cues: list[Cue]) -> list[Block]:
    """A short all-bold paragraph that names a section is that section's heading, typed without a style.

    Only one that names a section: other bold lines stay the author's bold text. It
    takes the level of the document's real section headings, so it neither hides them
    nor is hidden by them.
    """
    levels = [b.level for b in blocks if b.kind == "heading" and match_section(b.text, cues)]
    level = min(levels, default=1)
    found = []
    for block in blocks:
        if block.kind == "paragraph" and block.bold and len(block.text.split()) <= _HEADING_WORDS \
                and match_section(block.text, cues):
            block = Block("heading", block.markdown, block.text, level=level, links=block.links)
        found.append(block)
    return found


def _first_section(blocks: list[Block], cues: list[Cue]) -> int:
    """The index of the first heading that starts a section (or the end)."""
    return next((i for i, b in enumerate(blocks) if b.kind == "heading" and match_section(b.text, cues)),
                len(blocks))


def _take_title(blocks: list[Block], document: WordDocument, draft: Draft, cues: list[Cue]) -> list[Block]:
    """A Title-styled paragraph, else a heading before the first section, else the document's properties."""
    styled = next((i for i, b in enumerate(blocks) if b.style == "title"), None)
    if styled is not None:
        draft.title, draft.title_from = blocks[styled].text, "the paragraph styled Title"
        return blocks[:styled] + blocks[styled + 1:]
    first = _first_section(blocks, cues)
    heading = next((i for i, b in enumerate(blocks[:first]) if b.kind == "heading"), None)
    if heading is not None:
        draft.title, draft.title_from = blocks[heading].text, f"the first heading (Heading {blocks[heading].level})"
        return blocks[:heading] + blocks[heading + 1:]
    if document.title:
        draft.title, draft.title_from = document.title, "the document's properties (File > Info > Title)"
    return blocks


def _take_provider(blocks: list[Block], draft: Draft) -> list[Block]:
    """A "Provider: ..." line; else the part after the colon of a "What was done: Provider" title."""
    for index, block in enumerate(blocks):
        match = _PROVIDER_LINE.match(block.text) if block.kind == "paragraph" else None
        if match:
            draft.provider, draft.provider_from = match.group(1).strip(), f'the line "{block.text}"'
            return blocks[:index] + blocks[index + 1:]
    what, colon, who = draft.title.partition(": ")
    if colon and what.strip() and who.strip() and ":" not in who:
        draft.title, draft.provider = what.strip(), who.strip()
        draft.provider_from = 'the title, written as "What was done: Provider name"'
    return blocks


def _unquoted(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0] in _OPENING and text[-1] in _CLOSING:
        text = text[1:-1].strip()
    return text


def _by_and_role(attribution: str) -> tuple[str, str]:
    by, _, role = attribution.strip().rstrip(".").partition(",")
    return by.strip(), role.strip()


def _attribution(blocks: list[Block], index: int) -> str | None:
    """The "– Name, role" line after a quote, if there is one."""
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if following is None or following.kind != "paragraph" or len(following.text.split()) > 15:
        return None
    match = _ATTRIBUTION.match(following.text)
    return match.group(1) if match else None


def _take_quote(blocks: list[Block], draft: Draft) -> list[Block]:
    """The first Quote-styled paragraph, or a quoted paragraph followed by an attribution line."""
    for index, block in enumerate(blocks):
        is_quoted = (block.kind == "paragraph" and len(block.text) > 1
                     and block.text[0] in _OPENING and block.text.rstrip(".")[-1] in _CLOSING)
        if block.kind != "quote" and not is_quoted:
            continue
        attribution = _attribution(blocks, index)
        inline = _INLINE_ATTRIBUTION.match(block.text)
        if block.kind != "quote" and attribution is None:
            continue  # a sentence in quotes with nobody named: the author's text, not a quote
        if attribution is None and inline:
            text, attribution = inline.group(1), inline.group(2)
        else:
            text = block.text
        by, role = _by_and_role(attribution or "")
        draft.quote = Quote(_unquoted(text), by, role)
        skip = 2 if _attribution(blocks, index) is not None else 1
        return blocks[:index] + blocks[index + skip:]
    return blocks


def _quote_markdown(blocks: list[Block], index: int) -> tuple[str, int]:
    """Any further quote as a Markdown block quote, with its attribution; and how many blocks it used."""
    markdown = "> " + blocks[index].markdown.replace("\n", "\n> ")
    attribution = _attribution(blocks, index)
    if attribution is None:
        return markdown, 1
    return f"{markdown}\n>\n> — {escape(attribution)}", 2


def _share_out(blocks: list[Block], specs: tuple[SectionSpec, ...], draft: Draft, cues: list[Cue]) -> None:
    """Each block into the section its heading names; other headings become ### inside it."""
    preamble: list[str] = []
    preamble_paragraphs: list[Block] = []
    current: str | None = None
    order: list[str] = []  # sections in the document's order
    section_level: int | None = None
    index = 0
    while index < len(blocks):
        block = blocks[index]
        target = preamble if current is None else draft.sections[current]
        used = 1
        if block.kind == "heading":
            spec = match_section(block.text, cues) if section_level is None or block.level <= section_level \
                else None
            if spec is not None:
                section_level = block.level if section_level is None else section_level
                if spec.title in order:
                    draft.notes.append(f'"{block.text}" is a second heading for "{spec.title}": '
                                       "its text was added to the end of that section.")
                else:
                    order.append(spec.title)
                draft.matched.append((block.text, spec.title))
                current = spec.title
            else:
                depth = 0 if section_level is None else max(0, block.level - section_level - 1)
                target.append(f"{'#' * min(6, 3 + depth)} {escape(block.text)}")
                draft.sub_headings.append(block.text)
        elif block.kind == "quote":
            markdown, used = _quote_markdown(blocks, index)
            target.append(markdown)
        else:
            if block.kind == "list" and index and blocks[index - 1].kind == "list":
                target.append(LIST_BREAK)  # else Markdown joins the two lists into one
            target.append(block.markdown)
            if current is None and block.kind == "paragraph" and block.text.strip():  # not a picture alone
                preamble_paragraphs.append(block)
        index += used
    if preamble_paragraphs:
        first = preamble_paragraphs[0]
        draft.summary = first.text
        preamble.remove(first.markdown)
    if preamble:
        home = order[0] if order else specs[0].title
        draft.sections[home][:0] = preamble
        draft.notes.append(f'Text before the first section heading was put at the start of "{home}": '
                           "move it if it belongs elsewhere.")
    if not order and any(draft.sections.values()):
        draft.notes.append("No heading in the document matched a section, so all its text is under "
                           f'"{specs[0].title}". Share it out among the sections.')
    draft.missing = [spec.title for spec in specs if not draft.sections[spec.title]]


def _dates(document: WordDocument, draft: Draft) -> None:
    if document.modified:
        draft.published, draft.published_from = document.modified, "the document's properties (when it was last saved)"
    elif document.created:
        draft.published, draft.published_from = document.created, "the document's properties (when it was created)"
