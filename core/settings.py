"""Showcase's options: declared once here, typed, with their defaults.

They are read from the ``showcase`` entry under ``plugins:`` in ``mkdocs.yml``.
The MkDocs plugin derives its option list from ``Settings`` and hands the
values to ``settings_from``, so both the plugin and ``showcase check`` accept
and reject exactly the same things. A nested block, such as ``feedback:``, is
a dataclass of its own and is checked the same way.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal, NewType, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from core.databases import ENVIRONMENT_VARIABLE, database_problem
from core.problems import Problems
from core.published import DEFAULT_THRESHOLD
from core.suggest import did_you_mean


@dataclass(frozen=True)
class SectionSpec:
    """A level-2 section that case studies have, in the order listed."""

    title: str
    required: bool = True


DEFAULT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("The provider's message"),
    SectionSpec("The good practice in detail"),
    SectionSpec("Provider background"),
    SectionSpec("What next"),
)

# How long responses are kept before `showcase feedback prune` deletes them: two years.
DEFAULT_RETENTION_DAYS = 730

# Wording on generated pages; any of these can be changed under `labels:`.
DEFAULT_LABELS: dict[str, str] = {
    "browse_title": "Browse case studies",
    "browse_intro": "Every case study, newest first.",
    "about_case": "About this case study",
    "provider": "Provider",
    "published": "Published",
    "reviewed": "Last reviewed",
    "related": "Related case studies",
    "chapters_for_case": "From the toolkit",
    "cases_for_chapter": "Case studies on this theme",
    "latest": "Latest case studies",
    "browse_all": "Browse all {count} case studies",
    "browse_by_theme": "Browse by theme",
    "about": "About",
    "toolkit": "Toolkit",
    "toolkits_intro": "Guidance that the case studies illustrate.",
    "contents": "Contents",
    "print_toolkit": "Print or save the whole toolkit",
    "previous": "Previous",
    "next": "Next",
    "no_cases": "There are no case studies here yet.",
    "home_title": "Home",
    "feedback": "Feedback",
    "search_title": "Search case studies and the toolkit",
}

# The values each label may use; a label may leave any of them out.
_LABEL_VALUES = {"count": 0}

# The closed choices, as types: mypy then checks every value the code compares
# them with, and ``CHOICES`` below is read from them, so the list an author is
# shown is the one the code was checked against.
Drafts = Literal["auto", "show", "hide"]
Backend = Literal["receiver", "netlify", "formspree", "link", "off", "offline"]
Search = Literal["pagefind", "off"]
OnlineUrls = Literal["same", "folders", "files"]

# An option that must be a whole http(s) address; "" means "not set". A NewType,
# not a class of its own: the value stays the text the author wrote, so every
# page, template and the receiver use it as they would any str.
WebAddress = NewType("WebAddress", str)


@dataclass(frozen=True)
class FeedbackSettings:
    """Where the feedback forms send what readers write, and what they say."""

    # receiver: this project's own; netlify, formspree: those services;
    # link: a button to an outside survey; off: no form; offline: a note saying how to
    # send feedback, in place of the form (the offline edition, generator/offline.py).
    backend: Backend = "receiver"
    # Where the receiver listens, as the reader's browser reaches it.
    receiver_url: WebAddress = WebAddress("http://127.0.0.1:8765")
    # Where the site is published: the receiver only accepts forms from its
    # origin and only sends readers back to its pages. Default: mkdocs.yml's
    # `site_url`, else the `make serve` address.
    site_url: WebAddress = WebAddress("")
    formspree_id: str = ""
    link_url: WebAddress = WebAddress("")
    link_text: str = "Tell us what you think (opens an online survey)"
    case_prompt: str = ("Are you thinking of putting these ideas into practice, already doing "
                        "something similar, or just interested? Tell us.")
    toolkit_prompt: str = "Already using the toolkit? Tell us more."
    # Posts a minute the receiver takes from one address; 0 means no limit.
    rate_limit: int = 10
    # The environment variable that holds the token for GET /api/submissions.
    token_env: str = "SHOWCASE_FEEDBACK_TOKEN"
    # Where `showcase feedback publish` writes the aggregated feedback the site
    # shows (relative to mkdocs.yml; commit it). Nothing personal is in it.
    published_dir: str = "data/feedback"
    # Addresses of the reverse proxies in front of the receiver. Only a
    # connection from one of these may say, in X-Forwarded-For, who the reader is.
    trusted_proxies: tuple[str, ...] = ()
    # The fewest responses a published figure may count: below it, a page
    # shows "fewer than 5 responses" and a table cell "fewer than 5", so no
    # figure singles out a reader (as UK official statistics do).
    publish_threshold: int = DEFAULT_THRESHOLD
    # Days a response is kept, in the receiver's database and the collector's store:
    # `showcase feedback prune` (and `sync`) delete what was received longer ago.
    retention_days: int = DEFAULT_RETENTION_DAYS
    # The receiver's database: a SQLite file (relative to mkdocs.yml), or a PostgreSQL URL
    # for several receivers sharing one. "": var/feedback/receiver.sqlite3. `--db` and the
    # SHOWCASE_FEEDBACK_DB environment variable, in that order, come before it.
    database: str = ""


@dataclass(frozen=True)
class Settings:
    """Every option, with its default. Paths are relative to ``mkdocs.yml``."""

    cases_dir: str = "cases"
    taxonomy: str = "cases/taxonomy.yml"
    toolkit_dir: str = "toolkit"  # inside the docs folder
    sections: tuple[SectionSpec, ...] = DEFAULT_SECTIONS
    # "auto": drafts show in `mkdocs serve` and never in `mkdocs build`.
    drafts: Drafts = "auto"
    related_limit: int = 4
    latest_on_home: int = 6
    build_nav: bool = True  # build the navigation unless mkdocs.yml has `nav:`
    chapter_cases_limit: int = 8
    # Cards on each page of the browse page and of every term page; the rest
    # are on numbered pages (cases/page/2/ ...). 0 puts them all on one page.
    cards_per_page: int = 50
    labels: dict[str, str] = field(default_factory=dict)  # overrides of DEFAULT_LABELS
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    # pagefind: one faceted search for the site, indexed during the build.
    # off: no Showcase search; list Material's own `- search` plugin instead
    # (it works from file://, which Pagefind cannot: an offline edition).
    search: Search = "pagefind"
    # Longest the build waits for the search index after the last page, in seconds.
    search_timeout: int = 600
    # A case whose `reviewed` date (else its `published` date) is more than this many
    # years before the build's date says so at the top of its page; 0: never.
    stale_after_years: int = 2
    # How the published site spells its pages' addresses, for a copy built differently: the
    # offline edition is files (cases/a.html) but cites and names the online page (cases/a/).
    # same: as this build does; folders: cases/a/; files: cases/a.html. `make offline` sets it.
    online_urls: OnlineUrls = "same"

    def online_directory_urls(self, directory_urls: bool) -> bool:
        """Whether the published site's addresses are folders, for a build whose own are ``directory_urls``."""
        return directory_urls if self.online_urls == "same" else self.online_urls == "folders"

    def label(self, key: str, **values: object) -> str:
        """Page wording, the site's own where it set one."""
        return self.labels.get(key, DEFAULT_LABELS[key]).format(**values)

    def shows_drafts(self, serving: bool) -> bool:
        """Whether drafts are on the site: the one rule for the plugin and ``showcase check``.

        ``serving`` is true for `mkdocs serve`, and for ``showcase check --drafts``,
        which checks as `make serve` shows the site; false for `mkdocs build` and
        a plain ``showcase check``.
        """
        return self.drafts == "show" or (self.drafts == "auto" and serving)


