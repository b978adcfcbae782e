"""Erasure requests: a response deleted here, and at the place it came from.

The local store keeps a hash of each response it erased, so later collections
into it skip the response. That is not enough on its own: a new store (another
machine, a lost laptop) collecting from the start would bring it back from its
source. So ``showcase feedback forget`` also asks this project's receiver to
erase it (``DELETE /api/submissions/<id>``; the receiver keeps a hash of its
own), and for the sources it cannot erase at (Netlify, Formspree, Tally, an
export file) it says exactly what to do there.

A receiver that cannot be reached does not stop the local delete: the
response's id at the source (never what it said) is kept until
``showcase feedback forget --retry`` has finished the job. The retry also looks
through each receiver for anything the store erased (by its hash), which
catches a receiver restored from a backup.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.form import Choices

from .model import FeedbackResponse
from .moderate import existing
from .moderate import forget as forget_here
from .sources.base import SourceConfig, SourceError
from .sources.http import HttpClient
from .sources.netlify import NetlifySource
from .sources.receiver import Deletion, ReceiverSource
from .sources.tally import TallySource
from .store import PendingErasure, Store

RETRY = "showcase feedback forget --retry"


@dataclass(frozen=True)
class KnownSources:
    """sources.yml as far as erasing needs it."""

    configs: dict[str, SourceConfig]
    shown: str  # how messages name sources.yml
    choices: Choices
    problem: str = ""  # why some or all of sources.yml could not be used, if so
    http: HttpClient | None = None  # for tests; one is made when needed


@dataclass(frozen=True)
class Outcome:
    """What one erasure did, in words; ``finished`` is False while a source still has it."""

    message: str
    finished: bool


def forget(store: Store, response_id: int, sources: KnownSources) -> Outcome:
    """Erase a response here, then at its source or say how. Raises ModerationError
    (from ``moderate``) when there is no such response."""
    response = existing(store, response_id).response
    config = sources.configs.get(response.source)
    # Kept until the source confirms: a receiver we will ask, or a source we cannot tell about.
    keep = config is None or config.type == "receiver"
    here = forget_here(store, response_id, still_at_source=keep)
    there = _at_source(store, PendingErasure(response.source, response.key, ""), config, sources, response)
    return Outcome(f"{here}\n    {there.message}", there.finished)


def retry(store: Store, sources: KnownSources) -> list[Outcome]:
    """Try again, for every response erased here that its source may still hold."""
    outcomes = []
    for pending in store.pending_erasures():
        there = _at_source(store, pending, sources.configs.get(pending.source), sources, None)
        outcomes.append(Outcome(f"Erased here on {pending.forgotten_at[:10]} (id {pending.key} at "
                                f'"{pending.source}"):\n    {there.message}', there.finished))
    return outcomes


def sweep(store: Store, sources: KnownSources) -> list[Outcome]:
    """Look through every receiver for responses this store erased, and erase them there.

    That catches what no record of a pending erasure covers: a receiver restored
    from a backup, or responses forgotten before the receiver could erase. Only
    the store's hashes are compared; each receiver is read from the start.
    """
    outcomes = []
    for config in sources.configs.values():
        if config.type != "receiver":
            continue
        erased = 0
        try:
            with _client(sources) as http:
                source = ReceiverSource.from_config(config, http, sources.choices)
                for page in source.pages(None):
                    for response in page.responses:
                        if store.was_forgotten(config.name, response.key):
                            source.delete(response.key)
                            store.erased_at_source(config.name, response.key)
                            erased += 1
        except SourceError as error:
            outcomes.append(Outcome(f'Looking through the receiver "{config.name}" for responses erased here '
                                    f"stopped after erasing {erased}: {error} Run `{RETRY}` again when that is "
                                    "put right.", False))
            continue
        said = (f"found {erased} still there, and erased {'it' if erased == 1 else 'them'} there too" if erased
                else "none of them is still there")
        outcomes.append(Outcome(f'Looked through the receiver "{config.name}" for responses erased here: {said}.',
                                True))
    return outcomes


def _at_source(store: Store, pending: PendingErasure, config: SourceConfig | None, sources: KnownSources,
               response: FeedbackResponse | None) -> Outcome:
    name = pending.source
    if config is None:
        why = (f"{sources.shown} could not be used ({sources.problem})" if sources.problem
               else f"{sources.shown} does not list it")
        return Outcome(f'It came from the source "{name}", but {why}, so it was not deleted there. Until it is, '
                       "a new store collecting from the start could bring it back: put that source back in "
                       f"{sources.shown} and run `{RETRY}`.", False)
    if config.type == "receiver":
        return _at_receiver(store, pending, config, sources)
    store.erased_at_source(pending.source, pending.key)  # nothing this program can do there but say how
    return Outcome(_instructions(config, pending.key, response), True)


def _at_receiver(store: Store, pending: PendingErasure, config: SourceConfig, sources: KnownSources) -> Outcome:
    try:
        with _client(sources) as http:
            deletion = ReceiverSource.from_config(config, http, sources.choices).delete(pending.key)
    except SourceError as error:
        return Outcome(f"{error} Until it is erased there, a new store collecting from the start would bring it "
                       f"back: when the receiver can be reached, run `{RETRY}`.", False)
    store.erased_at_source(pending.source, pending.key)
    said = {
        Deletion.ERASED: f'Deleted at the receiver "{config.name}" too (it keeps only a hash of the id)',
        Deletion.ALREADY_ERASED: f'The receiver "{config.name}" had already erased it',
        Deletion.NOT_FOUND: f'The receiver "{config.name}" does not have it (it never did, or its database '
                            "was replaced)",
    }[deletion]
    return Outcome(f"{said}: a new store collecting from the start will not bring it back.", True)


@contextmanager
def _client(sources: KnownSources) -> Iterator[HttpClient]:
    """The tests' client, or one of our own for this erasure, closed after it."""
    if sources.http is not None:
        yield sources.http
        return
    client = HttpClient()
    try:
        yield client
    finally:
        client.close()


