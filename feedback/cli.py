"""The ``showcase feedback ...`` commands: serve, collect, review, approve,
reject, forget and publish."""
from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from core.problems import Problems
from core.project import Project, ProjectLoader
from core.taxonomy import Taxonomy

from .store import DEFAULT_STORE, Store, StoreError

if TYPE_CHECKING:
    from .erase import KnownSources

# The site's pages that carry a form, its taxonomy, and the problems met reading them. The
# generator provides it; the command at the top (showcase.cli) passes it in, so that this
# package never imports the generator.
PageReader = Callable[[Project], tuple[list[str], Taxonomy, Problems]]
DEFAULT_SOURCES = "feedback/sources.yml"


def register(commands: argparse._SubParsersAction, load_project: ProjectLoader, read_pages: PageReader) -> None:
    """Add the feedback commands under ``showcase feedback``."""
    feedback = commands.add_parser("feedback", help="receive, collect, review and publish readers' feedback")
    sub = feedback.add_subparsers(dest="feedback_command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str,
                run: Callable[[Project, argparse.Namespace], int]) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text, description=help_text)

        def start(args: argparse.Namespace) -> int:
            project = load_project(args.config)
            return 1 if project is None else run(project, args)

        parser.set_defaults(run=start)
        return parser

    serving = command("serve", "run the receiver that the feedback forms post to", _serve)
    serving.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serving.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    serving.add_argument("--db", help="the SQLite database (default: var/feedback/receiver.sqlite3)")
    serving.add_argument("--rate-limit", type=int,
                         help="posts a minute from one address (default: from mkdocs.yml; 0 for no limit)")
    serving.add_argument("--threads", type=int, default=8, help="worker threads (default: 8)")
    serving.add_argument("--site-url", metavar="ADDRESS",
                         help="the site whose forms it accepts, such as `make serve`'s http://127.0.0.1:8000/ "
                              "(default: feedback.site_url, else site_url, in mkdocs.yml)")
    serving.add_argument("--trusted-proxy", action="append", metavar="ADDRESS",
                         help="a reverse proxy whose X-Forwarded-For is believed (an IP address or network; "
                              "repeat for more; added to feedback.trusted_proxies in mkdocs.yml)")

    collecting = command("collect", "pull new feedback from every source into the local store", _collect)
    collecting.add_argument("--source", help="only this source, by its name in sources.yml")
    collecting.add_argument("--sources", default=DEFAULT_SOURCES, help=f"the sources file (default: {DEFAULT_SOURCES})")
    collecting.add_argument("--no-progress", action="store_true", help="no progress bar")

    reviewing = command("review", "list comments waiting for a decision, with personal details removed", _review)
    reviewing.add_argument("--all", action="store_true", help="also list comments already decided")
    for name, help_text in (("approve", "publish these comments (their writers agreed)"),
                            ("reject", "keep these comments off the site")):
        deciding = command(name, help_text, _decide)
        deciding.add_argument("ids", nargs="+", type=int, metavar="ID", help="numbers from `showcase feedback review`")
    forgetting = command("forget", "delete these responses for good, for an erasure request: here, at this "
                         "project's receiver, and say how at other sources", _forget)
    forgetting.add_argument("ids", nargs="*", type=int, metavar="ID",
                            help="numbers from `showcase feedback review --all`")
    forgetting.add_argument("--retry", action="store_true",
                            help="finish erasures at sources that could not be done before (a receiver that "
                                 "could not be reached, a source missing from sources.yml), and look through "
                                 "each receiver for anything erased here")
    forgetting.add_argument("--sources", default=DEFAULT_SOURCES,
                            help=f"the sources file, to find the receiver (default: {DEFAULT_SOURCES})")
    publishing = command("publish", "write the aggregated feedback pages' data (nothing personal)",
                         lambda project, args: _publish(project, args, read_pages))
    publishing.add_argument("--out", help="folder to write (default: feedback.published_dir in mkdocs.yml)")
    for parser in (collecting, reviewing, publishing, *(sub.choices[n] for n in ("approve", "reject", "forget"))):
        parser.add_argument("--store", help=f"the local feedback store (default: {DEFAULT_STORE})")


def _open_store(project: Project, args: argparse.Namespace) -> Store | None:
    path = Path(args.store) if args.store else project.root / DEFAULT_STORE
    try:
        return Store(path)
    except StoreError as error:
        print(f"Stopped: {error}")
        return None


def _serve(project: Project, args: argparse.Namespace) -> int:
    from .serve import run  # waitress and Flask load only when serving

    return run(project, args)


def _collect(project: Project, args: argparse.Namespace) -> int:
    from core.form import choices_for
    from core.taxonomy import read_taxonomy

    from .collect import collect, summary
    from .sources.config import build_source, load_sources

    sources_file = project.root / args.sources
    if not sources_file.is_file():
        print(f"There is no {args.sources}.\n    Copy feedback/sources.example.yml to {args.sources} "
              "and list where your forms send their responses.")
        return 1
    configs, problems = load_sources(sources_file)
    taxonomy_problems = Problems()
    choices = choices_for(read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file), taxonomy_problems))
    problems.extend(taxonomy_problems)
    if problems.errors:
        print(problems.report())
        return 1
    if args.source:
        configs = [c for c in configs if c.name == args.source]
        if not configs:
            print(f"There is no source called {args.source!r} in {args.sources}.")
            return 1
    store = _open_store(project, args)
    if store is None:
        return 1
    with closing(store):
        results = collect(store, [build_source(c, choices) for c in configs],
                          progress=not args.no_progress)
    print(summary(results))
    return 1 if any(r.error for r in results) else 0


