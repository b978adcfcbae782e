"""Reading the names in an OLE compound file, the container of old Word files.

Two kinds of file that are not a .docx start with the compound-file signature:
a Word 97-2003 ``.doc`` (a ``WordDocument`` stream) and a password-protected
.docx (an ``EncryptionInfo`` and an ``EncryptedPackage`` stream, [MS-OFFCRYPTO]).
Telling them apart gives the author the right fix. The directory is read as
[MS-CFB] lays it out rather than by searching the bytes for a name, so text in
a document that happens to spell a stream name cannot mislead it.
"""
from __future__ import annotations

import struct

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_END_OF_CHAIN = 0xFFFFFFFE
_ENTRY_SIZE = 128
_HEADER_DIFAT = 109  # FAT sector numbers held in the header itself


class DamagedContainer(ValueError):
    """The file starts like a compound file but its layout does not hold together."""


def is_compound_file(data: bytes) -> bool:
    return data.startswith(SIGNATURE)


def stream_names(data: bytes) -> set[str]:
    """The names of every stream and storage in the compound file ``data``."""
    if len(data) < 512 or not is_compound_file(data):
        raise DamagedContainer("too short, or not a compound file")
    sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise DamagedContainer("unknown sector size")
    size = 1 << sector_shift
    fat_count, first_directory = struct.unpack_from("<II", data, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    sectors = (len(data) - size) // size if len(data) > size else 0

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise DamagedContainer(f"sector {number} is past the end of the file")
        start = (number + 1) * size
        return data[start:start + size]

    fat_sectors = [n for n in struct.unpack_from(f"<{_HEADER_DIFAT}I", data, 0x4C) if n < sectors]
    next_difat = first_difat
    for _ in range(min(difat_count, sectors)):  # the rest of the FAT's sector list, for large files
        if next_difat >= sectors:
            break
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [n for n in entries[:-1] if n < sectors]
        next_difat = entries[-1]
    fat: list[int] = []
    for number in fat_sectors[:fat_count]:
        fat += struct.unpack(f"<{size // 4}I", sector(number))
    names: set[str] = set()
    current, visited = first_directory, 0
    while current != _END_OF_CHAIN:
        visited += 1
        if current >= len(fat) or visited > sectors:
            raise DamagedContainer("the directory's chain of sectors is broken")
        block = sector(current)
        for offset in range(0, size, _ENTRY_SIZE):
            length = struct.unpack_from("<H", block, offset + 0x40)[0]
            kind = block[offset + 0x42]
            if kind and 2 <= length <= 64:
                names.add(block[offset:offset + length - 2].decode("utf-16-le", "replace"))
        current = fat[current]
    return names
