"""The site hosted below a sub-path (issue 11 §2), and its "page not found" page there (issue 10 §1).

GitHub and GitLab project pages, and many departments' own servers, publish a site at an
address such as https://example.gov.uk/good-practice/ rather than at a domain's root. The
example site is built once (a real ``mkdocs build --strict``) with ``site_url`` set to such an
address on 127.0.0.1, and served by a real HTTP server that answers only below that prefix, as
GitHub Pages and nginx do: a missing address there gets 404.html with status 404; anything
outside the prefix is not the site's at all. Then every page, and everything each page, style
sheet, feed, sitemap and open-data file points to on the site's host, is fetched, and must
answer 200 below the prefix. A link written from the domain's root (``/assets/...``), which works
when the site is at the root, fails here.
"""
from __future__ import annotations

import csv
import gzip
import http.client
import io
import json
import mimetypes
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import pytest
from bs4 import BeautifulSoup

from tests.builds import REPO, copy_example
from tests.processes import free_port, stop_process

from .sites import Built, build_ok

if TYPE_CHECKING:
    from tests.feedback.publishing.data import FeedbackSite

PREFIX = "/good-practice/"
NGINX_SITE = REPO / "deploy" / "site" / "nginx-site.conf"  # the README's configuration for nginx
MAX_FETCHES = 3000  # the example site has a few hundred addresses; a runaway crawl stops here
MAX_SECONDS = 120.0
SHOWN = 25  # failures listed in a message
# Attributes that hold an address the page links to or loads.
URL_ATTRIBUTES = ("href", "src", "action", "poster", "data")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


# ------------------------------------------------------------------ the host

class SubPathHandler(BaseHTTPRequestHandler):
    """A static host for one site below ``PREFIX``, as GitHub Pages and nginx serve one.

    ``/good-practice/x/`` is ``x/index.html``; ``/good-practice/x`` (a folder) redirects to
    ``x/``; a missing address below the prefix gets the site's 404.html with status 404;
    every address outside the prefix gets a bare 404.
    """

    def __init__(self, *args: Any, site: Path, **kwargs: Any) -> None:
        self.site = site  # set before the base class handles the request
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == PREFIX.rstrip("/"):
            return self._redirect(PREFIX)
        if not path.startswith(PREFIX):
            return self._send(404, b"Not found: this host has nothing outside " + PREFIX.encode(), "text/plain", body)
        site = self.site.resolve()
        target = (site / path[len(PREFIX):]).resolve()
        if not target.is_relative_to(site):
            return self._send(404, b"Not found", "text/plain", body)
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        if target.is_file():
            kind, encoding = mimetypes.guess_type(target.name)
            return self._send(200, target.read_bytes(), kind if kind and not encoding else "application/octet-stream",
                              body)
        not_found = site / "404.html"
        page = not_found.read_bytes() if not_found.is_file() else b"Not found"
        return self._send(404, page, "text/html", body)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, content: bytes, kind: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)


@dataclass(frozen=True)
class Hosted:
    """A built site and the address it is served at (``root`` ends in ``PREFIX``)."""

    built: Built | None
    site: Path
    root: str

    @property
    def origin(self) -> str:
        parts = urlsplit(self.root)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    location: str | None


def fetch(url: str) -> Answer:
    """One GET, without following redirects: a link should name the address itself."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", urlunsplit(("", "", parts.path or "/", parts.query, "")))
        response = connection.getresponse()
        return Answer(response.status, response.read(), response.getheader("Location"))
    finally:
        connection.close()


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """``site`` served below ``PREFIX`` on a free port of 127.0.0.1; yields the site's address.

    The port is taken before the site need exist, so that it can be built for its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, site=site))
    thread = threading.Thread(target=server.serve_forever, name="sub-path-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def set_site_url(project: Path, site_url: str) -> None:
    """Point a copied project's ``site_url`` at ``site_url`` (one line of its mkdocs.yml)."""
    config = project / "mkdocs.yml"
    text, count = re.subn(r"(?m)^site_url:.*$", f"site_url: {site_url}", config.read_text(encoding="utf-8"))
    assert count == 1, "the example mkdocs.yml should have one site_url line"
    config.write_text(text, encoding="utf-8")


@contextmanager
def hosting_example(root: Path, feedback: FeedbackSite | None = None) -> Iterator[Hosted]:
    """The example site built in ``root`` for http://127.0.0.1:PORT/good-practice/ and served
    there; with ``feedback``'s published feedback, so with feedback pages and links to them.
    (tests/browser/test_sub_path_browser.py uses it too.)"""
    site = root / "site"
    with serving(site) as address:
        project = copy_example(root / "project")
        if feedback is not None:
            shutil.copytree(feedback.published, project / feedback.published.relative_to(feedback.built.project))
        set_site_url(project, address)
        yield Hosted(build_ok(project, site), site, address)


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory, fsite: FeedbackSite) -> Iterator[Hosted]:
    with hosting_example(tmp_path_factory.mktemp("sub-path"), fsite) as example:
        yield example


