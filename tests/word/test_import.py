"""`showcase import` on Word documents made here with python-docx: the exact case file written.

Each document is made the way Word saves one (styles, numbering, a drawing with
its docPr, headers and footers), then imported into a small project. The file
written is compared whole, so a change to any line of it shows here.
"""
from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import yaml

import showcase.cli
from generator.word.command import import_documents
from generator.word.report import report

from .documents import bullet, link, margins, new_document, picture, png, project_at, save

TODAY = date(2025, 1, 15)
ALT_TODO = "<!-- FILL IN: describe this image between the [ ] (its alt text, for people who cannot see it) -->"

# The files each document must become, whole (written by hand from what the document holds).
EXPECTED = Path(__file__).parent / "expected"


def inspectorate_document(path: Path) -> Path:
    """An inspectorate's case study: every kind of content, and the template's furniture."""
    document = new_document()
    document.add_paragraph("Learner council: HMP Testshire", style="Title")
    document.add_paragraph("Learners run a council that shapes the education and training on offer.")
    document.add_heading("Overview – the provider's message", 1)
    paragraph = document.add_paragraph("We listen to learners. The council is ")
    paragraph.add_run("independent").bold = True
    paragraph.add_run(" and meets ")
    paragraph.add_run("every month").italic = True
    paragraph.add_run(".")
    document.add_paragraph("“The council changed how we plan the year.”", style="Quote")
    document.add_paragraph("– Jo Bloggs, Head of Education")
    document.add_heading("Description of nature of strategy or activity", 1)
    document.add_paragraph("Each wing elects two representatives.")
    document.add_paragraph("They collect ideas", style="List Bullet")
    document.add_paragraph("They report back", style="List Bullet")
    document.add_paragraph("Nominate", style="List Number")
    document.add_paragraph("Vote", style="List Number")
    document.add_heading("How meetings run", 2)
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("Month", "Topic"), ("May", "Library hours"), ("June", "Peer mentors | buddies")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    picture(document, "Learners at a council meeting")
    picture(document, None, (200, 0, 0))
    paragraph = document.add_paragraph("Read the ")
    link(paragraph, "council's terms", "https://example.org/terms")
    paragraph.add_run(".")
    document.add_heading("Information about the provider", 1)
    document.add_paragraph("HMP Testshire is a category C prison for 600 men.")
    document.add_heading("What next?", 1)
    document.add_paragraph("The council will add a representative for the workshops.")
    paragraph = document.add_paragraph("Tell us what you think of this case study: ")
    link(paragraph, "feedback survey", "https://www.surveymonkey.co.uk/r/abc")
    document.add_paragraph("To view other good practice examples, visit our website.")
    document.add_paragraph("Page 4")
    margins(document, "Estyn good practice case study", "Estyn 2024")
    return save(document, path)


def test_an_inspectorate_document_becomes_a_draft_case_with_every_part_in_place(tmp_path: Path) -> None:
    project = project_at(tmp_path / "site")
    source = inspectorate_document(tmp_path / "word" / "Learner council.docx")
    [outcome] = import_documents(project, [source], today=TODAY)
    written = tmp_path / "site" / "cases" / "learner-council.md"
    expected = (EXPECTED / "learner-council.md").read_text(encoding="utf-8")
    assert written.read_text(encoding="utf-8") == expected
    images = tmp_path / "site" / "docs" / "assets" / "cases" / "learner-council"
    assert sorted(p.name for p in images.iterdir()) == ["image-1.png", "image-2.png"]
    assert (images / "image-1.png").read_bytes() == png(0, 120, 200)
    assert (images / "image-2.png").read_bytes() == png(200, 0, 0)
    text = report(project, outcome)
    line = expected.split("\n").index(
        "![](../assets/cases/learner-council/image-2.png) " + ALT_TODO) + 1
    for expected in [
        "Learner council.docx: wrote cases/learner-council.md (a draft, marked `draft: true`).",
        '    Provider: "HMP Testshire", from the title, written as "What was done: Provider name". Check it.',
        "    Published: 2024-05-01, from the document's properties (when it was last saved). "
        "Check it: it should be the date the case study was published.",
        '    Quote: "The council changed how we plan the year.", by Jo Bloggs.',
        '        "Overview – the provider\'s message" -> The provider\'s message',
        '        "Description of nature of strategy or activity" -> The good practice in detail',
        '        "Information about the provider" -> Provider background',
        '        "What next?" -> What next',
        '    Headings inside a section, written as ###: "How meetings run".',
        "    Images: 2 saved in docs/assets/cases/learner-council/.",
        f"    Image image-2.png has no alt text: describe it between the [ ] at cases/learner-council.md:{line}.",
        '        "Estyn 2024" (page footer)',
        '        "Page numbers" (a field in the page footer)',
        '        "Estyn good practice case study" (page header)',
        '        "Tell us what you think of this case study: feedback survey" (a feedback-survey link)',
        '        "To view other good practice examples, visit our website." '
        '(a "view other good practice examples" line)',
        '        "Page 4" (a page number)',
        '        settings: Prison ("Prison" is in the text once)',
    ]:
        assert expected in text.split("\n"), f"{expected!r} not in:\n{text}"
    assert "image-1.png has no alt text" not in text


