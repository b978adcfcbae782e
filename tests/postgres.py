"""A real PostgreSQL server for the tests, in a temporary folder, on 127.0.0.1.

``make test`` installs Debian's ``postgresql`` package (the Makefile's
``postgresql`` target); the first test that asks for a server starts one here
with ``initdb`` and ``pg_ctl``, and the end of the test session stops it and
deletes its folder. Debian's own server (port 5432) is never used or needed.

``initdb`` will not run as root, so as root the server's folder belongs to the
``postgres`` user and both programs run as that user (``runuser``); as anyone
else they run as that user. Only loopback connections are let in, with a
password (scram-sha-256), so the tests see the same errors a receiver would.

Without initdb and pg_ctl the tests that need a server are skipped, except
under CI (CI=true), where that is a failure: CI must test PostgreSQL.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.processes import free_port

SUPERUSER = "postgres"
START_SECONDS = 60  # the longest pg_ctl waits for the server to start or stop
DEBIAN_BINARIES = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class PostgresServer:
    """A running server: where it listens and how to log in."""

    host: str
    port: int
    user: str
    password: str
    folder: Path

    def url(self, database: str = "postgres", *, user: str | None = None, password: str | None = None) -> str:
        return (f"postgresql://{user or self.user}:{self.password if password is None else password}"
                f"@{self.host}:{self.port}/{database}")

    def connect(self, database: str = "postgres") -> Any:
        """A psycopg connection of the test's own (autocommit), for setting up and checking."""
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=10)

    def create_database(self, prefix: str = "feedback") -> str:
        """A new, empty database; its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name


def binaries() -> tuple[Path, Path] | None:
    """initdb and pg_ctl: on PATH, else Debian's (newest version first); None if neither."""
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(on_path):
        return Path(str(on_path[0])), Path(str(on_path[1]))
    folders = [Path(folder) for folder in glob.glob(DEBIAN_BINARIES)]
    for folder in sorted(folders, key=lambda f: int(f.parent.name) if f.parent.name.isdigit() else 0, reverse=True):
        initdb, pg_ctl = folder / "initdb", folder / "pg_ctl"
        if initdb.is_file() and pg_ctl.is_file():
            return initdb, pg_ctl
    return None


def missing(reason: str) -> NoReturn:
    """Skip on a laptop without PostgreSQL; fail under CI, which must run these tests."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} Under CI the PostgreSQL tests must run: `make test` installs Debian's "
                    "postgresql package first (the Makefile's postgresql target).", pytrace=False)
    pytest.skip(f"{reason} Install PostgreSQL (Debian: apt-get install postgresql) to run these tests.")


def _as_server_user(command: list[str]) -> list[str]:
    """Run as the postgres user when we are root (initdb refuses root); as ourselves otherwise."""
    return ["runuser", "-u", SUPERUSER, "--", *command] if os.geteuid() == 0 else command


@contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a server of its own in a temporary folder; stop it and delete the folder afterwards."""
    found = binaries()
    if found is None:
        missing("initdb and pg_ctl were not found (on PATH or in /usr/lib/postgresql/*/bin).")
    initdb, pg_ctl = found
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SUPERUSER)
        except KeyError:
            missing(f"There is no {SUPERUSER} user to run the server as (initdb refuses to run as root).")
        if shutil.which("runuser") is None:
            missing("runuser is needed to run the server as the postgres user.")
    # Directly below /tmp, not pytest's folder: that is 0700 root's, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="showcase-postgres-"))
    if os.geteuid() == 0:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log, password_file = folder / "data", folder / "server.log", folder / "password"
    password = secrets.token_urlsafe(18)
    password_file.write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(password_file, owner.pw_uid, owner.pw_gid)
    started = False
    try:
        _run(_as_server_user([str(initdb), "--pgdata", str(data), "--username", SUPERUSER,
                              "--pwfile", str(password_file), "--auth-local", "trust",
                              "--auth-host", "scram-sha-256", "--encoding", "UTF8", "--locale", "C"]), "initdb")
        password_file.unlink()
        for _attempt in range(5):  # another program may take the free port before the server binds it
            port = free_port()
            settings = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
                        "-c max_connections=200")
            result = subprocess.run(_as_server_user([str(pg_ctl), "--pgdata", str(data), "--log", str(log),
                                                     "--wait", "--timeout", str(START_SECONDS),
                                                     "-o", settings, "start"]),
                                    capture_output=True, text=True, timeout=START_SECONDS + 10, check=False)
            if result.returncode == 0:
                started = True
                break
            said = log.read_text(errors="replace") if log.exists() else ""
            if "could not bind" not in said and "in use" not in said:
                pytest.fail(f"The test PostgreSQL server did not start:\n{result.stdout}{result.stderr}\n{said}",
                            pytrace=False)
        else:
            pytest.fail("No free port for the test PostgreSQL server.", pytrace=False)
        yield PostgresServer("127.0.0.1", port, SUPERUSER, password, folder)
    finally:
        if started:
            _stop(pg_ctl, data)
        shutil.rmtree(folder, ignore_errors=True)


def stop_server(server: PostgresServer) -> None:
    """Stop a server before its context ends (a test of a server going away); stopping again is harmless."""
    found = binaries()
    assert found is not None
    _stop(found[1], server.folder / "data")


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=START_SECONDS, check=False)
    if result.returncode != 0:
        pytest.fail(f"{what} failed:\n{result.stdout}{result.stderr}", pytrace=False)


def _stop(pg_ctl: Path, data: Path) -> None:
    """pg_ctl stop -m fast; if that does not end it in time, kill the postmaster by its pid."""
    with suppress(subprocess.TimeoutExpired):
        result = subprocess.run(_as_server_user([str(pg_ctl), "--pgdata", str(data), "--mode", "fast", "--wait",
                                                 "--timeout", str(START_SECONDS), "stop"]),
                                capture_output=True, timeout=START_SECONDS + 10, check=False)
        if result.returncode == 0:
            return
    pid_file = data / "postmaster.pid"
    with suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)  # the postmaster's "immediate shutdown"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.kill(pid, 0)  # raises once it has gone
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


_shared: PostgresServer | None = None


def session_server(request: pytest.FixtureRequest) -> PostgresServer:
    """One server for the whole test session, whichever module asks first; stopped at its end.

    Each test module that needs one has a session fixture calling this, so that a
    module run on its own starts it too, and two modules share one server."""
    global _shared
    if _shared is None:
        context = running_server()
        server = context.__enter__()

        def stop() -> None:
            context.__exit__(None, None, None)

        request.session.config.add_cleanup(stop)
        _shared = server

        def forget() -> None:
            global _shared
            _shared = None

        request.session.config.add_cleanup(forget)
    return _shared
