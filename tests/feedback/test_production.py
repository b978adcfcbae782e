"""The receiver in production (issue 11, §3): the shipped systemd unit, the shipped nginx
configuration, and a log that holds nothing personal.

Everything runs for real: the receiver is started with the exact command line of
``deploy/receiver/showcase-receiver.service`` (only its paths and port changed to this
machine's), nginx with the shipped ``deploy/receiver/nginx.conf`` (only its placeholders
filled in), and requests go over real sockets on 127.0.0.1. Readers are told apart by
the loopback address they connect from (127.0.0.2, 127.0.0.3 ...), which Linux routes
like 127.0.0.1, so that what nginx passes on can be checked.
"""
from __future__ import annotations

import hashlib
import http.client
import io
import json
import logging
import os
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from feedback.logs import LOGGER_NAME, JsonFormatter, Pseudonyms
from showcase.cli import parser as showcase_parser
from tests.builds import BIN, REPO, copy_example, quiet_env
from tests.processes import free_port, stop_process
from tests.site.sites import set_plugin_options

from .conftest import SITE_ORIGIN, SITE_URL
from .receivers import TOKEN, TOKEN_ENV, db_rows, valid_form

DEPLOY = REPO / "deploy" / "receiver"
UNIT = DEPLOY / "showcase-receiver.service"
NGINX_CONF = DEPLOY / "nginx.conf"
ENV_EXAMPLE = DEPLOY / "receiver.env.example"
LIMIT = 2  # accepted posts a minute from one reader, in these tests' mkdocs.yml
IN_CI = os.environ.get("CI") == "true"

# What a reader writes, each distinctive enough to be found in any log line.
COMMENT = "Zebra-quartz comment 7f3a: our wing's learner council met on Tuesday"
EMAIL = "jo.bloggs.7f3a@example.net"
ORGANISATION = "HMP Quartzmoor 7f3a"


# -- The unit file ---------------------------------------------------------------------------

def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit's sections, each a list of (key, value) in order (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        assert not line.endswith("\\"), f"{path.name}:{number}: continued lines are not expected"
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None and "=" in line, f"{path.name}:{number}: not `Key=value` in a section: {raw}"
        key, value = line.split("=", 1)
        current.append((key.strip(), value.strip()))
    return sections


def one(section: list[tuple[str, str]], key: str) -> str:
    values = [value for name, value in section if name == key]
    assert len(values) == 1, f"expected one {key}= in the unit, found {values}"
    return values[0]


@pytest.fixture(scope="module")
def service() -> list[tuple[str, str]]:
    return read_unit(UNIT)["Service"]


def exec_start(service: list[tuple[str, str]]) -> list[str]:
    return shlex.split(one(service, "ExecStart"))


def option(argv: list[str], name: str) -> str:
    assert argv.count(name) == 1, f"ExecStart should give {name} once: {argv}"
    return argv[argv.index(name) + 1]


def unit_command(service: list[tuple[str, str]], *, config: Path, db: Path, port: int) -> list[str]:
    """ExecStart, with this machine's program, site, database and port in place of the unit's."""
    argv = exec_start(service)
    replaced = {"--config": str(config), "--db": str(db), "--port": str(port)}
    command = [str(BIN / "showcase")]
    skip = False
    for index, word in enumerate(argv[1:], 1):
        if skip:
            skip = False
            continue
        command.append(word)
        if word in replaced:
            command.append(replaced[word])
            skip = True
            assert index + 1 < len(argv)
    return command


