"""`showcase feedback publish`'s folder: feedback.json and SVG charts, nothing personal.

The shared site's folder was written by the real command from a store holding
personal details, unpublished comments and spam; other tests publish their own
small stores with ``feedback.publish.publish``.
"""
from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import feedback.publish as publish_module
from core.form import Choices
from core.problems import Problems
from feedback.pages import SitePages
from feedback.publish import publish as publish_to
from feedback.store import Store
from generator.read.feedback_data import read_published

from .data import (
    APPROVED_ONE,
    APPROVED_TWO,
    APPROVED_TWO_PUBLISHED,
    CHAPTER_COMMENT,
    EXPECTED_A,
    EXPECTED_B,
    EXPECTED_C,
    EXPECTED_CHAPTER,
    EXPECTED_INTENTIONS,
    EXPECTED_MONTHS,
    EXPECTED_ROLES,
    EXPECTED_TOTAL,
    GONE_PAGE,
    HOSTILE,
    PERSONAL,
    THRESHOLD,
    UNPUBLISHED,
    UNPUBLISHED_MARKERS,
    Entry,
    FeedbackSite,
    at,
    case_a_entries,
    case_b_entries,
    chapter_entries,
    fill,
)

PAGE_A = "cases/a/"
PAGE_B = "cases/b/"
CHAPTER = "toolkit/t/chapter/"
SITE = SitePages.of([PAGE_A, PAGE_B, CHAPTER])


def publish(store: Store, choices: Choices, out: Path):
    """Publish for this file's three-page site, with the default threshold."""
    return publish_to(store, choices, out, SITE)


def five(key: str, page: str, day: str, rating: int | None = 5, role: str = "prison") -> list[Entry]:
    """Five responses alike: enough to be published (the threshold is 5)."""
    return [Entry(f"{key}{n}", page, "case", at(day), "practice", role, rating) for n in range(THRESHOLD)]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def small_store(store: Store) -> Store:
    fill(store, case_a_entries(PAGE_A) + chapter_entries(CHAPTER) + case_b_entries(PAGE_B))
    return store


# ---------------------------------------------------------------- the shared site's published folder

@pytest.fixture(scope="module")
def published_json(fsite: FeedbackSite) -> dict:
    return json.loads((fsite.published / "feedback.json").read_text(encoding="utf-8"))


def test_no_personal_data_or_unpublished_comment_anywhere_in_the_folder(fsite: FeedbackSite) -> None:
    files = folder_bytes(fsite.published)
    assert "feedback.json" in files
    everything = b"\n".join(files.values())
    for detail in (*PERSONAL, APPROVED_TWO, *UNPUBLISHED, *UNPUBLISHED_MARKERS, "spammer@spam.invalid",
                   "spam.invalid", "test-source", "T10:30", GONE_PAGE, "cases/gone-", "__pwned=9"):
        assert detail.encode() not in everything, f"{detail!r} was published"
    for name in files:
        assert not name.endswith((".sqlite3", ".tmp", "-wal", "-shm")), name
        assert not Path(name).name.startswith("."), name


def test_the_numbers_are_the_stores_without_spam_and_small_ones_hidden(fsite: FeedbackSite,
                                                                       published_json: dict) -> None:
    data = published_json
    assert (data["version"], data["threshold"]) == (3, THRESHOLD)
    assert data["total"] == EXPECTED_TOTAL
    assert [tuple(m) for m in data["by_month"]] == EXPECTED_MONTHS
    assert data["by_intention"] == EXPECTED_INTENTIONS
    assert data["by_role"] == EXPECTED_ROLES
    assert data["other_pages"] == "fewer"  # the one response to an address the site does not have
    pages = data["pages"]
    assert set(pages) == {fsite.case_a.url, fsite.case_b.url, fsite.case_c.url, fsite.chapter.url}
    for url, expected in ((fsite.case_a.url, EXPECTED_A), (fsite.case_c.url, EXPECTED_C)):
        for name in ("count", "by_intention", "by_role", "rated", "ratings", "rating_average"):
            assert pages[url][name] == expected[name], (url, name)
    for url, expected in ((fsite.chapter.url, EXPECTED_CHAPTER), (fsite.case_b.url, EXPECTED_B)):
        page = pages[url]  # below the threshold: that, and nothing else
        assert (page["count"], page["by_intention"], page["by_role"], page["rated"], page["ratings"],
                page["rating_average"], page["ratings_chart"]) == (expected["count"], {}, {}, None, {}, None, None)