def _review(project: Project, args: argparse.Namespace) -> int:
    from .moderate import for_review

    store = _open_store(project, args)
    if store is None:
        return 1
    with closing(store):
        items = for_review(store, include_decided=args.all)
    if not items:
        print("No comments are waiting for review." if not args.all else "There are no comments yet.")
        return 0
    private = sum(not item.consent for item in items)
    print(f"{len(items)} comment{'s' if len(items) != 1 else ''}"
          f"{' (all)' if args.all else ' to review'}. Personal details are removed below.")
    if private:
        print(f"{private} of them may not be published: the writer did not agree, so they stay private.")
    for item in items:
        consent = "may publish" if item.consent else "private: no permission to publish"
        print(f"\n#{item.id}  {item.received}  /{item.page}  {consent}  [{item.status}]")
        print(textwrap.indent(textwrap.fill(item.text, 88), "    "))
        if item.removed:
            print(f"    (removed: {', '.join(item.removed)})")
    print("\nNext: `showcase feedback approve ID ...` or `showcase feedback reject ID ...`.")
    return 0


def _decide(project: Project, args: argparse.Namespace) -> int:
    from .moderate import ModerationError, approve, reject

    action = {"approve": approve, "reject": reject}[args.feedback_command]
    store = _open_store(project, args)
    if store is None:
        return 1
    failed = False
    with closing(store):
        for response_id in args.ids:
            try:
                print(action(store, response_id))
            except ModerationError as error:
                print(error)
                failed = True
    return 1 if failed else 0


def _forget(project: Project, args: argparse.Namespace) -> int:
    """Erase here first, whatever happens at the source; exit 1 while a source still has something."""
    from .erase import forget, retry, sweep
    from .moderate import ModerationError

    if not args.ids and not args.retry:
        print("Say which responses to delete: `showcase feedback forget ID ...`, with numbers from "
              "`showcase feedback review --all`; or `showcase feedback forget --retry` to finish erasures "
              "that a receiver could not be reached for.")
        return 1
    sources = _sources_for_erasure(project, args)
    store = _open_store(project, args)
    if store is None:
        return 1
    failed = False
    with closing(store):
        for response_id in args.ids:
            try:
                outcome = forget(store, response_id, sources)
            except ModerationError as error:
                print(error)
                failed = True
                continue
            print(outcome.message)
            failed = failed or not outcome.finished
        if args.retry:
            outcomes = retry(store, sources)
            if not outcomes:
                print("Nothing is waiting to be erased at a source.")
            for outcome in [*outcomes, *sweep(store, sources)]:
                print(outcome.message)
                failed = failed or not outcome.finished
    return 1 if failed else 0


def _sources_for_erasure(project: Project, args: argparse.Namespace) -> KnownSources:
    """sources.yml and the site's choices, for reaching a receiver. A broken taxonomy or
    sources file never stops the local delete: what could not be used is said instead."""
    from core.form import choices_for
    from core.taxonomy import read_taxonomy

    from .erase import KnownSources
    from .sources.config import load_sources

    choices = choices_for(read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file), Problems()))
    configs, problems = load_sources(project.root / args.sources)
    errors = problems.errors
    problem = errors[0].message.rstrip(".") if errors else ""
    problem = problem[:1].lower() + problem[1:]
    if not (project.root / args.sources).is_file():
        problem = "there is no such file"
    elif len(errors) > 1:
        problem += f"; it has {len(errors)} problems, which `showcase feedback collect` lists"
    return KnownSources({c.name: c for c in configs}, args.sources, choices, problem)


def _publish(project: Project, args: argparse.Namespace, read_pages: PageReader) -> int:
    from core.form import choices_for

    from .pages import SitePages
    from .publish import publish

    # The site's own pages, as a build sees them: figures are published for these only.
    addresses, taxonomy, problems = read_pages(project)
    if problems.errors:
        print(problems.report())
        print("Stopped: fix these first. A page with a problem is not on the site, so its responses "
              "would count only towards \"other pages\". Then run `showcase feedback publish` again.")
        return 1
    site = SitePages.of(addresses)
    choices = choices_for(taxonomy)
    out = Path(args.out) if args.out else project.root / project.settings.feedback.published_dir
    store = _open_store(project, args)
    if store is None:
        return 1
    with closing(store):
        written = publish(store, choices, out, site, project.settings.feedback.publish_threshold)
    shown = project.shown(out)
    if written.changed or written.removed:
        print(f"Published to {shown}: {len(written.changed)} file(s) changed, {len(written.removed)} removed, "
              f"{len(written.unchanged)} unchanged.\n    Rebuild the site (`make build`) and commit {shown}.")
    else:
        print(f"Nothing changed in {shown}: the published feedback is up to date.")
    if written.other_pages:
        # How many, never which: an address from outside is not printed, even here.
        print(f"    {written.other_pages} response{'s were' if written.other_pages != 1 else ' was'} for "
              "addresses that are not pages of this site (mistyped, removed or made up). They count only "
              "towards \"other pages\" on the feedback overview.")
    return 0
