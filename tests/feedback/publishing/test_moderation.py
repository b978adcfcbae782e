"""Consent and review: a comment is published only when its writer agreed and a person approved it.

Decisions go through ``feedback.moderate`` (what the CLI calls); what may be
published is read back through ``aggregate``, the function publish uses.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from feedback.aggregate import aggregate
from feedback.moderate import ModerationError, approve, for_review, forget, reject
from feedback.pages import SitePages
from feedback.store import Store

from .data import (
    APPROVED_TWO,
    APPROVED_TWO_PUBLISHED,
    NAME_EMAIL,
    NAME_PARTS,
    ORGANISATION,
    SOURCE,
    Entry,
    at,
    fill,
    response,
)

PAGE = "cases/learner-council-hmp-eastwold/"
SITE = SitePages.of([PAGE])


def published_comments(store: Store) -> list[str]:
    pages = aggregate(store.responses(include_spam=True), SITE).pages.values()
    return [c["text"] for page in pages for c in page.comments]


def entry(key: str, comment: str, *, consent: bool = True, **changes) -> Entry:
    return Entry(key, PAGE, "case", at("2025-02-01"), "practice", "prison", 4, comment, consent, **changes)


@pytest.mark.parametrize(("consent", "decision", "published"), [
    (True, "approved", True),
    (True, "rejected", False),
    (True, None, False),
    (False, None, False),
])
def test_published_only_with_consent_and_approval(store: Store, consent: bool, decision: str | None,
                                                  published: bool) -> None:
    fill(store, [entry("k", "A comment to decide.", consent=consent, decision=decision)])
    assert published_comments(store) == (["A comment to decide."] if published else [])


def test_approval_without_consent_is_refused_clearly(store: Store) -> None:
    ids = fill(store, [entry("k", "Private words.", consent=False)])
    with pytest.raises(ModerationError) as refused:
        approve(store, ids["k"])
    message = str(refused.value)
    assert f"#{ids['k']} was not approved" in message
    assert "did not agree to publication" in message
    assert store.get(ids["k"]).status == "pending"
    assert published_comments(store) == []


def test_a_non_consented_comment_approved_behind_the_reviewers_back_is_still_not_published(store: Store) -> None:
    ids = fill(store, [entry("k", "Private words.", consent=False)])
    assert store.decide(ids["k"], "approved")
    assert published_comments(store) == []


def test_spam_cannot_be_approved(store: Store) -> None:
    ids = fill(store, [entry("k", "Buy pills.", spam=True)])
    with pytest.raises(ModerationError, match="marked as spam"):
        approve(store, ids["k"])


def test_deciding_an_unknown_number_says_so(store: Store) -> None:
    for action in (approve, reject, forget):
        with pytest.raises(ModerationError, match=r"There is no response #404\. `showcase feedback review --all`"):
            action(store, 404)


def test_approve_and_reject_messages_say_what_comes_next(store: Store) -> None:
    ids = fill(store, [entry("a", "First."), entry("b", "Second.")])
    assert approve(store, ids["a"]) == (f"Approved #{ids['a']}. Run `showcase feedback publish` to put it on "
                                        "the site.")
    assert reject(store, ids["b"]) == (f"Rejected #{ids['b']}. The next `showcase feedback publish` leaves it "
                                       "off the site.")
    assert published_comments(store) == ["First."]


def test_rejecting_an_approved_comment_takes_it_off(store: Store) -> None:
    ids = fill(store, [entry("k", "Approved, then not.", decision="approved")])
    assert published_comments(store) == ["Approved, then not."]
    reject(store, ids["k"])
    assert published_comments(store) == []


def test_withdrawn_consent_takes_the_comment_off_but_it_still_counts(store: Store) -> None:
    first = entry("k", "I agreed, then changed my mind.", decision="approved")
    fill(store, [first])
    assert published_comments(store) == ["I agreed, then changed my mind."]
    counts = store.save_page(SOURCE, [response(first, consent=False)], None)  # the source now says no
    assert counts.updated == 1
    assert published_comments(store) == []
    result = aggregate(store.responses(include_spam=True), SITE)
    assert result.total == "fewer" and result.pages[PAGE].count == "fewer"  # counted, below the threshold


def test_withdrawn_consent_is_saved_even_when_the_raw_record_is_the_same(store: Store) -> None:
    first = entry("k", "I agreed, then changed my mind.", decision="approved")
    ids = fill(store, [first])
    store.save_page(SOURCE, [replace(response(first), consent=False)], None)  # same raw, consent now False
    assert store.get(ids["k"]).response.consent is False
    assert published_comments(store) == []


def test_an_edited_comment_goes_back_to_pending_and_off_the_site(store: Store) -> None:
    first = entry("k", "The first words.", decision="approved")
    ids = fill(store, [first])
    counts = store.save_page(SOURCE, [response(first, comment="The edited words.")], None)
    assert counts.updated == 1
    assert store.get(ids["k"]).status == "pending"
    assert published_comments(store) == []
    assert [item.text for item in for_review(store)] == ["The edited words."]
    approve(store, ids["k"])
    assert published_comments(store) == ["The edited words."]


def test_a_change_that_is_not_the_comment_keeps_the_decision(store: Store) -> None:
    first = entry("k", "Same words.", decision="approved")
    ids = fill(store, [first])
    store.save_page(SOURCE, [response(first, rating=5)], None)
    assert store.get(ids["k"]).status == "approved"
    assert published_comments(store) == ["Same words."]


def test_forget_deletes_and_a_later_collection_does_not_bring_it_back(store: Store) -> None:
    keep, erase = entry("keep", "Keep me.", decision="approved"), entry("erase", "Erase me.", decision="approved")
    ids = fill(store, [keep, erase])
    message = forget(store, ids["erase"])
    assert message.startswith(f"Deleted #{ids['erase']} for good")
    assert store.get(ids["erase"]) is None
    assert published_comments(store) == ["Keep me."]
    # The source still has it: the next pull, and one with the record changed, skip it.
    counts = store.save_page(SOURCE, [response(erase), response(erase, comment="Erase me, edited."), response(keep)],
                             None)
    assert counts.forgotten == 2 and counts.new == 0
    assert [s.response.key for s in store.responses(include_spam=True)] == ["keep"]
    assert aggregate(store.responses(include_spam=True), SITE, threshold=3).total == "fewer"  # 1, not 2
    # The same key from another source is someone else's response.
    assert store.save_page("other", [replace(response(erase), source="other")], None).new == 1


def test_forget_leaves_no_personal_data_in_the_store_files(tmp_path) -> None:
    """After the store is closed, none of the erased response's bytes are left in its files.

    (This relies on SQLite overwriting deleted content: ``secure_delete``, on in
    this SQLite build; the store does not set it itself.)"""
    path = tmp_path / "store" / "collected.sqlite3"
    opened = Store(path)
    ids = fill(opened, [entry("k", "Erase me, ZZUNIQUECOMMENT.", organisation="Zorblatt Unique Org",
                              email="zorblatt.unique@examplemail.org")])
    forget(opened, ids["k"])
    opened.close()
    data = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.is_file())
    for detail in (b"ZZUNIQUECOMMENT", b"Zorblatt", b"zorblatt.unique"):
        assert detail not in data


def test_review_lists_pending_comments_redacted_never_raw(store: Store) -> None:
    ids = fill(store, [
        entry("two", APPROVED_TWO, organisation=ORGANISATION, email=NAME_EMAIL),
        entry("private", "Call me on 07700 900123.", consent=False),
        entry("decided", "Already decided.", decision="approved"),
        entry("empty", "   "),
        entry("spam", "Spam words.", spam=True),
    ])
    items = for_review(store)
    assert [item.id for item in items] == [ids["two"], ids["private"]]
    two, private = items
    assert two.text == APPROVED_TWO_PUBLISHED
    for detail in (NAME_EMAIL, ORGANISATION, *NAME_PARTS, "07700 900123"):
        assert detail not in two.text and detail not in private.text
    assert set(two.removed) == {"email address", "name", "organisation", "phone number", "prison number",
                                "postcode", "National Insurance number"}
    assert (two.consent, private.consent) == (True, False)
    assert two.received == "2025-02-01"
    everything = for_review(store, include_decided=True)
    assert [item.id for item in everything] == [ids["two"], ids["private"], ids["decided"]]
    assert everything[-1].status == "approved"


def test_published_comments_are_redacted(store: Store) -> None:
    fill(store, [entry("two", APPROVED_TWO, organisation=ORGANISATION, email=NAME_EMAIL, decision="approved")])
    assert published_comments(store) == [APPROVED_TWO_PUBLISHED]