# ------------------------------------------------------------------ the crawl

@dataclass(frozen=True)
class Failure:
    url: str
    found_on: str
    why: str

    def __str__(self) -> str:
        return f"{self.url}  (from {self.found_on}): {self.why}"


@dataclass
class Crawl:
    fetched: dict[str, str] = field(default_factory=dict)  # address -> what kind of file answered
    failures: list[Failure] = field(default_factory=list)
    # Full addresses made from site_url: (where, what, address), to check they carry the sub-path.
    addresses: list[tuple[str, str, str]] = field(default_factory=list)

    def kinds(self) -> Counter[str]:
        return Counter(self.fetched.values())

    def report(self) -> str:
        shown = "\n".join(f"  {failure}" for failure in self.failures[:SHOWN])
        more = len(self.failures) - SHOWN
        return shown + (f"\n  ... and {more} more" if more > 0 else "")


def kind_of(url: str) -> str:
    """What an address holds, by its name: ``html`` for pages (``x/`` is ``x/index.html``)."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    if not name or name.endswith(".html"):
        return "html"
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _css_references(url: str, text: str) -> Iterator[str]:
    for match in CSS_URL.finditer(text):
        value = (match.group(2) or match.group(4) or "").strip()
        if value and not value.startswith(("data:", "#")):
            yield urljoin(url, value)


def _html_references(url: str, body: bytes, crawl: Crawl) -> Iterator[str]:
    soup = BeautifulSoup(body.decode("utf-8"), "html.parser")
    for tag in soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and value.strip():
                yield urljoin(url, value.strip())
        for attribute in ("srcset", "imagesrcset"):
            value = tag.get(attribute)
            if isinstance(value, str):
                yield from (urljoin(url, part.split()[0]) for part in value.split(",") if part.strip())
        style = tag.get("style")
        if isinstance(style, str):
            yield from _css_references(url, style)
        search_root = tag.get("data-search-root")
        if isinstance(search_root, str):  # search.js imports the index's script from there
            yield urljoin(urljoin(url, search_root or "./"), "pagefind/pagefind.js")
        rels = list(tag.get("rel") or [])
        if tag.name == "link" and "canonical" in rels:
            crawl.addresses.append((url, "canonical link", str(tag.get("href"))))
        if tag.name == "link" and "alternate" in rels:
            crawl.addresses.append((url, "feed link", urljoin(url, str(tag.get("href")))))
        printed = tag.get("data-print-href")  # the address a printed page writes after a link
        if isinstance(printed, str) and printed.startswith(("http://", "https://")):
            crawl.addresses.append((url, "printed address", printed))
            yield printed
        if tag.name == "p" and "sc-colophon" in list(tag.get("class") or []):  # a printed page's last line
            colophon = tag.get_text(strip=True).rsplit(": ", 1)[-1]
            crawl.addresses.append((url, "colophon", colophon))
            yield colophon
        if tag.name == "meta" and tag.get("property") in ("og:url", "og:image"):
            crawl.addresses.append((url, str(tag["property"]), str(tag.get("content"))))
            yield str(tag.get("content"))
    for element in soup.find_all("style"):
        yield from _css_references(url, element.get_text())


def _xml_references(url: str, body: bytes, crawl: Crawl) -> Iterator[str]:
    """The sitemap's <loc>s; an Atom feed's <id>s, <link href>s and category schemes."""
    for element in ET.fromstring(body).iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("loc", "id") and element.text:
            crawl.addresses.append((url, name, element.text.strip()))
            yield element.text.strip()
        for attribute in ("href", "scheme"):
            if element.get(attribute):
                crawl.addresses.append((url, f"{name} {attribute}", str(element.get(attribute))))
                yield urljoin(url, str(element.get(attribute)))


def _json_strings(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield key, item
            else:
                yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _open_data_references(url: str, rows: Iterable[tuple[str, str]], root: str, crawl: Crawl) -> Iterator[str]:
    """Full addresses, and the site-relative ``path``s the open data gives beside them."""
    for key, value in rows:
        if key == "path" and value:
            yield urljoin(root, value)
        elif key == "schema" and value:
            yield urljoin(url, value)
        elif value.startswith(("http://", "https://")) and key not in ("$schema",):
            crawl.addresses.append((url, key, value))
            yield value


def references(url: str, body: bytes, root: str, crawl: Crawl) -> Iterator[str]:
    """Every address a fetched file points to, made absolute as a browser or reader would."""
    kind = kind_of(url)
    if kind == "html":
        yield from _html_references(url, body, crawl)
    elif kind == "css":
        yield from _css_references(url, body.decode("utf-8"))
    elif kind == "xml":
        yield from _xml_references(url, body, crawl)
    elif kind == "json":
        yield from _open_data_references(url, _json_strings(json.loads(body)), root, crawl)
    elif kind == "csv":
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        yield from _open_data_references(url, ((k, v) for row in rows for k, v in row.items() if v), root, crawl)


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def crawl_site(hosted: Hosted, seeds: Iterable[str]) -> Crawl:
    """Fetch ``seeds`` and everything they point to on the site's host, breadth first.

    An address on the host but outside the prefix is a failure without being fetched (this
    host would answer 404 anyway); addresses on other hosts are not followed. Bounded by
    ``MAX_FETCHES`` and ``MAX_SECONDS``: a crawl that runs past either fails the test."""
    crawl = Crawl()
    queue: deque[tuple[str, str]] = deque()
    queued: set[str] = set()
    for seed in seeds:
        address = _without_fragment(seed)
        if address not in queued:
            queued.add(address)
            queue.append((address, "the list of the site's files"))
    deadline = time.monotonic() + MAX_SECONDS
    while queue:
        assert len(crawl.fetched) < MAX_FETCHES, f"the crawl passed {MAX_FETCHES} addresses: is a link looping?"
        assert time.monotonic() < deadline, f"the crawl took more than {MAX_SECONDS:.0f} s"
        url, found_on = queue.popleft()
        answer = fetch(url)
        if answer.status != 200:
            moved = f" to {answer.location}" if answer.location else ""
            crawl.failures.append(Failure(url, found_on, f"answered {answer.status}{moved}"))
            continue
        crawl.fetched[url] = kind_of(url)
        for reference in references(url, answer.body, hosted.root, crawl):
            target = _without_fragment(reference)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != hosted.origin:
                continue  # another host, or mailto: and the like
            if not parts.path.startswith(PREFIX):
                crawl.failures.append(Failure(reference, url, f"outside the sub-path {PREFIX}"))
            elif target not in queued:
                queued.add(target)
                queue.append((target, url))
    return crawl


def address_of(hosted: Hosted, file: Path) -> str:
    """The address a built file is served at (``x/index.html`` at ``x/``)."""
    relative = file.relative_to(hosted.site).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return hosted.root + relative


def seeds_of(hosted: Hosted) -> list[str]:
    """Every page of the built site, and the files made for readers and machines outside a page."""
    pages = [address_of(hosted, page) for page in sorted(hosted.site.rglob("*.html"))]
    others = ["sitemap.xml", "feed.xml", "cases.json", "cases.csv", "cases.schema.json", "pagefind/pagefind-entry.json"]
    return pages + [hosted.root + name for name in others if (hosted.site / name).is_file()]


@pytest.fixture(scope="module")
def crawled(hosted: Hosted) -> Crawl:
    return crawl_site(hosted, seeds_of(hosted))


# ------------------------------------------------------------------ the tests

def test_the_host_serves_nothing_outside_the_sub_path(hosted: Hosted) -> None:
    """What makes the crawl mean something: an address written from the domain's root fails here."""
    assert fetch(hosted.root).status == 200
    assert fetch(hosted.origin + "/").status == 404
    assert fetch(hosted.origin + "/index.html").status == 404
    assert fetch(hosted.origin + "/assets/showcase/showcase.css").status == 404
    assert fetch(hosted.root + "assets/showcase/showcase.css").status == 200
    moved = fetch(hosted.root + "cases")
    assert (moved.status, moved.location) == (301, PREFIX + "cases/")


