"""Reading ``cases/taxonomy.yml``: the controlled vocabularies."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core.problems import Problems
from core.slugs import slugify
from core.text_file import read_text
from core.yaml_nodes import line_of, load_yaml, mapping_of


@dataclass(frozen=True)
class Term:
    """One term of a controlled vocabulary, such as the theme "Peer support"."""

    vocabulary: str  # the front-matter field, e.g. "themes"
    label: str
    slug: str
    description: str


@dataclass
class Vocabulary:
    """A controlled vocabulary, such as themes or regions.

    ``field`` is the front-matter key that uses it, ``slug`` the URL segment of
    its pages. ``multiple`` vocabularies take a list of terms.
    """

    field: str
    title: str
    singular: str  # the heading beside a case's terms, e.g. "Region"
    slug: str
    description: str
    multiple: bool
    required: bool
    terms: list[Term]

    def find(self, label: str) -> Term | None:
        """The term with this label, ignoring case and outer spaces."""
        wanted = label.strip().casefold()
        for term in self.terms:
            if term.label.casefold() == wanted:
                return term
        return None


@dataclass
class Taxonomy:
    """All vocabularies, in the order the taxonomy file gives them."""

    vocabularies: list[Vocabulary] = field(default_factory=list)

    def get(self, field_name: str) -> Vocabulary | None:
        for vocabulary in self.vocabularies:
            if vocabulary.field == field_name:
                return vocabulary
        return None

    @property
    def fields(self) -> list[str]:
        return [v.field for v in self.vocabularies]


_VOCABULARY_KEYS = {"title", "singular", "description", "multiple", "required", "terms"}
RESERVED_SLUGS = {"cases", "toolkit", "assets", "search", "feedback", "about"}


def read_taxonomy(path: Path, shown: str, problems: Problems) -> Taxonomy:
    """The vocabularies; a broken entry is reported and left out, not guessed."""
    text = read_text(path, shown, problems)
    if text is None:
        return Taxonomy()
    values, node, error = load_yaml(text)
    if error is not None:
        problems.add(shown, error.line, f"The taxonomy is not valid YAML: {error.message}.",
                     "Check this line and the one above it: indentation must line up, "
                     "and a value with a colon in it needs quotes.")
        return Taxonomy()
    if not isinstance(values, dict) or node is None:
        problems.add(shown, 1, "The taxonomy should list vocabularies such as `themes:`.",
                     "See the comments at the top of the starter taxonomy for the layout.")
        return Taxonomy()
    top = mapping_of(node)
    for key, line in top.repeated:
        problems.add(shown, line, f"The vocabulary `{key}` is given twice.", "Merge the two into one.")
    taxonomy = Taxonomy()
    slugs: dict[str, str] = {}
    for field_name, value_node in top.nodes.items():
        line = top.lines[field_name]
        vocabulary = _vocabulary(field_name, value_node, shown, line, problems)
        if vocabulary is None:
            continue
        if vocabulary.slug in slugs or vocabulary.slug in RESERVED_SLUGS:
            problems.add(shown, line,
                         f'The vocabulary `{field_name}` would have the web address "/{vocabulary.slug}/", '
                         "which is already taken.", "Give it a different `title`.")
            continue
        slugs[vocabulary.slug] = vocabulary.field
        taxonomy.vocabularies.append(vocabulary)
    return taxonomy


def _vocabulary(field_name: str, node: yaml.Node, shown: str, line: int,
                problems: Problems) -> Vocabulary | None:
    if not isinstance(node, yaml.MappingNode):
        problems.add(shown, line, f"The vocabulary `{field_name}` should have a `title` and `terms`.",
                     "Indent `title:` and `terms:` under it.")
        return None
    keys = mapping_of(node)
    spec = keys.values
    for key in sorted(set(spec) - _VOCABULARY_KEYS):
        problems.add(shown, keys.lines.get(key, line),
                     f"The vocabulary `{field_name}` has `{key}`, which Showcase does not use.",
                     f"A vocabulary may have: {', '.join(sorted(_VOCABULARY_KEYS))}.")
    title = spec.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.add(shown, line, f"The vocabulary `{field_name}` has no `title`.",
                     "Add `title:` with the name shown on the site, like `title: Themes`.")
        return None
    flags = {}
    for flag in ("multiple", "required"):
        value = spec.get(flag, False)
        if not isinstance(value, bool):
            problems.add(shown, keys.lines.get(flag, line), f"`{flag}` in `{field_name}` should be true or false.",
                         f"Write `{flag}: true` or `{flag}: false`.")
            value = False
        flags[flag] = value
    raw_terms = spec.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        problems.add(shown, keys.lines.get("terms", line), f"The vocabulary `{field_name}` has no terms.",
                     "List them under `terms:`, each as `- label: ...` with a `description: ...` line.")
        return None
    terms: list[Term] = []
    term_nodes = keys.nodes["terms"].value if isinstance(keys.nodes.get("terms"), yaml.SequenceNode) else []
    for raw, term_node in zip(raw_terms, term_nodes, strict=True):
        term_line = line_of(term_node)
        label = raw.get("label") if isinstance(raw, dict) else None
        description = raw.get("description") if isinstance(raw, dict) else None
        if not isinstance(label, str) or not label.strip():
            problems.add(shown, term_line, f"A term in `{field_name}` has no `label`.",
                         "Write each term as `- label: ...` with a `description: ...` line under it.")
            continue
        label = label.strip()
        if not isinstance(description, str) or not description.strip():
            problems.add(shown, term_line, f'The term "{label}" in `{field_name}` has no description.',
                         "Add a one-line `description:`; it is shown on the term's page.")
            continue
        slug = slugify(label)
        if any(t.label.casefold() == label.casefold() or t.slug == slug for t in terms):
            problems.add(shown, term_line, f'The term "{label}" is in `{field_name}` twice.',
                         "Delete one of them.")
            continue
        terms.append(Term(field_name, label, slug, description.strip()))
    singular = spec.get("singular")
    singular = singular.strip() if isinstance(singular, str) and singular.strip() else title.strip()
    return Vocabulary(field=field_name, title=title.strip(), singular=singular, slug=slugify(title),
                      description=str(spec.get("description") or "").strip(),
                      multiple=flags["multiple"], required=flags["required"], terms=terms)
