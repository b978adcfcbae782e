"""WCAG 2.2 AA, measured in headless Chromium (issue 10, §1).

- axe-core (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) finds no violation on any
  kind of page the site and the receiver write, at 1280 and 375 wide: the built pages, the
  search with its filters open, the feedback form with its error summary and its thank-you
  (with JavaScript and without), the published feedback, and the receiver's refusal page.
- No page scrolls sideways at 320 px wide (WCAG 1.4.10 Reflow: 1280 px at 400% zoom).
- On a case page, every Tab stop is visible, not hidden under the sticky header, has a name
  (as Chromium's accessibility tree gives it), and a focus indicator of at least 3:1 against
  what is behind it (WCAG 2.4.7, 2.4.11, 1.4.11, 4.1.2).

Screenshots go to /tmp/showcase-shots/a11y-*.png.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.feedback.publishing.data import FeedbackSite as PublishedSite
from tests.feedback.publishing.data import feedback_url
from tests.site.sites import Built, first_chapter, read_cases, read_taxonomy

from .axe import WIDTHS, axe_violations, contrast, over, parse_colour, require_axe
from .conftest import serve_folder
from .feedback_site import SHOWN_AT, FeedbackSite, fill, open_more, serve_feedback_site, wait_until_not_too_fast

pytestmark = pytest.mark.browser

SENT = "?feedback=sent#feedback-sent"
STATIC_KINDS = ["home", "browse", "vocabulary", "term", "case", "toolkits", "toolkit", "chapter", "toolkit_print",
                "about", "404"]


def static_pages(project: Path) -> dict[str, str]:
    """One page of each kind the build writes, by its address below the site's root."""
    vocabulary = read_taxonomy(project)[0]
    chapter = first_chapter(project)
    return {
        "home": "",
        "browse": "cases/",
        "vocabulary": f"{vocabulary.slug}/",
        "term": f"{vocabulary.slug}/{vocabulary.terms[0].slug}/",
        "case": read_cases(project)[0].url,
        "toolkits": "toolkit/",
        "toolkit": f"toolkit/{chapter.toolkit}/",
        "chapter": chapter.url,
        "toolkit_print": f"toolkit/{chapter.toolkit}/print/",  # the whole toolkit, to print (issue 10, §2)
        "about": "about/",
        "404": "404.html",
    }


@pytest.fixture
def tools() -> None:
    require_axe()


def open_page(browser, width: int, *, javascript: bool = True):
    # bypass_csp: the receiver's pages allow no script at all, and axe is one.
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                  bypass_csp=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def assert_no_violations(page, what: str, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"a11y-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], f"axe finds {len(violations)} failing nodes on {what}:\n" + "\n".join(violations)


# ---------------------------------------------------------------- the built pages

@pytest.mark.timeout(90)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("kind", STATIC_KINDS)
def test_axe_finds_nothing_on_each_kind_of_page(tools, browser, base_url: str, built_example: Built, shots: Path,
                                                kind: str, width: int) -> None:
    url = base_url + static_pages(built_example.project)[kind]
    context, page = open_page(browser, width)
    try:
        page.goto(url)
        page.wait_for_load_state("load")
        assert_no_violations(page, f"{kind} ({url}) at {width} px", shots, f"{kind}-{width}")
    finally:
        context.close()


@pytest.mark.timeout(90)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_axe_finds_nothing_on_the_search_with_its_filters_open(tools, browser, base_url: str, shots: Path,
                                                               width: int) -> None:
    context, page = open_page(browser, width)
    try:
        page.goto(base_url + "search/?q=learner")
        page.locator("[data-search-result]").first.wait_for(state="visible")
        page.locator("[data-search-count]").first.wait_for(state="attached")
        filters = page.locator("[data-search-filters]")
        if filters.get_attribute("open") is None:
            page.locator(".sc-search__filters-toggle").click()
        page.locator(".sc-search__facet").first.wait_for(state="visible")
        page.locator(".sc-search__option input").first.check()  # a chosen filter, and its count, shown
        page.wait_for_function("document.querySelector('[data-search-chosen]').textContent.trim() !== ''")
        page.locator("[data-search-result]").first.wait_for(state="visible")
        assert_no_violations(page, f"the search at {width} px", shots, f"search-{width}")
    finally:
        context.close()


# ---------------------------------------------------------------- the feedback form and the receiver

@pytest.fixture(scope="module")
def feedback_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedbackSite]:
    yield from serve_feedback_site(tmp_path_factory.mktemp("a11y-feedback"))