def test_unit_command_is_one_the_receiver_accepts(service: list[tuple[str, str]]) -> None:
    argv = exec_start(service)
    assert Path(argv[0]).name == "showcase" and Path(argv[0]).is_absolute(), argv[0]
    args = showcase_parser().parse_args(argv[1:])  # the real parser: an unknown option exits here
    assert (args.command, args.feedback_command) == ("feedback", "serve")
    assert args.host == "127.0.0.1", "the receiver must listen on loopback only, behind nginx"
    assert args.trusted_proxy == ["127.0.0.1"]
    state = one(service, "StateDirectory")
    assert Path(args.db).parent == Path("/var/lib") / state, "the database belongs in the StateDirectory"
    assert Path(args.config).parent == Path(one(service, "WorkingDirectory"))
    upstream = re.search(r"upstream showcase_receiver \{\s*server ([0-9.]+):([0-9]+);",
                         NGINX_CONF.read_text(encoding="utf-8"))
    assert upstream is not None, "nginx.conf has no upstream for the receiver"
    assert (upstream[1], int(upstream[2])) == (args.host, args.port), "nginx must proxy to where the unit listens"


def test_unit_takes_the_token_from_an_environment_file_only(service: list[tuple[str, str]]) -> None:
    assert one(service, "EnvironmentFile").startswith("/etc/")
    text = UNIT.read_text(encoding="utf-8")
    assert not re.search(rf"^\s*Environment\s*=.*{TOKEN_ENV}", text, re.MULTILINE), "the token must not be in the unit"
    assert TOKEN_ENV not in one(service, "ExecStart")
    example = [line for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    assert example == [f"{TOKEN_ENV}="], "the example environment file names the token and holds none"


def test_unit_is_hardened(service: list[tuple[str, str]]) -> None:
    values = dict(service)
    expected = {
        "Restart": "on-failure", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
        "PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "", "UMask": "0077",
        "StandardError": "journal", "StateDirectoryMode": "0700",
    }
    assert {key: values.get(key) for key in expected} == expected
    assert values.get("User") and values["User"] != "root", "the receiver runs as a user of its own"
    assert "DynamicUser" not in values
    assert values.get("StateDirectory")
    # ProtectSystem=strict leaves only the StateDirectory writable: no other path is opened up.
    assert "ReadWritePaths" not in values


def test_systemd_accepts_the_unit(tmp_path: Path, service: list[tuple[str, str]]) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd); only this check is skipped")
    # verify checks that ExecStart's program exists, so the unit points at this machine's paths.
    site = Path(one(service, "WorkingDirectory"))
    text = UNIT.read_text(encoding="utf-8")
    program = exec_start(service)[0]
    environment = tmp_path / "receiver.env"
    environment.write_text(f"{TOKEN_ENV}={TOKEN}\n", encoding="utf-8")
    text = (text.replace(program, str(BIN / "showcase")).replace(str(site), str(tmp_path))
            .replace(one(service, "EnvironmentFile"), str(environment)))
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run([analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=120)
    said = [line for line in (result.stdout + result.stderr).splitlines() if UNIT.name in line]
    assert result.returncode == 0 and not said, result.stdout + result.stderr


# -- Running the unit's command -------------------------------------------------------------

@dataclass
class Running:
    """A receiver started with the unit's command line."""

    url: str
    port: int
    db: Path
    stdout: Path
    stderr: Path
    process: subprocess.Popen[bytes]

    def log(self) -> list[dict[str, Any]]:
        """Every line of stderr, each of which must be one JSON object."""
        lines = self.stderr.read_text(encoding="utf-8").splitlines()
        parsed = []
        for line in lines:
            try:
                value = json.loads(line)
            except ValueError:
                raise AssertionError(f"a log line is not JSON: {line!r}") from None
            assert isinstance(value, dict), line
            parsed.append(value)
        return parsed

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.log() if line.get("event") == "request"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, published at SITE_URL, with a low rate limit to reach."""
    site = copy_example(tmp_path_factory.mktemp("production") / "site")
    set_plugin_options(site, feedback={"site_url": SITE_URL, "rate_limit": LIMIT})
    return site


def environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as systemd's EnvironmentFile= reads them (no quoting used here)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            found[key.strip()] = value
    return found


@contextmanager
def unit_receiver(service: list[tuple[str, str]], project: Path, folder: Path) -> Iterator[Running]:
    """The unit's ExecStart in the site's folder, with its token from an environment file."""
    folder.mkdir(parents=True, exist_ok=True)
    environment = folder / "receiver.env"
    environment.write_text(ENV_EXAMPLE.read_text(encoding="utf-8").replace(f"{TOKEN_ENV}=", f"{TOKEN_ENV}={TOKEN}"),
                           encoding="utf-8")
    env = {key: value for key, value in quiet_env().items() if key != TOKEN_ENV}
    env.update(environment_file(environment))
    db = folder / "receiver.sqlite3"
    port = free_port()
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(unit_command(service, config=project / "mkdocs.yml", db=db, port=port),
                                   cwd=project, env=env, stdout=stdout, stderr=stderr)
    running = Running(f"http://127.0.0.1:{port}", port, db, out, err, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the unit's command did not start:\n{out.read_text()}\n{err.read_text()}", pytrace=False)
            try:
                if send("GET", f"{running.url}/health").status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield running
    finally:
        stop_process(process)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def send(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None, *,
         source: str = "127.0.0.1", context: ssl.SSLContext | None = None, path: str | None = None) -> Answer:
    """One request from the loopback address ``source``, with ``path`` sent exactly as written."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=15, context=context,
                                                 source_address=(source, 0))
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15, source_address=(source, 0))
    try:
        target = path or (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
    finally:
        connection.close()


def form(**changes: Any) -> bytes:
    return urllib.parse.urlencode(valid_form(**changes)).encode("ascii")


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                "Origin": SITE_ORIGIN}
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_the_units_command_runs_the_receiver(service: list[tuple[str, str]], project: Path, tmp_path: Path) -> None:
    with unit_receiver(service, project, tmp_path) as receiver:
        assert send("GET", f"{receiver.url}/health", headers=BEARER).json() == {"status": "ok", "submissions": 0}
        started = [line for line in receiver.log() if line.get("event") == "start"]
    assert len(started) == 1, receiver.log()
    assert started[0]["api"] == "on" and started[0]["trusted_proxies"] == ["127.0.0.1"]
    assert started[0]["database"] == str(receiver.db)
    assert "Receiving feedback for" in receiver.stdout.read_text(encoding="utf-8")
    # SIGTERM (what systemd sends) stops it cleanly, saying so.
    assert receiver.process.returncode == 0
    assert receiver.log()[-1]["event"] == "stop"


