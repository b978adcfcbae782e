"""Reading a .docx: mammoth's HTML of the body, its images, properties, headers and footers.

mammoth (a well-kept converter) turns the body into clean HTML: headings,
lists, tables, links, bold and italic. It reads neither the document
properties nor the headers and footers, so those few XML parts are read here
with the standard library's parser. It fetches nothing from outside, and
``guard`` has already refused any part that declares entities.
"""
from __future__ import annotations

import importlib
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from typing import Any
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

from .guard import Limits, Refused

# mammoth ships no type hints, so it is loaded as a plain module and used only here.
_mammoth: Any = importlib.import_module("mammoth")

# Word's own style names, as mammoth should map them (the rest is mammoth's default map).
STYLE_MAP = """
p[style-name='Title'] => h1.word-title:fresh
p[style-name='Subtitle'] => p.word-subtitle:fresh
p[style-name='Quote'] => p.word-quote:fresh
p[style-name='Intense Quote'] => p.word-quote:fresh
p[style-name='Header'] => p.word-margin:fresh
p[style-name='Footer'] => p.word-margin:fresh
"""

# Image types a browser shows; others (EMF, WMF, TIFF) are listed for the author to replace.
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PROPERTIES = {
    "title": "{http://purl.org/dc/elements/1.1/}title",
    "created": "{http://purl.org/dc/terms/}created",
    "modified": "{http://purl.org/dc/terms/}modified",
}
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_READ_ERRORS = (ExpatError, ElementTree.ParseError, KeyError, ValueError, IndexError, AttributeError,
                zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError)


@dataclass
class WordImage:
    """An image in the body, in order; ``data`` is None when it was not kept, and ``skipped`` says why."""

    number: int
    alt: str
    content_type: str
    data: bytes | None = None
    skipped: str = ""

    @property
    def extension(self) -> str:
        return IMAGE_TYPES.get(self.content_type, "")


@dataclass(frozen=True)
class Margin:
    """A line of a page header or footer, which a case page has no use for."""

    where: str  # "header" or "footer"
    text: str
    page_number: bool = False


@dataclass
class WordDocument:
    html: str
    title: str = ""  # from the document's properties
    created: date | None = None
    modified: date | None = None
    images: list[WordImage] = field(default_factory=list)
    margins: list[Margin] = field(default_factory=list)
    outside_links: list[str] = field(default_factory=list)  # image targets pointing outside the document


def image_marker(number: int) -> str:
    """What stands in an image's ``src`` until the case's folder is known."""
    return f"word-image-{number}"


def read_document(data: bytes, limits: Limits) -> WordDocument:
    """Everything the import needs from the .docx ``data`` (already checked by ``guard``)."""
    images: list[WordImage] = []
    try:
        result = _mammoth.convert_to_html(BytesIO(data), style_map=STYLE_MAP, include_embedded_style_map=False,
                                          convert_image=_mammoth.images.img_element(_keeper(images, limits)))
        with zipfile.ZipFile(BytesIO(data)) as archive:
            document = WordDocument(html=str(result.value), images=images)
            _read_properties(archive, document)
            document.margins = _read_margins(archive)
            document.outside_links = _outside_targets(archive)
    except RecursionError:
        raise too_deep() from None
    except _READ_ERRORS:
        raise Refused("The document is damaged: Word's text inside it cannot be read.",
                      "Open it in Word (which may offer to repair it), save it again as .docx, "
                      "and import that.") from None
    return document


def too_deep() -> Refused:
    """Hundreds of boxes inside boxes: no case study is written so, but a hostile file can be."""
    return Refused("The document's parts are nested too deeply to read (hundreds of boxes inside boxes).",
                   "Copy its text into a new Word document, save that as .docx, and import it.")


