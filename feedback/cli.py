"""The ``showcase feedback ...`` commands: serve, collect, review, approve,
reject, forget and publish (and desk, all of review in a browser); and for running it over time, sync (all of it on a
schedule), prune (retention) and backup."""
from __future__ import annotations

import argparse
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from core.problems import Problems
from core.project import Project, ProjectLoader
from core.taxonomy import Taxonomy

from .inbox import DEFAULT_DB
from .store import DEFAULT_STORE, Store, StoreError

if TYPE_CHECKING:
    from .erase import KnownSources
    from .inboxes import Location
    from .model import Page
    from .publish import Written
    from .sources.base import Source

# The site's pages that carry a form, its taxonomy, and the problems met reading them. The
# generator provides it; the command at the top (showcase.cli) passes it in, so that this
# package never imports the generator.
PageReader = Callable[[Project], tuple[list[str], Taxonomy, Problems]]
DEFAULT_SOURCES = "feedback/sources.yml"


def register(commands: argparse._SubParsersAction, load_project: ProjectLoader, read_pages: PageReader) -> None:
    """Add the feedback commands under ``showcase feedback``."""
    feedback = commands.add_parser("feedback", help="receive, collect, review and publish readers' feedback")
    sub = feedback.add_subparsers(dest="feedback_command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, run: Callable[[Project, argparse.Namespace], int],
                not_loaded: int = 1) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text, description=help_text)

        def start(args: argparse.Namespace) -> int:
            project = load_project(args.config)
            return not_loaded if project is None else run(project, args)

        parser.set_defaults(run=start)
        return parser

    serving = command("serve", "run the receiver that the feedback forms post to", _serve)
    serving.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serving.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    serving.add_argument("--db", help="the database: a SQLite file, or a PostgreSQL URL for several receivers "
                         "sharing one (default: $SHOWCASE_FEEDBACK_DB, else feedback.database in mkdocs.yml, "
                         "else var/feedback/receiver.sqlite3)")
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
    collecting.add_argument("--from-start", action="store_true",
                            help="read the sources from the beginning again, not from where the last run "
                                 "stopped (after a receiver's database was restored from a backup); nothing "
                                 "is stored twice")

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

    syncing = command("sync", "collect from every source, prune old responses and publish: one command for "
                      "cron or a scheduled job. Exit status 0: all done; 1: a source failed, the rest was "
                      "collected and published; 2: nothing was published",
                      lambda project, args: _sync(project, args, read_pages), not_loaded=2)
    syncing.add_argument("--sources", default=DEFAULT_SOURCES, help=f"the sources file (default: {DEFAULT_SOURCES})")
    syncing.add_argument("--out", help="folder to publish to (default: feedback.published_dir in mkdocs.yml)")
    pruning = command("prune", "delete responses older than feedback.retention_days (730 days unless mkdocs.yml "
                      "says otherwise) from the store and the receiver's database", _prune)
    pruning.add_argument("--dry-run", action="store_true", help="say what would be deleted, and delete nothing")
    for parser in (syncing, pruning):
        parser.add_argument("--db", help=f"the receiver's database, to prune too: a SQLite file or a PostgreSQL "
                                         f"URL (default: $SHOWCASE_FEEDBACK_DB, else feedback.database in "
                                         f"mkdocs.yml, else {DEFAULT_DB} when it is there)")
    backing_up = command("backup", "copy the receiver's database or the collector's store while it is in use, "
                         "with SQLite's online backup, and check the copy", _backup)
    backing_up.add_argument("dest", metavar="DEST", help="the copy to write (it must not exist, unless --force), "
                            "or a folder to put a copy named with the date and time in")
    backing_up.add_argument("--db", metavar="PATH", help=f"the database to copy (default: the receiver's, "
                            f"{DEFAULT_DB}; the collector's store is {DEFAULT_STORE})")
    backing_up.add_argument("--force", action="store_true", help="replace DEST if it exists")
    exporting = command("export", "write the published figures (suppressed as the site shows them, never "
                        "a response) as CSV files or a spreadsheet, for a report", _export)
    exporting.add_argument("--format", choices=("csv", "xlsx"), default="xlsx",
                           help="xlsx: one spreadsheet, a sheet per table; csv: a folder with a file per table "
                                "(default: xlsx)")
    exporting.add_argument("--output", metavar="PATH", help="where to write it (default: feedback-figures.xlsx, "
                           "or the folder feedback-figures for csv)")
    exporting.add_argument("--published", metavar="FOLDER",
                           help="the published folder to read (default: feedback.published_dir in mkdocs.yml)")
    exporting.add_argument("--force", action="store_true", help="replace PATH if it is there")
    desk = command("desk", "review, preview and publish in a web page on this computer (the review desk)",
                   lambda project, args: _desk(project, args, read_pages))
    desk.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                      "computer only; any other needs a token)")
    desk.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    desk.add_argument("--token", help="the token other addresses need (better: set SHOWCASE_DESK_TOKEN, which "
                      "other users cannot see in the process list)")
    desk.add_argument("--out", help="folder its Publish button writes (default: feedback.published_dir)")
    desk.add_argument("--site-url", metavar="ADDRESS", help="where its links to pages go (default: "
                      "feedback.site_url, else site_url, in mkdocs.yml)")
    desk.add_argument("--sources", default=DEFAULT_SOURCES,
                      help=f"the sources file, for erasing at the source (default: {DEFAULT_SOURCES})")
    desk.add_argument("--no-browser", action="store_true", help="only print the address; do not open it")
    for parser in (collecting, reviewing, publishing, syncing, pruning, desk,
                   *(sub.choices[n] for n in ("approve", "reject", "forget"))):
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
    from .prune import Retained, cutoff
    from .sources.config import build_source, read_sources

    sources_file = project.root / args.sources
    if not sources_file.is_file():
        print(f"There is no {args.sources}.\n    Copy feedback/sources.example.yml to {args.sources} "
              "and list where your forms send their responses.")
        return 1
    loaded = read_sources(sources_file)
    configs, refused, problems = loaded.configs, loaded.refused, loaded.problems
    taxonomy_problems = Problems()
    choices = choices_for(read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file), taxonomy_problems))
    problems.extend(taxonomy_problems)
    # A mistake in one entry leaves that source out (it fails below, exit 1); the others are collected.
    if taxonomy_problems.errors or not loaded.usable:
        print(problems.report())
        return 1
    if args.source:
        configs = [c for c in configs if c.name == args.source]
        refused = [r for r in refused if r.name == args.source]
        if not configs and not refused:
            print(f"There is no source called {args.source!r} in {args.sources}.")
            return 1
    if refused:
        print(loaded.left_out(refused))
    store = _open_store(project, args)
    if store is None:
        return 1
    days = project.settings.feedback.retention_days
    # Nothing older than the retention period is taken in: prune would only delete it again.
    every: list[Source] = [*(build_source(c, choices) for c in configs), *refused]
    sources = [Retained(_FromStart(source) if args.from_start else source, cutoff(days)) for source in every]
    with closing(store):
        results = collect(store, sources, progress=not args.no_progress)
    print(summary(results))
    for source in sources:
        if source.skipped:
            print(f"{source.name}: left out {source.skipped} response(s) received more than {days} days ago "
                  "(feedback.retention_days).")
    return 1 if any(r.error for r in results) else 0