OPTION_NAMES = tuple(f.name for f in fields(Settings))


def _typed_options(kind: type) -> dict[str, Any]:
    """Option name -> its declared type, for ``kind`` and the blocks nested in it, in order.

    The options of a nested block are checked by their own name (``backend``,
    not ``feedback.backend``), so no two may share one.
    """
    found: dict[str, Any] = {}
    for name, hint in get_type_hints(kind).items():
        nested = _typed_options(hint) if isinstance(hint, type) and is_dataclass(hint) else {name: hint}
        clash = set(found) & set(nested)
        if clash:
            raise TypeError(f"Two options are both called {', '.join(sorted(clash))}.")
        found.update(nested)
    return found


_OPTION_TYPES = _typed_options(Settings)

# Closed choices: option name -> what it may be, from its Literal type.
CHOICES: dict[str, tuple[str, ...]] = {
    name: get_args(hint) for name, hint in _OPTION_TYPES.items() if get_origin(hint) is Literal}
DRAFT_CHOICES: tuple[str, ...] = get_args(Drafts)
BACKENDS: tuple[str, ...] = get_args(Backend)

# Options that must be a web address (empty means "not set"), from their type.
_URL_OPTIONS = frozenset(name for name, hint in _OPTION_TYPES.items() if hint is WebAddress)