FORM_STATES = ["errors-js", "sent-js", "errors-nojs", "sent-nojs", "useful-js", "useful-nojs"]


def show_form_state(page, site: FeedbackSite, state: str) -> str:
    """Bring the form (or the receiver's page) into ``state``; what it is, for the message."""
    url = site.base_url + site.case_url
    page.goto(url)
    send = page.get_by_role("button", name="Send feedback")
    if state.startswith("useful"):
        # "Is this page useful?" answered: the thank-you, and the rest of the form open below it.
        if state == "useful-js":
            page.wait_for_function(f"{SHOWN_AT}.value !== ''")
            wait_until_not_too_fast(page)
        with page.expect_response(lambda r: r.url.startswith(site.receiver.submit)):
            page.get_by_role("button", name="Yes this page is useful").click()
        page.locator("#feedback-more").wait_for(state="visible")
        return f"the vote's thank-you and the rest of the form (JavaScript {'on' if state == 'useful-js' else 'off'})"
    if state == "errors-js":
        page.wait_for_function(f"{SHOWN_AT}.value !== ''")
        open_more(page)
        send.click()
        page.locator("#feedback-errors").wait_for(state="visible")
        return "the form's error summary (JavaScript on)"
    if state == "sent-js":
        fill(page, "Accessible feedback, sent in the background.")
        wait_until_not_too_fast(page)
        send.click()
        page.locator("#feedback-sent").wait_for(state="visible")
        return "the form's thank-you (JavaScript on)"
    if state == "errors-nojs":
        # The browser's own checks (required) stop an empty form; the receiver checks again,
        # and answers a plain post with its error page. form.submit() posts without either check.
        with page.expect_navigation(url=site.receiver.submit):
            page.evaluate("document.getElementById('feedback-form').submit()")
        assert "problem" in page.locator("h1").inner_text()
        return "the receiver's error page (a plain post, as without JavaScript)"
    fill(page, "Accessible feedback, posted without JavaScript.")
    with page.expect_navigation(url=url + SENT):
        send.click()
    page.locator("#feedback-sent").wait_for(state="visible")
    return "the form's thank-you (JavaScript off)"


@pytest.mark.timeout(90)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("state", FORM_STATES)
def test_axe_finds_nothing_on_the_feedback_form_and_the_receivers_pages(tools, browser, feedback_site: FeedbackSite,
                                                                        shots: Path, state: str, width: int) -> None:
    context, page = open_page(browser, width, javascript=state not in ("sent-nojs", "useful-nojs"))
    try:
        what = show_form_state(page, feedback_site, state)
        if state in ("sent-nojs", "useful-nojs"):
            # axe is a script: it runs in a page of its own context, with JavaScript, on the same markup.
            html, address = page.content(), page.url
            context.close()
            context, page = open_page(browser, width)
            page.route(address, lambda route: route.fulfill(body=html, content_type="text/html"))
            page.goto(address)
        assert_no_violations(page, f"{what} at {width} px", shots, f"form-{state}-{width}")
    finally:
        context.close()


# ---------------------------------------------------------------- the published feedback

@pytest.fixture(scope="module")
def published_url(fsite: PublishedSite) -> Iterator[str]:
    with serve_folder(fsite.site) as url:
        yield url


@pytest.mark.timeout(90)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("kind", ["overview", "page"])
def test_axe_finds_nothing_on_the_published_feedback(tools, browser, fsite: PublishedSite, published_url: str,
                                                     shots: Path, kind: str, width: int) -> None:
    url = published_url + ("feedback/" if kind == "overview" else feedback_url(fsite.case_a.url))
    context, page = open_page(browser, width)
    try:
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} was not built"
        assert_no_violations(page, f"the feedback {kind} ({url}) at {width} px", shots, f"feedback-{kind}-{width}")
    finally:
        context.close()


