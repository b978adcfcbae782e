"""`showcase feedback review|approve|reject|forget|publish`, run as an editor runs them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.store import Store
from tests.builds import copy_example, showcase

from .data import (
    APPROVED_TWO,
    APPROVED_TWO_PUBLISHED,
    NAME_EMAIL,
    NAME_PARTS,
    ORGANISATION,
    PHONE,
    SOURCE,
    Entry,
    at,
    fill,
    response,
)

PAGE = "cases/learner-council-hmp-eastwold/"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("feedback-cli") / "project")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "collected.sqlite3"


def run(project: Path, *args: str, expect: int = 0) -> str:
    result = showcase(project, "feedback", *args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == expect, output
    return result.stdout


def words(text: str) -> str:
    return " ".join(text.split())


def filled(store_path: Path, entries: list[Entry]) -> dict[str, int]:
    store = Store(store_path)
    try:
        return fill(store, entries)
    finally:
        store.close()


def status(store_path: Path, response_id: int) -> str | None:
    store = Store(store_path)
    try:
        stored = store.get(response_id)
        return None if stored is None else stored.status
    finally:
        store.close()


def entry(key: str, comment: str, *, consent: bool = True, **changes) -> Entry:
    return Entry(key, PAGE, "case", at("2025-02-03"), "practice", "prison", 4, comment, consent, **changes)


def test_review_lists_pending_comments_redacted(project: Path, store_path: Path) -> None:
    ids = filled(store_path, [
        entry("two", APPROVED_TWO, organisation=ORGANISATION, email=NAME_EMAIL),
        entry("private", f"PRIVATE-WORDS: ring me on {PHONE}.", consent=False, organisation="Ravensmoor Hub",
              email="ravens.moor@examplemail.org"),
        entry("decided", "DECIDED-WORDS.", decision="approved"),
        entry("spam", "SPAM-WORDS.", spam=True),
    ])
    out = run(project, "review", "--store", str(store_path))
    flat = words(out)
    assert flat.startswith("2 comments to review. Personal details are removed below.")
    assert "1 of them may not be published: the writer did not agree, so they stay private." in flat
    assert f"#{ids['two']} 2025-02-03 /{PAGE} may publish [pending]" in flat
    assert f"#{ids['private']} 2025-02-03 /{PAGE} private: no permission to publish [pending]" in flat
    assert APPROVED_TWO_PUBLISHED in flat
    assert "PRIVATE-WORDS: ring me on [phone number removed]." in flat
    assert "(removed: email address, organisation, name, National Insurance number, prison number, postcode, " \
           "phone number)" in flat
    for detail in (NAME_EMAIL, ORGANISATION, *NAME_PARTS, PHONE, "07700", "Ravensmoor", "examplemail",
                   "DECIDED-WORDS", "SPAM-WORDS"):
        assert detail not in out, detail
    assert "Next: `showcase feedback approve ID ...` or `showcase feedback reject ID ...`." in flat
    everything = words(run(project, "review", "--all", "--store", str(store_path)))
    assert everything.startswith("3 comments (all).")
    assert "DECIDED-WORDS." in everything and "[approved]" in everything and "SPAM-WORDS" not in everything


def test_review_with_nothing_to_review(project: Path, store_path: Path) -> None:
    assert run(project, "review", "--store", str(store_path)).strip() == "No comments are waiting for review."
    assert run(project, "review", "--all", "--store", str(store_path)).strip() == "There are no comments yet."
    filled(store_path, [entry("done", "Done.", decision="rejected")])
    assert run(project, "review", "--store", str(store_path)).strip() == "No comments are waiting for review."


def test_approve_and_reject(project: Path, store_path: Path) -> None:
    ids = filled(store_path, [entry("a", "Approve me."), entry("b", "Reject me."), entry("c", "And me.")])
    out = run(project, "approve", str(ids["a"]), str(ids["c"]), "--store", str(store_path))
    assert out.splitlines() == [f"Approved #{ids['a']}. Run `showcase feedback publish` to put it on the site.",
                                f"Approved #{ids['c']}. Run `showcase feedback publish` to put it on the site."]
    out = run(project, "reject", str(ids["b"]), "--store", str(store_path))
    assert out.strip() == f"Rejected #{ids['b']}. The next `showcase feedback publish` leaves it off the site."
    assert [status(store_path, ids[k]) for k in "abc"] == ["approved", "rejected", "approved"]


def test_approving_without_consent_is_refused(project: Path, store_path: Path) -> None:
    ids = filled(store_path, [entry("p", "Private.", consent=False)])
    out = run(project, "approve", str(ids["p"]), "--store", str(store_path), expect=1)
    assert out.strip() == (f"#{ids['p']} was not approved: its writer did not agree to publication, so it stays "
                           "private. It still counts in the numbers.")
    assert status(store_path, ids["p"]) == "pending"


def test_approving_spam_is_refused(project: Path, store_path: Path) -> None:
    ids = filled(store_path, [entry("s", "Spam.", spam=True)])
    out = run(project, "approve", str(ids["s"]), "--store", str(store_path), expect=1)
    assert "was not approved: it was marked as spam" in out


def test_unknown_numbers_are_reported_and_the_others_still_decided(project: Path, store_path: Path) -> None:
    ids = filled(store_path, [entry("a", "Approve me.")])
    for command in ("approve", "reject", "forget"):
        out = run(project, command, "404", "--store", str(store_path), expect=1)
        assert out.strip() == "There is no response #404. `showcase feedback review --all` lists them."
    out = run(project, "approve", "404", str(ids["a"]), "--store", str(store_path), expect=1)
    assert "There is no response #404." in out and f"Approved #{ids['a']}." in out
    assert status(store_path, ids["a"]) == "approved"


def test_an_id_that_is_not_a_number_is_a_usage_error(project: Path, store_path: Path) -> None:
    result = showcase(project, "feedback", "approve", "seven", "--store", str(store_path))
    assert result.returncode == 2
    assert "invalid int value: 'seven'" in result.stderr and "Traceback" not in result.stderr


def test_a_store_that_cannot_be_opened_is_reported(project: Path, tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.sqlite3"
    not_a_database.write_text("these are notes, not a database\n" * 100, encoding="utf-8")
    for args in (["review"], ["approve", "1"], ["publish", "--out", str(tmp_path / "out")]):
        out = run(project, *args, "--store", str(not_a_database), expect=1)
        assert out.startswith(f"Stopped: The feedback store {not_a_database} cannot be opened"), out
        assert "choose another with --store" in out
    assert not (tmp_path / "out").exists()


def test_forget_deletes_for_good(project: Path, store_path: Path) -> None:
    erase = entry("erase", "ERASE-ME: my details.", decision="approved")
    ids = filled(store_path, [erase, entry("keep", "Keep.")])
    # No sources.yml here, so the source it came from cannot be asked to delete it too: exit 1, and say so.
    out = run(project, "forget", str(ids["erase"]), "--store", str(store_path), expect=1)
    assert out.startswith(f"Deleted #{ids['erase']} for good; later collections will not bring it back.")
    assert "showcase feedback forget --retry" in out
    assert status(store_path, ids["erase"]) is None
    store = Store(store_path)
    try:
        counts = store.save_page(SOURCE, [response(erase)], "cursor-2")  # the next pull has it again
        assert (counts.forgotten, counts.new) == (1, 0)
    finally:
        store.close()
    assert "ERASE-ME" not in run(project, "review", "--all", "--store", str(store_path))
    out = run(project, "forget", str(ids["erase"]), "--store", str(store_path), expect=1)
    assert f"There is no response #{ids['erase']}." in out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_then_decide_then_publish_again(project: Path, store_path: Path, tmp_path: Path) -> None:
    """Approve: on the pages. Publish again unchanged: nothing written. Reject, withdraw consent,
    edit: off the pages at the next publish."""
    out_dir = tmp_path / "published"
    keep = entry("keep", "KEEP-ME: stays.", decision="approved")
    withdraw = entry("withdraw", "WITHDRAW-ME: consent taken back.", decision="approved")
    edit = entry("edit", "EDIT-ME: first words.", decision="approved")
    reject = entry("reject", "REJECT-ME: rejected later.")
    ids = filled(store_path, [keep, withdraw, edit, reject, entry("fifth", "")])  # five: enough to publish figures
    run(project, "approve", str(ids["reject"]), "--store", str(store_path))

    out = run(project, "publish", "--store", str(store_path), "--out", str(out_dir))
    assert out.startswith(f"Published to {out_dir}: 5 file(s) changed, 0 removed, 0 unchanged.")
    data = (out_dir / "feedback.json").read_text(encoding="utf-8")
    for marker in ("KEEP-ME", "WITHDRAW-ME", "EDIT-ME", "REJECT-ME"):
        assert marker in data

    before = snapshot(out_dir)
    out = run(project, "publish", "--store", str(store_path), "--out", str(out_dir))
    assert out.strip() == f"Nothing changed in {out_dir}: the published feedback is up to date."
    assert snapshot(out_dir) == before  # byte-identical, and not even rewritten (same mtimes)

    run(project, "reject", str(ids["reject"]), "--store", str(store_path))
    store = Store(store_path)
    try:
        store.save_page(SOURCE, [response(withdraw, consent=False), response(edit, comment="EDITED: new words.")], None)
    finally:
        store.close()
    assert "EDITED: new words." in run(project, "review", "--store", str(store_path))
    out = run(project, "publish", "--store", str(store_path), "--out", str(out_dir))
    assert out.startswith(f"Published to {out_dir}: 1 file(s) changed, 0 removed, 4 unchanged.")
    published = json.loads((out_dir / "feedback.json").read_text(encoding="utf-8"))
    comments = [c["text"] for page in published["pages"].values() for c in page["comments"]]
    assert comments == ["KEEP-ME: stays."]
    assert published["total"] == 5  # taken off the pages, still counted


def test_publish_writes_to_the_configured_folder_by_default(project: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "collected.sqlite3"
    filled(store_path, [entry("a", "DEFAULT-FOLDER.", decision="approved")])
    out = run(project, "publish", "--store", str(store_path))
    assert out.startswith("Published to data/feedback: ")
    assert "Rebuild the site (`make build`) and commit data/feedback." in out
    assert "DEFAULT-FOLDER." in (project / "data" / "feedback" / "feedback.json").read_text(encoding="utf-8")


def test_outside_a_project_the_command_says_where_to_run_it(tmp_path: Path) -> None:
    result = showcase(tmp_path, "feedback", "review", "--store", str(tmp_path / "s.sqlite3"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "--config" in result.stdout + result.stderr


def test_review_shows_control_characters_harmlessly(project: Path, store_path: Path) -> None:
    hidden = "Great case study.\x1b[8m Buy pills at spam.invalid\x1b[0m Thanks!\x1b[1A\x1b[2K\x07"
    filled(store_path, [entry("c", hidden)])
    out = run(project, "review", "--store", str(store_path))
    assert "spam.invalid" in out  # what would be published is there to read
    assert not [c for c in out if ord(c) < 32 and c != "\n"], repr(out)
