"""Text as a person will see it, and a copy of it for finding personal details.

Why this exists: a comment is shown to a reviewer and may then be published.
Invisible characters (zero-width spaces, bidirectional controls such as U+202E)
can make a screen show something other than what is stored, and can split a
phone number so that no pattern sees it. So they are taken out, and the text is
composed (NFC); that is what the reviewer sees and what is published. A run that
U+202E showed in reverse is put in the order it was shown.

Matching runs on a *skeleton* of that text: each character in its compatibility
form (NFKC: full-width digits and @ become plain ones, "ﬁ" becomes "fi"),
look-alike letters from other scripts in Latin (Cyrillic "а" as "a"), every
script's digits as 0-9, and no combining marks (which can sit on a digit or an @
to disguise it). The skeleton keeps, for each of its characters, where it came
from, so a match in it marks characters in the text. The text itself keeps what
the writer typed: a Russian word stays Cyrillic, "…" and "½" stay as they are.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Control characters other than tab and line feed: on a reviewer's terminal they
# could hide or rewrite what is shown, so each becomes a visible mark.
_CONTROLS = frozenset(chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)))
REPLACEMENT = "\ufffd"

# Invisible letters and marks that are not in the "format" category (Cf) but show
# as nothing: Hangul fillers, the combining grapheme joiner, Mongolian free
# variation selectors.
_ALSO_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u180b\u180c\u180d\u180f")

# Joiners are part of the writing in these scripts (Persian, Indic scripts,
# Sinhala, Myanmar), so there they stay; between Latin letters or digits they
# only hide things.
_JOINING_SCRIPTS = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x1000, 0x109F))
_ZWNJ, _ZWJ = "\u200c", "\u200d"
_BLACK_FLAG = "\U0001f3f4"  # England, Scotland and Wales flags are this followed by tag characters


@dataclass(frozen=True)
class Visible:
    """Text in the form a reviewer sees, and how many characters had to go."""

    text: str
    invisible: int  # zero-width, bidirectional and other invisible characters taken out
    controls: int  # control characters replaced by U+FFFD


def visible(text: str) -> Visible:
    """``text`` with one kind of line break, no invisible characters, composed
    (NFC), and control characters replaced by U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _overrides_as_shown(text)
    text, before = _drop_invisible(text)
    # Composed after the invisible characters are gone, so that a letter and its
    # accent once split by a zero-width space become one character.
    text = unicodedata.normalize("NFC", text)
    text, after = _drop_invisible(text)
    controls = sum(1 for ch in text if ch in _CONTROLS)
    if controls:
        text = "".join(REPLACEMENT if ch in _CONTROLS else ch for ch in text)
    return Visible(text, before + after, controls)


_RIGHT_TO_LEFT_OVERRIDE, _POP = "\u202e", "\u202c"
_PUSHES = frozenset("\u202a\u202b\u202d\u202e")


def _overrides_as_shown(text: str) -> str:
    """Left-to-right characters after U+202E (right-to-left override) are shown
    in reverse: "\u202e321009 00770" appears as "07700 900123". So that the
    override can be dropped without changing what a reader sees, and so that
    the number is found, each overridden run of such characters is put in the
    order it was shown. A run with right-to-left letters (Arabic, Hebrew) is
    left as it is: those are shown right to left with or without the override.
    The run ends at its pop (U+202C, counting nested ones) or at a line break."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if text[index] != _RIGHT_TO_LEFT_OVERRIDE:
            out.append(text[index])
            index += 1
            continue
        depth, end = 1, index + 1
        while end < len(text) and text[end] != "\n":
            if text[end] in _PUSHES:
                depth += 1
            elif text[end] == _POP:
                depth -= 1
                if depth == 0:
                    break
            end += 1
        run = text[index + 1:end]
        if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in run):
            out.append(text[index:end])
        else:
            out.append(_RIGHT_TO_LEFT_OVERRIDE + run[::-1])
        index = end
    return "".join(out)


def _invisible(ch: str) -> bool:
    return ch in _ALSO_INVISIBLE or unicodedata.category(ch) == "Cf"


def _in_joining_script(ch: str) -> bool:
    return bool(ch) and any(low <= ord(ch) <= high for low, high in _JOINING_SCRIPTS)


def _emoji(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch) == "So" or 0x1F3FB <= ord(ch) <= 0x1F3FF or ch == "\ufe0f")


def _belongs(text: str, index: int, kept: list[str]) -> bool:
    """Whether the invisible character at ``index`` is part of the writing:
    a joiner inside an emoji or a joining script, or a flag's tag characters."""
    ch = text[index]
    before = kept[-1] if kept else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if ch == _ZWJ and _emoji(before) and _emoji(after):
        return True
    if ch in (_ZWJ, _ZWNJ) and _in_joining_script(before) and _in_joining_script(after):
        return True
    return 0xE0020 <= ord(ch) <= 0xE007F and (before == _BLACK_FLAG or 0xE0020 <= ord(before or "\0") <= 0xE007F)


def _drop_invisible(text: str) -> tuple[str, int]:
    kept: list[str] = []
    dropped = 0
    for index, ch in enumerate(text):
        if _invisible(ch) and not _belongs(text, index, kept):
            dropped += 1
        else:
            kept.append(ch)
    return "".join(kept), dropped


# Letters from other scripts that look like Latin ones, after Unicode's
# confusables list (the common ones; not all of it).
_LOOK_ALIKES = {
    # Cyrillic capitals and small letters
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "а": "a", "с": "c", "е": "e", "і": "i", "ј": "j", "о": "o", "р": "p", "ѕ": "s", "х": "x", "у": "y",
    "ү": "y", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ѵ": "v",
    # Greek capitals and small letters
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u",
    "χ": "x", "α": "a",
    # Latin letters outside ASCII that pass for ASCII ones
    "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʏ": "y",
    # Armenian
    "օ": "o", "ս": "u", "ց": "g", "հ": "h",
}


@dataclass(frozen=True)
class Skeleton:
    """The text to match, and for each of its characters the index of the
    character of the visible text it came from."""

    text: str
    origin: tuple[int, ...]

    def span_in(self, shown: str, start: int, end: int) -> tuple[int, int]:
        """The characters of ``shown`` that ``text[start:end]`` came from, with
        any combining marks that follow them (so none is left on its own)."""
        first, last = self.origin[start], self.origin[end - 1] + 1
        while last < len(shown) and unicodedata.category(shown[last]) in ("Mn", "Me"):
            last += 1
        return first, last


def skeleton(text: str) -> Skeleton:
    """``text`` for matching: each character in NFKC, look-alike letters and
    every script's digits in Latin, combining marks left out."""
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for part in unicodedata.normalize("NFKC", ch):
            if unicodedata.category(part) in ("Mn", "Me"):
                continue
            if part in _LOOK_ALIKES:
                part = _LOOK_ALIKES[part]
            elif part.isdecimal() and not part.isascii():
                part = str(unicodedata.decimal(part))
            out.append(part)
            origin.append(index)
    return Skeleton("".join(out), tuple(origin))
