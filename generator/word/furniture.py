"""Template furniture: what a Word template puts on every document, and a case page does not want.

Inspectorates' and providers' templates carry a feedback-survey link, a
"To view other good practice examples" line, page numbers, running headers
and footers and a table of contents. The site has its own feedback form,
listings and navigation, so these are left out, and each is listed in the
report so the author can see nothing else was lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .html_markdown import Block
from .read import Margin

_OTHER_EXAMPLES = re.compile(r"\b(view|see|find|read|browse)\b.{0,40}\b(other|more)\b.{0,40}"
                             r"\b(good practice|case stud|examples?)", re.IGNORECASE)
_SURVEY_WORDS = re.compile(r"\b(survey|feedback|questionnaire)\b", re.IGNORECASE)
# An invitation to the reader, at the start of a short paragraph: "Tell us what you think ...".
_SURVEY_INVITATION = re.compile(r"^(please |we would (like|love|welcome) (you )?to )?(tell us what you think|"
                                r"give us (your )?feedback|let us know what you think|(complete|fill in|take) "
                                r"(our|this|the|a) (short |quick |brief )?(online )?(survey|questionnaire|feedback))",
                                re.IGNORECASE)
_SHORT_INVITATION = 30  # words
_SURVEY_HOSTS = re.compile(r"(surveymonkey|smartsurvey|forms\.office|forms\.microsoft|forms\.gle|"
                           r"docs\.google\.com/forms|typeform|onlinesurveys|qualtrics|snapsurveys)", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$|^\d{1,4}\s*\|\s*page$", re.IGNORECASE)
_LONG_PARAGRAPH = 60  # words: past this a paragraph is the author's, whatever it mentions


@dataclass(frozen=True)
class LeftOut:
    """A piece of the document not carried into the case, and why."""

    text: str
    reason: str


def margins_left_out(margins: list[Margin]) -> list[LeftOut]:
    """Headers and footers, which mammoth never reads: listed so the author knows they went."""
    found = []
    for margin in margins:
        if margin.text:
            found.append(LeftOut(margin.text, f"page {margin.where}"))
        if margin.page_number:
            found.append(LeftOut("Page numbers", f"a field in the page {margin.where}"))
    return found


def furniture_reason(block: Block, margins: list[Margin]) -> str | None:
    """Why ``block`` is template furniture, or None when it is the author's content."""
    text = block.text.strip()
    words = len(text.split())
    if block.style == "margin":
        return "styled as a page header or footer"
    if block.kind == "heading" and not _OTHER_EXAMPLES.search(text):
        return None
    if _PAGE_NUMBER.match(text):
        return "a page number"
    if any(m.text and m.text.casefold() == text.casefold() for m in margins):
        return "repeats the page header or footer"
    if words <= _LONG_PARAGRAPH and _OTHER_EXAMPLES.search(text):
        return 'a "view other good practice examples" line'
    if words <= _LONG_PARAGRAPH and _is_survey(block):
        return "a feedback-survey link"
    if block.links and all(link.startswith("#_Toc") for link in block.links):
        return "a table of contents entry"
    return None


def _is_survey(block: Block) -> bool:
    """A link to a survey, a link beside the word "survey" or "feedback", or a short invitation to take one."""
    if _SURVEY_INVITATION.match(block.text) and len(block.text.split()) <= _SHORT_INVITATION:
        return True
    if any(_SURVEY_HOSTS.search(link) for link in block.links):
        return True
    return bool(block.links) and bool(_SURVEY_WORDS.search(block.text))