def out_of_order_document(path: Path) -> Path:
    """Sections in another order, one missing, other wordings, a "Provider:" line, no Title style."""
    document = new_document(saved=None)
    document.core_properties.title = "Old template title"
    document.add_heading("Reading together on the wings", 1)
    document.add_paragraph("Provider: Fenmere College")
    document.add_heading("What next?", 1)
    document.add_paragraph("Two more wings join in September.")
    document.add_heading("About the provider", 1)
    document.add_paragraph("Fenmere College teaches in three prisons.")
    document.add_heading("Context and background", 2)
    document.add_paragraph("The college has taught there since 2010.")
    document.add_heading("The good practice in detail", 1)
    document.add_paragraph("Mentors read with learners every evening.")
    bullet(document, "Level one")
    bullet(document, "Level two", level=1)
    bullet(document, "Level one again")
    return save(document, path)


def test_sections_are_written_in_the_configured_order_and_a_missing_one_is_marked(tmp_path: Path) -> None:
    project = project_at(tmp_path / "site")
    source = out_of_order_document(tmp_path / "reading.docx")
    [outcome] = import_documents(project, [source], today=TODAY)
    written = tmp_path / "site" / "cases" / "reading-together-on-the-wings.md"
    assert written.read_text(encoding="utf-8") == (EXPECTED / "reading-together-on-the-wings.md").read_text(
        encoding="utf-8")
    assert not (tmp_path / "site" / "docs" / "assets").exists()  # no images, no folder
    lines = report(project, outcome).split("\n")
    assert "    Summary: no paragraph before the first section. Fill in `summary:` with one or two sentences." in lines
    assert "    Published: the document's properties have no date. Fill in `published:`." in lines
    assert '        The provider\'s message: not in the document. Write it under "## The provider\'s message".' \
        in lines
    assert '        "About the provider" -> Provider background' in lines


WORDINGS = [
    ("Overview – the provider’s message", "The provider's message"),
    ("What next?", "What next"),
    ("About the provider", "Provider background"),
    ("Context and background", "Provider background"),
    ("Information about the provider", "Provider background"),
    ("Description of nature of strategy or activity", "The good practice in detail"),
]


def test_headings_in_other_words_land_in_their_sections(tmp_path: Path) -> None:
    """One document with every wording (one document, as mammoth takes a second or so to read each)."""
    project = project_at(tmp_path / "site")
    document = new_document()
    document.add_heading("Peer mentors in reception", 1)
    for number, (heading, _) in enumerate(WORDINGS, start=1):
        document.add_heading(heading, 1)
        document.add_paragraph(f"Words {number}.")
    [outcome] = import_documents(project, [save(document, tmp_path / "case.docx")], today=TODAY)
    assert outcome.draft is not None and outcome.written is not None
    assert outcome.draft.matched == WORDINGS
    body = outcome.written.path.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == ("\n## The provider's message\n\nWords 1.\n\n## The good practice in detail\n\nWords 6.\n\n"
                    "## Provider background\n\nWords 3.\n\nWords 4.\n\nWords 5.\n\n## What next\n\nWords 2.\n")
    assert outcome.draft.notes == [
        '"Context and background" is a second heading for "Provider background": '
        "its text was added to the end of that section.",
        '"Information about the provider" is a second heading for "Provider background": '
        "its text was added to the end of that section."]


