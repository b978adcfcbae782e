"""Word documents for the import tests, made with python-docx as Word would save them.

Also a tiny project to import into, and a compound (OLE) file writer for the
old-.doc and password-protected cases, which python-docx cannot make.
"""
from __future__ import annotations

import shutil
import struct
import zlib
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.oxml.shared import OxmlElement
from docx.shared import Inches

from core.project import Project, load_project
from tests.builds import TAXONOMY

MKDOCS_YML = """site_name: Import test
docs_dir: docs
plugins:
  - showcase
"""


def project_at(root: Path) -> Project:
    """A minimal Showcase project: mkdocs.yml, the example taxonomy, empty cases/ and docs/."""
    (root / "cases").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    shutil.copy(TAXONOMY, root / "cases" / "taxonomy.yml")
    project, problems = load_project(root / "mkdocs.yml")
    assert project is not None and not problems, problems.report()
    return project


def png(red: int = 0, green: int = 120, blue: int = 200) -> bytes:
    """A real one-pixel PNG of one colour (different colours, different bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def new_document(saved: datetime | None = datetime(2024, 5, 1, 9, 30)) -> Document:
    """An empty document whose properties say when it was last saved, or hold no dates at all."""
    document = docx.Document()
    properties = document.core_properties
    if saved is None:
        for name in ("dcterms:created", "dcterms:modified"):
            for element in properties._element.findall(qn(name)):
                properties._element.remove(element)
    else:
        properties.created = saved
        properties.modified = saved
    return document


def picture(document: Document, alt: str | None, colour: tuple[int, int, int] = (0, 120, 200)) -> None:
    """A picture in a paragraph of its own; its alt text is Word's "descr" on the drawing's docPr."""
    shape = document.add_picture(BytesIO(png(*colour)), width=Inches(1))
    if alt is not None:
        shape._inline.docPr.set("descr", alt)


def link(paragraph: Any, text: str, url: str) -> None:
    """A hyperlink run, as Word's Insert > Link writes it (python-docx has no call for one)."""
    part = paragraph.part
    relationship = part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                                  is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


_NESTED_LIST = 90  # the numbering id of the two-level bulleted list below


def _nested_list(document: Document) -> str:
    """A two-level bulleted list in numbering.xml, as Word adds when Tab indents a bullet
    (the template's List Bullet list has only one level)."""
    numbering = document.part.numbering_part.element
    if numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{_NESTED_LIST}']") is None:
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), str(_NESTED_LIST))
        for level in (0, 1):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(level))
            for tag, value in (("w:start", "1"), ("w:numFmt", "bullet"), ("w:lvlText", "•")):
                element = OxmlElement(tag)
                element.set(qn("w:val"), value)
                lvl.append(element)
            abstract.append(lvl)
        numbering.find(qn("w:num")).addprevious(abstract)  # every abstractNum comes before the nums
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(_NESTED_LIST))
        reference = OxmlElement("w:abstractNumId")
        reference.set(qn("w:val"), str(_NESTED_LIST))
        num.append(reference)
        numbering.append(num)
    return str(_NESTED_LIST)


def bullet(document: Document, text: str, level: int = 0) -> None:
    """An item of a bulleted list that nests: ``level`` 1 sits under the item before it."""
    paragraph = document.add_paragraph(text, style="List Paragraph")
    numbering = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", str(level)), ("w:numId", _nested_list(document))):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        numbering.append(element)
    paragraph._p.get_or_add_pPr().append(numbering)


def page_break(document: Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def margins(document: Document, header: str, footer: str, page_numbers: bool = True) -> None:
    """A running header and footer; the footer with a PAGE field, as Insert > Page Number adds."""
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    paragraph = section.footer.paragraphs[0]
    paragraph.text = footer
    if page_numbers:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)


def save(document: Document, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# ---------------------------------------------------------------- compound (OLE) files

_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: list[str]) -> bytes:
    """A minimal compound file as [MS-CFB] lays it out: 512-byte sectors, sector 0 the FAT,
    sector 1 the directory (the root entry, then each stream, empty). Word 97-2003 saves a
    .doc as one with a ``WordDocument`` stream; Word saves a password-protected .docx as one
    with ``EncryptionInfo`` and ``EncryptedPackage`` streams ([MS-OFFCRYPTO]). The streams'
    contents are left empty: the import must decide from the container alone."""
    assert len(streams) <= 3, "one directory sector holds the root and three streams"
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
                         0x003E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    header += struct.pack("<109I", 0, *([_FREE] * 108))
    fat = struct.pack("<128I", _FAT_SECTOR, _END, *([_FREE] * 126))
    entries = [_entry("Root Entry", 5, child=1 if streams else _NO_STREAM)]
    for index, name in enumerate(streams, start=1):
        entries.append(_entry(name, 2, right=index + 1 if index < len(streams) else _NO_STREAM))
    directory = b"".join(entries).ljust(512, b"\0")
    assert len(header) == 512
    return header + fat + directory


def _entry(name: str, kind: int, *, child: int = _NO_STREAM, right: int = _NO_STREAM) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NO_STREAM, right, child,
                       b"\0" * 16, 0, 0, 0, _END, 0)