def _keeper(images: list[WordImage], limits: Limits) -> Callable[[Any], dict[str, str]]:
    """mammoth's image callback: keep each image's bytes (bounded), and mark where it goes."""

    def keep(image: Any) -> dict[str, str]:
        found = WordImage(len(images) + 1, str(image.alt_text or "").strip(), str(image.content_type or ""))
        images.append(found)
        if found.number > limits.images:
            found.skipped = f"more than {limits.images} images"
        elif not found.extension:
            found.skipped = (f"its format ({found.content_type or 'unknown'}) does not show in web browsers; "
                             "save it as PNG or JPEG and add it by hand")
        else:
            try:
                with image.open() as stream:
                    content = stream.read(limits.image_bytes + 1)
            except _mammoth.docx.files.ExternalFileAccessIsDisabledError:
                found.skipped = "it is linked from outside the document, not inside it; insert the picture itself"
            except _READ_ERRORS:
                found.skipped = "it is missing from inside the document, or points outside it"
            else:
                if len(content) > limits.image_bytes:
                    found.skipped = f"it is larger than {limits.image_bytes // (1024 * 1024)} MB"
                else:
                    found.data = content
        return {"src": image_marker(found.number)}

    return keep


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        raw = archive.read(name)
    except KeyError:
        return None
    return ElementTree.fromstring(raw)


def _read_properties(archive: zipfile.ZipFile, document: WordDocument) -> None:
    root = _xml(archive, "docProps/core.xml")
    if root is None:
        return
    title = root.find(_PROPERTIES["title"])
    document.title = " ".join((title.text or "").split()) if title is not None else ""
    document.created = _date(root.find(_PROPERTIES["created"]))
    document.modified = _date(root.find(_PROPERTIES["modified"]))


def _date(element: ElementTree.Element | None) -> date | None:
    match = _DATE.match((element.text or "").strip()) if element is not None else None
    if not match:
        return None
    try:
        found = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    # Some tools write 1899-12-31 or 1601-01-01 for "never".
    return found if found.year > 1980 else None


def _read_margins(archive: zipfile.ZipFile) -> list[Margin]:
    """Every non-empty line of the headers and footers, once each, in part order."""
    margins: list[Margin] = []
    seen: set[tuple[str, str]] = set()
    parts = sorted(n for n in archive.namelist() if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
    for name in parts:
        where = "header" if "/header" in name else "footer"
        root = _xml(archive, name)
        if root is None:
            continue
        for paragraph in root.iter(f"{_W}p"):
            words, page_number = _margin_line(paragraph)
            text = " ".join(words.split())
            if (text or page_number) and (where, text) not in seen:
                seen.add((where, text))
                margins.append(Margin(where, text, page_number))
    return margins


def _margin_line(paragraph: ElementTree.Element) -> tuple[str, bool]:
    """A header or footer paragraph's own words, and whether it holds a page-number field.

    A field's shown result (the "1" of a PAGE field) is left out of the words: it
    is different on every page, so it is not what the template says.
    """
    words: list[str] = []
    page_number = False
    in_result = False  # between a complex field's "separate" and "end" marks

    def walk(element: ElementTree.Element) -> None:
        nonlocal page_number, in_result
        for child in element:
            if child.tag == f"{_W}fldSimple":
                page_number = page_number or _is_page_field(child.get(f"{_W}instr") or "")
                continue
            if child.tag == f"{_W}fldChar":
                kind = child.get(f"{_W}fldCharType")
                in_result = kind == "separate" or (in_result and kind != "end")
            elif child.tag == f"{_W}instrText":
                page_number = page_number or _is_page_field(child.text or "")
            elif child.tag == f"{_W}t" and not in_result:
                words.append(child.text or "")
            walk(child)

    walk(paragraph)
    return "".join(words), page_number


def _is_page_field(instruction: str) -> bool:
    return bool(re.search(r"\b(PAGE|NUMPAGES|SECTIONPAGES)\b", instruction))


def _outside_targets(archive: zipfile.ZipFile) -> list[str]:
    """Image relationships whose target climbs out of the document (``../../x.png``)."""
    root = _xml(archive, "word/_rels/document.xml.rels")
    if root is None:
        return []
    found = []
    for relationship in root:
        target = str(relationship.get("Target") or "")
        if not str(relationship.get("Type") or "").endswith("/image") or relationship.get("TargetMode") == "External":
            continue
        depth = 1  # relative to word/
        for part in target.replace("\\", "/").split("/"):
            depth += -1 if part == ".." else (0 if part in ("", ".") else 1)
            if depth < 0:
                found.append(target)
                break
    return found
