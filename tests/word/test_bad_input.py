"""Bad input: each refused with a plain message naming the file and what to do, nothing written,
exit status 1 and never a traceback. Hostile documents (zip bombs, names that climb out of the
document, XML entities) are refused the same way, before anything is unpacked."""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import showcase.cli
from core.project import Project
from generator.word.command import import_documents
from generator.word.guard import MEGABYTE, Limits
from generator.word.report import report

from .documents import compound_file, margins, new_document, picture, project_at, save

SAVE_AS_DOCX = "Open it in Word and save it as .docx (File > Save As > Word Document), then import that."
DAMAGED_FIX = "Open it in Word (which may offer to repair it), save it again as .docx, and import that."
RESAVE = "Save it again from Word, or copy its text into a new document, then import that."


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return project_at(tmp_path / "site")


def a_docx(path: Path, text: str = "Some words.") -> Path:
    document = new_document()
    document.add_heading("A case study", 1)
    document.add_paragraph(text)
    return save(document, path)


def rezipped(source: Path, path: Path, *, add: dict[str, bytes] | None = None,
             replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """``source`` with entries added, replaced or dropped, zipped again as Word would."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            if entry.filename not in drop:
                new.writestr(entry.filename, (replace or {}).get(entry.filename, old.read(entry.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return path


def run_import(project: Project, capsys: pytest.CaptureFixture[str], *files: Path) -> tuple[int, str]:
    status = showcase.cli.main(["--config", str(project.config_file), "import", *map(str, files)])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text and "unexpected problem" not in text, text
    return status, captured.out


def nothing_written(project: Project) -> None:
    assert sorted(p.name for p in project.cases_dir.iterdir()) == ["taxonomy.yml"]
    assert not (project.docs_dir / "assets").exists()


def refusal(name: str, problem: str, fix: str) -> str:
    return f"{name}: not imported. {problem}\n    {fix}\n\nImported 0 of 1 document; 1 not imported (see above).\n"


def test_a_file_that_is_not_a_word_document(project: Project, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Some notes about the case study.", encoding="utf-8")
    status, out = run_import(project, capsys, notes)
    assert status == 1
    assert out == refusal("notes.txt", "This is not a Word document (it is a .txt file).",
                          "Only .docx files can be imported: save it from Word as Word Document (.docx).")
    nothing_written(project)


def test_a_pdf_renamed_to_docx(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    renamed = tmp_path / "case.docx"
    renamed.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    status, out = run_import(project, capsys, renamed)
    assert status == 1
    assert out == refusal("case.docx", "The file is called .docx but is not a Word document inside.",
                          "Open it in Word and save it again with File > Save As > Word Document (.docx).")
    nothing_written(project)


def test_an_old_binary_doc(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "Learner council.doc"
    old.write_bytes(compound_file(["WordDocument", "1Table", "\x05SummaryInformation"]))
    status, out = run_import(project, capsys, old)
    assert status == 1
    assert out == refusal("Learner council.doc",
                          "This is an old Word 97-2003 document (.doc), which cannot be imported.", SAVE_AS_DOCX)
    nothing_written(project)


def test_a_password_protected_document(project: Project, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    protected = tmp_path / "protected.docx"
    protected.write_bytes(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    status, out = run_import(project, capsys, protected)
    assert status == 1
    assert out == refusal("protected.docx", "The document is protected with a password, so it cannot be read.",
                          "Open it in Word, remove the password (File > Info > Protect Document > Encrypt with "
                          "Password, then clear it), save, and import it again.")
    nothing_written(project)


def test_the_compound_files_made_here_are_what_file_takes_them_for(tmp_path: Path) -> None:
    """The test files are honest: libmagic, which knows Office's formats, reads them as Word would save them."""
    if shutil.which("file") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("`file` (libmagic) is needed to check the compound files the tests make")
        pytest.skip("`file` (libmagic) is not installed")
    old, protected = tmp_path / "old.doc", tmp_path / "protected.docx"
    old.write_bytes(compound_file(["WordDocument", "1Table"]))
    protected.write_bytes(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    described = subprocess.run(["file", "--brief", str(old), str(protected)], capture_output=True, text=True,
                               check=True, timeout=30).stdout.split("\n")
    assert described[:2] == ["CDFV2 Microsoft Word", "CDFV2 Encrypted"]


def test_a_truncated_document(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = a_docx(tmp_path / "whole.docx").read_bytes()
    cut = tmp_path / "cut short.docx"
    cut.write_bytes(whole[: len(whole) // 2])  # as a download or an email attachment that stopped half way
    status, out = run_import(project, capsys, cut)
    assert status == 1
    assert out == refusal("cut short.docx",
                          "The document is damaged: it is cut short or corrupt, so it cannot be read.", DAMAGED_FIX)
    nothing_written(project)


def test_a_document_whose_text_is_corrupt(project: Project, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    broken = rezipped(a_docx(tmp_path / "whole.docx"), tmp_path / "broken.docx",
                      replace={"word/document.xml": b"<w:document xmlns:w='x'><w:body><w:p>"})
    status, out = run_import(project, capsys, broken)
    assert status == 1
    assert out == refusal("broken.docx", "The document is damaged: Word's text inside it cannot be read.",
                          DAMAGED_FIX)
    nothing_written(project)


def test_a_zip_that_is_not_a_word_document(project: Project, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    other = rezipped(a_docx(tmp_path / "whole.docx"), tmp_path / "photos.docx", drop=("word/document.xml",))
    status, out = run_import(project, capsys, other)
    assert status == 1
    assert out == refusal("photos.docx",
                          "The file is a zip archive but not a Word document (it has no word/document.xml).",
                          "Open it in Word and save it as Word Document (.docx), then import that.")
    nothing_written(project)


def test_a_document_with_no_text(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = new_document()
    document.add_paragraph("")
    document.add_paragraph("Page 1")  # furniture is not text
    margins(document, "Good practice case study", "Estyn")
    empty = save(document, tmp_path / "empty.docx")
    status, out = run_import(project, capsys, empty)
    assert status == 1
    assert out == refusal("empty.docx", "The document has no text: nothing in it could become a case study.",
                          "Check that this is the right file, and that its text is not all in pictures; "
                          "then import it again.")
    nothing_written(project)


def test_an_empty_file_and_a_missing_one(project: Project, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    status, out = run_import(project, capsys, empty, tmp_path / "nowhere.docx")
    assert status == 1
    assert out == ("empty.docx: not imported. The file is empty.\n"
                   "    Save the document again from Word, then import it.\n\n"
                   "nowhere.docx: not imported. There is no such file.\n"
                   "    Check the name and the folder, then try again.\n\n"
                   "Imported 0 of 2 documents; 2 not imported (see above).\n")
    nothing_written(project)


def test_one_bad_document_does_not_stop_the_others(project: Project, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    good = a_docx(tmp_path / "good.docx")
    bad = tmp_path / "bad.doc"
    bad.write_bytes(compound_file(["WordDocument"]))
    status, out = run_import(project, capsys, bad, good)
    assert status == 1
    assert (project.cases_dir / "a-case-study.md").is_file()
    assert out.endswith("Imported 1 of 2 documents; 1 not imported (see above). "
                        "Run `showcase check --drafts` to see what each draft still needs.\n")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(project: Project, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """250 MB of zeros in a quarter of a megabyte, with the default limits."""
    bomb = rezipped(a_docx(tmp_path / "whole.docx"), tmp_path / "bomb.docx")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("word/media/padding.bin", "w") as entry:
        for _ in range(250):
            entry.write(bytes(MEGABYTE))
    assert bomb.stat().st_size < 5 * MEGABYTE
    status, out = run_import(project, capsys, bomb)
    assert status == 1
    assert out.startswith("bomb.docx: not imported. The document would unpack to 250 MB, more than the 200 MB "
                          "allowed, so it was not opened (it may be built to overload the computer).\n")
    nothing_written(project)


def test_a_name_that_climbs_out_of_the_document_is_refused(project: Project, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    climbing = rezipped(a_docx(tmp_path / "whole.docx"), tmp_path / "climbing.docx",
                        add={"word/media/../../../../evil.png": b"\x89PNG"})
    status, out = run_import(project, capsys, climbing)
    assert status == 1
    assert out == refusal("climbing.docx", 'The document holds a file named "word/media/../../../../evil.png", '
                          "which points outside the document, so it was not opened.", RESAVE)
    nothing_written(project)
    assert not (tmp_path / "evil.png").exists() and not (tmp_path.parent / "evil.png").exists()


def test_an_image_link_that_climbs_out_is_left_out_and_said(project: Project, tmp_path: Path) -> None:
    document = new_document()
    document.add_heading("A case study", 1)
    document.add_heading("What next", 1)
    picture(document, "A chart")
    source = save(document, tmp_path / "source.docx")
    with zipfile.ZipFile(source) as archive:
        relationships = archive.read("word/_rels/document.xml.rels").decode()
    assert 'Target="media/image1.png"' in relationships
    climbing = rezipped(source, tmp_path / "climbing.docx", replace={"word/_rels/document.xml.rels": relationships
                        .replace('Target="media/image1.png"', 'Target="../../../secret.png"').encode()})
    [outcome] = import_documents(project, [climbing])
    lines = report(project, outcome).split("\n")
    assert "    Image 1 was left out: it is missing from inside the document, or points outside it." in lines
    assert '    An image named "../../../secret.png" points outside the document, so it was not read.' in lines
    assert outcome.written is not None and not outcome.written.images_dir.exists()
    assert "secret" not in outcome.written.path.read_text(encoding="utf-8")


def test_declared_xml_entities_are_refused(project: Project, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
              b"<w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>")
    entities = rezipped(a_docx(tmp_path / "whole.docx"), tmp_path / "laughs.docx",
                        replace={"word/document.xml": laughs})
    status, out = run_import(project, capsys, entities)
    assert status == 1
    assert out == refusal("laughs.docx", "Part of the document (word/document.xml) declares XML entities, "
                          "which Word never writes, so it was not opened.", RESAVE)
    nothing_written(project)


def test_too_many_images_and_too_many_parts(project: Project, tmp_path: Path) -> None:
    document = new_document()
    document.add_heading("A case study", 1)
    for colour in range(3):
        picture(document, f"Picture {colour}", (colour, 0, 0))
    source = save(document, tmp_path / "pictures.docx")
    [outcome] = import_documents(project, [source], limits=Limits(images=2))
    assert (outcome.problem, outcome.fix) == (
        "The document holds 3 images, more than the 2 allowed.",
        "A case study needs only a few images: delete the rest in Word, save, and import again.")
    with zipfile.ZipFile(source) as archive:
        parts = len(archive.infolist())
    [outcome] = import_documents(project, [source], limits=Limits(entries=parts - 1))
    assert outcome.problem == (f"The document holds {parts} files inside it, more than the {parts - 1} a Word "
                               "document needs, so it was not opened (it may be built to overload the computer).")
    nothing_written(project)


def test_parts_nested_thousands_deep_are_refused(project: Project, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-made file with 3,000 content controls one inside another (Word itself stops far sooner)."""
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    deep = ("<w:sdt><w:sdtContent>" * 3000 + "<w:p><w:r><w:t>Deep</w:t></w:r></w:p>"
            + "</w:sdtContent></w:sdt>" * 3000)
    xml = f'<?xml version="1.0"?><w:document {namespace}><w:body>{deep}</w:body></w:document>'.encode()
    nested = rezipped(a_docx(tmp_path / "whole.docx"), tmp_path / "nested.docx", replace={"word/document.xml": xml})
    status, out = run_import(project, capsys, nested)
    assert status == 1
    assert out == refusal("nested.docx", "The document's parts are nested too deeply to read "
                          "(hundreds of boxes inside boxes).",
                          "Copy its text into a new Word document, save that as .docx, and import it.")
    nothing_written(project)


def test_a_folder_with_no_word_documents(project: Project, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "word"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes", encoding="utf-8")
    status, out = run_import(project, capsys, folder)
    assert status == 1
    assert out == (f"There are no .docx files in {folder}.\n"
                   "    Give Word documents saved as .docx, or a folder that holds them.\n")
    nothing_written(project)
