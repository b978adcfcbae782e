"""mammoth's HTML as Markdown, block by block.

mammoth's own Markdown writer is deprecated and has no tables, so its HTML is
read here with the standard library's HTML parser into a small tree and
written out as the Markdown that MkDocs reads: ``**bold**``, ``*italic*``,
``[links](...)``, lists indented by four spaces (Python-Markdown's rule) and
pipe tables (MkDocs always loads the ``tables`` extension). The result is a
list of blocks, so that later steps can move headings, quotes and paragraphs
about without reparsing Markdown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

BlockKind = Literal["heading", "paragraph", "quote", "list", "table"]
_VOID = {"img", "br", "hr"}
_SPACED = {"br", "p", "li", "td", "th", "tr"}  # words either side of these are apart
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCK_TAGS = {*_HEADINGS, "p", "ul", "ol", "table", "blockquote", "div", "section", "article", "body", "html", "hr"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_SPACE = re.compile(r"\s+")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(#|>|[-+](?=\s)|[=-]+\s*$|\d+(?=[.)]\s))")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The plain text, spaces collapsed."""
        return _SPACE.sub(" ", "".join(c if isinstance(c, str) else c.text() + (" " if c.tag in _SPACED else "")
                                       for c in self.children)).strip()


@dataclass
class Block:
    """One top-level piece of the document: a heading, paragraph, quote, list or table."""

    kind: BlockKind
    markdown: str
    text: str  # the plain words, for matching and reports
    level: int = 0  # a heading's level
    style: str = ""  # what Word's style made it: "title", "subtitle", "quote" or "margin"
    bold: bool = False  # a paragraph that is all bold: often a heading typed without a heading style
    links: list[str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def to_blocks(html: str) -> list[Block]:
    """The document's blocks in order; wrappers such as ``<div>`` are looked through."""
    blocks: list[Block] = []
    _collect(parse(html), blocks)
    return blocks


def to_markdown(html: str) -> str:
    """The whole HTML as one Markdown text, blocks separated by blank lines."""
    return "\n\n".join(b.markdown for b in to_blocks(html) if b.markdown)


def _collect(node: Node, blocks: list[Block]) -> None:
    loose: list[Node | str] = []  # inline content between blocks, as a paragraph of its own

    def flush() -> None:
        if loose:
            _add_paragraph(Node("p", children=list(loose)), blocks)
            loose.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in _BLOCK_TAGS:
            if isinstance(child, str) and not child.strip() and not loose:
                continue
            loose.append(child)
            continue
        flush()
        if child.tag in _HEADINGS:
            text = child.text()
            if text:
                level = _HEADINGS[child.tag]
                blocks.append(Block("heading", inline(child), text, level=level, style=_style(child),
                                    links=_links(child)))
        elif child.tag == "p":
            _add_paragraph(child, blocks)
        elif child.tag in ("ul", "ol"):
            markdown = list_markdown(child)
            if markdown:
                blocks.append(Block("list", markdown, child.text(), links=_links(child)))
        elif child.tag == "table":
            markdown = table_markdown(child)
            if markdown:
                blocks.append(Block("table", markdown, child.text(), links=_links(child)))
        elif child.tag == "blockquote":
            inner: list[Block] = []
            _collect(child, inner)
            for block in inner:
                block.kind = "quote" if block.kind == "paragraph" else block.kind
            blocks.extend(inner)
        elif child.tag != "hr":
            _collect(child, blocks)
    flush()


def _add_paragraph(node: Node, blocks: list[Block]) -> None:
    markdown = inline(node)
    if not markdown:
        return
    style = _style(node)
    blocks.append(Block("quote" if style == "quote" else "paragraph", _guard_line_starts(markdown), node.text(),
                        style=style, bold=_all_bold(node), links=_links(node)))


def _all_bold(node: Node) -> bool:
    content = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
    return (len(content) == 1 and isinstance(content[0], Node) and content[0].tag in ("strong", "b")
            and bool(content[0].text()))


def _style(node: Node) -> str:
    """The Word style that ``read.STYLE_MAP`` marked with a ``word-...`` class, if any."""
    for name in node.attrs.get("class", "").split():
        if name.startswith("word-"):
            return name.removeprefix("word-")
    return ""


def _links(node: Node) -> list[str]:
    found = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == "a" and child.attrs.get("href"):
                found.append(child.attrs["href"])
            found += _links(child)
    return found


def escape(text: str) -> str:
    """Plain text that Markdown shows as written (spaces collapsed, specials escaped).

    Python-Markdown has no backslash escape for ``<``, so it is written as ``&lt;``; an
    ``&`` that would read as an entity is written as ``&amp;``.
    """
    text = _ENTITY_LIKE.sub("&amp;", _SPACE.sub(" ", text)).replace("<", "&lt;")
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _guard_line_starts(markdown: str) -> str:
    """Escape what would start a heading, list or underline at the start of a paragraph's line."""
    lines = []
    for line in markdown.split("\n"):
        match = _LINE_START.match(line)
        if match:
            found = match.group(0)
            if found[0].isdigit():
                line = found + "\\" + line[len(found):]
            else:
                # Python-Markdown has no backslash escape for ">" or "=": their entities it does read.
                entity = {">": "&gt;", "=": "&#61;"}.get(found[0])
                line = entity + line[1:] if entity else "\\" + line
        lines.append(line)
    return "\n".join(lines)


def inline(node: Node, in_table: bool = False) -> str:
    """A node's content as inline Markdown, with its outer spaces trimmed."""
    return _tidy(_inline_parts(node, in_table))


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip(" \n")


def _inline_parts(node: Node, in_table: bool) -> str:
    out: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            out.append(escape(child))
            continue
        tag = child.tag
        if tag == "br":
            out.append("<br>" if in_table else "<br>\n")
        elif tag == "img":
            src = child.attrs.get("src", "")
            if src:
                out.append(f"![{escape(child.attrs.get('alt', '')).strip()}]({src})")
        elif tag in ("strong", "b", "em", "i"):
            mark = "**" if tag in ("strong", "b") else "*"
            content = _inline_parts(child, in_table)
            out.append(_wrap(content, mark))
        elif tag == "a":
            out.append(_link(child, in_table))
        elif tag in ("p", "div"):  # paragraphs inside a list item or a cell: one line each
            content = _inline_parts(child, in_table)
            if content.strip():
                if "".join(out).strip():
                    out.append("<br>" if in_table else "<br>\n")
                out.append(content)
        elif tag in ("sup", "sub"):
            content = _inline_parts(child, in_table).strip()
            if content:
                out.append(f"<{tag}>{content}</{tag}>")
        else:  # spans, underline and the like: their text
            out.append(_inline_parts(child, in_table))
    return "".join(out)


def _wrap(content: str, mark: str) -> str:
    """``**bold**`` with the spaces Word leaves inside a run moved outside, as Markdown needs."""
    stripped = content.strip()
    if not stripped:
        return content
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()):]
    if stripped.startswith(mark) and stripped.endswith(mark):  # already wrapped by a nested run
        return content
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _link(node: Node, in_table: bool) -> str:
    text = _inline_parts(node, in_table).strip()
    href = node.attrs.get("href", "").strip()
    if text in ("↑", "\\^"):  # mammoth's "back to the note" arrow
        return ""
    if not href.lower().startswith(_SAFE_SCHEMES):
        return text  # bookmarks and note anchors point at nothing on the page; script links are dropped
    if not text:
        text = escape(href)
    target = f"<{href}>" if re.search(r"[\s()<>]", href) else href
    return f"[{text}]({target})"


