"""An answer's body, read within a size limit however it was packed.

A 1 MB gzip answer can unpack to 1 GB, and ``requests`` unpacks what it is
given: one such answer took the collector to 2.18 GB. So the client asks for
the body still packed and unpacks it here with zlib's ``max_length``, never
holding more than the limit (plus one read), and stops as soon as one byte
more than the limit has come out. The packed bytes are bounded by the same
limit, so an endless stream of empty gzip members cannot hold a run either.
Only the packings we ask for (``ACCEPT_ENCODING``) are read; anything else is
refused rather than passed on unread.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable

ACCEPT_ENCODING = "gzip, deflate"
READ_SIZE = 64 * 1024  # bytes asked of the socket at a time


class BodyTooBig(Exception):
    """The body is bigger than the limit (after unpacking)."""


class BodyGarbled(Exception):
    """The body cannot be unpacked; the message says how it is wrong."""


class Unpacker:
    """Unpacks one body's Content-Encoding a piece at a time, never giving
    more than it is asked for."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise BodyGarbled(f"it was packed more than once ({content_encoding}), which we do not unpack")
        self.coding = codings[0] if codings else ""
        if self.coding not in ("", "gzip", "x-gzip", "deflate"):
            raise BodyGarbled(f"it was packed as {self.coding!r}, which the collector did not ask for")
        self._raw_deflate = False  # "deflate" is sometimes sent without zlib's header
        self._started = False
        self._zlib = self._new()

    def _new(self) -> zlib._Decompress | None:
        return self._member() if self.coding else None

    def _member(self) -> zlib._Decompress:
        """A decompressor for the body, or for its next gzip member."""
        if self.coding == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def unpack(self, data: bytes, room: int) -> bytes:
        """What ``data`` unpacks to, but at most ``room + 1`` bytes: one byte
        over the room is enough to know the body is too big."""
        if self._zlib is None:
            return data[:room + 1]
        try:
            return self._unpack(data, room)
        except zlib.error as error:
            if self.coding == "deflate" and not self._started and not self._raw_deflate:
                self._raw_deflate = True
                self._zlib = self._new()
                return self.unpack(data, room)
            raise BodyGarbled(f"it could not be unpacked ({error})") from error
        finally:
            self._started = True

    def _unpack(self, data: bytes, room: int) -> bytes:
        unpacker = self._zlib
        assert unpacker is not None
        out = b""
        while len(out) <= room:
            # max_length is at least 1 here: 0 would mean "no limit" to zlib.
            out += unpacker.decompress(data, room + 1 - len(out))
            if unpacker.unconsumed_tail:
                data = unpacker.unconsumed_tail
            elif unpacker.eof and unpacker.unused_data:
                data = unpacker.unused_data  # gzip allows several members, one after another
                unpacker = self._zlib = self._member()
            else:
                break
        return out

    def finish(self) -> None:
        """Check the packed stream came to its end rather than being cut short."""
        if self._zlib is not None and self._started and not self._zlib.eof:
            raise BodyGarbled("it was cut short before the end of its packed data")


def read_within(pieces: Iterable[bytes], content_encoding: str, limit: int) -> bytearray:
    """The unpacked body from the packed ``pieces``; BodyTooBig as soon as it
    (or the packed bytes) pass ``limit``, BodyGarbled when it cannot be unpacked."""
    unpacker = Unpacker(content_encoding)
    body = bytearray()  # grown in place: no second copy of the whole body is made
    packed = 0
    for piece in pieces:
        packed += len(piece)
        if packed > limit:
            raise BodyTooBig()
        body += unpacker.unpack(piece, limit - len(body))
        if len(body) > limit:
            raise BodyTooBig()
    unpacker.finish()
    return body
