"""The feedback form as each backend needs it, in real ``mkdocs build --strict``
builds of copies of the example site, read with BeautifulSoup.

One build per backend: receiver, with every default, is the example build the
other test packages share; netlify (with custom prompts), formspree, link and
off are built here, two at a time beside it.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import Tag

from core.form import INTENTIONS, MAX_COMMENT
from core.settings import FeedbackSettings, settings_from
from tests.builds import build, copy_example
from tests.site.sites import (
    Built,
    article,
    example_build,
    read_cases,
    read_taxonomy,
    read_toolkit,
    set_plugin_options,
    text_of,
)

DEFAULTS = FeedbackSettings()
CASE_PROMPT = ("Are you thinking of putting these ideas into practice, already doing something similar, "
               "or just interested? Tell us.")
TOOLKIT_PROMPT = "Already using the toolkit? Tell us more."
CUSTOM_CASE_PROMPT = "Doing this already? <Tell us> & we'll listen."
CUSTOM_TOOLKIT_PROMPT = 'Using the "learner voice" toolkit? Say how it went.'
FORMSPREE_ID = "xqkvbnpa"
LINK_URL = "https://forms.example.org/survey?id=42&from=showcase"
LINK_TEXT = "Answer our short survey"
SENT = "?feedback=sent#feedback-sent"

OPTIONS: dict[str, dict[str, Any]] = {
    "netlify": {"backend": "netlify", "case_prompt": CUSTOM_CASE_PROMPT, "toolkit_prompt": CUSTOM_TOOLKIT_PROMPT},
    "formspree": {"backend": "formspree", "formspree_id": FORMSPREE_ID},
    "link": {"backend": "link", "link_url": LINK_URL, "link_text": LINK_TEXT},
    "off": {"backend": "off"},
}


@dataclass(frozen=True)
class Page:
    url: str  # below the site's root, as the form's hidden `page` carries it
    kind: str  # case or toolkit


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Every backend's build; two at a time in the background while the shared example builds."""
    projects: dict[str, tuple[Path, Path]] = {}
    for name, options in OPTIONS.items():
        root = tmp_path_factory.mktemp(f"feedback-{name}")
        project = copy_example(root / "project")
        set_plugin_options(project, feedback=options)
        projects[name] = (project, root / "site")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(build, project, site) for name, (project, site) in projects.items()}
        built = {"receiver": example_build(tmp_path_factory)}
        for name, future in futures.items():
            result = future.result()
            if result.returncode != 0:
                pytest.fail(f"`mkdocs build --strict` with feedback {OPTIONS[name]} failed:\n"
                            f"{result.stdout}\n{result.stderr}", pytrace=False)
            built[name] = Built(*projects[name])
    return built


@pytest.fixture(scope="module")
def pages(sites: dict[str, Built]) -> list[Page]:
    """Every case page and every toolkit chapter of the example, from its sources."""
    project = sites["receiver"].project
    found = [Page(case.url, "case") for case in read_cases(project)]
    for folder in sorted((project / "docs" / "toolkit").iterdir()):
        if folder.is_dir():
            found += [Page(chapter.url, "toolkit") for chapter in read_toolkit(project, folder.name)[1]]
    assert any(p.kind == "case" for p in found) and any(p.kind == "toolkit" for p in found)
    return found


def other_pages(built: Built) -> list[str]:
    """Pages that are neither a case nor a chapter: they have no form."""
    project = built.project
    urls = ["", "cases/", "about/", "toolkit/"]
    urls += [f"toolkit/{folder.name}/" for folder in (project / "docs" / "toolkit").iterdir() if folder.is_dir()]
    urls += [vocabulary.slug + "/" for vocabulary in read_taxonomy(project)]
    urls += [term.url for vocabulary in read_taxonomy(project) for term in vocabulary.terms[:1]]
    return urls


def section(built: Built, url: str) -> Tag:
    found = article(built.soup(url)).select("section#feedback")
    assert len(found) == 1, f"{url}: {len(found)} feedback sections"
    return found[0]


def form_of(built: Built, url: str) -> Tag:
    """The full form: the section's other form is the one-click "Is this page useful?"."""
    forms = section(built, url).find_all("form")
    assert [f.get("id") for f in forms] == ["feedback-useful-form", "feedback-form"], url
    return forms[1]


def useful_form_of(built: Built, url: str) -> Tag:
    return section(built, url).find_all("form")[0]