def test_a_quoted_paragraph_with_an_attribution_line_is_the_quote(tmp_path: Path) -> None:
    project = project_at(tmp_path / "site")
    document = new_document()
    document.add_heading("Peer mentors in reception: HMP Kestrel Fields", 1)
    document.add_heading("The provider's message", 1)
    document.add_paragraph("\u201cI felt safe on my first night.\u201d")
    document.add_paragraph("\u2014 Sam, peer mentor")
    document.add_paragraph("Mentors meet everyone who arrives.")
    document.add_paragraph("A second quote, Intense.", style="Intense Quote")
    document.add_paragraph("- Alex")
    [outcome] = import_documents(project, [save(document, tmp_path / "case.docx")], today=TODAY)
    assert outcome.written is not None
    text = outcome.written.path.read_text(encoding="utf-8")
    assert 'quote: {text: "I felt safe on my first night.", by: "Sam", role: "peer mentor"}' in text
    # A further quote stays in the text as a block quote, with its attribution.
    assert ("## The provider's message\n\nMentors meet everyone who arrives.\n\n"
            "> A second quote, Intense.\n>\n> — Alex\n") in text


def test_a_quote_style_paragraph_is_the_quote_even_without_quotation_marks(tmp_path: Path) -> None:
    project = project_at(tmp_path / "site")
    document = new_document()
    document.add_paragraph("Family days", style="Title")
    document.add_paragraph("Provider: HMP Eastwold")
    document.add_heading("What next", 1)
    document.add_paragraph("Families helped plan the next day.", style="Intense Quote")
    document.add_paragraph("More family days.")
    [outcome] = import_documents(project, [save(document, tmp_path / "case.docx")], today=TODAY)
    assert outcome.written is not None
    text = outcome.written.path.read_text(encoding="utf-8")
    assert 'quote: {text: "Families helped plan the next day."}  # CHECK: the quote from the document' in text
    assert "## What next\n\nMore family days.\n" in text
    assert 'title: "Family days"' in text and 'provider: "HMP Eastwold"' in text


def test_an_existing_case_file_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_at(tmp_path / "site")
    source = out_of_order_document(tmp_path / "reading.docx")
    existing = tmp_path / "site" / "cases" / "reading-together-on-the-wings.md"
    existing.write_text("---\ntitle: Mine\n---\n", encoding="utf-8")
    status = showcase.cli.main(["--config", str(project.config_file), "import", str(source)])
    out = capsys.readouterr().out
    assert status == 1
    assert existing.read_text(encoding="utf-8") == "---\ntitle: Mine\n---\n"
    assert sorted(p.name for p in project.cases_dir.iterdir()) == ["reading-together-on-the-wings.md", "taxonomy.yml"]
    assert out == (
        "reading.docx: not imported. Nothing was written: cases/reading-together-on-the-wings.md already exists, "
        "so this document was not imported and that file was left as it is.\n"
        "    If this is a different case study, change its title in Word (or rename the existing file) "
        "and import it again.\n\nImported 0 of 1 document; 1 not imported (see above).\n")


