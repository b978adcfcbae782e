"""Taking personal details out of comments before anyone reviews or publishes them.

UK GDPR: comments may mention people, offences, places. The rules here remove
what can identify someone directly; a person still approves every comment
before it is published, because no set of patterns catches everything.

How it works, and why:
- The text is first put in the form a reviewer will see (feedback.visible_text):
  without zero-width or bidirectional characters, which could split a number
  or reverse it on screen.
- The rules match a skeleton of that text (NFKC, so full-width digits and @ are
  plain ones; look-alike letters in Latin; every script's digits as 0-9), which
  remembers where each of its characters came from, so a Cyrillic "А" in a
  prison number is caught while a Russian word stays as it was written.
- Each detail found is masked in the skeleton, so later rules cannot match
  inside it or across it; at the end each one becomes "[… removed]".
- Numbers may be written with spaces, hyphens, dots or slashes between the
  digits. Names are removed after words that introduce one ("my mentor",
  "Mr"), never because a word merely starts with a capital.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .visible_text import skeleton, visible

# What may stand between two groups of digits or letters in a number: one or two
# spaces, or a hyphen, dash, dot or slash with at most a space either side.
_SEP = r"(?:[ \t]{1,2}|[ \t]?[-./\u2010-\u2015\u2212][ \t]?)"
# Between two digits of a phone number: nothing, a separator, or a bracket.
_JOIN = rf"(?:\)?{_SEP}?\(?)"
_MASK = "\ue000"  # stands for a detail already found, in the skeleton only

Span = tuple[int, int]


@dataclass(frozen=True)
class Redacted:
    """Text with personal details replaced, and what kinds were taken out."""

    text: str
    removed: tuple[str, ...]


@dataclass(frozen=True)
class _Rule:
    """One kind of detail: where it may be, and (optionally) a closer look at
    each candidate that says which part to remove, or None to leave it."""

    kind: str
    pattern: re.Pattern[str]
    accept: Callable[[re.Match[str]], Span | None] | None = None

    def spans(self, text: str) -> list[Span]:
        """Where this kind of detail is in ``text``. A candidate the closer look
        refuses is tried again one character on, so that a date cannot hide the
        phone number that follows it."""
        found: list[Span] = []
        position = 0
        while position <= len(text) and (match := self.pattern.search(text, position)) is not None:
            span = self.accept(match) if self.accept else _detail(match)
            if span is None or span[0] == span[1]:
                position = match.start() + 1
                continue
            found.append(span)
            position = max(match.end(), span[1])
        return found


def _detail(match: re.Match[str]) -> Span:
    """The part to remove: the group named "detail" if the pattern has one
    (so that "born on" or "my mentor" stays), otherwise all of the match."""
    return match.span("detail") if "detail" in match.re.groupindex else match.span()


# --- email addresses -------------------------------------------------------

# The part before the @ is tried only from where it can start: tried from every
# character, a long run of letters would take time in proportion to its square.
_EMAIL = _Rule("email address", re.compile(r"(?<![\w.+'-])[\w.+'-]+[ \t]?@[ \t]?[\w-]+(?:\.[\w-]+)+"))

_SPELLED_AT = r"(?:[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*|[ \t]+at[ \t]+)"
_SPELLED_DOT = r"(?:[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+|\.)"
_LOCAL_JOIN = rf"(?:{_SPELLED_DOT}|[ \t]+(?:underscore|dash|hyphen)[ \t]+)"
_LABEL = r"(?!(?:the|a|an|my|our|this|that|at|dot)\b)[a-z0-9][\w-]{0,62}"
_TLD = r"(?:com|org|net|edu|gov|info|biz|io|me|scot|wales|cymru|london|[a-z]{2})\b"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w'+.-])(?P<local>[\w'+-]+(?:{_LOCAL_JOIN}[\w'+-]+){{0,8}}){_SPELLED_AT}(?:{_LABEL}{_SPELLED_DOT}){{1,4}}{_TLD}",
    re.IGNORECASE)
_OBFUSCATION = re.compile(r"[\[({<][ \t]*(?:at|dot)[ \t]*[\])}>]|\bdot\b", re.IGNORECASE)


def _spelled_email(match: re.Match[str]) -> Span | None:
    """An address with "at" and "dot" in words. A plain " at " before a real
    domain ("visit us at example.org", "look at gov.uk") is an address only when
    the part before it looks like a mailbox (jane.doe, j_doe, jdoe99)."""
    if _OBFUSCATION.search(match.group()) or re.search(r"[._+\d]", match.group("local")):
        return match.span()
    return None


_EMAIL_SPELLED = _Rule("email address", _SPELLED_EMAIL, _spelled_email)


# --- dates of birth ----------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE = (rf"(?:\d{{1,2}}{_SEP}\d{{1,2}}{_SEP}\d{{2,4}}"  # 3/4/1990, 03.04.90, 03-04-1990
         rf"|\d{{4}}{_SEP}\d{{1,2}}{_SEP}\d{{1,2}}"  # 1990-04-03
         rf"|{_DAY}(?:[ \t]+of)?[ \t]+{_MONTH}(?:\.?,?[ \t]+\d{{4}})?"  # 3rd of March 1990, 3 Mar. 1990, 3 March
         rf"|{_MONTH}\.?[ \t]+{_DAY}(?:,?[ \t]+\d{{4}})?"  # March 3rd, 1990
         rf"|{_MONTH}\.?,?[ \t]+\d{{4}})(?!\w)")  # March 1990
_BIRTH_CUE = r"\b(?:date[ \t]+of[ \t]+birth|d\.?[ \t]?o\.?[ \t]?b\b\.?|birth[ \t]?date|born|birthday)"
_BIRTH_FILLER = r"(?:[ \t:=,\-\u2013]|\b(?:is|was|on|in|the)\b){0,8}"
_DATE_OF_BIRTH = _Rule("date of birth",
                       re.compile(rf"{_BIRTH_CUE}{_BIRTH_FILLER}(?P<detail>{_DATE})", re.IGNORECASE))


# --- numbers -------------------------------------------------------------------

# National Insurance numbers: two letters, six digits, A to D. The first two
# letters follow HMRC's rules (no D, F, I, U or V; no O second), except that Q is
# kept, because "QQ 12 34 56 C" is the usual example and removing too much is the
# safe side. Written together in any case; with separators only in capitals, so
# that a date such as "on 12.03.21 a" stays.
_NI_FIRST, _NI_SECOND = "[A-CEGHJ-TW-Z]", "[A-CEGHJ-NP-TW-Z]"
_NATIONAL_INSURANCE = _Rule("National Insurance number", re.compile(
    rf"\b(?:(?i:{_NI_FIRST}{_NI_SECOND}\d{{6}}[A-D])"
    rf"|{_NI_FIRST}{_NI_SECOND}{_SEP}?\d{{2}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}{_SEP}?[A-D])\b"))

# Prison numbers: a letter, four digits, two letters (A1234BC). Written together
# in any case; with separators only in capitals, so that "a 2019 tv" stays.
_PRISON = _Rule("prison number", re.compile(
    rf"\b(?:(?i:[A-Z]\d{{4}}[A-Z]{{2}})|[A-Z]{_SEP}?\d{{4}}{_SEP}?[A-Z]{{2}})\b"))

# Postcodes, with any separator between the two halves; "B1 2nd floor" is not one.
_POSTCODE = _Rule("postcode", re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    rf"{_SEP}?(?!(?-i:1st|2nd|3rd|\dth)\b)\d[ABD-HJLNP-UW-Z]{{2}})\b", re.IGNORECASE))

# Phone numbers: UK ones (+44, 0044 or 0, then 9 or 10 more digits) and any
# other with a + and 8 to 14 digits, grouped with spaces, hyphens, dots, slashes
# or brackets.
_PHONE_CANDIDATE = re.compile(
    rf"(?<![\w+])(?:"
    rf"(?:\+|00)[ \t]?44{_JOIN}(?:\(0\){_JOIN}|0{_JOIN})?[1-9](?:{_JOIN}\d){{8,9}}"
    rf"|\+[ \t]?[1-9](?:{_JOIN}\d){{7,13}}"
    rf"|\(?0[1-9](?:{_JOIN}\d){{8,9}}"
    rf")(?!\d)")


def _phone(match: re.Match[str]) -> Span | None:
    """A phone number keeps one way of grouping its digits: spaces and hyphens
    may mix, but dots or slashes mixed with anything else are dates and versions
    ("01/02/2003 04"), not phone numbers."""
    if re.search(r"isbn[ \t:-]*$", match.string[max(0, match.start() - 8):match.start()], re.IGNORECASE):
        return None  # a book's number (ISBN 0-14-103614-4)
    separators = {s.strip(" \t") or " " for s in re.findall(r"[ \t]*[-./\u2010-\u2015\u2212][ \t]*|[ \t]+",
                                                             re.sub(r"[()]", "", match.group()))}
    if len(separators) > 1 and separators & {".", "/"}:
        return None
    return match.span()


_PHONE = _Rule("phone number", _PHONE_CANDIDATE, _phone)


# --- names after words that introduce one ---------------------------------------

_ROLES = ("mentor|peer mentor|tutor|teacher|lecturer|instructor|trainer|coach|assessor|officer|prison officer"
          "|probation officer|key ?worker|case ?worker|social worker|support worker|worker|manager|line manager"
          "|supervisor|boss|colleague|governor|chaplain|librarian|nurse|doctor|counsellor|psychologist|solicitor"
          "|lawyer|friend|mate|partner|husband|wife|boyfriend|girlfriend|fianc[eé]e?|son|daughter|child|kid"
          "|brother|sister|mum|mom|mother|dad|father|uncle|aunt|auntie|cousin|nephew|niece|grandson"
          "|granddaughter|grandmother|grandfather|nan|gran|grandad|grandma|grandpa|neighbour|cellmate|cell mate"
          "|pad ?mate|learner|student|pupil|client|carer|resident")
_NAME_WORD = r"(?:[^\W\d_]\.|[^\W\d_]+(?:['\u2019-][^\W\d_]+)*)"
_NAME = rf"(?P<detail>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
_NAME_CUES = re.compile(
    rf"(?:\b(?i:my|our|his|her|their|your|the)[ \t]+(?i:{_ROLES})(?:,[ \t]*|[ \t]+)"
    rf"|\b(?i:an?|one)[ \t]+(?i:{_ROLES}|man|woman|lad|guy|girl|boy|person|bloke)[ \t]+(?i:called|named)[ \t]+"
    rf"|\b(?i:my[ \t]+name[ \t]+is|my[ \t]+name's|i[ \t]+am[ \t]+called|i'm[ \t]+called)[ \t]+"
    rf"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|MR|MRS|DR)\.?[ \t]+"
    rf"){_NAME}")
# A name that signs the comment off: after "Thanks," or a dash (not a hyphen,
# which starts a list item) at the very end, with nothing after it.
_SIGN_OFF = re.compile(
    rf"(?:(?:^|[.!?\n][ \t]*)(?i:thanks|thank[ \t]+you|many[ \t]+thanks|regards|kind[ \t]+regards"
    rf"|best[ \t]+wishes|cheers|yours[ \t]+sincerely|sincerely|signed|love)[,!.]?[ \t]*\n?[ \t]*"
    rf"|(?:^|\n)[ \t]*(?:[\u2013\u2014]|--)[ \t]*"
    rf"){_NAME}[ \t]*[.!]?\s*\Z")

# Capitalised words that follow a cue but are not names.
_NOT_NAMES = frozenset("""
    i a an the and but or so he she they we it this that his her their our my your who which what when where
    in on at for from with to of is was has had have will would who's he's she's they're everyone all
    hmp hmyoi yoi prison college coleg council team group trust university school service services centre
    center forum programme program project voice learning education unit wing level maths english esol gcse
    union committee board panel network scheme support office rep reps representative representatives
    said says told
    mr mrs ms miss mx dr prof sir dame monday tuesday wednesday thursday friday saturday sunday
    """.split())


def _capitalised_name(match: re.Match[str]) -> Span | None:
    """The capitalised words of the candidate name, up to the first that is not
    part of a name; a possessive "'s" stays. None if the first word is not a name."""
    start, _ = match.span("detail")
    end = start
    for word in re.finditer(_NAME_WORD, match.group("detail")):
        text = word.group()
        initial = len(text) == 2 and text.endswith(".")
        if not text[0].isupper() or (not initial and text.casefold() in _NOT_NAMES):
            break
        end = start + word.end()
        if re.search(r"['\u2019]s$", text):
            end -= 2
            break
    return (start, end) if end > start else None


def _whole_name(match: re.Match[str]) -> Span | None:
    """A sign-off's name, only when every word of it is one."""
    span = _capitalised_name(match)
    return span if span is not None and span[1] == match.end("detail") else None