def _instructions(config: SourceConfig, key: str, response: FeedbackResponse | None) -> str:
    """Exactly what to do at a source this program cannot erase at."""
    name, options = config.name, config.options
    when = f"received {response.received_at[:16].replace('T', ' ')} UTC about /{response.page}" if response else ""
    keep = "or a new store collecting from the start will bring it back"
    token = f'-H "Authorization: Bearer ${options.get("token_env", "TOKEN")}"'
    if config.type == "netlify":
        url = str(options.get("url", NetlifySource.default_url)).rstrip("/")
        return (f'Netlify (source "{name}") still has it: delete it there too, {keep}. In the Netlify app open '
                f"the site's Forms, the form, then the submission ({when + ', ' if when else ''}id {key}), and "
                f"delete it; or run\n        curl -X DELETE {token} {url}/submissions/{key}")
    if config.type == "tally":
        url = str(options.get("url", TallySource.default_url)).rstrip("/")
        form = options.get("form_id", "FORM_ID")
        return (f'Tally (source "{name}") still has it: delete it there too, {keep}. In Tally open the form\'s '
                f"Submissions, find it ({when + ', ' if when else ''}id {key}) and delete it; or run\n"
                f"        curl -X DELETE {token} {url}/forms/{form}/submissions/{key}")
    if config.type == "formspree":
        found = f" ({when})" if when else " (the person who asked can say when they sent it, and from which page)"
        return (f'Formspree (source "{name}") still has it: delete it there too, {keep}. In the Formspree '
                f'dashboard open the form "{options.get("form_id", "")}", then its Submissions, find the '
                f"submission{found} and delete it.")
    if config.type == "file":
        id_column = options.get("columns", {}).get("id") if isinstance(options.get("columns"), dict) else None
        found = ", ".join(part for part in (when, f'{id_column} "{key}"' if id_column else "") if part)
        return (f'The export file {options.get("path", "")} (source "{name}") still has it: remove its row'
                f"{f' ({found})' if found else ''} from the file, and delete the response in the survey tool "
                f"it was exported from, {keep} (or the next export).")
    return (f'The source "{name}" ({config.type}) still has it: delete it there too, {keep}.')