def test_a_folder_is_imported_document_by_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_at(tmp_path / "site")
    folder = tmp_path / "word"
    inspectorate_document(folder / "Learner council.docx")
    out_of_order_document(folder / "reading.docx")
    (folder / "~$reading.docx").write_bytes(b"Word's lock file")  # Word leaves these while a file is open
    (folder / "notes.txt").write_text("not a document", encoding="utf-8")
    status = showcase.cli.main(["--config", str(project.config_file), "import", str(folder)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert sorted(p.name for p in project.cases_dir.glob("*.md")) == [
        "learner-council.md", "reading-together-on-the-wings.md"]
    assert out.endswith("Imported 2 of 2 documents. Run `showcase check --drafts` to see what each draft "
                        "still needs.\n")


def test_awkward_values_are_written_as_valid_yaml_with_their_own_letters(tmp_path: Path) -> None:
    """Quotation marks, colons, # and Welsh letters stay exactly as typed: JSON's quoted strings are YAML's."""
    project = project_at(tmp_path / "site")
    document = new_document()
    title = "Dysgu \u201cgyda\u2019n gilydd\u201d: #1 for Ŵyr a Ŷ"
    document.add_paragraph(title, style="Title")
    document.add_paragraph("Provider: Coleg Afon Teg \\ Cymru")
    document.add_paragraph('Learners said "yes": 100% # of them.')
    document.add_heading("What next", 1)
    document.add_paragraph("More.")
    [outcome] = import_documents(project, [save(document, tmp_path / "cymraeg.docx")], today=TODAY)
    assert outcome.written is not None
    assert outcome.written.path.name == "dysgu-gydan-gilydd-1-for-wyr-a-y.md"
    text = outcome.written.path.read_text(encoding="utf-8")
    assert "\\u" not in text
    front = yaml.safe_load(text.split("---\n")[1])
    assert (front["title"], front["provider"], front["summary"]) == (
        title, "Coleg Afon Teg \\ Cymru", 'Learners said "yes": 100% # of them.')


def test_a_document_whose_headings_match_no_section_keeps_its_text_and_says_so(tmp_path: Path) -> None:
    project = project_at(tmp_path / "site")
    document = new_document()
    document.add_paragraph("Family days", style="Title")
    document.add_paragraph("Families visit once a month.")
    document.add_heading("Visits", 1)
    document.add_paragraph("Children play while parents talk to staff.")
    [outcome] = import_documents(project, [save(document, tmp_path / "family.docx")], today=TODAY)
    assert outcome.draft is not None and outcome.written is not None
    body = outcome.written.path.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body.startswith("\n## The provider's message\n\n### Visits\n\nChildren play while parents talk to staff.\n")
    assert outcome.draft.summary == "Families visit once a month."
    assert outcome.draft.missing == ["The good practice in detail", "Provider background", "What next"]
    assert outcome.draft.notes[-1] == ('No heading in the document matched a section, so all its text is under '
                                       '"The provider\'s message". Share it out among the sections.')


def test_an_image_in_left_out_furniture_is_not_saved(tmp_path: Path) -> None:
    project = project_at(tmp_path / "site")
    document = new_document()
    document.add_heading("Peer mentors in reception", 1)
    document.add_heading("What next", 1)
    document.add_paragraph("More mentors.")
    paragraph = document.add_paragraph("To view other good practice examples, visit our website ")
    paragraph.add_run().add_picture(BytesIO(png()))  # a logo in the template line
    [outcome] = import_documents(project, [save(document, tmp_path / "logo.docx")], today=TODAY)
    assert outcome.written is not None and outcome.written.saved == []
    assert not outcome.written.images_dir.exists()
    assert "image" not in outcome.written.path.read_text(encoding="utf-8").split("---\n", 2)[2]


def test_bold_lines_that_name_a_section_are_its_heading(tmp_path: Path) -> None:
    """Many providers type headings as bold Normal text; one that names a section starts it."""
    project = project_at(tmp_path / "site")
    document = new_document()
    document.add_paragraph("Family days", style="Title")
    document.add_paragraph().add_run("About the provider").bold = True
    document.add_paragraph("HMP Eastwold holds 900 men.")
    document.add_paragraph().add_run("Visits and play").bold = True  # names no section: stays bold text
    document.add_paragraph().add_run("What next?").bold = True
    document.add_paragraph("More family days.")
    [outcome] = import_documents(project, [save(document, tmp_path / "bold.docx")], today=TODAY)
    assert outcome.draft is not None and outcome.written is not None
    assert outcome.draft.matched == [("About the provider", "Provider background"), ("What next?", "What next")]
    body = outcome.written.path.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "## Provider background\n\nHMP Eastwold holds 900 men.\n\n**Visits and play**\n\n## What next\n\n" \
           "More family days.\n" in body
