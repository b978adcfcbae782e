"""The report an author reads after each document: what went where, what was left out, what to check.

Plain text, one block per document, most important first: the file written
(or why not and what to do), then the values to check, then what was left
out. It ends by pointing at ``showcase check --drafts``, which lists what is
still to do with file and line.
"""
from __future__ import annotations

from core.project import Project

from .command import Outcome

_MAX_LISTED = 8  # left-out lines shown before "and N more"
_LONGEST_SHOWN = 70  # characters of a long left-out line shown


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LONGEST_SHOWN else text[: _LONGEST_SHOWN - 1].rstrip() + "…"


def report(project: Project, outcome: Outcome) -> str:
    """The report for one document."""
    name = outcome.source.name
    if outcome.written is None or outcome.draft is None:
        return f"{name}: not imported. {outcome.problem}\n    {outcome.fix}".rstrip()
    draft, written = outcome.draft, outcome.written
    lines = [f"{name}: wrote {project.shown(written.path)} (a draft, marked `draft: true`)."]
    say = lines.append

    def value(label: str, found: str, source: str, missing: str) -> None:
        say(f'    {label}: "{_short(found)}", from {source}. Check it.' if found else f"    {label}: {missing}")

    value("Title", draft.title, draft.title_from, "not found. Fill in `title:`.")
    value("Provider", draft.provider, draft.provider_from,
          'not found (no "Provider:" line, and the title is not "What was done: Provider"). Fill in `provider:`.')
    value("Summary", draft.summary, "the paragraph before the first section",
          "no paragraph before the first section. Fill in `summary:` with one or two sentences.")
    if draft.published:
        say(f"    Published: {draft.published.isoformat()}, from {draft.published_from}. "
            "Check it: it should be the date the case study was published.")
    else:
        say("    Published: the document's properties have no date. Fill in `published:`.")
    if draft.quote:
        by = f", by {draft.quote.by}" if draft.quote.by else " (nobody named: add `by:` if you know who said it)"
        say(f'    Quote: "{_short(draft.quote.text)}"{by}.')
    say("    Sections:")
    for heading, section in draft.matched:
        say(f'        "{heading}" -> {section}' if heading != section else f"        {section}")
    for section in draft.missing:
        say(f'        {section}: not in the document. Write it under "## {section}".')
    if draft.sub_headings:
        shown = "; ".join(f'"{_short(h)}"' for h in draft.sub_headings[:_MAX_LISTED])
        more = f" and {len(draft.sub_headings) - _MAX_LISTED} more" if len(draft.sub_headings) > _MAX_LISTED else ""
        say(f"    Headings inside a section, written as ###: {shown}{more}.")
    for note in draft.notes:
        say(f"    Note: {note}")
    if written.saved:
        say(f"    Images: {len(written.saved)} saved in {project.shown(written.images_dir)}/.")
    for image, line in written.without_alt:
        say(f"    Image {image} has no alt text: describe it between the [ ] "
            f"at {project.shown(written.path)}:{line}.")
    for number, why in written.skipped:
        say(f"    Image {number} was left out: {why}.")
    for target in outcome.outside_links:
        say(f'    An image named "{target}" points outside the document, so it was not read.')
    if draft.left_out:
        say("    Left out (template furniture the site does not need):")
        for item in draft.left_out[:_MAX_LISTED]:
            say(f'        "{_short(item.text)}" ({item.reason})')
        if len(draft.left_out) > _MAX_LISTED:
            say(f"        and {len(draft.left_out) - _MAX_LISTED} more.")
    if outcome.suggestions:
        say("    Suggested terms (written as comments in the file; none is set, so choose the ones that fit):")
        for suggestion in outcome.suggestions:
            say(f"        {suggestion.field}: {suggestion.label} ({suggestion.reason})")
    else:
        say("    Suggested terms: none found. Choose the themes from the taxonomy yourself.")
    say("    Next: fill in what is marked FILL IN and check what is marked CHECK, "
        "then run `showcase check --drafts`.")
    return "\n".join(lines)
