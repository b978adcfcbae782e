"""feedback.json has one definition (core/published.py) that the publisher writes and the site reads.

A round trip through the file gives back the very dataclasses the publisher
built, for stores of every shape; there is one version, which the writer
writes and the reader accepts, and a file of any other is refused. The
site's pages and the publisher's charts list choices in the form's order and
name months alike, because both take them from core.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from core.form import Choices, in_form_order
from core.months import month_name, short_month_name
from core.problems import Problems
from core.published import DATA_FILE, FORMAT_VERSION, PublishedFeedback, dumps, from_json, to_json
from feedback.aggregate import aggregate
from feedback.pages import SitePages
from feedback.publish import publish, published_files
from feedback.store import Store, StoredResponse
from generator.read.feedback_data import read_published
from tests.site.sites import h2, section_after, text_of

from .data import FeedbackSite
from .test_small_numbers import stored

PAGES = ["cases/a/", "cases/b/", "cases/a-b/", "cases/a/b/", "toolkit/t/one/"]
SITE = SitePages.of(PAGES)
CHOICES = Choices(roles=(("prison", "Prison"), ("college", "College"), ("other", "Other")))


def random_store(seed: int) -> list[StoredResponse]:
    """Responses of every kind: small and large pages, hidden tables, comments, odd choices."""
    chance = random.Random(seed)
    items = []
    for number in range(chance.randint(0, 90)):
        comment = chance.choice(["", "", "Helpful, “thanks”.", "<b>not bold</b>"])
        items.append(stored(number, chance.choice([*PAGES, "cases/gone/"]),
                            chance.choice(["2024-12", "2025-01", "2025-03"]),
                            chance.choice(["practice", "similar", "interested", "other", "", "odd"]),
                            chance.choice(["prison", "college", "other", "", "zzz"]),
                            chance.choice([None, 1, 2, 3, 4, 5, 5]), comment,
                            chance.choice(["approved", "pending"])))
    return items


@pytest.mark.parametrize("seed", range(40))
def test_what_the_publisher_writes_the_site_reads_back_as_the_same_dataclasses(seed: int) -> None:
    result = aggregate(random_store(seed), SITE, threshold=random.Random(seed).choice([2, 3, 5]))
    written, files = published_files(result, CHOICES)
    assert type(written) is PublishedFeedback  # nothing for the operator alone (``unmatched``) goes out
    problems = Problems()
    assert from_json(json.loads(files[DATA_FILE]), "published", problems) == written, problems.report()
    assert files[DATA_FILE] == dumps(written)


def test_a_published_folder_reads_back_as_what_was_published(store: Store, tmp_path: Path) -> None:
    items = random_store(7)
    store.save_page("s", [item.response for item in items], None)
    out = tmp_path / "published"
    publish(store, CHOICES, out, SITE)
    written, _ = published_files(aggregate(store.responses(include_spam=True), SITE), CHOICES)
    problems = Problems()
    assert read_published(out, "published", problems) == written, problems.report()
    assert written.charts, "the round trip should carry charts too"


def test_there_is_one_version_the_writer_writes_and_the_reader_takes() -> None:
    written, files = published_files(aggregate([stored(n, "cases/a/", "2025-01") for n in range(6)], SITE), CHOICES)
    data = json.loads(files[DATA_FILE])
    assert data["version"] == to_json(written)["version"] == FORMAT_VERSION
    assert from_json(data, "published", Problems()) == written
    for other in (FORMAT_VERSION - 1, FORMAT_VERSION + 1, str(FORMAT_VERSION), None):
        problems = Problems()
        assert from_json(data | {"version": other}, "published", problems) is None
        older = " It was written by an older Showcase, before the \"Is this page useful?\" votes." \
            if other == FORMAT_VERSION - 1 else ""
        assert [p.format() for p in problems.items] == [
            f"published/feedback.json: error: The published feedback is in format {other!r}, not {FORMAT_VERSION}."
            f"{older}\n    Run `showcase feedback publish` again to rewrite it; do not edit it by hand."]


def test_hostile_files_are_refused_with_the_problem_and_no_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "published"
    folder.mkdir()
    good = json.loads(dumps(published_files(aggregate([], SITE), CHOICES)[0]))
    chart = {"file": "charts/x.svg", "title": "t", "alt": "a"}
    for bad in ([], "text", 7, good | {"pages": []}, good | {"by_month": "lots"},
                good | {"overview_charts": [chart | {"file": 5}]}, good | {"overview_charts": [{"file": "x"}]},
                good | {"overview_charts": [chart | {"file": "x" * 5000}]}):
        (folder / DATA_FILE).write_text(json.dumps(bad), encoding="utf-8")
        problems = Problems()
        assert read_published(folder, "published", problems) is None, bad
        assert problems.report().startswith(
            "published/feedback.json: error: The published feedback cannot be read ("), (bad, problems.report())
    (folder / DATA_FILE).write_text(json.dumps(good | {"overview_charts": [chart]}), encoding="utf-8")
    problems = Problems()
    assert read_published(folder, "published", problems) is None
    assert problems.report().startswith("published/charts/x.svg: error: A chart named in feedback.json is missing.")


# ---------------------------------------------------------------- the twins, now one

def test_the_site_and_the_charts_list_choices_in_the_forms_order(fsite: FeedbackSite) -> None:
    """The form on a case page, the overview's tables and its charts' text alternatives: one order."""
    form = fsite.built.soup(fsite.case_a.url).find("input", attrs={"name": "intention"}).find_parent("form")

    def offered(name: str) -> list[str]:
        return [text_of(form.find("label", attrs={"for": radio["id"]}))
                for radio in form.find_all("input", attrs={"name": name})]

    overview = fsite.built.soup("feedback/")
    for heading, name in (("What brought people to the pages", "intention"), ("Who responded", "role")):
        table = next(e if e.name == "table" else e.find("table") for e in section_after(h2(overview, heading))
                     if e.name == "table" or e.find("table") is not None)
        labels = [text_of(row.find("td")) for row in table.select("tbody tr")]
        form_order = [label for label in [*offered(name), "Not given"] if label in labels]
        assert labels[:len(form_order)] == form_order, heading  # anything the form does not offer comes last
        image = next(e if e.name == "img" else e.find("img") for e in section_after(h2(overview, heading))
                     if e.name == "img" or e.find("img") is not None)
        alt = image["alt"].split(". ", 1)[1].removesuffix(".")
        assert [part.rsplit(": ", 1)[0] for part in alt.split("; ")] == labels, heading


def test_in_form_order_puts_the_forms_choices_first_and_the_rest_after() -> None:
    labels = CHOICES.role_labels
    assert list(labels) == ["prison", "college", "other", "unknown"]
    counts = {"zzz": 1, "unknown": 2, "other": 3, "prison": 4}
    assert in_form_order(counts, labels) == [("Prison", 4), ("Other", 3), ("Not given", 2), ("zzz", 1)]


def test_the_months_chart_and_the_site_name_months_alike(fsite: FeedbackSite) -> None:
    data = json.loads((fsite.published / DATA_FILE).read_text(encoding="utf-8"))
    months = [month for month, _ in data["by_month"]]
    alt = data["overview_charts"][0]["alt"]
    assert all(f"{short_month_name(m)}: " in alt for m in months), alt
    overview = fsite.built.soup("feedback/")
    table = next(e if e.name == "table" else e.find("table") for e in section_after(h2(overview, "Responses by month"))
                 if e.name == "table" or e.find("table") is not None)
    assert [text_of(row.find("td")) for row in table.select("tbody tr")] == [month_name(m) for m in months]
    assert [short_month_name(m) for m in months] == [month_name(m)[:3] + month_name(m)[-5:] for m in months]
