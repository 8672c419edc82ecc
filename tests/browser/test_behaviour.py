"""What a reader does: search, follow links, switch the theme, share a section, use the keyboard.

Each test opens its own fresh browser context (empty storage, every outside request aborted and
reported). Pages are picked from what the built pages hold, so the tests keep working as pages come
and go: "a chapter with a graph and math", "the page with the most headings".
"""
import re
import time

import pytest
from playwright.sync_api import expect

from browsing import watch_errors

HEADER_ROOM = 150  # px: a heading that "lands" sits just below Material's fixed header


def _scheme(page):
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def _chapter_with_graph_and_math(built):
    """A chapter with a graph and a formula, linked from the home page (the chapter table)."""
    home = next(b for b in built if b.path == "")
    found = [b.path for b in built if b.chapter and b.graphs and b.formulas and b.path in home.links]
    if not found:  # the chapters have both, and the home page links them: missing means broken
        pytest.fail("no chapter linked from the home page has both a graph and a formula", pytrace=False)
    return found[0]


def _follow_link(page, path):
    """Click a visible link to `path` (relative to the site's root) on the page, as a reader would,
    and wait until the browser shows that page."""
    found = page.evaluate("""(path) => {
        const want = new URL(path, __md_scope).href;  // __md_scope: Material's URL of the site root
        const link = [...document.querySelectorAll("a[href]")]
            .find((a) => a.offsetParent !== null && a.href.split("#")[0] === want);
        document.querySelectorAll("[data-mg-follow]").forEach((a) => a.removeAttribute("data-mg-follow"));
        if (link) link.setAttribute("data-mg-follow", "");
        return !!link;
    }""", path)
    assert found, f"no visible link to /{path} on {page.url}"
    page.evaluate("document.querySelector('article').setAttribute('data-mg-left', '')")
    page.locator("[data-mg-follow]").click()
    page.wait_for_url(lambda url: url.split("#")[0].split("?")[0].endswith("/" + path))
    page.wait_for_function("!document.querySelector('article[data-mg-left]')")  # the new page is in


def _assert_rendered(page, where):
    """Every formula is typeset and every graph drawn, in the page as it is now."""
    state = page.evaluate("""() => ({
        formulas: document.querySelectorAll('.arithmatex').length,
        bare: [...document.querySelectorAll('.arithmatex')].filter(f => !f.querySelector('.katex')).length,
        graphs: [...document.querySelectorAll('figure.mg-graph svg')].map(s => s.getBoundingClientRect().width),
    })""")
    assert state["formulas"] and not state["bare"], f"{where}: {state['bare']} of {state['formulas']} formulas not rendered"
    assert state["graphs"] and all(state["graphs"]), f"{where}: graphs not drawn: widths {state['graphs']}"


def test_search_for_topological_finds_the_whole_graph_chapter(new_context):
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto("")
    page.locator("input.md-search__input").click()
    page.keyboard.type("topological")
    hit = page.locator('.md-search-result__item a[href*="backward-whole-graph/"]').first
    hit.wait_for(timeout=10_000)
    hit.click()
    page.wait_for_url("**/backward-whole-graph/**")
    expect(page).to_have_title(re.compile("backward", re.I))
    expect(page.locator(".md-content mark").first).to_have_text(re.compile("topological", re.I))  # highlighted
    assert not errors, errors


def test_instant_navigation_keeps_math_and_graphs_rendered(new_context, built):
    target = _chapter_with_graph_and_math(built)
    links = next(b.links for b in built if b.path == target)
    notebook = next((b.path for b in built if b.notebook and b.path in links), None)  # one the chapter links to
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto("")
    page.evaluate("window.__mgNoReload = 'still here'")  # gone if a link does a full page load

    _follow_link(page, target)
    page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0")
    assert page.evaluate("window.__mgNoReload") == "still here", "following the link reloaded the whole page"
    _assert_rendered(page, f"/{target} after instant navigation")

    if notebook:  # notebook pages bring their own stylesheet: it must apply after instant navigation too
        _follow_link(page, notebook)
        page.wait_for_function("getComputedStyle(document.querySelector('.jupyter-wrapper'))"
                               ".getPropertyValue('--jp-cell-padding').trim() !== ''")  # its stylesheet applies
        page.go_back()
        page.wait_for_url(lambda url: url.split("#")[0].endswith("/" + target))
        page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0")
        _assert_rendered(page, f"/{target} after going back")
    assert page.evaluate("window.__mgNoReload") == "still here", "navigation reloaded the whole page"
    assert not errors, errors