def test_a_receiver_that_cannot_start_says_why_in_the_log(service: list[tuple[str, str]], project: Path,
                                                          tmp_path: Path) -> None:
    env = {**quiet_env(), TOKEN_ENV: "too-short"}
    command = unit_command(service, config=project / "mkdocs.yml", db=tmp_path / "r.sqlite3", port=free_port())
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout.startswith("Not started: The token in SHOWCASE_FEEDBACK_TOKEN is 9 characters long")
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [line["event"] for line in lines] == ["not_started"]
    assert "at least 32" in lines[0]["message"] and "too-short" not in lines[0]["message"]


def test_the_log_holds_nothing_personal(service: list[tuple[str, str]], project: Path, tmp_path: Path) -> None:
    reader = "127.0.0.5"
    query = urllib.parse.urlencode({"email": EMAIL, "comments": COMMENT, "organisation": ORGANISATION})
    with unit_receiver(service, project, tmp_path) as receiver:
        url = f"{receiver.url}/submit?{query}"
        personal = {"comments": COMMENT, "email": EMAIL, "organisation": ORGANISATION}
        sent = [send("POST", url, form(**personal), FORM_HEADERS, source=reader) for _ in range(LIMIT + 1)]
        assert [answer.status for answer in sent] == [201] * LIMIT + [429], [a.body for a in sent]
        ids = [answer.json()["id"] for answer in sent[:LIMIT]]
        # A refused post (an invalid email) whose refusal quotes nothing back into the log,
        refused = send("POST", url, form(**{**personal, "email": "not an email " + EMAIL}), FORM_HEADERS,
                       source="127.0.0.6")
        assert refused.status == 400
        # a JSON post, a wrong token, the API, an erasure, an unknown path holding the email ...
        as_json = send("POST", f"{receiver.url}/submit", json.dumps(valid_form(**personal)).encode(),
                       {"Content-Type": "application/json", "Origin": SITE_ORIGIN}, source="127.0.0.7")
        assert as_json.status == 201
        assert send("GET", f"{receiver.url}/api/submissions?{query}", headers={"Authorization": "Bearer wrong"},
                    source=reader).status == 401
        listed = send("GET", f"{receiver.url}/api/submissions?after=0&limit=10", headers=BEARER, source=reader)
        assert COMMENT in listed.body  # the API gives the token holder what was sent; the log must not
        assert send("DELETE", f"{receiver.url}/api/submissions/{ids[0]}", headers=BEARER, source=reader).status == 200
        assert send("GET", f"{receiver.url}/{EMAIL}?{query}", source=reader).status == 404
        assert send("GET", f"{receiver.url}/submit", source=reader).status == 405
        stored = db_rows(receiver.db)
    assert ORGANISATION in {row["organisation"] for row in stored}, "the posts were stored, so the test means something"
    text = receiver.stderr.read_text(encoding="utf-8")
    log = receiver.log()  # every line JSON
    for secret in (COMMENT, EMAIL, ORGANISATION, "Quartzmoor", reader, "127.0.0.6", "127.0.0.7", TOKEN,
                   "wrong", *ids, urllib.parse.quote(EMAIL), "Bloggs", "bloggs"):
        assert secret not in text, f"the log holds {secret!r}"
    requests = [(line["method"], line["route"], line["status"]) for line in log
                if line["event"] == "request" and line["route"] != "/health"]  # the checks while it started
    assert requests == [
        *[("POST", "/submit", 201)] * LIMIT, ("POST", "/submit", 429), ("POST", "/submit", 400),
        ("POST", "/submit", 201), ("GET", "/api/submissions", 401), ("GET", "/api/submissions", 200),
        ("DELETE", "/api/submissions/<ident>", 200), ("GET", None, 404), ("GET", None, 405),
    ]
    assert all(isinstance(line["duration_ms"], float) for line in log if line["event"] == "request")
    # Only the 429's line names the sender, by a keyed hash that a list of all addresses cannot undo.
    named = [line for line in log if "client" in line]
    assert [line["status"] for line in named] == [429]
    assert re.fullmatch(r"[0-9a-f]{12}", named[0]["client"])
    assert named[0]["client"] not in hashlib.sha256(reader.encode()).hexdigest()