class _FromStart:
    """A source read from its beginning, whatever cursor the store has for it."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.name = source.name

    def pages(self, cursor: str | None) -> Iterator[Page]:
        return self.source.pages(None)


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


def _export(project: Project, args: argparse.Namespace) -> int:
    """Only the published folder is read: nothing unsuppressed can reach the export."""
    from core.form import choices_for
    from core.taxonomy import read_taxonomy

    from .export import ExportError, export

    problems = Problems()
    taxonomy = read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file), problems)
    if problems.errors:  # the tables name the roles with the taxonomy's labels, as the site does
        print(problems.report())
        print("Stopped: fix these first, then export again.")
        return 1
    folder = Path(args.published) if args.published else project.root / project.settings.feedback.published_dir
    default = "feedback-figures" + (".xlsx" if args.format == "xlsx" else "")
    output = Path(args.output) if args.output else project.root / default
    try:
        exported = export(folder, project.shown(folder), choices_for(taxonomy), output, args.format, args.force,
                          project.shown(output))
    except ExportError as error:
        print(error)
        return 1
    what = "a folder of CSV files" if args.format == "csv" else "a spreadsheet"
    print(f"Exported the published figures to {project.shown(exported.path)}: {what}, {exported.tables} "
          "table(s) (the overview and one per page). Counts are hidden as the site hides them; nothing else "
          "was read.")
    return 0


def _desk(project: Project, args: argparse.Namespace, read_pages: PageReader) -> int:
    from .desk.run import run  # Flask and waitress load only for the desk

    return run(project, args, read_pages, lambda: _sources_for_erasure(project, args))


def _publisher(project: Project, args: argparse.Namespace,
               read_pages: PageReader) -> tuple[Callable[[Store], Written], Path] | None:
    """What publishing needs from the site, read before anything is changed; None (said why) if
    a page has a problem. Returns how to publish a store, and the folder it writes."""
    from core.form import choices_for

    from .pages import SitePages
    from .publish import publish

    addresses, taxonomy, problems = read_pages(project)
    if problems.errors:
        print(problems.report())
        print("Stopped: fix these first. A page with a problem is not on the site, so its responses "
              "would count only towards \"other pages\".")
        return None
    site = SitePages.of(addresses)
    choices = choices_for(taxonomy)
    out = Path(args.out) if args.out else project.root / project.settings.feedback.published_dir
    threshold = project.settings.feedback.publish_threshold
    return (lambda store: publish(store, choices, out, site, threshold)), out


def _receiver_db(project: Project, args: argparse.Namespace) -> tuple[Location | None, bool]:
    """The receiver's database to prune: the one --db names, else SHOWCASE_FEEDBACK_DB, else
    feedback.database (a file named must exist; a PostgreSQL server is used as it is), else the
    default file if it is here. The flag is False (said why) when the one named cannot be used."""
    from .inboxes import LocationError, receiver_database

    try:
        chosen = receiver_database(project, args.db)
    except LocationError as error:
        print(error)
        return None, False
    path = chosen.location
    if isinstance(path, Path) and not path.is_file():
        if chosen.is_default:
            return None, True
        if args.db:
            print(f"There is no receiver's database at {args.db}. Check --db, or leave it out to prune only "
                  "the store.")
        else:
            print(f"There is no receiver's database at {path}, which {chosen.named_by} names. Check it, or "
                  "unset it to prune only the store.")
        return None, False
    return path, True


def _sync(project: Project, args: argparse.Namespace, read_pages: PageReader) -> int:
    """Everything is checked before anything is collected: a problem there is exit status 2, except
    a mistake in one entry of sources.yml, which leaves that source out (exit status 1) and the rest go on."""
    from core.form import choices_for
    from core.taxonomy import read_taxonomy

    from .sources.config import build_source, read_sources
    from .sync import EXIT_NOT_DONE, sync

    sources_file = project.root / args.sources
    if not sources_file.is_file():
        print(f"Stopped: there is no {args.sources}. Copy feedback/sources.example.yml to {args.sources} and "
              "list where your forms send their responses. Nothing was published (exit status 2).")
        return EXIT_NOT_DONE
    loaded = read_sources(sources_file)
    configs, problems = loaded.configs, loaded.problems
    taxonomy_problems = Problems()
    choices = choices_for(read_taxonomy(project.taxonomy_file, project.shown(project.taxonomy_file),
                                        taxonomy_problems))
    problems.extend(taxonomy_problems)
    if taxonomy_problems.errors or not loaded.usable:
        print(problems.report())
        print("Stopped before collecting anything: nothing was published (exit status 2).")
        return EXIT_NOT_DONE
    publisher = _publisher(project, args, read_pages)
    receiver_db, found = _receiver_db(project, args)
    if publisher is None or not found:
        print("Nothing was collected or published (exit status 2).")
        return EXIT_NOT_DONE
    store = _open_store(project, args)
    if store is None:
        return EXIT_NOT_DONE
    publish, out = publisher
    if loaded.refused:  # each fails as a source does: reported, the others collected, exit status 1
        print(loaded.left_out())
    every: list[Source] = [*(build_source(c, choices) for c in configs), *loaded.refused]
    with closing(store):
        report = sync(store, every, publish,
                      retention_days=project.settings.feedback.retention_days, receiver_db=receiver_db)
    print("\n".join(report.lines(project.shown(out), project.shown)))
    return report.status


def _prune(project: Project, args: argparse.Namespace) -> int:
    """Prune the databases that are here: the store and the receiver's, or those named."""
    from .inbox import InboxError
    from .prune import prune

    store_path = Path(args.store) if args.store else project.root / DEFAULT_STORE
    if args.store and not store_path.is_file():
        print(f"There is no store at {args.store}. Check --store.")
        return 1
    receiver_db, found = _receiver_db(project, args)
    if not found:
        return 1
    named = bool(args.store or args.db)  # then only those named
    use_store = store_path.is_file() and (bool(args.store) or not named)
    receiver_db = receiver_db if args.db or not named else None
    if not use_store and receiver_db is None:
        print(f"Nothing to prune: there is no store at {project.shown(store_path)} and no receiver's database at "
              f"{project.shown(project.root / DEFAULT_DB)}. Name them with --store or --db if they are elsewhere.")
        return 0
    store = _open_store(project, args) if use_store else None
    if use_store and store is None:
        return 1
    try:
        report = prune(store, receiver_db, project.settings.feedback.retention_days, dry_run=args.dry_run)
    except (StoreError, InboxError, sqlite3.Error) as error:
        print(f"Stopped: {error} What was pruned before this stays pruned; run it again once that is put right.")
        return 1
    finally:
        if store is not None:
            store.close()
    print(report.message({path: project.shown(path) for path in (store_path, receiver_db) if isinstance(path, Path)}))
    return 0


