"""Redaction: personal details leave a comment before anyone reviews or publishes it.

A corpus of realistic comments, each with what must go and what must stay;
and ordinary text (percentages, years, room numbers, prison names) that must
come through untouched.
"""
from __future__ import annotations

import re

import pytest

from feedback.redact import redact

EMAIL = "[email address removed]"
PHONE = "[phone number removed]"
NI = "[National Insurance number removed]"
PRISON = "[prison number removed]"
POSTCODE = "[postcode removed]"
NAME = "[name removed]"
ORGANISATION = "[organisation removed]"

# (comment, details that must not survive, replacements that must appear)
CORPUS = [
    ("Great case study. If anyone wants to visit, email me at j.okafor@hmp-example.gov.uk or call 01632 960 001.",
     ["j.okafor@hmp-example.gov.uk", "01632 960 001", "hmp-example"], [EMAIL, PHONE]),
    ("Happy to share our timetable: Jane.Smith+feedback@mail.example.co.uk (work) or JANE@EXAMPLE.ORG.",
     ["Jane.Smith+feedback@mail.example.co.uk", "JANE@EXAMPLE.ORG", "mail.example"], [EMAIL]),
    ("You can reach our tutor on +44 7700 900456 or 07700900456 any weekday, or +447700900789.",
     ["7700 900456", "07700900456", "+447700900789"], [PHONE]),
    ("Mobile: 07700 900 123. Landline (020) 7946 0958, or 020 7946 0958, or 02079460958.",
     ["07700 900 123", "7946 0958", "02079460958"], [PHONE]),
    ("Our office is on 0161 496 0000 and the Leeds team on 0113-496-0123; from abroad +44 (0)20 7946 0958.",
     ["0161 496 0000", "0113-496-0123", "7946 0958"], [PHONE]),
    ("Northern Ireland colleagues: 028 9018 0000, or +44 28 9018 0000; freephone 0800 123 4567.",
     ["9018 0000", "123 4567"], [PHONE]),
    ("Our learner rep (prison number A1234BC) wrote the survey himself, and a1234bc helped.",
     ["A1234BC", "a1234bc"], [PRISON]),
    ("His NI number QQ 12 34 56 C was on the form by mistake, and so was AB123456C.",
     ["QQ 12 34 56 C", "AB123456C"], [NI]),
    ("Letters to Fenmere Road, Birmingham B33 8TH, or the London office at EC1A 1BB.",
     ["B33 8TH", "EC1A 1BB"], [POSTCODE]),
    ("We have sites at SW1A 1AA, M1 1AE, CR2 6XH, DN55 1PT and W1A 0AX; also sw1a1aa and E1W 1AA.",
     ["SW1A 1AA", "M1 1AE", "CR2 6XH", "DN55 1PT", "W1A 0AX", "sw1a1aa", "E1W 1AA"], [POSTCODE]),
    ("Contact: o'brien@example.ie, tel:07700900123, release address Cardiff CF10 1EP.",
     ["o'brien@example.ie", "07700900123", "CF10 1EP"], [EMAIL, PHONE, POSTCODE]),
]


@pytest.mark.parametrize(("comment", "gone", "replacements"), CORPUS, ids=[f"corpus-{i}" for i in range(len(CORPUS))])
def test_personal_details_are_removed_from_realistic_comments(comment: str, gone: list[str],
                                                              replacements: list[str]) -> None:
    result = redact(comment)
    for detail in gone:
        assert detail.casefold() not in result.text.casefold(), f"{detail!r} survived: {result.text!r}"
    for replacement in replacements:
        assert replacement in result.text
        assert replacement.strip("[]").removesuffix(" removed") in result.removed
    # No stray digits of what was removed stay behind (a phone number cut in half, say).
    for detail in gone:
        digits = re.sub(r"\D", "", detail)
        if len(digits) >= 6:
            assert digits not in re.sub(r"\D", "", result.text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Call 07700 900123 today.", f"Call {PHONE} today."),
    ("Ring +44 20 7946 0958 please", f"Ring {PHONE} please"),
    ("Ex-prisoner A1234BC, NI JG103759A, lives in M1 1AE.", f"Ex-prisoner {PRISON}, NI {NI}, lives in {POSTCODE}."),
    ("Write to jane@example.org.", f"Write to {EMAIL}."),
])
def test_only_the_detail_is_replaced(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize("text", [
    "In 2015, 45% of the 120 learners in room 101 at HMP Eastwold finished a Level 2 course.",
    "Between 2019 and 2021 attendance rose from 60% to 85% (and to 100 % in C wing).",
    "We started in September 2015 and ran it until 2019-2020, about 20 000 hours in all.",
    "The grant was £20,000 for 12 months; 0.5 FTE; learners aged 18-25; open 09:00 to 17:00.",
    "Sessions ran 0900-1700 on days 1 2 3 4 5, scored 10/10, version 1.2.3, reference 12345678.",
    "HMP Eastwold, HMYOI Ashcombe and Coleg Afon Teg all took part after COVID-19.",
    "The M1 motorway, the A1, Cat C prisons, ESOL and GCSE maths: ordinary words.",
    "Learners from between 01 and 10 wings, 0 to 100 points, phase 2 of 3.",
])
def test_ordinary_text_is_not_redacted(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.removed == ()


def test_names_from_the_email_address_and_the_organisation_are_removed() -> None:
    comment = ("Jane Smith here from Firthgate Trust. JANE set up the sessions; Smith's notes are online, "
               "and jane-smith helped. Ask at the firthgate   trust office.")
    result = redact(comment, contact=("Firthgate Trust", "jane.smith@firthgate.org.uk"))
    for detail in ("jane", "smith", "firthgate"):
        assert detail not in result.text.casefold(), result.text
    assert NAME in result.text and ORGANISATION in result.text
    assert {"name", "organisation"} <= set(result.removed)


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