def test_only_approved_consented_comments_redacted(fsite: FeedbackSite, published_json: dict) -> None:
    pages = published_json["pages"]
    # Without a month: case A had 2 responses in January, the chapter 2 in March (fewer than 5).
    assert pages[fsite.case_a.url]["comments"] == [{"month": None, "text": APPROVED_ONE},
                                                   {"month": None, "text": APPROVED_TWO_PUBLISHED}]
    assert pages[fsite.chapter.url]["comments"] == [{"month": None, "text": CHAPTER_COMMENT}]
    assert pages[fsite.case_b.url]["comments"] == []
    # Published as written, but with carriage returns as the line breaks they are; with their
    # month, as case C had 17 responses that month.
    assert [c["text"] for c in pages[fsite.case_c.url]["comments"]] == [
        t.replace("\r\n", "\n").replace("\r", "\n").strip() for t in HOSTILE.values()]
    assert {c["month"] for c in pages[fsite.case_c.url]["comments"]} == {"2025-03"}


def test_charts_are_the_ones_listed_and_each_has_alt_text(fsite: FeedbackSite, published_json: dict) -> None:
    listed = list(published_json["overview_charts"])
    listed += [p["ratings_chart"] for p in published_json["pages"].values() if p["ratings_chart"]]
    on_disk = sorted(str(p.relative_to(fsite.published)) for p in (fsite.published / "charts").iterdir())
    assert sorted(c["file"] for c in listed) == on_disk
    assert [c["file"] for c in published_json["overview_charts"]] == [
        "charts/overview-months.svg", "charts/overview-intentions.svg", "charts/overview-roles.svg"]
    rated = {url for url, p in published_json["pages"].items() if p["ratings_chart"]}
    assert rated == {fsite.case_a.url}  # C has no ratings; B and the chapter are below the threshold
    for chart in listed:
        assert chart["title"].strip()
        assert chart["alt"].startswith("Bar chart, ") and chart["alt"].endswith(".")
    months = published_json["overview_charts"][0]["alt"]
    assert months == "Bar chart, responses by month. Jan 2025: fewer than 5; Feb 2025: 0; Mar 2025: 5 or more."
    roles = published_json["overview_charts"][2]["alt"]
    assert f"Charity: {EXPECTED_ROLES['charity']}" in roles and "Not given: fewer than 5" in roles
    ratings = published_json["pages"][fsite.case_a.url]["ratings_chart"]["alt"]
    assert ratings.endswith("1: 0; 2: 0; 3: fewer than 5; 4: fewer than 5; 5: fewer than 5.")


def test_charts_are_plain_svg_with_no_script_and_no_external_reference(fsite: FeedbackSite) -> None:
    charts = sorted((fsite.published / "charts").glob("*.svg"))
    assert len(charts) == 4
    for chart in charts:
        text = chart.read_text(encoding="utf-8")
        root = ET.fromstring(text.split("\n", 3)[3] if text.startswith("<?xml") else text)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", chart.name
        for element in root.iter():
            name = element.tag.rsplit("}", 1)[-1]
            assert name not in ("script", "foreignObject", "iframe", "image", "a"), (chart.name, name)
            for attribute, value in element.attrib.items():
                local = attribute.rsplit("}", 1)[-1]
                assert not local.lower().startswith("on"), (chart.name, attribute)
                if local == "href":
                    assert value.startswith("#"), (chart.name, value)
                for url in re.findall(r"url\(([^)]*)\)", value):
                    assert url.startswith("#"), (chart.name, value)
        assert "javascript:" not in text and "@import" not in text


# ---------------------------------------------------------------- publishing a store of our own

def test_a_second_publish_of_the_same_data_writes_nothing(store: Store, choices: Choices, tmp_path: Path) -> None:
    out = tmp_path / "published"
    first = publish(small_store(store), choices, out)
    assert sorted(first.changed) == ["charts/cases-a-ratings.svg", "charts/overview-intentions.svg",
                                     "charts/overview-months.svg", "charts/overview-roles.svg", "feedback.json"]
    assert first.removed == [] and first.unchanged == []
    before = snapshot(out)
    second = publish(store, choices, out)
    assert second.changed == [] and second.removed == []
    assert sorted(second.unchanged) == sorted(first.changed)
    assert snapshot(out) == before  # same bytes, same mtimes, same files (nothing replaced)