_NAMES = _Rule("name", _NAME_CUES, _capitalised_name)
_SIGNED = _Rule("name", _SIGN_OFF, _whole_name)

_BEFORE_CONTACT = (_EMAIL, _EMAIL_SPELLED)
_AFTER_CONTACT = (_DATE_OF_BIRTH, _NATIONAL_INSURANCE, _PRISON, _POSTCODE, _PHONE, _NAMES, _SIGNED)


def redact(text: str, *, contact: tuple[str, ...] = ()) -> Redacted:
    """``text`` without email addresses (also spelled out), phone, National
    Insurance and prison numbers, postcodes, dates of birth, names after words
    that introduce them, or anything the person gave in the contact fields (their
    organisation, in any word order, and the name in their email address).

    The text comes back without invisible characters and composed (NFC), as
    the reviewer sees it, whether or not anything was removed."""
    removed: list[str] = []
    shown = visible(text)
    if shown.controls:
        removed.append("control character")
    if shown.invisible:
        removed.append("invisible character")
    text = shown.text
    letters = skeleton(text)
    matching = letters.text
    found: list[tuple[int, int, str]] = []

    def remove(kind: str, spans: list[Span]) -> None:
        nonlocal matching
        for start, end in spans:
            if _MASK in matching[start:end]:
                continue  # overlaps a detail already found
            matching = matching[:start] + _MASK * (end - start) + matching[end:]
            found.append((start, end, kind))
            removed.append(kind)

    for rule in _BEFORE_CONTACT:  # first, so a name taken out of an address cannot leave its domain behind
        remove(rule.kind, rule.spans(matching))
    for kind, pattern in _contact_phrases(contact):
        remove(kind, [m.span() for m in pattern.finditer(matching)])
    for words in _organisations(contact):
        remove("organisation", _in_any_order(words, matching))
    for rule in _AFTER_CONTACT:
        remove(rule.kind, rule.spans(matching))

    pieces: list[str] = []
    position = 0
    for start, end, kind in sorted((*letters.span_in(text, s, e), k) for s, e, k in found):
        if end <= position:
            continue  # two details from one character ("½"): it is gone already
        pieces += [text[position:max(start, position)], f"[{kind} removed]"]
        position = end
    pieces.append(text[position:])
    return Redacted("".join(pieces), tuple(dict.fromkeys(removed)))


