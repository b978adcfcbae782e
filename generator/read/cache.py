"""Case files already read and checked, kept between rebuilds of `mkdocs serve`.

Reading and checking a thousand case files takes most of a second, and an
author's save changes one of them. The cache keys each file by the digest of
its bytes (not its modification time, which editors and copies do not always
change), so an unchanged file is neither parsed nor checked again, and a
changed one always is. What a case reads as also depends on the taxonomy, the
settings and whether drafts are shown; when any of those changes, everything
is read again.

Records handed out are shared between builds, so nothing downstream may
change them (nothing does: the model is read-only after reading).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core.problems import Problem, Problems

from .cases import CaseRecord

CaseReader = Callable[[bytes | None, Problems], CaseRecord | None]


def digest(data: bytes) -> bytes:
    """A short digest of a file's bytes: equal digests mean equal files."""
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass(frozen=True)
class _Entry:
    digest: bytes
    record: CaseRecord | None
    problems: tuple[Problem, ...]  # what reading and checking this one file reported


class CaseCache:
    """Read and checked case records from earlier builds in this process."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._entries: dict[str, _Entry] = {}
        self._shown: dict[str, str] = {}
        self.reads = 0  # files parsed in the last load, for the log and the tests
        self.reused = 0

    def begin(self, key: tuple[object, ...]) -> None:
        """Start a load; ``key`` is everything besides the file that shapes a record."""
        if key != self._key:
            self._key = key
            self._entries.clear()
            self._shown.clear()
        self.reads = self.reused = 0

    def shown(self, path: Path, compute: Callable[[Path], str]) -> str:
        """The path as shown to authors, worked out once per file (it resolves symlinks)."""
        name = str(path)
        if name not in self._shown:
            self._shown[name] = compute(path)
        return self._shown[name]

    def read(self, path: Path, reader: CaseReader, problems: Problems) -> CaseRecord | None:
        """The file's record, from the cache when its bytes are the ones read before."""
        try:
            raw = path.read_bytes()
        except OSError:
            return reader(None, problems)  # the reader reports it; nothing is cached
        key, found_digest = str(path), digest(raw)
        entry = self._entries.get(key)
        if entry is not None and entry.digest == found_digest:
            self.reused += 1
            problems.items.extend(entry.problems)
            return entry.record
        self.reads += 1
        found = Problems()
        record = reader(raw, found)
        self._entries[key] = _Entry(found_digest, record, tuple(found.items))
        problems.extend(found)
        return record

    def keep_only(self, paths: Iterable[Path]) -> None:
        """Forget files that are gone, so a deleted case's record is not kept forever."""
        wanted = {str(path) for path in paths}
        for name in [name for name in self._entries if name not in wanted]:
            del self._entries[name]
            self._shown.pop(name, None)