def test_publish_leaves_no_temporary_files(store: Store, choices: Choices, tmp_path: Path) -> None:
    out = tmp_path / "published"
    publish(small_store(store), choices, out)
    fill(store, [Entry("later", PAGE_A, "case", at("2025-04-01"), "other", "charity", 1)])
    publish(store, choices, out)
    names = [p.name for p in out.rglob("*")]
    assert not [n for n in names if n.startswith(".") or n.endswith(".tmp")], names


def test_a_write_that_fails_leaves_the_old_file_whole(store: Store, choices: Choices, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "published"
    publish(small_store(store), choices, out)
    old = folder_bytes(out)
    fill(store, [Entry("later", PAGE_A, "case", at("2025-04-01"), "other", "charity", 1)])

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        publish(store, choices, out)
    monkeypatch.undo()
    assert folder_bytes(out) == old  # every file as it was: nothing half-written
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]


def test_the_data_file_is_written_after_its_charts(store: Store, choices: Choices, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped while writing feedback.json, the folder still reads: no chart it names is missing."""
    out = tmp_path / "published"
    fill(store, five("x", PAGE_A, "2025-01-01"))
    publish(store, choices, out)
    assert (out / "charts" / "cases-a-ratings.svg").is_file()
    for stored in store.responses():
        store.forget(stored.id)
    fill(store, five("y", PAGE_B, "2025-02-01", 3))
    real_replace = os.replace

    def fail_on_data(source: str, target: str | Path) -> None:
        if Path(target).name == "feedback.json":
            raise OSError("interrupted")
        real_replace(source, target)

    monkeypatch.setattr(publish_module.os, "replace", fail_on_data)
    with pytest.raises(OSError, match="interrupted"):
        publish(store, choices, out)
    monkeypatch.undo()
    problems = Problems()
    assert read_published(out, "published", problems) is not None, problems.report()
    assert not problems.errors


def test_stale_charts_are_removed(store: Store, choices: Choices, tmp_path: Path) -> None:
    out = tmp_path / "published"
    ids = fill(store, five("x", PAGE_A, "2025-01-01") + five("y", PAGE_B, "2025-02-01", 3))
    publish(store, choices, out)
    assert (out / "charts" / "cases-a-ratings.svg").is_file()
    for n in range(THRESHOLD):
        store.forget(ids[f"x{n}"])
    written = publish(store, choices, out)
    assert written.removed == ["charts/cases-a-ratings.svg"]
    assert not (out / "charts" / "cases-a-ratings.svg").exists()
    assert "cases-a-ratings" not in (out / "feedback.json").read_text(encoding="utf-8")
    for n in range(THRESHOLD):
        store.forget(ids[f"y{n}"])
    written = publish(store, choices, out)
    assert sorted(written.removed) == ["charts/cases-b-ratings.svg", "charts/overview-intentions.svg",
                                       "charts/overview-months.svg", "charts/overview-roles.svg"]
    assert list((out / "charts").iterdir()) == []
    data = json.loads((out / "feedback.json").read_text(encoding="utf-8"))
    assert (data["total"], data["pages"], data["overview_charts"]) == (0, {}, [])


def test_spam_alone_publishes_nothing(store: Store, choices: Choices, tmp_path: Path) -> None:
    out = tmp_path / "published"
    ids = fill(store, [Entry("s", PAGE_A, "case", at("2025-01-01"), "practice", "prison", 5, "Spam text here.",
                             True, spam=True, email="spammer@spam.invalid")])
    store.decide(ids["s"], "approved")
    publish(store, choices, out)
    data = json.loads((out / "feedback.json").read_text(encoding="utf-8"))
    assert (data["total"], data["pages"], data["by_month"]) == (0, {}, [])
    assert b"Spam text" not in b"".join(folder_bytes(out).values())


@pytest.mark.parametrize("label", ["Budget $5 to $10 a head", r"Paths like C:\$x\$ and $\frac$"])
def test_chart_labels_are_drawn_as_written(store: Store, tmp_path: Path, label: str) -> None:
    """Role labels come from the taxonomy (authors' words); the chart shows them as written."""
    fill(store, five("x", PAGE_A, "2025-01-01", role="budget"))
    out = tmp_path / "published"
    publish(store, Choices(roles=(("budget", label), ("other", "Other"))), out)
    svg = (out / "charts" / "overview-roles.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg.split("\n", 3)[3])
    texts = ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert label in texts