def test_theme_toggle_switches_and_persists(new_context, built):
    target = _chapter_with_graph_and_math(built)
    context = new_context("light")
    page = context.new_page()
    page.goto("")
    assert _scheme(page) == "default"
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    for _ in range(3):  # the toggle cycles: follow the system -> light -> dark -> follow the system
        page.locator('form[data-md-component="palette"] label:visible').first.click()
        if _scheme(page) == "slate":
            break
    assert _scheme(page) == "slate", "the toggle never switched to dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light_bg

    _follow_link(page, target)  # instant navigation
    assert _scheme(page) == "slate", "the choice was lost on navigation"
    page.reload()
    assert _scheme(page) == "slate", "the choice was lost on reload"
    other = context.new_page()
    other.goto(target)
    assert _scheme(other) == "slate", "the choice was lost in a new tab"
    fill = other.evaluate("getComputedStyle(document.querySelector('figure.mg-graph svg text')).fill")
    assert fill != "rgb(0, 0, 0)", "graph text stays black on the dark page"


def test_permalink_lands_on_its_heading(new_context, built):
    pages = [b for b in built if len(b.headings) >= 3]
    if not pages:  # every chapter has more: none means the headings lost their permalinks
        pytest.fail("no page has three linked headings", pytrace=False)
    visit = max(pages, key=lambda b: len(b.headings))
    heading = visit.headings[len(visit.headings) // 3]  # with a few screens below it
    page = new_context().new_page()
    page.goto(visit.path)

    def landed():
        """Where the heading is: at the top under the header, or as high as the page can scroll."""
        state = page.evaluate(f"""() => ({{
            hash: location.hash, scroll: window.scrollY,
            bottom: window.scrollY >= document.scrollingElement.scrollHeight - window.innerHeight - 1,
            top: document.getElementById({heading!r}).getBoundingClientRect().top }})""")
        state["landed"] = (state["hash"] == f"#{heading}" and state["scroll"] > 0
                           and 0 <= state["top"] <= (window_height if state["bottom"] else HEADER_ROOM))
        return state

    window_height = page.viewport_size["height"]

    settle(page)  # the page as a reader sees it before clicking
    here = page.url.split("#")[0]
    refetched = []  # Material's instant navigation fetching this very page again for the click
    page.on("request", lambda r: refetched.append(r.url) if r.url.split("#")[0] == here else None)
    page.locator(f'[id="{heading}"] a.headerlink').click()  # scrolls it into view, then clicks
    # The browser follows a link within the page as it is clicked (docs/assets/anchors.js); the
    # polling only leaves room for a busy machine to paint.
    state = until_landed(landed)
    assert state["hash"] == f"#{heading}", f"clicked the permalink of #{heading}, the address names another section: {state}"
    assert state["landed"], f"clicked the permalink of #{heading}: {state}"
    # The click that landed elsewhere: instant navigation took it, fetched the page again, and meanwhile
    # its scroll memory (written 100 ms after the scroll into view) made it restore that old position.
    assert not refetched, f"following a link within the page fetched the page again: {refetched}"

    page = new_context().new_page()  # a reader following a shared link
    page.goto(f"{visit.path}#{heading}")
    settle(page)
    state = until_landed(landed)
    assert state["hash"] == f"#{heading}", f"opened /{visit.path}#{heading}, the address names another section: {state}"
    assert state["landed"], f"opened /{visit.path}#{heading}: {state}"


def settle(page):
    """Wait until nothing on the page will still move: requests done, fonts in, math typeset."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    page.wait_for_function("[...document.querySelectorAll('.arithmatex')].every(e => e.querySelector('.katex'))")


def until_landed(landed, seconds=20.0):
    """Poll `landed()` until it says so or `seconds` pass (no fixed sleep: it flakes under load)."""
    deadline = time.monotonic() + seconds
    state = landed()
    while not state["landed"] and time.monotonic() < deadline:
        time.sleep(0.1)
        state = landed()
    return state


def test_keyboard_alone_reaches_search_and_the_next_page(new_context):
    page = new_context().new_page()
    page.goto("")
    next_url = page.evaluate("document.querySelector('a.md-footer__link--next').href")
    reached = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            return e.matches('input.md-search__input') ? 'search'
                 : e.matches('a.md-footer__link--next') ? 'next' : null; }""")
        if focused and focused not in reached:
            reached.append(focused)
        if focused == "next":
            break
    assert reached == ["search", "next"], f"Tab reached {reached}"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.split("#")[0] == next_url)


def test_missing_content_fails_instead_of_skipping():
    """A browser test that finds no page to test fails (in CI and out): a skip would pass quietly."""
    from browsing import Built

    bare = [Built("", False, 0, 0, False, [], set()), Built("overview/", True, 0, 3, False, ["a", "b"], set())]
    with pytest.raises(pytest.fail.Exception, match="no chapter linked from the home page"):
        _chapter_with_graph_and_math(bare)
    with pytest.raises(pytest.fail.Exception, match="no page has three linked headings"):
        test_permalink_lands_on_its_heading(None, bare)
