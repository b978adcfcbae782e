"""Checking front-matter values one field at a time.

Each function takes the raw value, reports a problem on the key's line when it
is wrong, and returns the clean value (or ``None``), so one bad field never
hides the problems in the others.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from core.problems import Problems, Severity
from core.suggest import did_you_mean
from core.taxonomy import Term, Vocabulary

from ..model import Quote
from .source import MarkdownFile

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def raw_scalar(source: MarkdownFile, key: str) -> str | None:
    """The text exactly as written, so ``title: 1984`` stays "1984", not 1984."""
    node = source.meta.nodes.get(key)
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def missing(source: MarkdownFile, key: str, problems: Problems, example: str, what: str = "",
            aside: str = "") -> None:
    """A required field that is absent ("Add a line") or present with nothing in it ("Fill in")."""
    if key in source.meta.lines:
        like = f", like `{key}: {example}`{aside}" if example != "..." else ""
        problems.add(source.path, source.line(key), f"The required field `{key}` is empty.",
                     f"Fill in `{key}:`{like}{what}.")
    else:
        problems.add(source.path, source.line(key), f"The required field `{key}` is missing or empty.",
                     f"Add a line `{key}: {example}`{aside} to the front matter{what}.")


# Typographic quotes that Word puts around a value: opening -> the closings it pairs with.
_CURLY = {"\u201c": "\u201d\u201c", "\u2018": "\u2019\u2018", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb",
          "\u201a": "\u2018\u2019"}


def without_curly_quotes(text: str) -> str | None:
    """``“Peer mentors”`` -> ``Peer mentors`` when typographic quotes wrap the whole value, else None."""
    if len(text) < 3 or text[-1] not in _CURLY.get(text[0], ""):
        return None
    inner = text[1:-1]
    # "“A” and “B”" is two quoted phrases, not one quoted value.
    if any(mark in inner for mark in ("\u201c", "\u201d")) and text[0] in "\u201c\u201e":
        return None
    return inner.strip() or None


def text_field(source: MarkdownFile, key: str, problems: Problems, *, required: bool,
         what: str = "") -> str | None:
    """A single line or paragraph of text.

    Word's typographic quotes around the whole value are taken as quotes, as
    straight ones would be, so they are not published as part of the title.
    """
    value = source.meta.values.get(key)
    if is_missing(value):
        if required:
            missing(source, key, problems, "...", what)
        return None
    if isinstance(value, (list, dict)):
        problems.add(source.path, source.line(key), f"The field `{key}` should be plain text, not a list.",
                     f"Write it on one line, like `{key}: Some text`.")
        return None
    written = raw_scalar(source, key)
    text = (written if written is not None else str(value)).strip()
    node = source.meta.nodes.get(key)
    # Inside straight quotes, typographic ones are what the author chose to publish.
    unquoted = without_curly_quotes(text) if isinstance(node, yaml.ScalarNode) and not node.style else None
    if unquoted is None:
        return text
    problems.add(source.path, source.line(key),
                 f"The value of `{key}` is inside typographic quotes (“ ”), so Showcase took them as quotes.",
                 f'It is published as "{unquoted}". To publish the quote marks too, put straight quotes '
                 f"around the whole value: `{key}: '{text}'`.", Severity.NOTE)
    return unquoted


def iso_date(source: MarkdownFile, key: str, problems: Problems, *, required: bool) -> date | None:
    """A date written as YYYY-MM-DD, which sorts and reads the same everywhere."""
    value = source.meta.values.get(key)
    if is_missing(value):
        if required:
            missing(source, key, problems, "2024-06-30", aside=" (year-month-day)")
        return None
    written = str(value).strip()
    written = without_curly_quotes(written) or written  # Word's quotes around a date are only quotes
    if not _ISO_DATE.match(written):
        problems.add(source.path, source.line(key),
                     f'The date in `{key}` is "{written}", which is not in the form YYYY-MM-DD.',
                     f"Write it as year-month-day with two-digit months and days, like `{key}: 2024-06-30`.")
        return None
    try:
        return date.fromisoformat(written)
    except ValueError:
        problems.add(source.path, source.line(key), f'The date in `{key}` is "{written}", which is not a real date.',
                     "Check the month and the day, like `2024-06-30`.")
        return None


def as_list(source: MarkdownFile, key: str, problems: Problems) -> list[Any]:
    """A list field; a single value is accepted as a list of one."""
    value = source.meta.values.get(key)
    if is_missing(value):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        problems.add(source.path, source.line(key), f"The field `{key}` should be a list.",
                     f"Write it like `{key}: [First, Second]`.")
        return []
    return [value]


def plural(vocabulary: Vocabulary) -> str:
    """What the vocabulary's terms are called, in a sentence: "themes", and "evidence levels"
    for a vocabulary whose title ("Evidence") is the first word of its singular ("Evidence level")."""
    title, singular = vocabulary.title.lower(), vocabulary.singular.lower()
    if singular != title and singular.startswith(title + " "):
        return singular + "s"
    return title


def spaced(text: str) -> str:
    """Any run of Unicode spaces (a non-breaking one from Word, say) as one plain space."""
    return " ".join(text.split())


def terms(source: MarkdownFile, vocabulary: Vocabulary, taxonomy_path: str,
          problems: Problems) -> list[Term]:
    """Terms from one vocabulary, matched by label whatever their case and spaces."""
    key = vocabulary.field
    line = source.line(key)
    labels = [term.label for term in vocabulary.terms]
    written = as_list(source, key, problems)
    if not written:
        if vocabulary.required and is_missing(source.meta.values.get(key)):
            example = f"[{labels[0] if labels else '...'}]"
            if key in source.meta.lines:
                problems.add(source.path, line, f"The required field `{key}` is empty.",
                             f"Fill in `{key}:`, like `{key}: {example}`, with one or more of: {', '.join(labels)}.")
            else:
                problems.add(source.path, line, f"The required field `{key}` is missing or empty.",
                             f"Add a line like `{key}: {example}` with one or more of: {', '.join(labels)}.")
        return []
    value = source.meta.values.get(key)
    if isinstance(value, str) and "," in value and vocabulary.find(spaced(value)) is None:
        parts = [spaced(part) for part in value.split(",") if part.strip()]
        if vocabulary.multiple and len(parts) > 1:
            # `themes: A, B` is one value "A, B" to YAML: the author meant a list.
            problems.add(source.path, line, f'`{key}` has "{spaced(value)}", which YAML reads as one value.',
                         f"Write a list in square brackets: `{key}: [{', '.join(parts)}]`.")
            return []
    if not vocabulary.multiple and len(written) > 1:
        problems.add(source.path, line, f"The field `{key}` takes one {vocabulary.singular.lower()}, not a list.",
                     f"Keep the one that fits best, like `{key}: {written[0]}`.")
        return []
    found: list[Term] = []
    for item in written:
        label = spaced(str(item)) if not isinstance(item, (list, dict)) else ""
        label = without_curly_quotes(label) or label  # the term's own label is what is shown
        term = vocabulary.find(label) if label else None
        if term is None:
            problems.add(source.path, line,
                         f'`{key}` has "{label or item}", which is not one of the {plural(vocabulary)}.',
                         f"{did_you_mean(label, labels)}The {plural(vocabulary)} are: {', '.join(labels)}. "
                         f"To add a new one, add it to {taxonomy_path}.")
        elif term in found:
            problems.add(source.path, line, f'`{key}` lists "{term.label}" twice.', "Remove the repeat.")
        else:
            found.append(term)
    return found


def boolean(source: MarkdownFile, key: str, problems: Problems) -> bool:
    value = source.meta.values.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    problems.add(source.path, source.line(key), f'The field `{key}` should be true or false, not "{value}".',
                 f"Write `{key}: true` or `{key}: false`.")
    return False


def integer(source: MarkdownFile, key: str, problems: Problems, *, required: bool) -> int | None:
    value = source.meta.values.get(key)
    if value is None:
        if required:
            problems.add(source.path, source.line(key), f"The required field `{key}` is missing.",
                         f"Add a line `{key}: 1` (a whole number) to the front matter.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(source.path, source.line(key), f'The field `{key}` should be a whole number, not "{value}".',
                     f"Write it like `{key}: 3`.")
        return None
    return value


def quote(source: MarkdownFile, problems: Problems) -> Quote | None:
    """``quote: {text: ..., by: ..., role: ...}``; ``text`` is the one it needs."""
    value = source.meta.values.get("quote")
    if is_missing(value):
        return None
    line = source.line("quote")
    if isinstance(value, str):
        return Quote(text=value.strip())
    if not isinstance(value, dict):
        problems.add(source.path, line, "The field `quote` should have `text`, and may have `by` and `role`.",
                     "Write it like `quote: {text: \"What they said\", by: Amira, role: Learner representative}`.")
        return None
    unknown = sorted(set(map(str, value)) - {"text", "by", "role"})
    if unknown:
        problems.add(source.path, line, f"The quote has {', '.join(f'`{k}`' for k in unknown)}, which it does not use.",
                     "A quote may have only `text`, `by` and `role`.")
    said = value.get("text")
    if is_missing(said) or isinstance(said, (list, dict)):
        problems.add(source.path, line, "The quote has no `text`.",
                     "Add what the person said as `text: \"...\"`, or remove the quote.")
        return None
    return Quote(text=str(said).strip(), by=str(value.get("by") or "").strip(),
                 role=str(value.get("role") or "").strip())


def unknown_fields(source: MarkdownFile, known: list[str], problems: Problems) -> None:
    """Flag fields nobody reads, which are usually typos of ones we do."""
    for key in source.meta.lines:
        if key not in known:
            problems.add(source.path, source.line(key), f"The field `{key}` is not one Showcase knows.",
                         f"{did_you_mean(key, known)}The fields are: {', '.join(known)}.")