# ---------------------------------------------------------------- reflow at 320 px

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const clips = ['auto', 'scroll', 'hidden', 'clip'];  // a table that scrolls in its own box is allowed
    const scrolls = (el) => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (clips.includes(getComputedStyle(a).overflowX)) return true; } return false; };
    const wide = [...document.querySelectorAll('.md-content *, .md-header *, .md-footer *')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.right > width + 1 && !scrolls(el)
            && getComputedStyle(el).position !== 'fixed';
    }).slice(0, 5).map(el => el.tagName.toLowerCase()
        + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
        + ' right ' + Math.round(el.getBoundingClientRect().right));
    return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


@pytest.mark.timeout(120)
def test_no_page_scrolls_sideways_at_320_px(tools, browser, base_url: str, built_example: Built,
                                            fsite: PublishedSite, published_url: str, shots: Path) -> None:
    pages = [base_url + url for url in static_pages(built_example.project).values()]
    pages += [base_url + "search/?q=learner", published_url + "feedback/",
              published_url + feedback_url(fsite.case_a.url)]
    context, page = open_page(browser, 320)
    problems = []
    try:
        for url in pages:
            page.goto(url)
            page.wait_for_load_state("load")
            found = page.evaluate(OVERFLOW)
            if found["scrollWidth"] > found["width"] or found["wide"]:
                name = url.removeprefix(base_url).strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(shots / f"a11y-reflow-{name}.png"))
                problems.append(f"{url}: {found['scrollWidth']} px wide in {found['width']}; {found['wide']}")
    finally:
        context.close()
    assert problems == [], "pages that scroll sideways at 320 px:\n" + "\n".join(problems)


# ---------------------------------------------------------------- Tab order on a case page

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    for (const animation of document.getAnimations()) animation.finish();  // the skip link slides in, say
    const seen = el.dataset.a11yStop !== undefined;
    el.dataset.a11yStop = '';
    const box = (e) => e.getBoundingClientRect();
    let shown = el;
    // A visually hidden input (Material's drawer toggle, a custom checkbox) shows its focus on its label.
    if ((box(el).width <= 2 || box(el).height <= 2) && el.labels) {
        shown = [...el.labels].find(l => box(l).width > 2 && box(l).height > 2) || el;
    }
    const r = box(shown);
    const style = getComputedStyle(shown);
    let background = 'rgb(255, 255, 255)';
    for (let a = shown.parentElement; a; a = a.parentElement) {
        const bg = getComputedStyle(a).backgroundColor;
        if (bg && bg !== 'transparent' && !/rgba\\([^)]*,\\s*0\\)$/.test(bg)) { background = bg; break; }
    }
    let visible = style.visibility === 'visible' && r.width > 2 && r.height > 2 && r.bottom > 0 && r.right > 0
        && r.top < innerHeight && r.left < innerWidth;
    for (let a = shown; a && visible; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.opacity === '0' || s.display === 'none') visible = false;
    }
    // Not hidden under anything else, such as the sticky header (WCAG 2.4.11).
    let covered = null;
    if (visible) {
        const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
        const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
        const top = document.elementFromPoint(x, y);
        const ours = top === shown || shown.contains(top) || top.contains(shown)
            || (el.labels && [...el.labels].some(l => l === top || l.contains(top)));
        if (top && !ours) {
            covered = top.tagName.toLowerCase() + '.' + String(top.className).split(' ').join('.');
        }
    }
    const href = el.getAttribute('href');
    return {
        seen, key: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (href ? '[href=' + href + ']' : ''),
        text: (shown.innerText || shown.getAttribute('aria-label') || shown.value || '').trim().slice(0, 40),
        visible, covered, background,
        outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColor: style.outlineColor, boxShadow: style.boxShadow,
    };
}"""


def indicator_contrast(stop: dict[str, Any]) -> float:
    """The best contrast of the focus indicator's colours (outline, box-shadows) against the background."""
    background_colour = parse_colour(stop["background"])
    assert background_colour is not None
    background = over(background_colour, (255, 255, 255))
    colours = []
    if stop["outlineStyle"] not in ("none", "hidden") and stop["outlineWidth"] >= 2:
        colours.append(stop["outlineColor"])
    if stop["boxShadow"] and stop["boxShadow"] != "none":
        for shadow in stop["boxShadow"].split("), "):
            colours.append(shadow if shadow.endswith(")") or "rgb" not in shadow else shadow + ")")
    best = 1.0
    for css in colours:
        parsed = parse_colour(css)
        if parsed is not None and parsed[1] > 0:
            best = max(best, contrast(over(parsed, background), background))
    return best