# -- nginx in front ---------------------------------------------------------------------------

def nginx_program() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if IN_CI:
            pytest.fail("nginx is not installed, and CI must run the nginx tests: `make nginx` installs "
                        "Debian's nginx package.", pytrace=False)
        pytest.skip("nginx is not installed (Debian: apt-get install nginx, or `make nginx`)")
    return found


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for feedback.example.org and 127.0.0.1, made with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        if IN_CI:
            pytest.fail("openssl is not installed: it makes the test certificate (Debian: openssl).", pytrace=False)
        pytest.skip("openssl is not installed (Debian: apt-get install openssl)")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    made = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=feedback.example.org", "-addext", "subjectAltName=DNS:feedback.example.org,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, f"openssl could not make the test certificate:\n{made.stderr}"
    return cert, key


def shipped_nginx(folder: Path, *, https_port: int, http_port: int, receiver_port: int, cert: Path,
                  key: Path) -> str:
    """nginx.conf with its placeholders filled in; each must be there, or the file has changed shape."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    for placeholder, value in (
        ("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;", ""),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"), ("listen [::]:443 ssl;", ""),
        ("/etc/ssl/showcase/fullchain.pem", str(cert)), ("/etc/ssl/showcase/privkey.pem", str(key)),
        ("server 127.0.0.1:8765;", f"server 127.0.0.1:{receiver_port};"),
        ("/var/log/nginx/", f"{folder}/logs/"),
    ):
        assert placeholder in text, f"nginx.conf no longer has {placeholder!r}"
        text = text.replace(placeholder, value)
    return text


@dataclass
class Proxy:
    https: str
    http: str
    context: ssl.SSLContext
    logs: Path


@contextmanager
def nginx(folder: Path, receiver_port: int) -> Iterator[Proxy]:
    """The shipped configuration, run by the real nginx in the foreground, in a folder of its own."""
    program = nginx_program()
    (folder / "logs").mkdir(parents=True)
    cert, key = certificate(folder)
    https_port, http_port = free_port(), free_port()
    (folder / "receiver.conf").write_text(shipped_nginx(folder, https_port=https_port, http_port=http_port,
                                                        receiver_port=receiver_port, cert=cert, key=key))
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    # Run as root (as under CI), nginx would hand its workers to `nobody`, who cannot enter pytest's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/receiver.conf;
}}
""")
    base = [program, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "logs" / "startup.log")]
    checked = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, f"nginx refused the shipped configuration:\n{checked.stderr}"
    process = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    context = ssl.create_default_context(cafile=str(cert))
    proxy = Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", context, folder / "logs")
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {process.stderr.read() if process.stderr else ''!r}", pytrace=False)
            try:
                send("GET", f"{proxy.https}/health", context=context)
                break
            except OSError:
                time.sleep(0.05)
        yield proxy
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # nginx's graceful stop; SIGTERM would also do
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def test_behind_the_shipped_nginx(service: list[tuple[str, str]], project: Path, tmp_path: Path) -> None:
    nginx_program()
    with unit_receiver(service, project, tmp_path / "receiver") as receiver, \
            nginx(tmp_path / "nginx", receiver.port) as proxy:
        def through(method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                    source: str = "127.0.0.1") -> Answer:
            return send(method, proxy.https + path, body, headers, source=source, context=proxy.context, path=path)

        reached = len(receiver.requests())  # the health checks while starting
        # Posts over HTTPS are stored, and each reader behind nginx has a rate limit of their own:
        # the receiver believes the address nginx passes on, and only that one.
        first = [through("POST", "/submit", form(comments=f"{COMMENT} {n}"), FORM_HEADERS, "127.0.0.2")
                 for n in range(LIMIT + 1)]
        assert [answer.status for answer in first] == [201] * LIMIT + [429], [a.body for a in first]
        forged = through("POST", "/submit", form(), {**FORM_HEADERS, "X-Forwarded-For": "203.0.113.9"}, "127.0.0.2")
        assert forged.status == 429, "a reader chose their own address with X-Forwarded-For"
        other = through("POST", "/submit", form(comments=COMMENT), FORM_HEADERS, "127.0.0.3")
        assert other.status == 201, "another reader was counted against the first one's limit: nginx's address"
        assert len(db_rows(receiver.db)) == LIMIT + 1
        assert "max-age=" in other.headers.get("strict-transport-security", "")
        # /health for monitoring; the API only with the token; an erasure by id.
        assert through("GET", "/health").json() == {"status": "ok"}
        assert through("GET", "/api/submissions").status == 401
        listed = through("GET", "/api/submissions?after=0&limit=2", headers=BEARER)
        assert listed.status == 200 and len(listed.json()["submissions"]) == 2 and listed.json()["has_more"]
        erased = through("DELETE", f"/api/submissions/{other.json()['id']}", headers=BEARER)
        assert erased.status == 200 and erased.json()["status"] == "erased"
        assert len(receiver.requests()) - reached == LIMIT + 1 + 1 + 1 + 4

        # Anything else is answered by nginx, and never reaches the receiver.
        before = len(receiver.requests())
        for method, path in (("GET", "/"), ("GET", "/admin"), ("GET", "/submit/../x"), ("POST", "/submit/../x"),
                             ("GET", "/submitx"), ("GET", "/submit/"), ("GET", "/health/"),
                             ("GET", "/api/submissions/not-an-id"), ("GET", "/api/submissions/"),
                             ("DELETE", "/api/submissions/" + "a" * 31), ("GET", "/submit/%2e%2e/x"),
                             ("GET", "/%2e%2e/etc/passwd"), ("GET", "/api"), ("GET", "/static/feedback.js")):
            answer = through(method, path)
            expected = 400 if path.startswith("/%2e%2e") else 404  # nginx refuses a path above the root outright
            assert answer.status == expected and "nginx" in answer.body, (method, path, answer.status, answer.body)
        # A body over the receiver's own limit is refused by nginx before it is read.
        too_big = through("POST", "/submit", b"comments=" + b"x" * (200 * 1024), FORM_HEADERS, "127.0.0.4")
        assert too_big.status == 413 and "too long" in too_big.body
        assert len(receiver.requests()) == before, "a request that was not the receiver's reached it"

        # Plain HTTP only sends readers to HTTPS.
        moved = send("POST", f"{proxy.http}/submit", form(), FORM_HEADERS)
        assert moved.status == 301 and moved.headers["location"] == "https://feedback.example.org/submit"
        assert len(receiver.requests()) == before

    # nginx's access log is JSON too, and names routes, not readers.
    access = (proxy.logs / "showcase-receiver.access.log").read_text(encoding="utf-8").splitlines()
    lines = [json.loads(line) for line in access]
    assert {line["route"] for line in lines} == {"submit", "health", "api-submissions", "api-erase", "other"}
    for secret in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "203.0.113.9", "admin", "passwd", "after="):
        assert not any(secret in line for line in access), f"nginx's log holds {secret!r}"
    receiver_log = receiver.stderr.read_text(encoding="utf-8")
    for secret in (COMMENT, "127.0.0.2", "127.0.0.3", "203.0.113.9"):
        assert secret not in receiver_log


