"""Taking personal details out of comments before anyone reviews or publishes them.

UK GDPR: comments may mention people, offences, places. The patterns here
remove what can identify someone directly; a person still approves every
comment before it is published.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Each pattern with the words that replace what it matches. Order matters:
# email addresses first (they contain dots and digits), then the numbers.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), "[email address removed]"),
    # National Insurance numbers, including ones with prefixes never issued (QQ 12 34 56 C):
    # removing too much is the safe side.
    (re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE),
     "[National Insurance number removed]"),
    # Prison numbers: a letter, four digits, two letters (A1234BC).
    (re.compile(r"\b[A-Z]\d{4}[A-Z]{2}\b", re.IGNORECASE), "[prison number removed]"),
    (re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
                r" ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE), "[postcode removed]"),
    # UK phone numbers: +44, 0044 or 0, then 9 or 10 more digits, spaced, hyphenated or not.
    (re.compile(r"(?<![\w+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)"),
     "[phone number removed]"),
)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Redacted:
    """Text with personal details replaced, and what kinds were taken out."""

    text: str
    removed: tuple[str, ...]


def redact(text: str, *, contact: tuple[str, ...] = ()) -> Redacted:
    """``text`` without email addresses, phone, National Insurance and prison
    numbers, postcodes, or anything the person gave in the contact fields
    (their organisation, and the name in their email address)."""
    removed: list[str] = []
    # Control characters have no place in a comment, and on a reviewer's terminal
    # they could hide or rewrite what is shown: each becomes a visible mark.
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line breaks, as every system writes them
    text, controls = _CONTROL.subn("\ufffd", text)
    if controls:
        removed.append("control character")

    def remove(pattern: re.Pattern[str], replacement: str) -> None:
        nonlocal text
        text, count = pattern.subn(replacement, text)
        if count:
            removed.append(replacement.strip("[]").removesuffix(" removed"))

    email, *numbers = _PATTERNS
    remove(*email)  # first, so a name taken out of an address cannot leave its domain behind
    for words, what in _contact_phrases(contact):
        remove(re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE), f"[{what} removed]")
    for pattern, replacement in numbers:
        remove(pattern, replacement)
    return Redacted(text, tuple(dict.fromkeys(removed)))


def _contact_phrases(contact: tuple[str, ...]) -> list[tuple[list[str], str]]:
    """Phrases to remove: an organisation as written, and the parts of an email's
    name (jane.smith@... gives "jane smith", "jane" and "smith")."""
    phrases: list[tuple[list[str], str]] = []
    for value in contact:
        value = value.strip()
        if "@" in value:
            parts = [p for p in re.split(r"[._+\-\d]+", value.split("@", 1)[0]) if p]
            if len(parts) > 1:
                phrases.append((parts, "name"))  # the whole name, however short its parts ("Bo Li")
            # A part on its own only when it is long enough not to be an ordinary word.
            phrases.extend(([p], "name") for p in parts if len(p) >= 3)
        elif value:
            words = re.findall(r"\w+", value)
            if sum(map(len, words)) >= 3:
                phrases.append((words, "organisation"))
    return phrases