def _contact_phrases(contact: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
    """Phrases to remove: the parts of an email's name (jane.smith@... gives
    "jane smith", "jane" and "smith"), and an organisation as written."""
    phrases: list[tuple[str, list[str]]] = []
    for value in (skeleton(visible(v).text).text.strip() for v in contact):
        if "@" in value:
            parts = [p for p in re.split(r"[._+\-\d]+", value.split("@", 1)[0]) if p]
            if len(parts) > 1:
                phrases.append(("name", parts))  # the whole name, however short its parts ("Bo Li")
            # A part on its own only when it is long enough not to be an ordinary word.
            phrases.extend(("name", [p]) for p in parts if len(p) >= 3)
        elif value:
            words = re.findall(r"\w+", value)
            if sum(map(len, words)) >= 3:
                phrases.append(("organisation", words))
    return [(kind, re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE))
            for kind, words in phrases]


# Words that join the parts of an organisation's name, in whatever order they come.
_CONNECTORS = frozenset({"of", "the", "and", "for", "at", "in", "&"})


def _organisations(contact: tuple[str, ...]) -> list[frozenset[str]]:
    """The words of each organisation named in the contact fields, without
    connectors ("University of Eastwold" gives {"university", "eastwold"})."""
    found = []
    for value in (skeleton(visible(v).text).text.strip() for v in contact):
        if value and "@" not in value:
            words = frozenset(w.casefold() for w in re.findall(r"\w+", value)) - _CONNECTORS
            if len(words) >= 2:  # one word ("Trust") is left to the phrase as written
                found.append(words)
    return found


def _in_any_order(words: frozenset[str], text: str) -> list[Span]:
    """Runs of ``text`` made of all of ``words`` in any order ("Trust Firthgate",
    "Eastwold University"), with connectors and punctuation between them but no
    line break and nothing already removed."""
    tokens = [(m.group().casefold(), m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        if tokens[index][0] not in words:
            index += 1
            continue
        seen: set[str] = set()
        last = index
        j = index
        while j < len(tokens):
            word, start, _ = tokens[j]
            if j > index:
                gap = text[tokens[j - 1][2]:start]
                if len(gap) > 5 or "\n" in gap or _MASK in gap:
                    break
            if word in words:
                seen.add(word)
                last = j
            elif word not in _CONNECTORS:
                break
            j += 1
        if seen == words:
            spans.append((tokens[index][1], tokens[last][2]))
            index = last + 1
        else:
            index += 1
    return spans