def _backup(project: Project, args: argparse.Namespace) -> int:
    from .backup import BackupError, backup
    from .inboxes import LocationError, PostgresLocation, receiver_database

    try:
        named = receiver_database(project, args.db).location
    except LocationError as error:
        print(f"No backup was made: {error}")
        return 1
    if isinstance(named, PostgresLocation):  # the backup API is SQLite's; PostgreSQL has its own tool
        print(f"No backup was made: {named} is a PostgreSQL database, which this command cannot copy. Back it "
              "up with PostgreSQL's own pg_dump, from a machine that can reach the server, e.g.\n"
              f"    pg_dump --format=custom --file=feedback-$(date +%Y%m%d).dump '{named}'\n"
              "    (with the real password in place of ***, or in ~/.pgpass); restore with pg_restore.")
        return 1
    source = named
    try:
        made = backup(source, Path(args.dest), force=args.force)
    except BackupError as error:
        print(f"No backup was made: {error}")
        return 1
    size = f"{made.size / 1_000_000:.1f} MB" if made.size >= 100_000 else f"{made.size / 1000:.0f} KB"
    print(f"Backed up {made.source} to {made.dest} ({size}; it passed SQLite's "
          "integrity check).\n    It holds personal data: keep it where only you can read it, and delete it "
          "when it is no longer needed to restore, so that prune and erasure requests reach it too.")
    return 0