def _sections(value: Any, where: str, line: int | None, problems: Problems) -> tuple[SectionSpec, ...] | None:
    if not isinstance(value, list) or not value:
        problems.add(where, line, "The option `sections` should be a list of section titles.",
                     "Write it like `sections: [\"The provider's message\", {title: Costs, required: false}]`.")
        return None
    specs: list[SectionSpec] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            specs.append(SectionSpec(item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"].strip():
            required = item.get("required", True)
            if not isinstance(required, bool) or set(item) - {"title", "required"}:
                problems.add(where, line, f"The section {item!r} in `sections` has an option it does not know.",
                             "Each section takes a `title` and, optionally, `required: true` or `required: false`.")
                return None
            specs.append(SectionSpec(item["title"].strip(), required))
        else:
            problems.add(where, line, f"The entry {item!r} in `sections` is not a section title.",
                         "Each entry is a title, or `{title: ..., required: false}`.")
            return None
    seen: set[str] = set()
    for spec in specs:
        key = " ".join(spec.title.replace("\u2019", "'").split()).casefold()
        if key in seen:
            problems.add(where, line, f"The section \"{spec.title}\" is listed twice in `sections`.",
                         "List each section once.")
            return None
        seen.add(key)
    return tuple(specs)


def _label_problem(key: str, text: str) -> str | None:
    """Why a label's text cannot be used, e.g. a ``{placeholder}`` it does not have."""
    try:
        text.format(**_LABEL_VALUES)
    except (KeyError, IndexError, ValueError) as error:
        return f"`labels: {key}` has a placeholder it cannot fill ({error})."
    return None


def _labels(value: Any, where: str, line: int | None, problems: Problems) -> dict[str, str] | None:
    if not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
        problems.add(where, line, "The option `labels` should map names to text.",
                     "Write it like `labels: {browse_title: Find a case study}`.")
        return None
    unknown = sorted(set(map(str, value)) - set(DEFAULT_LABELS))
    if unknown:
        problems.add(where, line, f"`labels` has {', '.join(unknown)}, which Showcase does not use.",
                     f"The labels are: {', '.join(DEFAULT_LABELS)}.")
        return None
    messages = [m for m in (_label_problem(k, v) for k, v in value.items()) if m]
    for message in messages:
        problems.add(where, line, message, "The only placeholder is {count}; write {{ and }} for a literal brace.")
    return None if messages else dict(value)


def _url_problem(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme not in ("http", "https") or not parts.netloc


def _simple(name: str, value: Any, default: Any, where: str, line: int | None,
            problems: Problems) -> Any:
    """One plain option checked against the type of its default; ``None`` if wrong."""
    if name in CHOICES and value not in CHOICES[name]:
        problems.add(where, line, f"The option `{name}` is {value!r}.", f"Use one of: {', '.join(CHOICES[name])}.")
    elif isinstance(default, bool):
        if isinstance(value, bool):
            return value
        problems.add(where, line, f"The option `{name}` should be true or false, not {value!r}.",
                     f"Write `{name}: true` or `{name}: false`.")
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        problems.add(where, line, f"The option `{name}` should be a whole number, not {value!r}.",
                     f"Write it like `{name}: {default}`.")
    elif isinstance(default, str):
        if not isinstance(value, str) or (not value.strip() and default):
            problems.add(where, line, f"The option `{name}` should be text, not {value!r}.",
                         f"Write it like `{name}: {default or 'some text'}`.")
        elif name in _URL_OPTIONS and value and _url_problem(value):
            problems.add(where, line, f"The option `{name}` is {value!r}, which is not a web address.",
                         f"Write the whole address, like `{name}: https://example.org/`.")
        else:
            return value.strip()
    return None


def _addresses(name: str, value: Any, where: str, line: int | None,
               problems: Problems) -> tuple[str, ...] | None:
    """A list of IP addresses (or networks, such as ``10.0.0.0/8``), each checked."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        problems.add(where, line, f"The option `{name}` should be a list of IP addresses, not {value!r}.",
                     f"Write it like `{name}: [127.0.0.1]`.")
        return None
    checked: list[str] = []
    for item in items:
        try:
            checked.append(str(ipaddress.ip_network(item.strip(), strict=False)))
        except ValueError:
            problems.add(where, line, f"`{item}` in `{name}` is not an IP address.",
                         "Write the proxy's own address as it connects to the receiver, like 127.0.0.1 or 10.0.0.0/8.")
            return None
    return tuple(checked)


def _parse(kind: type, options: dict[str, Any], where: str, lines: dict[str, int], prefix: str,
           problems: Problems) -> Any:
    """An instance of the dataclass ``kind`` from ``options``, with a problem per bad one."""
    defaults = kind()
    names = [f.name for f in fields(kind)]
    chosen: dict[str, Any] = {}
    for name, value in options.items():
        line = lines.get(prefix + str(name))
        if name not in names:
            if not (name == "enabled" and not prefix):
                shown = prefix.replace(".", ": ") + str(name)
                problems.add(where, line, f"The showcase option `{shown}` is not one Showcase knows.",
                             f"{did_you_mean(str(name), names)}The options are: {', '.join(names)}.")
            continue
        if value is None:
            continue
        default = getattr(defaults, name)
        parsed: object
        if name == "sections":
            parsed = _sections(value, where, line, problems)
        elif name == "labels":
            parsed = _labels(value, where, line, problems)
        elif name == "trusted_proxies":
            parsed = _addresses(name, value, where, line, problems)
        elif is_dataclass(default):
            if isinstance(value, dict):
                parsed = _parse(type(default), value, where, lines, f"{prefix}{name}.", problems)
            else:
                problems.add(where, line, f"The option `{name}` should have its own options indented under it.",
                             f"For example: `{name}:` then `backend: receiver` on the next line, indented.")
                parsed = None
        else:
            parsed = _simple(name, value, default, where, line, problems)
        if parsed is not None:
            chosen[name] = parsed
    return kind(**chosen)


def settings_from(options: Any, where: str = "mkdocs.yml",
                  lines: dict[str, int] | None = None) -> tuple[Settings, Problems]:
    """Typed settings from the plugin's options, with a problem per bad option.

    ``lines`` maps option names (``feedback.backend`` for nested ones) to their
    lines in ``mkdocs.yml``, when known; "" is the line of the plugin itself.
    """
    problems = Problems()
    lines = lines or {}
    if not isinstance(options, dict):
        problems.add(where, lines.get(""), "The showcase plugin's options should be indented under it.",
                     "Write `- showcase` on its own, or `- showcase:` with options such as "
                     "`cases_dir: cases` indented below it.")
        return Settings(), problems
    settings = _parse(Settings, options, where, lines, "", problems)
    feedback = settings.feedback
    if feedback.backend == "formspree" and not feedback.formspree_id:
        problems.add(where, lines.get("feedback.backend"),
                     "The feedback backend is formspree, but there is no `formspree_id`.",
                     "Add `formspree_id:` with your form's id from Formspree (the part after /f/ in its address).")
    if feedback.publish_threshold < 3:
        problems.add(where, lines.get("feedback.publish_threshold"),
                     f"The option `publish_threshold` is {feedback.publish_threshold}, so a published figure could "
                     "single out one reader.",
                     "Use 3 or more (below 3, \"fewer than\" gives the number away); 5 is the usual choice in UK "
                     "official statistics.")
    if feedback.retention_days < 1:
        problems.add(where, lines.get("feedback.retention_days"),
                     f"The option `retention_days` is {feedback.retention_days}, so every response would be "
                     "deleted as soon as it is collected.",
                     f"Use a whole number of days, 1 or more; the default is {DEFAULT_RETENTION_DAYS} (two years).")
    database = database_problem(feedback.database)
    if database is not None:
        problems.add(where, lines.get("feedback.database"), f"The option `database`: {database}",
                     "Write a file's path, or a postgresql:// URL. A URL with a password is better kept out "
                     f"of mkdocs.yml: set it in the {ENVIRONMENT_VARIABLE} environment variable instead.")
    if feedback.backend == "link" and not feedback.link_url:
        problems.add(where, lines.get("feedback.backend"), "The feedback backend is link, but there is no `link_url`.",
                     "Add `link_url:` with the address of your survey.")
    return settings, problems


DEV_SITE_URL = "http://127.0.0.1:8000/"


def feedback_site_url(settings: Settings, mkdocs_site_url: str) -> str:
    """Where the site lives, for the receiver's origin check and redirects."""
    url = settings.feedback.site_url or mkdocs_site_url or DEV_SITE_URL
    return url if url.endswith("/") else url + "/"