_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["']?([^"' >]+)""", re.IGNORECASE)


def scripts(html: str) -> list[str]:
    """The addresses of a page's scripts (a regular expression: quicker than parsing every page)."""
    return _SCRIPT.findall(html)


def role_choices(built: Built) -> list[tuple[str, str]]:
    provider_types = next(v for v in read_taxonomy(built.project) if v.field == "provider_type")
    return [(term.slug, term.label) for term in provider_types.terms] + [("other", "Other")]


def field_names(form: Tag) -> set[str]:
    return {tag["name"] for tag in form.find_all(["input", "textarea", "select"]) if tag.get("name")}


def hidden(form: Tag, name: str) -> str:
    tag = form.find("input", attrs={"name": name})
    assert tag is not None and tag.get("type") == "hidden", f"no hidden {name}"
    return tag.get("value", "")


# ---------------------------------------------------------------- every backend with a form

FORM_BACKENDS = ["receiver", "netlify", "formspree"]
HONEYPOTS = {"receiver": "website", "netlify": "website", "formspree": "_gotcha"}


@pytest.mark.parametrize("backend", FORM_BACKENDS)
def test_every_case_and_chapter_has_the_form_with_its_page_and_kind(sites: dict[str, Built], pages: list[Page],
                                                                    backend: str) -> None:
    built = sites[backend]
    honeypot = HONEYPOTS[backend]
    expected = {"page", "kind", "shown_at", "intention", "role", "rating", "comments", "organisation", "email",
                "consent", honeypot} | ({"form-name", "step", "useful"} if backend == "netlify" else set())
    for page in pages:
        form = form_of(built, page.url)
        assert form.get("method") == "post", page.url
        assert field_names(form) == expected, page.url
        assert hidden(form, "page") == page.url
        assert hidden(form, "kind") == page.kind
        assert hidden(form, "shown_at") == ""
        assert section(built, page.url)["data-backend"] == OPTIONS.get(backend, {}).get("backend", backend)


@pytest.mark.parametrize("backend", [*FORM_BACKENDS, "link"])
def test_pages_other_than_cases_and_chapters_have_no_form(sites: dict[str, Built], backend: str) -> None:
    built = sites[backend]
    for url in other_pages(built):
        soup = built.soup(url)
        assert soup.select("#feedback, form.sc-feedback__form") == [], url


@pytest.mark.parametrize("backend", FORM_BACKENDS)
def test_every_field_has_a_label_and_choices_are_fieldsets_with_legends(sites: dict[str, Built],
                                                                        pages: list[Page], backend: str) -> None:
    built = sites[backend]
    honeypot = HONEYPOTS[backend]
    for page in (pages[0], pages[-1]):
        soup = built.soup(page.url)
        form = form_of(built, page.url)
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), f"{page.url}: duplicate ids"
        for field in form.find_all(["input", "textarea", "select"]):
            if field.get("type") == "hidden":
                continue
            if field["name"] == honeypot:
                assert field.find_parent(attrs={"aria-hidden": "true"}) is not None, "the honeypot is not hidden"
                assert field.get("tabindex") == "-1" and field.get("autocomplete") == "off"
                continue
            labels = form.find_all("label", attrs={"for": field.get("id")})
            assert field.get("id") and len(labels) == 1, f"{page.url}: {field['name']} has no single <label for>"
            assert text_of(labels[0]), f"{field['name']} has an empty label"
        for name in ("intention", "role", "rating"):
            radios = form.find_all("input", attrs={"name": name})
            assert radios and all(r["type"] == "radio" for r in radios)
            fieldsets = {id(r.find_parent("fieldset")) for r in radios}
            assert len(fieldsets) == 1 and None not in {r.find_parent("fieldset") for r in radios}, name
            fieldset = radios[0].find_parent("fieldset")
            legend = fieldset.find(recursive=False)
            assert legend is not None and legend.name == "legend" and text_of(legend), f"{name}: no legend first"
            assert f"{name}-error" in fieldset.get("aria-describedby", "").split()
            assert soup.find(id=f"{name}-error") is not None


