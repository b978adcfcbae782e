"""Figures only for the site's own pages: a stranger cannot invent a page.

The form's hidden ``page`` field comes from whoever posts. An address that is
not one of the site's cases or chapters counts towards "other pages" and is
never printed: not in feedback.json, a chart, a page or the command's output.
The attack found: a response to ``Cases/Learner-Council/HMP-Eastwold/`` had the
same chart name as the real ``cases/learner-council-hmp-eastwold/`` and took
its chart over.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.publish import ratings_chart_names
from feedback.store import Store
from tests.builds import copy_example, showcase

from .data import Entry, at, fill

REAL = "cases/learner-council-hmp-eastwold/"
COLLIDING = "Cases/Learner-Council/HMP-Eastwold/"
INVENTED = [
    COLLIDING,
    "www.buy-cheap-pills.example/call-0800-000000/",
    "cases/" + "x" * 990 + "/",  # 1,000 characters
    "cases/learner-council-hmp-eastwold/extra/",
    "cases/no-such-case/",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("site-pages") / "project")


def publish(project: Path, tmp_path: Path, entries: list[Entry]) -> tuple[dict, Path, str]:
    store_path = tmp_path / "collected.sqlite3"
    store = Store(store_path)
    try:
        fill(store, entries)
    finally:
        store.close()
    out = tmp_path / "published"
    result = showcase(project, "feedback", "publish", "--store", str(store_path), "--out", str(out))
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output
    return json.loads((out / "feedback.json").read_text(encoding="utf-8")), out, output


def responses(page: str, key: str, count: int, rating: int) -> list[Entry]:
    return [Entry(f"{key}{n}", page, "case", at("2025-05-02"), "practice", "prison", rating) for n in range(count)]


def test_a_colliding_address_does_not_take_over_the_real_pages_chart(project: Path, tmp_path: Path) -> None:
    data, out, output = publish(project, tmp_path, responses(REAL, "real", 5, 5) + responses(COLLIDING, "fake", 6, 1))
    assert list(data["pages"]) == [REAL]
    assert data["total"] == 5 and data["other_pages"] == 6
    page = data["pages"][REAL]
    assert page["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 5}
    chart = page["ratings_chart"]
    assert chart["alt"].endswith("1: 0; 2: 0; 3: 0; 4: 0; 5: 5.")
    assert (out / chart["file"]).is_file()
    assert [p.name for p in (out / "charts").glob("*ratings*")] == [Path(chart["file"]).name]
    svg = (out / chart["file"]).read_text(encoding="utf-8")
    assert ">6<" not in svg and ">5<" in svg  # the real page's five fives, not the six ones
    assert "6 responses were for addresses that are not pages of this site" in " ".join(output.split())


def test_an_address_in_another_case_is_the_real_page(project: Path, tmp_path: Path) -> None:
    """Matched without regard to case or a missing slash: the same page, counted as it."""
    data, _, _ = publish(project, tmp_path, responses(REAL, "a", 3, 4) + responses("CASES/Learner-Council-HMP-Eastwold",
                                                                                   "b", 3, 4))
    assert list(data["pages"]) == [REAL]
    assert data["pages"][REAL]["count"] == 6 and data["other_pages"] == 0


def test_other_addresses_count_only_towards_other_pages_and_are_printed_nowhere(project: Path,
                                                                                tmp_path: Path) -> None:
    entries = responses(REAL, "real", 5, 3)
    for number, address in enumerate(INVENTED):
        entries += [Entry(f"odd{number}-{n}", address, "case", at("2025-05-03"), "other", "charity", 1,
                          f"ODD-COMMENT-{number}", True, decision="approved") for n in range(2)]
    data, out, output = publish(project, tmp_path, entries)
    assert list(data["pages"]) == [REAL]
    assert data["other_pages"] == 2 * len(INVENTED)
    assert data["total"] == 5  # the site's own pages only
    assert data["by_intention"] == {"practice": 5} and data["by_role"] == {"prison": 5}
    everything = b"\n".join(p.read_bytes() for p in out.rglob("*") if p.is_file()) + output.encode()
    for address in INVENTED:
        if address.startswith(REAL):
            address = address[len(REAL):]  # the real page's own address is published, of course
        assert address.strip("/").encode() not in everything, address
    for word in (b"ODD-COMMENT", b"buy-cheap-pills", b"0800", b"no-such-case", b"xxxxxxxxxx", b"Learner-Council",
                 b"extra"):
        assert word not in everything, word


def test_chart_names_stay_unique_when_the_sites_own_pages_share_a_slug() -> None:
    names = ratings_chart_names(["toolkit/a-b/c/", "toolkit/a/b-c/", "cases/overview-months/", "cases/x/"])
    assert len(set(names.values())) == 4
    assert names["cases/x/"] == "cases-x-ratings.svg"
    assert names["toolkit/a-b/c/"].startswith("toolkit-a-b-c-") and names["toolkit/a/b-c/"].startswith("toolkit-a-b-c-")
    assert ratings_chart_names(["toolkit/a/b-c/", "toolkit/a-b/c/"]) == {
        "toolkit/a/b-c/": names["toolkit/a/b-c/"], "toolkit/a-b/c/": names["toolkit/a-b/c/"]}  # order does not matter