def test_every_link_and_asset_resolves_below_the_sub_path(hosted: Hosted, crawled: Crawl) -> None:
    if crawled.failures:
        pytest.fail(f"{len(crawled.failures)} addresses do not resolve below {PREFIX} "
                    f"(of {len(crawled.fetched)} fetched):\n{crawled.report()}", pytrace=False)
    built_pages = {address_of(hosted, page) for page in hosted.site.rglob("*.html")}
    assert built_pages <= set(crawled.fetched), "some built pages were not fetched"
    kinds = crawled.kinds()
    # The crawl reached every kind of file a reader's browser or feed reader asks for.
    assert kinds["html"] >= len(built_pages) >= 20, kinds
    for kind in ("css", "js", "xml", "json", "csv", "png"):
        assert kinds[kind] >= 1, f"no {kind} file was reached: {kinds}"
    assert kinds["xml"] >= 3, "the sitemap, the site's feed and the themes' feeds"
    feedback = [url for url in crawled.fetched if url.startswith(hosted.root + "feedback/")]
    assert len(feedback) >= 3 and kinds["svg"] >= 1, "the feedback pages and their charts were not reached"


def test_addresses_made_from_site_url_carry_the_sub_path(hosted: Hosted, crawled: Crawl) -> None:
    """Canonical links, og:url, the feeds' ids and links, the sitemap, the open data, and the
    addresses a printed page writes out (after each link, and at its end)."""
    made = [(where, what, address) for where, what, address in crawled.addresses
            if address.startswith(("http://", "https://")) and not address.startswith("https://json-schema.org")
            and (what != "printed address" or address.startswith(hosted.origin + "/"))]  # not links to others
    wrong = [f"  {where}: {what} {address}" for where, what, address in made if not address.startswith(hosted.root)]
    assert not wrong, f"addresses without {hosted.root}:\n" + "\n".join(wrong[:SHOWN])
    seen = Counter(what for _, what, _ in made)
    cases = len(list((hosted.built.project / "cases").glob("*.md"))) if hosted.built else 0
    assert seen["canonical link"] >= 20 and seen["og:url"] >= 20, seen
    assert seen["feed link"] >= 20 and seen["link href"] >= cases and seen["id"] >= cases, seen
    assert seen["loc"] >= 20 and seen["url"] >= cases >= 5, seen
    assert seen["printed address"] >= 100 and seen["colophon"] >= 20, seen


