"""What a database setting names: a SQLite file, or a PostgreSQL server's URL.

The receiver's database is named in three places (``--db``, the
``SHOWCASE_FEEDBACK_DB`` environment variable and ``feedback.database`` in
mkdocs.yml), and each must read a value the same way. It lives in core so that
``showcase check`` rejects in mkdocs.yml exactly what the receiver would refuse
to start with. Anything that looks like a URL but is not a PostgreSQL one is an
error: taken as a path, ``mysql://host/db`` would quietly become a SQLite file
in a folder named ``mysql:``.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")
ENVIRONMENT_VARIABLE = "SHOWCASE_FEEDBACK_DB"
# A scheme and a colon, as URLs start: "postgresql:", "mysql:", "sqlite:", "file:".
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Schemes of databases someone may well write here, with or without the "//" after them.
_DATABASE_SCHEMES = frozenset({*POSTGRES_SCHEMES, "sqlite", "sqlite3", "mysql", "mariadb", "mssql", "oracle",
                               "redis", "mongodb", "jdbc", "file"})
ACCEPTED = ("a path to a SQLite file (like var/feedback/receiver.sqlite3), or a PostgreSQL URL "
            "(like postgresql://showcase:PASSWORD@db.example.org:5432/feedback)")
MASK = "***"
# "password=..." among a URL's query parameters, which libpq also reads.
_PASSWORD_PARAMETER = re.compile(r"((?:^|[?&])password=)[^&#]*", re.IGNORECASE)
_MASKED_PARAMETER = rf"\g<1>{MASK}"


class DatabaseValueError(ValueError):
    """A database value that is neither a file path nor a PostgreSQL URL; the message says so."""


def is_postgres(value: str) -> bool:
    """Whether ``value`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``)."""
    text = value.strip()
    match = _SCHEME.match(text)
    return match is not None and match.group(1).lower() in POSTGRES_SCHEMES and text[match.end():].startswith("//")


def database_problem(value: str) -> str | None:
    """Why ``value`` cannot name the receiver's database, or None if it can.

    A Windows drive ("C:\\...") has a one-letter "scheme" and is left to be a path.
    """
    text = value.strip()
    match = _SCHEME.match(text)
    if not text or match is None or len(match.group(1)) == 1:
        return None
    scheme, rest = match.group(1).lower(), text[match.end():]
    if scheme in POSTGRES_SCHEMES and rest.startswith("//"):
        return None  # libpq reads the rest, and says what is wrong with it when it connects
    if rest.startswith("//") or scheme in _DATABASE_SCHEMES:
        return (f"{masked(text)} is not a database Showcase can use. It takes {ACCEPTED}. "
                "For SQLite, write the file's path on its own, without sqlite://.")
    return None


def masked(value: str) -> str:
    """``value`` with any password in it replaced by ***: it is safe to print and log."""
    text = value.strip()
    if not _SCHEME.match(text) or "//" not in text:
        return value
    scheme, _, rest = text.partition("//")
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))  # the authority ends there
    authority, tail = rest[:end], rest[end:]
    userinfo, at, host = authority.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    if at and colon:
        authority = f"{user}:{MASK}@{host}"
    return f"{scheme}//{authority}{_PASSWORD_PARAMETER.sub(_MASKED_PARAMETER, tail)}"


def secrets_in(value: str) -> list[str]:
    """The password a URL holds, as written and decoded, to take out of any message that quotes it."""
    text = value.strip()
    found: list[str] = []
    try:
        parts = urlsplit(text)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() == "password" and v]
    except ValueError:
        pass
    return sorted({s for s in found if s}, key=len, reverse=True)
