"""The review desk's pages and posts, on a real store and the example site's real pages."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from feedback.desk.app import create_app
from feedback.desk.guard import Guard
from feedback.model import FeedbackResponse
from feedback.store import Store
from tests.builds import showcase
from tests.feedback.publishing.data import Entry, at

from .conftest import ORIGIN, Desk, csrf_of, desk_config
from .helpers import COMMENTS, EMAIL, ORGANISATION, desk_project

TOKEN = "desk-token-for-the-tests-0123456789abcdef"


def test_the_review_page_lists_what_is_waiting_with_its_page_role_and_date(desk: Desk) -> None:
    html = desk.get("/").get_data(as_text=True)
    page = BeautifulSoup(html, "html.parser")
    assert "5 comments waiting for a decision" in page.get_text(" ", strip=True)
    rows = page.select("tbody tr[data-id]")
    assert [int(row["data-id"]) for row in rows] == [desk.made.ids[f"d{n}"] for n in range(1, 6)]
    first = rows[0].get_text(" ", strip=True)
    assert COMMENTS[0] in first and "Prison" in first and "2025-03-11" in first
    link = rows[0].find("a")
    assert link["href"] == f"https://good-practice.example.gov.uk/{desk.made.case.url}"


def test_nothing_personal_is_shown_that_review_does_not_show(desk: Desk) -> None:
    pages = [desk.get(path).get_data(as_text=True) for path in ("/", "/?state=all", "/preview",
                                                                 f"/forget?ids={desk.made.ids['d2']}")]
    for html in pages:
        assert EMAIL not in html and "examplemail" not in html and ORGANISATION not in html
    assert "[email address removed]" in pages[0]


def test_a_post_without_the_csrf_token_or_from_elsewhere_is_refused(desk: Desk) -> None:
    one = desk.made.ids["d1"]
    refused = [desk.post("/decide", {"one": f"approve:{one}"}, csrf=False),
               desk.post("/decide", {"one": f"approve:{one}", "csrf_token": "forged"}, csrf=False),
               desk.post("/decide", {"one": f"approve:{one}"}, origin="http://evil.example"),
               desk.post("/decide", {"one": f"approve:{one}"}, origin=None),
               desk.post("/decide", {"one": f"approve:{one}"}, origin="null")]
    assert [r.status_code for r in refused] == [403] * 5
    assert desk.status("d1") == "pending"
    assert desk.post("/decide", {"one": f"approve:{one}"}).status_code == 303
    assert desk.status("d1") == "approved"


def test_a_token_from_another_session_is_refused(desk: Desk, tmp_path: Path) -> None:
    other = create_app(desk_config(desk.made))  # another process: another secret
    with other.test_client() as client:
        token = csrf_of(client.get("/").get_data(as_text=True))
    answer = desk.client.post("/decide", data={"one": f"approve:{desk.made.ids['d1']}", "csrf_token": token},
                              headers={"Origin": ORIGIN})
    assert answer.status_code == 403
    assert desk.status("d1") == "pending"


def test_several_at_once_and_undo_puts_back_the_last_decision(desk: Desk) -> None:
    ids = desk.made.ids
    assert desk.post("/decide", [("bulk", "approve"), ("ids", ids["d1"]), ("ids", ids["d2"])]).status_code == 303
    assert (desk.status("d1"), desk.status("d2")) == ("approved", "approved")
    said = desk.get("/").get_data(as_text=True)
    assert f"Approved #{ids['d1']}" in said and "Undo the last decision (2 comments)" in said
    desk.post("/decide", {"one": f"reject:{ids['d1']}"})
    assert desk.status("d1") == "rejected"
    desk.post("/undo", {})
    assert (desk.status("d1"), desk.status("d2")) == ("approved", "approved")  # back to approved, not pending
    desk.post("/decide", [("bulk", "reject"), ("ids", ids["d3"]), ("ids", ids["d4"])])
    desk.post("/undo", {})
    assert (desk.status("d3"), desk.status("d4")) == ("pending", "pending")
    desk.post("/undo", {})
    assert "There is no decision to undo." in desk.get("/").get_data(as_text=True)


def test_undo_leaves_alone_what_was_decided_elsewhere_since(desk: Desk) -> None:
    ids = desk.made.ids
    desk.post("/decide", {"one": f"approve:{ids['d1']}"})
    assert showcase(desk.made.project, "feedback", "reject", str(ids["d1"])).returncode == 0
    desk.post("/undo", {})
    assert desk.status("d1") == "rejected"
    assert "was left as it is" in desk.get("/").get_data(as_text=True)


def test_a_comment_without_permission_cannot_be_approved(tmp_path: Path) -> None:
    private = Entry("private", "", "case", at("2025-03-20"), "practice", "prison", 3, "PRIVATE: call me.", False)
    made = desk_project(tmp_path, [private])
    app = create_app(desk_config(made))
    with app.test_client() as client:
        desk = Desk(made, client)
        row = BeautifulSoup(desk.get("/").get_data(as_text=True), "html.parser").select_one(
            f"tr[data-id='{made.ids['private']}']")
        assert row is not None and "did not agree" in row.get_text() and row.select("button[data-key=a]") == []
        desk.post("/decide", {"one": f"approve:{made.ids['private']}"})
        assert desk.status("private") == "pending"
        assert "its writer did not agree to publication" in desk.get("/").get_data(as_text=True)


def test_forget_asks_first_and_cannot_be_undone(desk: Desk) -> None:
    four = desk.made.ids["d4"]
    asked = desk.post("/decide", [("bulk", "forget"), ("ids", four)])
    assert asked.status_code == 303 and asked.headers["Location"].startswith(f"/forget?ids={four}")
    confirm = desk.get(asked.headers["Location"]).get_data(as_text=True)
    assert "This cannot be undone" in confirm and COMMENTS[3] in confirm
    assert desk.status("d4") == "pending"  # asking deletes nothing
    assert desk.post("/forget", {"ids": four}).status_code == 400  # not confirmed
    assert desk.status("d4") == "pending"
    desk.post("/decide", {"one": f"approve:{desk.made.ids['d1']}"})
    assert desk.post("/forget", {"ids": four, "confirm": "yes"}).status_code == 303
    assert desk.status("d4") is None
    said = BeautifulSoup(desk.get("/").get_data(as_text=True), "html.parser").get_text(" ")
    assert f"Deleted #{four} for good" in said and 'came from the source "test-source"' in said
    desk.post("/undo", {})  # takes back the approval, and cannot bring the erased response back
    assert desk.status("d4") is None and desk.status("d1") == "pending"


def test_filters_by_page_source_and_state(tmp_path: Path) -> None:
    made = desk_project(tmp_path)
    other = FeedbackResponse("another-source", "elsewhere", "toolkit/learner-voice/", "toolkit", "", "", None,
                             "ELSEWHERE", True, False, at("2025-03-21"))
    store = Store(made.store_path)
    try:
        store.save_page("another-source", [other], None)
    finally:
        store.close()
    app = create_app(desk_config(made))
    with app.test_client() as client:
        desk = Desk(made, client)
        desk.post("/decide", {"one": f"reject:{made.ids['d1']}"})

        def shown(query: str) -> list[str]:
            html = desk.get(f"/{query}").get_data(as_text=True)
            return [row.select_one(".text").get_text() for row in
                    BeautifulSoup(html, "html.parser").select("tbody tr[data-id]")]

        assert len(shown("")) == 5  # four of the case's waiting, and the other page's
        assert shown("?source=another-source") == ["ELSEWHERE"]
        assert [text[:9] for text in shown(f"?page={made.case.url}")] == [c[:9] for c in COMMENTS[1:]]
        assert shown("?state=rejected") == [COMMENTS[0]]
        assert len(shown("?state=all")) == 6
        waiting = BeautifulSoup(desk.get("/?state=rejected").get_data(as_text=True), "html.parser")
        assert "5 comments waiting" in waiting.get_text(" ", strip=True)


def test_every_form_that_posts_carries_the_csrf_token(desk: Desk) -> None:
    desk.post("/decide", {"one": f"approve:{desk.made.ids['d1']}"})  # so that Undo shows too
    for path in ("/", "/preview", f"/forget?ids={desk.made.ids['d2']}"):
        forms = BeautifulSoup(desk.get(path).get_data(as_text=True), "html.parser").find_all("form")
        posting = [f for f in forms if f.get("method") == "post"]
        assert posting, path
        for form in posting:
            assert form.find("input", attrs={"name": "csrf_token"})["value"], (path, form.get("action"))
        assert all(f.get("method") == "get" for f in forms if f not in posting)  # only the filters


def test_the_preview_is_what_publish_writes_and_the_button_runs_publish(desk: Desk) -> None:
    ids = desk.made.ids
    desk.post("/decide", [("bulk", "approve"), ("ids", ids["d1"]), ("ids", ids["d2"])])
    preview = BeautifulSoup(desk.get("/preview").get_data(as_text=True), "html.parser")
    assert preview.select_one("#preview-total").get_text() == "5"
    assert preview.select_one("#preview-comments").get_text() == "2"
    shown = [li.select_one(".text").get_text() for li in preview.select(".comments li")]
    assert shown == [COMMENTS[0], "DESK-TWO: write to me at [email address removed] and I will share our terms "
                                  "of reference."]
    assert not (desk.made.project / "data" / "feedback").exists()  # the preview wrote nothing
    answer = desk.post("/publish", {})
    assert answer.status_code == 303 and answer.headers["Location"] == "/published"
    assert "Published" in desk.get("/published").get_data(as_text=True)
    by_desk = {p.relative_to(desk.made.project / "data" / "feedback"): p.read_bytes()
               for p in (desk.made.project / "data" / "feedback").rglob("*") if p.is_file()}
    command = showcase(desk.made.project, "feedback", "publish", "--out", "by-command")
    assert command.returncode == 0, command.stdout
    by_command = {p.relative_to(desk.made.project / "by-command"): p.read_bytes()
                  for p in (desk.made.project / "by-command").rglob("*") if p.is_file()}
    assert by_desk == by_command and Path("feedback.json") in by_desk


def test_only_loopback_names_are_answered_on_loopback(desk: Desk) -> None:
    assert desk.get("/", headers={"Host": "rebound.example:8080"}).status_code == 400
    assert desk.get("/", headers={"Host": "127.0.0.1:8080"}).status_code == 200


def test_another_address_needs_the_token_once_per_browser(tmp_path: Path) -> None:
    made = desk_project(tmp_path)
    app = create_app(desk_config(made, Guard.make("0.0.0.0", TOKEN)))
    with app.test_client() as client:
        assert client.get("/", headers={"Host": "desk.example"}).status_code == 401
        assert client.get("/?token=wrong", headers={"Host": "desk.example"}).status_code == 401
        entered = client.get(f"/preview?token={TOKEN}", headers={"Host": "desk.example"})
        assert entered.status_code == 303 and entered.headers["Location"] == "/preview"  # the token leaves the address
        assert client.get("/", headers={"Host": "desk.example"}).status_code == 200
    with app.test_client() as stranger:
        assert stranger.get("/", headers={"Host": "desk.example"}).status_code == 401


def test_the_preview_says_what_the_next_publish_adds_and_takes_off(desk: Desk) -> None:
    ids = desk.made.ids
    desk.post("/decide", [("bulk", "approve"), ("ids", ids["d1"]), ("ids", ids["d3"])])
    desk.post("/publish", {})
    desk.post("/decide", {"one": f"reject:{ids['d3']}"})
    desk.post("/decide", {"one": f"approve:{ids['d5']}"})
    preview = BeautifulSoup(desk.get("/preview").get_data(as_text=True), "html.parser")
    row = [cell.get_text(strip=True) for cell in preview.select("#preview-pages tbody td")]
    assert row == [f"/{desk.made.case.url}(opens in a new tab)", "5", "5", "2", "2"]
    shown = {li.select_one(".text").get_text(): bool(li.select_one(".tag-new"))
             for li in preview.select(".comments:not(.leaving) li")}
    assert shown == {COMMENTS[0]: False, COMMENTS[4]: True}
    assert [li.get_text(strip=True) for li in preview.select(".leaving li")] == [COMMENTS[2]]
