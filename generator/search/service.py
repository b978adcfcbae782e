"""The connection to one ``pagefind --service`` process.

Pagefind's Python package talks to its binary over stdin and stdout: each
message is base64-encoded JSON followed by a comma. Its ``PagefindIndex`` is
used as it is; this module replaces the transport underneath it, because the
package's own reader
- sleeps 0.1 s before reading each reply, which caps indexing at ten pages a
  second (100 s for 1,000 cases, whatever the binary could do);
- never notices the process ending, so every waiting call hangs for ever;
- formats every request, page and all, into a debug string even when debug
  logging is off.
Here replies are read as they come, the end of the process fails every call
still waiting (with the process's exit code), and nothing is formatted.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pagefind.service import PagefindService, get_executable

if TYPE_CHECKING:
    from pagefind.service.types import InternalResponsePayload

# The replies are small (a page's URL, word count and meta), except that the
# binary may echo a bad request back: allow a few megabytes for one.
_REPLY_LIMIT = 16 * 2**20


class ServiceGone(Exception):
    """The Pagefind process ended (or could not start) while calls were waiting."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


class ServiceError(Exception):
    """Pagefind answered a request with an error message."""


def find_binary(configured: str | None = None) -> Path | None:
    """The pagefind binary: the one named, else the one ``pagefind[bin]`` installed."""
    if configured:
        return Path(configured)
    return get_executable()


class Service(PagefindService):
    """A ``PagefindService`` with a reader that keeps up and notices the end of the process."""

    def __init__(self, binary: Path) -> None:
        # Not the base class's __init__: it looks the binary up itself and
        # binds to whichever event loop is current; this one is told both.
        self._loop = asyncio.get_running_loop()
        self._bin = binary
        self._responses = {}
        self._message_id = 0
        self._gone: ServiceGone | None = None

    @property
    def pid(self) -> int | None:
        backend = getattr(self, "_backend", None)
        return backend.pid if backend is not None else None

    async def launch(self) -> Service:
        if not (self._bin.is_file() and os.access(self._bin, os.X_OK)):
            raise ServiceGone(f"the program {self._bin} is missing or cannot be run")
        self._backend = await asyncio.create_subprocess_exec(
            str(self._bin), "--service", cwd=os.getcwd(),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, limit=_REPLY_LIMIT)
        self._poll_task = self._loop.create_task(self._wait_for_responses())
        return self

    async def send(self, payload: Any) -> Any:
        if self._gone is not None:
            raise self._gone
        self._message_id += 1
        message_id = self._message_id
        future: asyncio.Future[Any] = self._loop.create_future()
        self._responses[message_id] = future
        message = json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")
        stdin = self._backend.stdin
        assert stdin is not None
        try:
            stdin.write(base64.b64encode(message) + b",")
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as error:
            self._responses.pop(message_id, None)
            raise await self._ended() from error
        return await future

    async def _wait_for_responses(self) -> None:
        stdout = self._backend.stdout
        assert stdout is not None
        try:
            while True:
                reply = json.loads(base64.b64decode(await stdout.readuntil(b",")))
                message_id = reply.get("message_id")
                payload = reply.get("payload") or {}
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.pop(message_id, None)
                if future is None or future.done():
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(ServiceError(str(payload.get("message", "unknown error"))))
                else:
                    future.set_result(cast("InternalResponsePayload", payload))  # as Pagefind's own reader does
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError) as error:
            gone = await self._ended()
            if not isinstance(error, asyncio.IncompleteReadError):
                gone = ServiceGone(f"it sent a reply that could not be read ({error})", gone.returncode)
            self._fail_waiting(gone)

    async def _ended(self) -> ServiceGone:
        """Why calls cannot be answered any more: the process has ended (or is ending)."""
        if self._gone is None:
            try:
                returncode = await asyncio.wait_for(self._backend.wait(), timeout=5)
            except TimeoutError:
                returncode = None
            self._gone = ServiceGone("it stopped unexpectedly" + (
                f" (exit code {returncode})" if returncode is not None else ""), returncode)
        return self._gone

    def _fail_waiting(self, gone: ServiceGone) -> None:
        self._gone = gone
        for future in self._responses.values():
            if not future.done():
                future.set_exception(gone)
        self._responses.clear()

    async def close(self) -> None:
        """End the process: close its input (it exits on its own), then terminate, then kill."""
        backend = getattr(self, "_backend", None)
        if backend is None:
            return
        self._gone = self._gone or ServiceGone("it was closed")
        if backend.stdin is not None and not backend.stdin.is_closing():
            backend.stdin.close()
        for stop in (None, backend.terminate, backend.kill):
            if backend.returncode is not None:
                break
            if stop is not None:
                try:
                    stop()
                except ProcessLookupError:
                    break
            try:
                await asyncio.wait_for(backend.wait(), timeout=2)
            except TimeoutError:
                continue
        poll = getattr(self, "_poll_task", None)
        if poll is not None:
            poll.cancel()
        self._fail_waiting(self._gone)
