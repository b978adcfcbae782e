"""Broken projects, one kind of problem each, with the problems they must give.

The field and section tests check each through the core API; the command-line
tests run ``showcase check`` on every one of them and expect the same problems
in its output, exit status 1 and no traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .sites import ANY_LINE, BODY, FIELDS, ORDER_HINT, Expect, case, dedent, front

YAML_HINT = "Check this line and the one above it"


@dataclass(frozen=True)
class Broken:
    files: dict[str, str | bytes]
    expect: list[Expect]
    options: dict[str, Any] | None = None
    config: str | None = None  # mkdocs.yml as written, instead of ``options``


def _without(name: str) -> str:
    """The valid case with field ``name`` left out (title is line 2 and so on)."""
    return front(*(f for f in FIELDS if not f.startswith(f"{name}:")))


BROKEN: dict[str, Broken] = {
    # --- 1. Front matter that is not valid YAML -------------------------------------------
    "yaml-indentation": Broken(
        {"cases/indented.md": front(
            "title: Peer mentors in reception",
            "provider: HMP Testwick",
            "  summary: Trained peer mentors meet every new arrival.",  # line 4: indented
            "published: 2014-06-30",
            "themes: [Peer support]")},
        [Expect("cases/indented.md", 4,
                "The front matter is not valid YAML: mapping values are not allowed in this context", YAML_HINT)]),
    "yaml-unclosed-quote": Broken(
        {"cases/quote.md": front(
            "title: Peer mentors in reception",
            "provider: HMP Testwick",
            'summary: "Trained peer mentors meet every new arrival.',  # line 4: never closed
            "published: 2014-06-30",
            "themes: [Peer support]")},
        # The line of the opening quote is checked in test_fields.
        [Expect("cases/quote.md", ANY_LINE, "The front matter is not valid YAML: while scanning a quoted scalar",
                YAML_HINT)]),
    "yaml-unclosed-list": Broken(
        {"cases/list.md": front(*FIELDS[:4], "themes: [Peer support",  # line 6, closed by nothing
                                "settings: [Prison]")},
        # YAML notices on line 7; the hint sends the author to the line above too.
        [Expect("cases/list.md", 7, "The front matter is not valid YAML: while parsing a flow sequence, "
                "did not find expected ',' or ']'", YAML_HINT)]),

    # --- 2. Required fields -----------------------------------------------------------------
    **{f"missing-{name}": Broken(
        {f"cases/no-{name}.md": _without(name)},
        [Expect(f"cases/no-{name}.md", 1, f"The required field `{name}` is missing or empty.",
                f"Add a line {'like ' if name == 'themes' else ''}`{name}:")])
       for name in ("title", "provider", "summary", "published", "themes")},
    "empty-fields": Broken(
        {"cases/blank-values.md": front(
            "title: Peer mentors in reception",
            "provider:",                   # line 3
            "summary: ''",                 # line 4
            "published: 2014-06-30",
            "themes: []")},                # line 6
        # Present but empty: "Fill in", not "Add a line".
        [Expect("cases/blank-values.md", 3, "The required field `provider` is empty.", "Fill in `provider:`."),
         Expect("cases/blank-values.md", 4, "The required field `summary` is empty.",
                "Fill in `summary:`: one or two sentences"),
         Expect("cases/blank-values.md", 6, "The required field `themes` is empty.",
                "Fill in `themes:`, like `themes: [Learner voice]`, with one or more of: Learner voice, "
                "Peer support")]),

    # --- 3. Dates ---------------------------------------------------------------------------
    "date-not-iso": Broken(
        {"cases/date.md": front(*FIELDS[:3], "published: 30/06/2014", FIELDS[4])},
        [Expect("cases/date.md", 5, 'The date in `published` is "30/06/2014", which is not in the form YYYY-MM-DD.',
                "like `published: 2024-06-30`")]),
    "date-impossible": Broken(
        {"cases/date.md": front(*FIELDS[:3], "published: 2014-02-30", FIELDS[4],
                                "reviewed: 2015-13-01")},  # line 7
        [Expect("cases/date.md", 5, 'The date in `published` is "2014-02-30", which is not a real date.',
                "Check the month and the day"),
         Expect("cases/date.md", 7, 'The date in `reviewed` is "2015-13-01", which is not a real date.',
                "Check the month and the day")]),

    # --- 4. Terms from the taxonomy ---------------------------------------------------------
    "term-unknown": Broken(
        {"cases/term.md": front(*FIELDS[:4], "themes: [Learner vioce, Peer support]",
                                "settings: [prisn]")},  # line 7
        [Expect("cases/term.md", 6, '`themes` has "Learner vioce", which is not one of the themes.',
                'Did you mean "Learner voice"? The themes are: Learner voice, Peer support'),
         Expect("cases/term.md", 7, '`settings` has "prisn", which is not one of the settings.',
                'Did you mean "Prison"?')]),
    "term-unknown-chapter": Broken(
        {"docs/toolkit/guide/start.md": dedent("""
            ---
            title: Getting started
            order: 1
            summary: Where to begin.
            themes: [Peer suport]
            ---
            Some guidance.
            """)},
        [Expect("docs/toolkit/guide/start.md", 5, '`themes` has "Peer suport", which is not one of the themes.',
                'Did you mean "Peer support"?')]),

    # --- 9. Unknown and repeated fields ------------------------------------------------------
    "field-unknown": Broken(
        {"cases/typo.md": front(*FIELDS, "provder: HMP Testwick")},  # line 7
        [Expect("cases/typo.md", 7, "The field `provder` is not one Showcase knows.",
                'Did you mean "provider"? The fields are: title, provider, summary')]),
    "field-repeated": Broken(
        {"cases/twice.md": front(*FIELDS, "provider: HMP Elsewhere")},  # line 7 repeats line 3
        [Expect("cases/twice.md", 7, "The field `provider` is given more than once.",
                "Keep one `provider:` line and delete the other.")]),

    # --- 5. Sections (body from line 8) -------------------------------------------------------
    "section-missing": Broken(
        {"cases/missing.md": front(*FIELDS, body=dedent("""
            ## The provider's message

            Text.

            ## Provider background

            Text.

            ## What next

            Text.
            """))},
        # Reported at the section it should come before: "Provider background", line 12.
        [Expect("cases/missing.md", 12, 'The section "The good practice in detail" is missing.',
                "Add a heading `## The good practice in detail` with its text. " + ORDER_HINT)]),
    "section-empty": Broken(
        {"cases/empty-sections.md": front(*FIELDS, body=dedent("""
            ## The provider's message

            ## The good practice in detail

            <!-- Only the prompt: what happens, who runs it. -->

            ## Provider background

            Text.

            ## What next

            Text.
            """))},
        [Expect("cases/empty-sections.md", 8, 'The section "The provider\'s message" is empty.',
                "Write at least a sentence under the heading."),
         Expect("cases/empty-sections.md", 10, 'The section "The good practice in detail" is empty.',
                "Write at least a sentence under the heading.")]),
    "section-order": Broken(
        {"cases/order.md": front(*FIELDS, body=dedent("""
            ## The provider's message

            Text.

            ## Provider background

            Text.

            ## The good practice in detail

            Text.

            ## What next

            Text.
            """))},
        [Expect("cases/order.md", 16, 'The section "The good practice in detail" should come before '
                '"Provider background".', "Move the sections into the expected order. " + ORDER_HINT)]),
    "section-unknown": Broken(
        {"cases/unknown.md": front(*FIELDS, body=BODY.replace("## Provider background", "## Provider backgroud"))},
        # One slip, one message: the misspelt heading is taken as the section, not also reported missing.
        [Expect("cases/unknown.md", 16,
                'The section heading "Provider backgroud" is not one of the case-study sections.',
                'Did you mean "Provider background"? Write the heading as `## Provider background`.')]),
    "section-level-1": Broken(
        {"cases/h1.md": front(*FIELDS, body=BODY.replace(
            "## The good practice in detail\n\nText.\n",
            "## The good practice in detail\n\n# How it works\n\nText.\n"))},  # line 14
        [Expect("cases/h1.md", 14, 'The body has a level-1 heading "How it works".',
                "The page title comes from `title:` in the front matter")]),
    "section-preamble": Broken(
        {"cases/preamble.md": front(*FIELDS, body="\nAn introduction before the sections.\n\n" + BODY)},  # line 9
        [Expect("cases/preamble.md", 9, "There is text before the first section.",
                "Move it into a section. " + ORDER_HINT)]),
    "section-none": Broken(
        {"cases/no-sections.md": front(*FIELDS, body="Just a paragraph, no headings.\n")},
        [Expect("cases/no-sections.md", 8, "The case study has no sections.",
                "Start each section with a level-2 heading. " + ORDER_HINT)]),
    "section-fenced": Broken(
        {"cases/fenced.md": front(*FIELDS, body=dedent("""
            ## The provider's message

            Text.

            ## The good practice in detail

            ```markdown
            ## What next
            ```

            ~~~
            ## Not a section
            ~~~

            ## Provider background

            Text.
            """))},
        # The headings in the fences are code: "What next" is missing (at the end of the file).
        [Expect("cases/fenced.md", ANY_LINE, 'The section "What next" is missing.',
                "Add a heading `## What next`")]),

    # --- 6. Duplicate slugs and titles ---------------------------------------------------------
    "slug-folders": Broken(
        {"cases/a/foo.md": case("Foo in the first folder"), "cases/b/foo.md": case("Foo in the second folder")},
        [Expect("cases/b/foo.md", None, 'This file has the same web address "/cases/foo/" as cases/a/foo.md.',
                "Rename one of the files")]),
    "slug-spelling": Broken(
        {"cases/Foo_Bar.md": case("Foo bar one"), "cases/foo-bar.md": case("Foo bar two")},
        [Expect("cases/foo-bar.md", None, 'This file has the same web address "/cases/foo-bar/" as cases/Foo_Bar.md.',
                "Rename one of the files")]),
    "title-duplicate": Broken(
        {"cases/one.md": case("Peer mentors in reception"), "cases/two.md": case("PEER MENTORS in Reception")},
        [Expect("cases/two.md", 2, 'The title "PEER MENTORS in Reception" is also used by cases/one.md.',
                "Give each case study its own title")]),

    # --- 7. Related case studies -----------------------------------------------------------------
    "related-unknown": Broken(
        {"cases/peer-mentors-in-reception.md": case("Peer mentors in reception"),
         "cases/council.md": case("A learner council", "related: [peer-mentors-in-recepton]")},  # line 7
        [Expect("cases/council.md", 7,
                '`related` has "peer-mentors-in-recepton", but there is no case study with that name.',
                'Did you mean "peer-mentors-in-reception"? Use the file name of another case without `.md`')]),
    "related-draft": Broken(
        {"cases/unfinished.md": case("An unfinished case", "draft: true"),
         "cases/council.md": case("A learner council", "related: [unfinished]")},  # line 7
        [Expect("cases/council.md", 7, '`related` has "unfinished", which is a draft and will not be published.',
                "publish cases/unfinished.md first by deleting its `draft: true` line")]),

    # --- 8. Files that cannot be read ------------------------------------------------------------
    "file-empty": Broken(
        {"cases/empty.md": "", "cases/blank.md": "\n  \n"},
        [Expect("cases/empty.md", None, "The file is empty.", '`showcase new "Title"` writes a file you can fill in.'),
         Expect("cases/blank.md", None, "The file is empty.",
                "Add the front matter and sections, or delete the file.")]),
    "file-latin-1": Broken(
        # "café" in Latin-1 on line 4: the byte 0xE9 is not UTF-8.
        {"cases/latin.md": front(*FIELDS[:2], "summary: Mentors meet new arrivals in the café.",
                                 *FIELDS[3:]).encode("latin-1")},
        [Expect("cases/latin.md", 4, "The file is not saved as UTF-8 text",
                "save it with the UTF-8 encoding")]),

    # --- 10. Toolkit chapters -------------------------------------------------------------------
    "chapter-no-order": Broken(
        {"docs/toolkit/guide/start.md": dedent("""
            ---
            title: Getting started
            summary: Where to begin.
            themes: [Learner voice]
            ---
            Some guidance.
            """)},
        [Expect("docs/toolkit/guide/start.md", 1, "The required field `order` is missing.",
                "Add a line `order: 1` (a whole number, the chapter's place in the toolkit) to the front matter")]),
    "chapter-order-twice": Broken(
        {"docs/toolkit/guide/alpha.md":
             "---\ntitle: Alpha\norder: 1\nsummary: First.\nthemes: [Learner voice]\n---\nText.\n",
         "docs/toolkit/guide/beta.md":
             "---\ntitle: Beta\norder: 1\nsummary: Second.\nthemes: [Learner voice]\n---\nText.\n",
         "docs/toolkit/other/gamma.md":
             "---\ntitle: Gamma\norder: 1\nsummary: Elsewhere.\nthemes: [Learner voice]\n---\nText.\n"},
        # Order 1 in another toolkit is fine.
        [Expect("docs/toolkit/guide/beta.md", 3, "`order: 1` is also used by docs/toolkit/guide/alpha.md.",
                "Give each chapter of a toolkit a different `order` number.")]),

    # --- 11. The taxonomy ------------------------------------------------------------------------
    "taxonomy-yaml": Broken(
        {"cases/taxonomy.yml": dedent("""
            themes:
              title: Themes
              terms:
                - label: Peer support
                 description: One space short.
            """)},  # line 5
        [Expect("cases/taxonomy.yml", 5, "The taxonomy is not valid YAML:",
                "Check this line and the one above it: indentation must line up")]),
    "taxonomy-terms": Broken(
        {"cases/taxonomy.yml": dedent("""
            themes:
              title: Themes
              multiple: true
              required: true
              terms:
                - label: Peer support
                  description: People support one another.
                - label: Learner voice
                - label: PEER SUPPORT
                  description: The same term again.
            """),  # "Learner voice" has no description (line 8); line 9 repeats line 6
         "cases/mentors.md": case()},
        [Expect("cases/taxonomy.yml", 8, 'The term "Learner voice" in `themes` has no description.',
                "Add a one-line `description:`"),
         Expect("cases/taxonomy.yml", 9, 'The term "PEER SUPPORT" is in `themes` twice.', "Delete one of them.")]),

    # --- 12. The plugin's options in mkdocs.yml -------------------------------------------------
    "config-unknown-option": Broken(
        {}, [Expect("mkdocs.yml", 6, "The showcase option `toolkit_dri` is not one Showcase knows.",
                    "The options are: cases_dir, taxonomy, toolkit_dir, sections, drafts")],
        options={"cases_dir": "cases", "toolkit_dri": "toolkit"}),
    "config-drafts": Broken(
        {}, [Expect("mkdocs.yml", 5, "The option `drafts` is 'sometimes'.", "Use one of: auto, show, hide.")],
        options={"drafts": "sometimes"}),
    "config-sections-not-list": Broken(
        {}, [Expect("mkdocs.yml", 5, "The option `sections` should be a list of section titles.",
                    "Write it like `sections: [")],
        options={"sections": "Summary"}),
    "config-section-option": Broken(
        {}, [Expect("mkdocs.yml", 5, "in `sections` has an option it does not know.",
                    "Each section takes a `title` and, optionally, `required: true` or `required: false`.")],
        options={"sections": ["Summary", {"title": "Costs", "requird": False}]}),
    "config-trusted-proxy": Broken(
        {}, [Expect("mkdocs.yml", 6, "`proxy.example` in `trusted_proxies` is not an IP address.",
                    "Write the proxy's own address as it connects to the receiver, like 127.0.0.1")],
        options={"feedback": {"trusted_proxies": ["127.0.0.1", "proxy.example"]}}),
    "config-publish-threshold": Broken(
        {}, [Expect("mkdocs.yml", 6,
                    "The option `publish_threshold` is 1, so a published figure could single out one reader.",
                    "Use 3 or more")],
        options={"feedback": {"publish_threshold": 1}}),
}

CONFIG = {name for name in BROKEN if name.startswith("config-")}