# -- What the log makes of other libraries' lines and of crashes -------------------------------

@contextmanager
def json_log() -> Iterator[io.StringIO]:
    """The receiver's JSON formatter on the root logger for one test, as ``configure`` sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in ("", LOGGER_NAME)}
    logging.getLogger(LOGGER_NAME).setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_a_crash_is_logged_by_type_and_place_only(make_config: Any, tmp_path: Path) -> None:
    from feedback.inbox import Inbox
    from feedback.receiver import create_app

    inbox = Inbox(tmp_path / "receiver.sqlite3")
    app = create_app(make_config(), inbox)

    @app.get("/crash/<anything>")
    def crash(anything: str) -> str:
        raise ValueError(f"could not read {EMAIL} from {anything}")

    with json_log() as stream:
        answer = app.test_client().get(f"/crash/{ORGANISATION}?email={EMAIL}")
    inbox.close()
    assert answer.status_code == 500
    text = stream.getvalue()
    assert EMAIL not in text and "Quartzmoor" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    error = next(line for line in lines if line["event"] == "error")
    assert error["exception"] == "ValueError" and error["where"].startswith("test_production.py:")
    assert error["route"] == "/crash/<anything>" and error["message"].startswith("(withheld")
    assert {"event": "request", "method": "GET", "route": "/crash/<anything>", "status": 500}.items() \
        <= next(line for line in lines if line["event"] == "request").items()


def test_other_libraries_lines_keep_only_their_wording_and_numbers() -> None:
    waitress = logging.getLogger("waitress")
    with json_log() as stream:
        waitress.warning("Task queue depth is %d", 4)
        waitress.warning(f"Client disconnected while serving /submit?email={EMAIL}")  # as waitress writes it: whole
        waitress.warning("uncaptured exception, closing channel %s", "<channel 127.0.0.9:5555>")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == [
        "Task queue depth is 4", "(withheld: it may quote the request)", "uncaptured exception, closing channel …"]
    assert {line["event"] for line in lines} == {"library"} and {line["logger"] for line in lines} == {"waitress"}


def test_pseudonyms_change_every_day_and_differ_by_address() -> None:
    day = [date(2026, 12, 1)]
    names = Pseudonyms(today=lambda: day[0])
    first = names.of("198.51.100.7")
    assert names.of("198.51.100.7") == first and names.of("198.51.100.8") != first
    day[0] = date(2026, 12, 2)
    assert names.of("198.51.100.7") != first, "yesterday's key must be gone"
