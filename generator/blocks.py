"""Generated HTML beside the author's Markdown: the placeholders, and joining.

A generated page is Markdown (front matter, the author's own Markdown, and
headings that belong in the table of contents) with placeholders where the
generated HTML goes: the metadata panel, cards, lists, the feedback form.
That HTML is rendered once by Jinja and never goes through Python-Markdown,
whose HTML parser used to spend most of the build reading our own markup
again. After the builder has converted the Markdown, ``join_blocks`` swaps
each placeholder for its block.

A placeholder is an HTML comment on a line of its own, which Python-Markdown
stashes and passes through as it is, at the cost of one short comment:

    <!-- showcase-block 5f0c...e1 related -->

Its key is a digest of the page's own Markdown with no keys in it, so an
author cannot forge one: to inject a block, a case would have to contain
the digest of a text that contains that same digest. The key is the same in
every run for the same content, so caches keyed by a page's Markdown keep
working. While rendering, placeholders carry a random per-process stand-in
(which no author can know) in place of the key; ``seal`` then puts the key in.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

# Stands in for the key while a page's Markdown is rendered; never leaves this process.
_STAND_IN = secrets.token_hex(16)
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
PLACEHOLDER = re.compile(r"<!-- showcase-block [0-9a-f]{32} [a-z][a-z0-9_]* -->")


def marker(name: str) -> str:
    """The placeholder for block ``name`` while its page is being rendered (see ``seal``)."""
    if not _NAME.match(name):
        raise ValueError(f"A block name is lower-case letters, digits and _, not {name!r}.")
    return f"<!-- showcase-block {_STAND_IN} {name} -->"


def seal(markdown: str, blocks: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The page's Markdown and blocks with the page's own key in every placeholder."""
    key = hashlib.sha256(markdown.replace(_STAND_IN, "").encode("utf-8")).hexdigest()[:32]
    return markdown.replace(_STAND_IN, key), {name.replace(_STAND_IN, key): html for name, html in blocks.items()}


@dataclass(frozen=True)
class Joined:
    """A page's HTML with its blocks in, and the blocks whose placeholder was not found."""

    html: str
    missing: list[str]


def join_blocks(html: str, blocks: Mapping[str, str]) -> Joined:
    """Swap each placeholder in the converted HTML for its block (``blocks`` is
    keyed by placeholder, as ``seal`` makes it).

    Text that looks like a placeholder but is not one of this page's stays as
    it is (an HTML comment). A block whose placeholder the author's Markdown
    swallowed (say, into an unclosed code block) is added at the end, so
    nothing is lost, and named in ``missing`` so the builder can say so.
    """
    if not blocks:
        return Joined(html, [])
    used: set[str] = set()

    def swap(found: re.Match[str]) -> str:
        text = found.group(0)
        block = blocks.get(text)
        if block is None or text in used:
            return text
        used.add(text)
        return block

    joined = PLACEHOLDER.sub(swap, html)
    missing = [text for text in blocks if text not in used]
    if missing:
        joined = "\n".join([joined, *(blocks[text] for text in missing)])
    return Joined(joined, [text.split()[-2] for text in missing])
