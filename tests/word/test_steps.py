"""The smaller steps on their own: heading words, furniture, the compound-file reader and terms."""
from __future__ import annotations

import pytest

from core.problems import Problems
from core.settings import DEFAULT_SECTIONS, SectionSpec
from core.taxonomy import read_taxonomy
from generator.word import ole
from generator.word.arrange import arrange
from generator.word.furniture import furniture_reason
from generator.word.headings import cues_for, match_section
from generator.word.html_markdown import Block
from generator.word.read import Margin, WordDocument
from generator.word.terms import suggest_terms
from tests.builds import TAXONOMY

from .documents import compound_file


@pytest.mark.parametrize(("heading", "section"), [
    ("Overview – the provider’s message", "The provider's message"),
    ("The providers' message", "The provider's message"),
    ("What next?", "What next"),
    ("Next steps", "What next"),
    ("About the provider", "Provider background"),
    ("Context and background", "Provider background"),
    ("Information about the provider", "Provider background"),
    ("Description of nature of strategy or activity", "The good practice in detail"),
    ("THE GOOD PRACTICE IN DETAIL", "The good practice in detail"),
    # Sub-headings: nothing here names a section.
    ("Impact on learners", None),
    ("What impact has this work had on learners?", None),
    ("Detail of the timetable for tutors", None),
    ("2024", None),
])
def test_headings_match_the_default_sections_by_their_words(heading: str, section: str | None) -> None:
    found = match_section(heading, cues_for(DEFAULT_SECTIONS))
    assert (found.title if found else None) == section


def test_a_site_with_its_own_sections_is_matched_by_their_own_words() -> None:
    sections = (SectionSpec("Summary of impact"), SectionSpec("Lessons learned", required=False))
    cues = cues_for(sections)
    assert match_section("Impact: a summary", cues) == sections[0]
    assert match_section("Lessons we learned", cues) == sections[1]
    assert match_section("What next?", cues) is None  # the default wordings belong to the default sections


def block(text: str, *, links: tuple[str, ...] = ()) -> Block:
    return Block("paragraph", text, text, links=list(links))


@pytest.mark.parametrize(("text", "links", "reason"), [
    ("To view other good practice examples, visit our website.", (), 'a "view other good practice examples" line'),
    ("To see more case studies like this one go to estyn.gov.wales", (), 'a "view other good practice examples" line'),
    ("Please complete our short survey", (), "a feedback-survey link"),
    ("Your feedback", ("https://forms.office.com/r/abc",), "a feedback-survey link"),
    ("Click here", ("https://www.smartsurvey.co.uk/s/x",), "a feedback-survey link"),
    ("Page 3 of 12", (), "a page number"),
    ("7", (), "a page number"),
    ("Overview 2", ("#_Toc1234",), "a table of contents entry"),
    ("Estyn 2024", (), "repeats the page header or footer"),
])
def test_template_furniture_is_recognised(text: str, links: tuple[str, ...], reason: str) -> None:
    assert furniture_reason(block(text, links=links), [Margin("footer", "Estyn 2024")]) == reason


@pytest.mark.parametrize("text", [
    "Learners fill in a survey each term, and the council reads every answer.",  # the practice, not furniture
    "Feedback from learners shaped the timetable.",
    "We had 3 of 12 places filled in the first month.",
    "Learners take the survey each term, and the feedback survey results go to the council.",
    "Tell us what you think: " + "the council's own words on the matter run long here. " * 10,  # long: the author's
])
def test_the_authors_own_text_is_kept(text: str) -> None:
    assert furniture_reason(block(text), []) is None


def test_the_compound_file_reader_lists_the_streams_and_rejects_a_broken_one() -> None:
    data = compound_file(["WordDocument", "1Table"])
    assert ole.stream_names(data) == {"Root Entry", "WordDocument", "1Table"}
    with pytest.raises(ole.DamagedContainer):
        ole.stream_names(data[:600])  # the directory sector is gone
    looping = bytearray(data)
    looping[512 + 4:512 + 8] = (1).to_bytes(4, "little")  # the directory's chain points at itself
    with pytest.raises(ole.DamagedContainer):
        ole.stream_names(bytes(looping))


def test_terms_are_suggested_from_labels_and_description_words() -> None:
    taxonomy = read_taxonomy(TAXONOMY, "cases/taxonomy.yml", Problems())
    text = ("Peer mentors support new arrivals at HMP Kestrel Fields in Wales. Peer support workers mentor "
            "and teach one another in paid, trained roles.")
    found = {(s.field, s.label): s.reason for s in suggest_terms(text, taxonomy)}
    assert found[("themes", "Peer support")] == '"Peer support" is in the text once'
    assert found[("region", "Wales")] == '"Wales" is in the text once'
    assert ("themes", "Resettlement") not in found
    assert suggest_terms("Nothing here names anything.", taxonomy) == []


def test_the_title_falls_back_to_the_document_properties() -> None:
    """No Title paragraph and no heading before the first section: the properties' title, said so."""
    draft = arrange(WordDocument(html="<p>The summary.</p><h1>What next</h1><p>More.</p>",
                                 title="Peer mentors: HMP Kestrel Fields"), DEFAULT_SECTIONS)
    assert (draft.title, draft.title_from) == ("Peer mentors", "the document's properties (File > Info > Title)")
    assert draft.provider == "HMP Kestrel Fields"
    assert draft.summary == "The summary."
    assert draft.sections["What next"] == ["More."]