@pytest.mark.parametrize("backend", FORM_BACKENDS)
def test_the_choices_and_limits(sites: dict[str, Built], pages: list[Page], backend: str) -> None:
    built = sites[backend]
    form = form_of(built, pages[0].url)

    def choices(name: str) -> list[tuple[str, str]]:
        return [(radio["value"], text_of(form.find("label", attrs={"for": radio["id"]})))
                for radio in form.find_all("input", attrs={"name": name})]

    assert choices("intention") == list(INTENTIONS)
    assert [value for value, _ in INTENTIONS] == ["practice", "similar", "interested", "other"]
    assert choices("role") == role_choices(built)
    assert choices("rating") == [(str(n), str(n)) for n in range(1, 6)]
    for name, required in (("intention", True), ("role", True), ("rating", False)):
        assert all(radio.has_attr("required") == required for radio in form.find_all("input", attrs={"name": name}))
    comments = form.find("textarea", attrs={"name": "comments"})
    assert comments["maxlength"] == str(MAX_COMMENT) == "5000"
    assert not comments.has_attr("required")
    for name in ("organisation", "email", "comments"):
        assert not form.find(attrs={"name": name}).has_attr("required"), f"{name} is optional"
    assert form.find("input", attrs={"name": "email"})["type"] == "email"
    consent = form.find("input", attrs={"name": "consent"})
    assert consent["type"] == "checkbox" and not consent.has_attr("checked")
    assert text_of(form.find("label", attrs={"for": consent["id"]})) == "You may publish my comment without my name"
    assert form.find("input", attrs={"name": "intention", "checked": True}) is None
    assert form.find("input", attrs={"name": "role", "checked": True}) is None
    summary = form.select_one("#feedback-errors")
    assert summary.has_attr("hidden") and summary["tabindex"] == "-1" and summary["role"] == "alert"
    assert form.find("button", attrs={"type": "submit"}) is not None
    thanks = section(built, pages[0].url).select_one("#feedback-sent")
    assert thanks is not None and thanks["tabindex"] == "-1" and "Thank you" in text_of(thanks)


@pytest.mark.parametrize(("backend", "case_prompt", "toolkit_prompt"), [
    ("receiver", CASE_PROMPT, TOOLKIT_PROMPT),
    ("formspree", CASE_PROMPT, TOOLKIT_PROMPT),
    ("link", CASE_PROMPT, TOOLKIT_PROMPT),
    ("netlify", CUSTOM_CASE_PROMPT, CUSTOM_TOOLKIT_PROMPT),
])
def test_the_prompt_fits_the_page_kind_and_mkdocs_yml(sites: dict[str, Built], pages: list[Page], backend: str,
                                                     case_prompt: str, toolkit_prompt: str) -> None:
    assert (DEFAULTS.case_prompt, DEFAULTS.toolkit_prompt) == (CASE_PROMPT, TOOLKIT_PROMPT)
    built = sites[backend]
    for page in pages:
        prompt = section(built, page.url).select_one(".sc-feedback__prompt")
        assert text_of(prompt) == (case_prompt if page.kind == "case" else toolkit_prompt), page.url
        assert prompt.find(True) is None, "the prompt's text became markup"


# ---------------------------------------------------------------- each backend's own markup

def test_receiver_posts_to_the_receiver_and_enhances(sites: dict[str, Built], pages: list[Page]) -> None:
    assert DEFAULTS.receiver_url == "http://127.0.0.1:8765"
    for page in pages:
        form = form_of(sites["receiver"], page.url)
        assert form["action"] == "http://127.0.0.1:8765/submit"
        assert form.get("data-enhance") == "receiver"
        assert not form.has_attr("data-netlify")


def test_netlify_has_what_netlify_needs(sites: dict[str, Built], pages: list[Page]) -> None:
    for page in pages:
        form = form_of(sites["netlify"], page.url)
        assert form.get("data-netlify") == "true"
        assert form.get("name") == "feedback"
        assert form.get("netlify-honeypot") == "website"
        assert hidden(form, "form-name") == "feedback"
        assert form["action"] == f"/{page.url}{SENT}", "Netlify shows the page again, with the thank-you"
        assert not form.has_attr("data-enhance")


def test_formspree_posts_to_formspree_with_its_honeypot(sites: dict[str, Built], pages: list[Page]) -> None:
    for page in pages:
        form = form_of(sites["formspree"], page.url)
        assert form["action"] == f"https://formspree.io/f/{FORMSPREE_ID}"
        assert form.find("input", attrs={"name": "_gotcha"}) is not None
        assert form.find("input", attrs={"name": "website"}) is None
        assert not form.has_attr("data-enhance") and not form.has_attr("data-netlify")