def accessible_name(cdp) -> str:
    """The computed accessible name of the focused element, from Chromium's accessibility tree."""
    focused = cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})["result"]
    nodes = cdp.send("Accessibility.getPartialAXTree", {"objectId": focused["objectId"],
                                                        "fetchRelatives": False})["nodes"]
    return str(((nodes[0].get("name") or {}).get("value") or "") if nodes else "").strip()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_tab_stop_on_a_case_page_is_visible_with_a_clear_focus_indicator(
        tools, browser, base_url: str, built_example: Built, shots: Path, width: int) -> None:
    context, page = open_page(browser, width)
    problems: list[str] = []
    stops: list[str] = []
    cdp = context.new_cdp_session(page)  # Chromium's accessibility tree: the name a screen reader says
    try:
        page.goto(base_url + read_cases(built_example.project)[0].url)
        page.wait_for_load_state("load")
        for number in range(1, 301):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUSED)
            if stop is None:
                continue
            if stop["seen"]:
                break  # round again to the start
            stops.append(stop["key"])
            where = f"Tab {number}: {stop['key']} {stop['text']!r}"
            if not stop["visible"]:
                problems.append(f"{where} is not visible")
                continue
            if not accessible_name(cdp):
                problems.append(f"{where} has no accessible name")
            if stop["covered"]:
                problems.append(f"{where} is hidden under {stop['covered']}")
            ratio = indicator_contrast(stop)
            if ratio < 3:
                problems.append(f"{where}: focus indicator {ratio:.2f}:1 against {stop['background']} "
                                f"(outline {stop['outlineStyle']} {stop['outlineWidth']}px {stop['outlineColor']}, "
                                f"box-shadow {stop['boxShadow']})")
            if number in (1, 2, 3):
                page.screenshot(path=str(shots / f"a11y-focus-{width}-{number}.png"))
        else:
            problems.append("300 Tab presses never came round to the start again")
        assert len(stops) > 10, f"only {len(stops)} Tab stops: {stops}"
    finally:
        context.close()
    assert problems == [], f"{len(problems)} of {len(stops)} Tab stops at {width} px:\n" + "\n".join(problems)


SKIPPED_TO = """() => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const h1 = document.querySelector('.md-content h1');
    if (!target || !h1) return {target: !!target, h1: !!h1};
    const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
    const between = headings.filter(h => h !== h1 && before(target, h) && before(h, h1));
    return {target: true, h1: true, landsOnOrBeforeH1: target === h1 || target.contains(h1) || before(target, h1),
            headingsBetween: between.length,
            focused: document.activeElement === target || target.contains(document.activeElement)};
}"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("kind", ["home", "case", "chapter"])
def test_the_skip_link_comes_first_and_lands_on_the_pages_heading(tools, browser, base_url: str,
                                                                  built_example: Built, kind: str,
                                                                  width: int) -> None:
    context, page = open_page(browser, width)
    try:
        page.goto(base_url + static_pages(built_example.project)[kind])
        page.wait_for_load_state("load")
        page.keyboard.press("Tab")
        if width < 1220 and page.evaluate("document.activeElement.id") == "__drawer":
            page.keyboard.press("Tab")  # on narrow screens the navigation toggle comes first
        focused = page.evaluate("document.activeElement.innerText.trim()")
        assert focused == "Skip to content", f"the first Tab stop is {focused!r}"
        page.keyboard.press("Enter")
        landed = page.evaluate(SKIPPED_TO)
        assert landed.get("landsOnOrBeforeH1") and landed.get("headingsBetween") == 0, landed
        assert landed.get("focused"), "focus moves to where the skip link leads, so Tab goes on from there"
    finally:
        context.close()
