"""Behind a proxy every reader has the proxy's address (issue 8, §1 "Trusted proxies").

X-Forwarded-For is believed only from a proxy the operator named, with
``--trusted-proxy`` or ``feedback.trusted_proxies``; from anyone else it is
ignored, or anyone could choose whose limit a post counts against. And refused
posts count separately, with a higher limit, so a reader correcting a mistake
is never locked out.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.builds import copy_example
from tests.site.sites import set_plugin_options

from ..conftest import SITE_URL
from ..receivers import Receiver, cli_receiver, threaded_receiver, valid_form

LIMIT = 2  # accepted posts a minute from one reader


def marker() -> str:
    return f"marker-{uuid.uuid4().hex}"


def post(receiver: Receiver, forwarded: str | None = None, **changes: Any) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return receiver.post_json(valid_form(comments=marker(), **changes), headers=headers).status_code


def assert_readers_apart(receiver: Receiver) -> None:
    """Two readers behind the proxy each have their own limit, whatever they put in the header."""
    assert [post(receiver, "198.51.100.1") for _ in range(LIMIT + 1)] == [201] * LIMIT + [429]
    assert post(receiver, "198.51.100.2") == 201, "another reader behind the proxy was locked out"
    # The proxy appends the address it saw; what the sender wrote to its left is ignored.
    assert post(receiver, "203.0.113.77, 198.51.100.1") == 429
    assert post(receiver, "198.51.100.1, 198.51.100.2") == 201
    assert post(receiver, "198.51.100.9, 198.51.100.2") == 429


def test_a_trusted_proxy_given_on_the_command_line(receiver_project: Path, tmp_path: Path) -> None:
    with cli_receiver(receiver_project, tmp_path / "proxied.sqlite3", rate_limit=LIMIT, site_url=SITE_URL,
                      extra_args=("--trusted-proxy", "192.0.2.1", "--trusted-proxy", "127.0.0.1")) as receiver:
        assert_readers_apart(receiver)
        assert receiver.log is not None and "127.0.0.1" in receiver.log.read_text()


def test_a_trusted_proxy_in_mkdocs_yml(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    set_plugin_options(project, feedback={"site_url": SITE_URL, "trusted_proxies": ["127.0.0.0/8"]})
    with cli_receiver(project, tmp_path / "proxied.sqlite3", rate_limit=LIMIT, site_url=SITE_URL) as receiver:
        assert_readers_apart(receiver)


def test_x_forwarded_for_from_an_untrusted_address_is_ignored(receiver_project: Path, tmp_path: Path) -> None:
    """Without --trusted-proxy (or from another address than the one given), the header
    cannot buy a new limit: every post counts against the connection's own address."""
    for extra in ((), ("--trusted-proxy", "192.0.2.1")):
        with cli_receiver(receiver_project, tmp_path / f"direct{len(extra)}.sqlite3", rate_limit=LIMIT,
                          site_url=SITE_URL, extra_args=extra) as receiver:
            statuses = [post(receiver, f"198.51.100.{n}") for n in range(1, LIMIT + 2)]
            assert statuses == [201] * LIMIT + [429], extra
            assert post(receiver, "127.0.0.1, 198.51.100.50") == 429


def test_a_bad_trusted_proxy_stops_the_receiver_with_what_to_write(receiver_project: Path, tmp_path: Path) -> None:
    from tests.builds import showcase

    result = showcase(receiver_project, "feedback", "serve", "--port", "1", "--db", str(tmp_path / "x.sqlite3"),
                      "--trusted-proxy", "the-proxy")
    assert result.returncode == 1
    assert "Not started" in result.stdout and "the-proxy" in result.stdout and "127.0.0.1" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_refused_posts_do_not_lock_out_a_reader_correcting_a_mistake(make_config: Callable[..., Any],
                                                                    tmp_path: Path) -> None:
    with threaded_receiver(make_config(rate_limit=LIMIT), tmp_path / "mistakes.sqlite3") as receiver:
        # Mistakes, more than the accepted posts' limit: each is answered with what to correct.
        assert [post(receiver, role="judge") for _ in range(LIMIT * 2)] == [400] * (LIMIT * 2)
        assert post(receiver) == 201, "a reader who corrected their form was locked out"
        assert post(receiver) == 201
        assert post(receiver) == 429  # the accepted posts' own limit still holds
        # Refused posts have their own, higher limit: three times the accepted posts'.
        statuses = [post(receiver, role="judge") for _ in range(LIMIT * 2)]
        assert statuses == [400] * (LIMIT * 1) + [429] * (LIMIT * 1), statuses


def test_who_sent_it_is_the_rightmost_untrusted_hop() -> None:
    from feedback.proxies import TrustedProxies

    proxies = TrustedProxies.of(["10.0.0.0/8", "127.0.0.1"])
    assert proxies.client("127.0.0.1", ["198.51.100.1"]) == "198.51.100.1"
    assert proxies.client("127.0.0.1", ["203.0.113.5, 198.51.100.1, 10.1.2.3"]) == "198.51.100.1"
    assert proxies.client("127.0.0.1", ["203.0.113.5", "198.51.100.1"]) == "198.51.100.1"  # two headers
    assert proxies.client("192.0.2.8", ["198.51.100.1"]) == "192.0.2.8"  # not a trusted connection
    assert proxies.client("127.0.0.1", []) == "127.0.0.1"
    assert proxies.client("127.0.0.1", ["not-an-address"]) == "127.0.0.1"
    assert proxies.client("127.0.0.1", ["198.51.100.1, garbage, 10.0.0.1"]) == "10.0.0.1"
    assert proxies.client("::ffff:127.0.0.1", ["[2001:db8::1]"]) == "2001:db8::1"
    assert proxies.client("127.0.0.1", ["10.0.0.1, 10.0.0.2"]) == "10.0.0.1"  # all trusted: the last seen
