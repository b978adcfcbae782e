"""Reading one of the project's text files: UTF-8, not empty, with a problem if not.

Case studies, toolkit chapters and the taxonomy are all read this way, so an
author sees the same message, with the same fix, whichever file it is.
"""
from __future__ import annotations

from pathlib import Path

from core.problems import Problems


def read_text(path: Path, shown: str, problems: Problems, raw: bytes | None = None) -> str | None:
    """The file's text, or ``None`` with a problem if it is not UTF-8 or empty.

    ``raw`` is the file's bytes when the caller has read them already (the
    read cache digests them first), so the text checked is the text digested.
    """
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            problems.add(shown, None, f"The file could not be read ({error.strerror}).",
                         "Check that it exists and that you are allowed to read it.")
            return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(
            shown, line,
            "The file is not saved as UTF-8 text, so some characters cannot be read.",
            "Open it in your editor and save it with the UTF-8 encoding "
            "(in many editors: Save As, then Encoding: UTF-8).",
        )
        return None
    if not text.strip():
        problems.add(shown, None, "The file is empty.",
                     "Add the front matter and sections, or delete the file. "
                     "`showcase new \"Title\"` writes a file you can fill in.")
        return None
    return text.replace("\r\n", "\n")
