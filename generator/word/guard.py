"""Deciding whether a file is a Word document that is safe to read, before reading it.

Documents come from outside, so they are treated as hostile: a zip can claim
gigabytes of XML in a few kilobytes (a zip bomb), name a file ``../../x`` or
carry thousands of images. Each limit is checked from the zip's directory
before anything is unpacked; Python's zipfile then never unpacks more of an
entry than its directory entry declares, so the declared sizes bound the work.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from . import ole

MEGABYTE = 1024 * 1024
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """The most a document may hold. Generous for a case study; tests lower them."""

    file_bytes: int = 50 * MEGABYTE
    unzipped_bytes: int = 200 * MEGABYTE
    entries: int = 2000
    images: int = 60
    image_bytes: int = 20 * MEGABYTE


class Refused(Exception):
    """Why a document was not imported, and what the author can do about it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def read_docx(path: Path, limits: Limits) -> bytes:
    """The bytes of ``path`` once they are known to be a readable, bounded .docx."""
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise Refused(f"The file is {size // MEGABYTE} MB, more than the {limits.file_bytes // MEGABYTE} MB "
                          "a case study document may be.",
                          "Make the images smaller in Word (Picture Format > Compress Pictures), save, and try again.")
        with path.open("rb") as handle:
            data = handle.read(limits.file_bytes + 1)
    except FileNotFoundError:
        raise Refused("There is no such file.", "Check the name and the folder, then try again.") from None
    except OSError as error:
        raise Refused(f"The file could not be read ({error.strerror}).",
                      "Check that it is not open elsewhere and that you may read it.") from None
    if ole.is_compound_file(data):
        raise _compound_file_refusal(data)
    if not data.strip():
        raise Refused("The file is empty.", "Save the document again from Word, then import it.")
    if not data.startswith(b"PK"):
        if path.suffix.lower() == ".docx":
            raise Refused("The file is called .docx but is not a Word document inside.",
                          "Open it in Word and save it again with File > Save As > Word Document (.docx).")
        raise Refused(f"This is not a Word document (it is {_kind(path)}).",
                      "Only .docx files can be imported: save it from Word as Word Document (.docx).")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise Refused("The document is damaged: it is cut short or corrupt, so it cannot be read.",
                      "Open it in Word (which may offer to repair it), save it again as .docx, and import that.") \
            from None
    with archive:
        _check_entries(archive, limits)
    return data


def _kind(path: Path) -> str:
    return f"a {path.suffix.lower()} file" if path.suffix else "a file with no extension"


def _compound_file_refusal(data: bytes) -> Refused:
    try:
        names = {name.casefold() for name in ole.stream_names(data)}
    except ole.DamagedContainer:
        names = set()
    if "encryptioninfo" in names or "encryptedpackage" in names:
        return Refused("The document is protected with a password, so it cannot be read.",
                       "Open it in Word, remove the password (File > Info > Protect Document > "
                       "Encrypt with Password, then clear it), save, and import it again.")
    if "worddocument" in names:
        return Refused("This is an old Word 97-2003 document (.doc), which cannot be imported.",
                       "Open it in Word and save it as .docx (File > Save As > Word Document), then import that.")
    return Refused("This is an older Office file, not a Word .docx document.",
                   "Open it in Word and save it as .docx (File > Save As > Word Document), then import that.")


def unsafe_name(name: str) -> bool:
    """True for a name inside the zip that would point outside it: ``/x``, ``C:x``, ``../x``."""
    plain = name.replace("\\", "/")
    return (plain.startswith("/") or bool(_WINDOWS_DRIVE.match(plain))
            or ".." in PurePosixPath(plain).parts or "\x00" in plain)


def _check_entries(archive: zipfile.ZipFile, limits: Limits) -> None:
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise Refused(f"The document holds {len(entries)} files inside it, more than the {limits.entries} "
                      "a Word document needs, so it was not opened (it may be built to overload the computer).",
                      "Save it again from Word, or copy its text into a new document, then import that.")
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > limits.unzipped_bytes:
        raise Refused(f"The document would unpack to {unzipped // MEGABYTE} MB, more than the "
                      f"{limits.unzipped_bytes // MEGABYTE} MB allowed, so it was not opened "
                      "(it may be built to overload the computer).",
                      "Make the images smaller in Word (Picture Format > Compress Pictures), save, and try again.")
    for entry in entries:
        if unsafe_name(entry.filename):
            raise Refused(f'The document holds a file named "{entry.filename}", which points outside the document, '
                          "so it was not opened.",
                          "Save it again from Word, or copy its text into a new document, then import that.")
    media = [e for e in entries if e.filename.startswith("word/media/")]
    if len(media) > limits.images:
        raise Refused(f"The document holds {len(media)} images, more than the {limits.images} allowed.",
                      "A case study needs only a few images: delete the rest in Word, save, and import again.")
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise Refused("The file is a zip archive but not a Word document (it has no word/document.xml).",
                      "Open it in Word and save it as Word Document (.docx), then import that.")
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(entry) as part:
                xml = part.read()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise Refused("The document is damaged: part of it cannot be unpacked.",
                          "Open it in Word (which may offer to repair it), save it again as .docx, "
                          "and import that.") from None
        # Word never writes a DOCTYPE; one is how XML entity bombs and external entities get in.
        # Text inside XML has its "<" escaped, so these bytes can only be markup.
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            raise Refused(f"Part of the document ({entry.filename}) declares XML entities, which Word never "
                          "writes, so it was not opened.",
                          "Save it again from Word, or copy its text into a new document, then import that.")
