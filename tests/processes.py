"""Servers the tests run in processes of their own: a port to start one on, and stopping one."""
from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    """A port of 127.0.0.1 that is free now (another program may still take it before the server binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Ask the process to end, and end it if it has not within ten seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