def test_link_is_a_button_to_the_survey_and_no_form(sites: dict[str, Built], pages: list[Page]) -> None:
    for page in pages:
        feedback = section(sites["link"], page.url)
        assert feedback.find("form") is None and feedback.find("input") is None
        links = feedback.find_all("a")
        assert len(links) == 1
        assert links[0]["href"] == LINK_URL and text_of(links[0]) == LINK_TEXT
        assert "md-button" in links[0]["class"]


def test_off_means_no_feedback_at_all(sites: dict[str, Built], pages: list[Page]) -> None:
    built = sites["off"]
    for page in pages:
        soup = built.soup(page.url)
        assert soup.select("#feedback, section.sc-feedback, #feedback-sent, #feedback-form, .sc-feedback__prompt") == []
        assert article(soup).find("form") is None and article(soup).find("input") is None


@pytest.mark.parametrize("backend", ["receiver", "netlify", "formspree", "link", "off"])
def test_feedback_js_only_with_the_receiver(sites: dict[str, Built], backend: str) -> None:
    built = sites[backend]
    wanted = backend == "receiver"
    pages = list(built.site.rglob("*.html"))
    assert len(pages) > 20
    for html in pages:
        text = html.read_text(encoding="utf-8")
        loaded = [src for src in scripts(text) if src.endswith("feedback.js")]
        if wanted and "sc-feedback__form" in text:
            assert len(loaded) == 1, html
        elif not wanted:
            assert loaded == [], html
    if wanted:
        assert (built.site / "assets" / "showcase" / "feedback.js").is_file()


# ---------------------------------------------------------------- settings

@pytest.mark.parametrize(("feedback", "complaint"), [
    ({"backend": "formspree"}, "there is no `formspree_id`"),
    ({"backend": "link"}, "there is no `link_url`"),
    ({"backend": "slack"}, "backend"),
    ({"receiver_url": "not a web address"}, "receiver_url"),
])
def test_incomplete_feedback_settings_are_reported(feedback: dict[str, str], complaint: str) -> None:
    _, problems = settings_from({"feedback": feedback})
    assert problems.errors, f"{feedback} was accepted"
    assert complaint in problems.report()


# ---------------------------------------------------------------- "Is this page useful?"

@pytest.mark.parametrize("backend", FORM_BACKENDS)
def test_the_useful_question_comes_first_with_two_buttons_and_the_form_s_hidden_fields(
        sites: dict[str, Built], pages: list[Page], backend: str) -> None:
    built = sites[backend]
    for page in pages:
        feedback = section(built, page.url)
        useful, full = useful_form_of(built, page.url), form_of(built, page.url)
        assert useful.get("method") == "post" and useful["action"] == (
            f"/{page.url}?feedback=useful#feedback-voted" if backend == "netlify" else full["action"])
        assert hidden(useful, "step") == "useful" and hidden(useful, "page") == page.url
        assert hidden(useful, "kind") == page.kind and hidden(useful, "shown_at") == ""
        assert useful.find("input", attrs={"name": HONEYPOTS[backend]}) is not None
        assert text_of(useful.select_one("#useful-question")) == "Is this page useful?"
        buttons = useful.find_all("button")
        assert [(b["type"], b["name"], b["value"]) for b in buttons] == [
            ("submit", "useful", "yes"), ("submit", "useful", "no")]
        # Seen as "Yes" and "No"; heard with what they answer.
        assert [text_of(b.select_one(".sc-visually-hidden")) for b in buttons] == [
            "this page is useful", "this page is not useful"]
        assert [text_of(b) for b in buttons] == ["Yes this page is useful", "No this page is not useful"]
        # The link that opens the rest without JavaScript, and the rest inside what it opens.
        link = feedback.select_one(".sc-useful__more a")
        assert link["href"] == "#feedback-more" and text_of(link) == "Tell us more about this page"
        assert full.find_parent(id="feedback-more") is not None
        assert full.find_parent(id="feedback-voted") is not None
        order = [tag.get("id") for tag in feedback.find_all(id=True)]
        assert order.index("feedback-useful-form") < order.index("feedback-more") < order.index("feedback-form")
        if backend == "netlify":
            # It posts to the full form's Netlify form, which declares its fields; one form, one source.
            assert hidden(useful, "form-name") == "feedback" and not useful.has_attr("data-netlify")
            assert {"step", "useful", "page", "kind", "shown_at", "website"} <= field_names(full)
        assert useful.get("data-enhance") == ("useful" if backend == "receiver" else None)
