"""Redaction: personal details leave a comment before anyone reviews or publishes it.

The corpus (redaction_corpus.yml, beside this file) holds each form a detail may
take, with what must go and what must stay, and ordinary comments (dates,
versions, room numbers, other scripts, emoji) that must come through unchanged,
so that the rules cannot quietly grow to take ordinary words. `problems` is the
one check for a corpus entry; it takes the redact function as an argument so
the same check can be run against an older copy of the module.
"""
from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from feedback.redact import redact
from feedback.visible_text import skeleton

EMAIL = "[email address removed]"
PHONE = "[phone number removed]"
PRISON = "[prison number removed]"
POSTCODE = "[postcode removed]"
NI = "[National Insurance number removed]"
NAME = "[name removed]"

CORPUS_FILE = Path(__file__).with_name("redaction_corpus.yml")
# Kinds reported in `removed` that leave no "[… removed]" mark in the text.
_UNMARKED = frozenset({"invisible character", "control character"})


@dataclass(frozen=True)
class Entry:
    """One comment of the corpus that must lose some details."""

    form: str
    text: str
    gone: tuple[str, ...]
    kinds: tuple[str, ...]
    stays: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()


def load_corpus(path: Path = CORPUS_FILE) -> dict[str, Any]:
    """The corpus file, with each section checked for the keys it needs."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == {"redacted", "already_caught", "unchanged"}, sorted(data)
    return data


def entries(section: str, path: Path = CORPUS_FILE) -> list[Entry]:
    """The entries of one section of the corpus that must lose details."""
    return [Entry(e["form"], e["text"], tuple(e["gone"]), tuple(e["kinds"]), tuple(e.get("stays", ())),
                  tuple(e.get("contact", ()))) for e in load_corpus(path)[section]]


def _plain(text: str) -> str:
    """``text`` as the rules compare it: compatibility forms and look-alikes
    made plain, without regard to case."""
    return skeleton(text).text.casefold()


def problems(entry: Entry, redact_with: Callable[..., Any] = redact) -> list[str]:
    """What is wrong with the redaction of ``entry``, in words; empty if nothing."""
    result = redact_with(entry.text, contact=entry.contact)
    found: list[str] = []
    plain = _plain(result.text)
    for detail in entry.gone:
        if detail in result.text or (_plain(detail) and _plain(detail) in plain):
            found.append(f"{detail!r} survived")
        digits = re.sub(r"\D", "", _plain(detail))
        if len(digits) >= 6 and digits in re.sub(r"\D", "", plain):
            found.append(f"the digits of {detail!r} survived")  # a phone number cut in half, say
    for kind in entry.kinds:
        if kind not in _UNMARKED and f"[{kind} removed]" not in result.text:
            found.append(f"no [{kind} removed] in the text")
        if kind not in result.removed:
            found.append(f"{kind!r} not reported in removed={result.removed!r}")
    found += [f"{piece!r} did not stay as it was" for piece in entry.stays if piece not in result.text]
    return [f"{problem}: {result.text!r}" for problem in found]


REDACTED = entries("redacted")
ALREADY_CAUGHT = entries("already_caught")
UNCHANGED: list[str] = load_corpus()["unchanged"]


def test_the_corpus_is_there() -> None:
    # A corpus that failed to load must not pass by having no cases.
    assert len(REDACTED) >= 30 and len(ALREADY_CAUGHT) >= 10 and len(UNCHANGED) >= 30


@pytest.mark.parametrize("entry", REDACTED, ids=[e.form for e in REDACTED])
def test_each_form_in_the_corpus_is_redacted(entry: Entry) -> None:
    assert problems(entry) == []


@pytest.mark.parametrize("entry", ALREADY_CAUGHT, ids=[e.form for e in ALREADY_CAUGHT])
def test_forms_caught_before_are_still_redacted(entry: Entry) -> None:
    assert problems(entry) == []


@pytest.mark.parametrize("text", UNCHANGED, ids=[f"unchanged-{i}" for i in range(len(UNCHANGED))])
def test_ordinary_text_is_not_redacted(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.removed == ()


@pytest.mark.parametrize("text", [
    "0 " * 2500, "1-" * 2500, "a." * 2500, "A" * 5000, "jane dot " * 550, "jane.doe at " * 400,
    "Mr " * 1600, "my mentor " * 500, "born on the " * 400 + "1", "\u202e12" * 1600, "(0" * 2500,
    "+44 " * 1200, "Thanks, " * 600, "@a." * 1600, "QQ 12 34 " * 500,
], ids=lambda text: repr(text[:12]))
def test_long_hostile_comments_are_redacted_quickly(text: str) -> None:
    # 5,000 characters is the most a comment may have; no rule may take long over it.
    started = time.perf_counter()
    redact(text, contact=("Firthgate Trust", "jane.smith@firthgate.org.uk"))
    assert time.perf_counter() - started < 2.0


# Pieces of details and of the characters that disguise them, for random comments.
_PIECES = [*"0123456789 .-/()+@abcABC\n\t,;:'", "\u200b", "\u200d", "\u202e", "\u202c", "\u2066", "\u0301",
           "\uff10", "\uff20", "\u0410", "\u0661", "\u00bd", "\u2026", "\U0001f468", "\U000e0067", "\U0001f3f4",
           "\u0645", "\r", "\x00", " at ", " dot ", "Mr ", "my mentor ", "born on ", "DOB ", "Thanks,\n", "\u2014 ",
           "07700 ", "900123", "QQ", "A1234", "BC", "SW1A", " 1AA", "jane", "smith", "Firthgate", "Trust"]
_HIDING = frozenset("\u200b\u202e\u202c\u2066\x00\r")


def test_random_comments_come_out_without_anything_that_hides_text() -> None:
    # 1,000 comments from a fixed seed: no error, and nothing that hides or
    # reorders text is left for the reviewer.
    rng = random.Random(8)
    contact = ("Firthgate Trust", "jane.smith@firthgate.org.uk")
    for _ in range(1000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 60)))
        shown = redact(text, contact=contact).text
        assert not _HIDING & set(shown), (text, shown)


@pytest.mark.parametrize(("text", "expected"), [
    ("Call 07700 900123 today.", f"Call {PHONE} today."),
    ("Ring +44 20 7946 0958 please", f"Ring {PHONE} please"),
    ("Ex-prisoner A1234BC, NI JG103759A, lives in M1 1AE.", f"Ex-prisoner {PRISON}, NI {NI}, lives in {POSTCODE}."),
    ("Write to jane@example.org.", f"Write to {EMAIL}."),
    ("Born on 3 May 1990.", "Born on [date of birth removed]."),
    ("Ask Mr Jones.", f"Ask Mr {NAME}."),
])
def test_only_the_detail_is_replaced(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_names_are_removed_only_as_whole_words() -> None:
    result = redact("Janet and Smithson met at Eastwold.", contact=("", "jane.smith@example.org"))
    assert result.text == "Janet and Smithson met at Eastwold."


def test_contact_email_address_itself_is_removed_with_its_domain() -> None:
    result = redact("Reply to jane.smith@firthgate.org.uk", contact=("", "jane.smith@firthgate.org.uk"))
    assert result.text == f"Reply to {EMAIL}"


def test_other_peoples_organisations_stay() -> None:
    result = redact("We visited HMP Eastwold and Firthgate Trust.", contact=("Coleg Afon Teg", ""))
    assert result.text == "We visited HMP Eastwold and Firthgate Trust."


@pytest.mark.parametrize("number", ["+44-7700-900123", "+44-20-7946-0958"])
def test_hyphenated_international_numbers_are_removed(number: str) -> None:
    assert PHONE in redact(f"Call {number} after six.").text


@pytest.mark.parametrize("number", ["0044 7700 900123", "0044 20 7946 0958"])
def test_0044_numbers_are_removed(number: str) -> None:
    text = redact(f"Call {number} after six.").text
    assert text == f"Call {PHONE} after six."


def test_short_names_from_the_email_are_removed_as_a_whole() -> None:
    result = redact("Thanks to Bo Li for the idea.", contact=("", "bo.li@example.org"))
    assert "Bo Li" not in result.text
