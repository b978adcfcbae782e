"""The feedback form's fields: shared by the page that shows the form and the
receiver that checks what it sends, so the two cannot drift apart."""
from __future__ import annotations

from dataclasses import dataclass

from core.taxonomy import Taxonomy

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
# A person takes longer than this to read a page and fill in the form.
MIN_SECONDS = 2.0
# The role vocabulary: the provider types of the taxonomy.
ROLE_VOCABULARY = "provider_type"


@dataclass(frozen=True)
class Choices:
    """The closed choices of one site's form."""

    roles: tuple[tuple[str, str], ...]
    intentions: tuple[tuple[str, str], ...] = INTENTIONS


def choices_for(taxonomy: Taxonomy) -> Choices:
    """Roles are the taxonomy's provider types, then "Other"."""
    vocabulary = taxonomy.get(ROLE_VOCABULARY)
    roles = tuple((t.slug, t.label) for t in vocabulary.terms) if vocabulary else ()
    return Choices(roles=(*roles, OTHER_ROLE))
