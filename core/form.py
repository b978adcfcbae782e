"""The feedback form's fields: shared by the page that shows the form and the
receiver that checks what it sends, so the two cannot drift apart."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from core.taxonomy import Taxonomy

Count = TypeVar("Count")

INTENTIONS: tuple[tuple[str, str], ...] = (
    ("practice", "Putting these ideas into practice"),
    ("similar", "Already doing something similar"),
    ("interested", "Just interested"),
    ("other", "Something else"),
)
KINDS = ("case", "toolkit")
OTHER_ROLE = ("other", "Other")
NOT_GIVEN = ("unknown", "Not given")  # how a response without an intention or role is counted
RATINGS = range(1, 6)
MAX_COMMENT = 5000
MAX_ORGANISATION = 200
MAX_EMAIL = 254
HONEYPOT = "website"
# What a ticked box or a "yes" is sent as. The receiver takes only these from its own form;
# sources' exports add their own spellings (``sources.normalise``).
YES = frozenset({"yes", "on", "true", "1"})
# "Is this page useful?": the one-click question asked before the rest of the form. A post
# with ``step`` set to USEFUL_STEP carries only the vote (``useful``), and is counted apart
# from full responses, which may carry no vote at all.
USEFUL = ("yes", "no")
USEFUL_STEP = "useful"
# A person takes longer than this to read a page and fill in the form.
MIN_SECONDS = 2.0
# The role vocabulary: the provider types of the taxonomy.
ROLE_VOCABULARY = "provider_type"


@dataclass(frozen=True)
class Choices:
    """The closed choices of one site's form."""

    roles: tuple[tuple[str, str], ...]
    intentions: tuple[tuple[str, str], ...] = INTENTIONS

    @property
    def intention_labels(self) -> dict[str, str]:
        """Each intention's label in the form's order, then how a response without one is counted."""
        return dict((*self.intentions, NOT_GIVEN))

    @property
    def role_labels(self) -> dict[str, str]:
        """Each role's label in the form's order, then how a response without one is counted."""
        return dict((*self.roles, NOT_GIVEN))


def in_form_order(counts: Mapping[str, Count], labels: Mapping[str, str]) -> list[tuple[str, Count]]:
    """(label, count) rows in the order the form shows its choices (``labels``'s order), anything
    the form does not offer last, under its own name: how the charts and the site's tables list them."""
    known = [(labels[key], counts[key]) for key in labels if key in counts]
    return known + [(key, count) for key, count in counts.items() if key not in labels]


def choices_for(taxonomy: Taxonomy) -> Choices:
    """Roles are the taxonomy's provider types, then "Other"."""
    vocabulary = taxonomy.get(ROLE_VOCABULARY)
    roles = tuple((t.slug, t.label) for t in vocabulary.terms) if vocabulary else ()
    return Choices(roles=(*roles, OTHER_ROLE))