def test_search_results_lead_to_pages_below_the_sub_path(hosted: Hosted) -> None:
    """Pagefind gives each result's address as stored in the index, prefixed by the folder above
    the one its script was loaded from (search.js loads it from ``data-search-root``). Every
    stored address, so prefixed, must be a page below the sub-path."""
    search_page = hosted.root + "search/"
    search_root = BeautifulSoup(fetch(search_page).body.decode("utf-8"), "html.parser").select_one("[data-search-root]")
    assert search_root is not None
    script = urljoin(urljoin(search_page, str(search_root["data-search-root"])), "pagefind/pagefind.js")
    assert fetch(script).status == 200
    bundle = urlsplit(script).path.rsplit("/", 1)[0] + "/"  # pagefind.js's own folder
    base = re.match(r"^(.*/)_?pagefind", bundle)
    assert base and base.group(1) == PREFIX
    fragments = sorted((hosted.site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert len(fragments) >= 20
    broken = []
    for fragment in fragments[:500]:
        stored = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        result = hosted.origin + re.sub(r"/+", "/", f"{base.group(1)}/{stored}")
        if fetch(result).status != 200:
            broken.append(f"  {stored} -> {result}")
    assert not broken, "search results that lead nowhere:\n" + "\n".join(broken[:SHOWN])


def test_a_missing_address_deep_below_the_sub_path_gets_a_working_404_page(hosted: Hosted) -> None:
    """The host answers with 404.html for an address it does not have, at that address: the
    page's styles, scripts and icon, and its ways on, must resolve from any depth."""
    missing = hosted.root + "cases/no-such/page/"
    answer = fetch(missing)
    assert answer.status == 404
    soup = BeautifulSoup(answer.body.decode("utf-8"), "html.parser")
    assert soup.h1 is not None and soup.h1.get_text(strip=True) == "Page not found"
    title = soup.title.get_text(strip=True) if soup.title else ""
    assert title.startswith("Page not found"), title
    loaded = [urljoin(missing, str(tag.get("href") or tag.get("src")))
              for tag in soup.select("link[rel~=stylesheet], link[rel~=icon], script[src], img[src]")]
    assert len(loaded) >= 4, loaded  # Material's style sheets and script, Showcase's, the icon
    links = [urljoin(missing, str(a["href"])) for a in soup.find_all("a", href=True)
             if not str(a["href"]).startswith(("#", "http://", "https://", "mailto:"))]
    forms = [urljoin(missing, str(form.get("action"))) for form in soup.find_all("form")]
    broken = [f"  {url}: {fetch(url).status}" for url in dict.fromkeys(loaded + links + forms)
              if not urlsplit(url).path.startswith(PREFIX) or fetch(url).status != 200]
    assert not broken, "on the 404 page, at a missing address:\n" + "\n".join(broken)
    main = soup.find(id="sc-main")
    assert main is not None
    ways_on = [urljoin(missing, str(a["href"])) for a in main.find_all("a", href=True)]
    assert hosted.root in ways_on, f"no link back to the home page ({hosted.root}) in {ways_on}"
    assert hosted.root + "cases/" in ways_on
    search = main.find("form", attrs={"role": "search"})
    assert search is not None and urljoin(missing, str(search.get("action"))) == hosted.root + "search/"


def test_the_crawl_finds_links_that_leave_the_sub_path(tmp_path: Path) -> None:
    """The checker itself: on a small site with a link from the domain's root, one to a missing
    page, and a style sheet pointing at a missing image, it reports each, with the page it was on."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<!doctype html><link rel="stylesheet" href="style.css"><a href="a/">fine</a>'
        '<a href="/assets/x.css">root</a><a href="missing/">gone</a><a href="https://other.example/">away</a>',
        encoding="utf-8")
    (site / "style.css").write_text("body { background: url(img/none.png) }", encoding="utf-8")
    (site / "a" / "index.html").write_text('<!doctype html><a href="../">up</a><a href="../../">above</a>',
                                           encoding="utf-8")
    with serving(site) as root:
        hosted = Hosted(None, site, root)
        crawl = crawl_site(hosted, [root])
    found = {(failure.url.removeprefix(hosted.origin), failure.found_on.removeprefix(root), failure.why.split()[0])
             for failure in crawl.failures}
    assert found == {("/assets/x.css", "", "outside"), (PREFIX + "missing/", "", "answered"),
                     (PREFIX + "img/none.png", "style.css", "answered"), ("/", "a/", "outside")}, found
    assert set(crawl.fetched) == {root, root + "a/", root + "style.css"}


# ------------------------------------------------------------------ the shipped nginx configuration

def nginx_program() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed, and CI must run this test: `make nginx` installs it.", pytrace=False)
        pytest.skip("nginx is not installed (Debian: apt-get install nginx, or `make nginx`)")
    return found


@contextmanager
def nginx_serving(site: Path, folder: Path) -> Iterator[str]:
    """``site`` published as deploy/site/nginx-site.conf expects (``/var/www/good-practice/``, here a
    folder of the test's own), served by the real nginx in the foreground with that configuration."""
    program = nginx_program()
    www = folder / "www"
    www.mkdir(parents=True)
    (www / PREFIX.strip("/")).symlink_to(site.resolve(), target_is_directory=True)
    snippet = NGINX_SITE.read_text(encoding="utf-8")
    assert "root /var/www;" in snippet, "nginx-site.conf no longer has its `root /var/www;` line"
    port = free_port()
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() else ""
    temp = " ".join(f"{name}_temp_path {folder / name};"
                    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # Run as root (as under CI), nginx would hand its workers to `nobody`, who cannot enter pytest's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    access_log off;
    {temp}
    server {{
        listen 127.0.0.1:{port};
        {snippet.replace("root /var/www;", f"root {www};")}
    }}
}}
""", encoding="utf-8")
    process = subprocess.Popen([program, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                log = folder / "error.log"
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("nginx did not start with deploy/site/nginx-site.conf:\n"
                                + (log.read_text(encoding="utf-8") if log.is_file() else ""), pytrace=False)
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        stop_process(process)


def test_the_shipped_nginx_configuration_serves_the_site_below_the_sub_path(hosted: Hosted, crawled: Crawl,
                                                                           tmp_path: Path) -> None:
    """What the crawl reached through the test's host, nginx must serve too; and it must answer a
    missing address with the site's own 404 page, and a folder without its "/" with a redirect."""
    with nginx_serving(hosted.site, tmp_path / "nginx") as root:
        addresses = [root + url.removeprefix(hosted.root) for url in crawled.fetched]
        assert len(addresses) >= 50
        broken = [f"  {address}: {status}" for address in addresses if (status := fetch(address).status) != 200]
        assert not broken, "nginx does not serve:\n" + "\n".join(broken[:SHOWN])
        missing = fetch(root + "cases/no-such/page/")
        assert missing.status == 404 and b"<h1>Page not found</h1>" in missing.body
        moved = fetch(root + "cases")
        assert moved.status == 301 and (moved.location or "").endswith(PREFIX + "cases/"), moved