def list_markdown(node: Node, depth: int = 0) -> str:
    """A ``<ul>`` or ``<ol>`` as Markdown, nested lists indented four spaces a level."""
    lines: list[str] = []
    number = 0
    for item in node.children:
        if not isinstance(item, Node) or item.tag != "li":
            continue
        number += 1
        marker = f"{number}." if node.tag == "ol" else "-"
        own = Node("li", children=[c for c in item.children if not (isinstance(c, Node) and c.tag in ("ul", "ol"))])
        text = _guard_line_starts(inline(own)).replace("\n", "\n" + "    " * (depth + 1))
        lines.append(f"{'    ' * depth}{marker} {text}".rstrip())
        for sub in item.children:
            if isinstance(sub, Node) and sub.tag in ("ul", "ol"):
                nested = list_markdown(sub, depth + 1)
                if nested:
                    lines.append(nested)
    return "\n".join(lines)


def table_markdown(node: Node) -> str:
    """A table as a Markdown pipe table; its first row is the header, as in most Word tables."""
    rows: list[list[str]] = []
    for row in _rows(node):
        cells: list[str] = []
        for cell in row.children:
            if isinstance(cell, Node) and cell.tag in ("td", "th"):
                cells.append(_cell(cell))
                span = cell.attrs.get("colspan", "1")
                cells += [""] * (int(span) - 1 if span.isdigit() and 1 < int(span) <= 50 else 0)
        if cells:
            rows.append(cells)
    if not rows or not any(any(c for c in r) for r in rows):
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = [_row(rows[0]), "|" + "|".join(["---"] * width) + "|"] + [_row(r) for r in rows[1:]]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "|" + "".join(f" {cell} |" if cell else " |" for cell in cells)


def _rows(node: Node) -> list[Node]:
    found = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == "tr":
                found.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                found += _rows(child)
    return found


def _cell(cell: Node) -> str:
    """A cell's paragraphs and list items on one line, joined by line breaks (a table row is one line)."""
    parts: list[str] = []
    for child in cell.children:
        if isinstance(child, Node) and child.tag in ("ul", "ol"):
            parts += ["• " + inline(li, in_table=True) for li in child.children
                      if isinstance(li, Node) and li.tag == "li"]
        elif isinstance(child, Node) and child.tag == "p":
            parts.append(inline(child, in_table=True))
        elif isinstance(child, Node) and child.tag == "table":
            parts.append(escape(child.text()))  # a table inside a cell: its words
        else:
            parts.append(inline(Node("span", children=[child]), in_table=True))
    # A pipe in a cell would end it: the tables extension reads "\|" as a pipe.
    return "<br>".join(p for p in parts if p).replace("\n", " ").replace("|", "\\|")
