"""The Chinese edition (/zh/: mkdocs.zh.yml, docs/hooks/translation.py) as a reader uses it, in Chromium.

The pages of both editions are swept together (browsing.Sweep: every page in light and in dark,
axe, console, other hosts, page weight); the tests here read what that sweep recorded about the
Chinese pages (their language, Material's Chinese interface, a phone's width, fonts), and do what
a Chinese reader does: switch language and keep the section, search for Chinese words, run the
code, step a backward pass, check a step of the track, cite a section.
"""
import html as htmllib
import re

import pytest
import yaml
from playwright.sync_api import expect

from browsing import PHONE, ZH, page_file, report, watch_errors
from sitebuild import FIGURES, ROOT
from test_graphs import STATE_JS, _static_grads
from test_run_in_page import FOLLOW_JS, NAMES, _bar, _newer_message, _page_data, _run, _same_but_last_digits

# Material's interface strings with theme.language: zh (its partials/languages/zh.html)
UI = {"search": "搜索", "skip": "跳转至"}
TOC = "目录"
# Each word and the chapter a reader searching for it wants. Chosen from the pages themselves: the
# chapter that introduces the idea has the word in its title or uses it most (2026-12-02:
# 链式法则 7 times in manual-backprop-expression, more than anywhere else; 拓扑排序 is the
# topological sort of backward-whole-graph, which the English search test expects for "topological").
SEARCHES = {"反向传播": "manual-backprop-expression/", "链式法则": "manual-backprop-expression/",
            "拓扑排序": "backward-whole-graph/"}
SEARCH_RANK = 5  # the chapter is among the first this many pages of the results
SWITCH_FROM = "value-object/"
SECTION = "drawing-the-graph"
ENGLISH_ONLY = "contributing/"  # a reference page that stays English: the switch leads to /zh/
RUN_ALL = "value-object/"  # every block of this page is run; on the other pages, the first one
STEPPER = "manual-backprop-expression/"
STEP = "build-it/closures/"
CITED = "multiple-use-bug/"
FONTS = "/assets/katex/fonts/"  # the only fonts a page may load: KaTeX's, from the site itself


def _chinese(visits):
    found = [v for v in visits if v.path.startswith(ZH)]
    if not found:
        pytest.fail("the sweep visited no page of the Chinese edition (zh/sitemap.xml)", pytrace=False)
    return found


def test_chinese_pages_say_zh_cn_and_show_materials_chinese_interface(visits):
    problems = []
    for v in visits:
        want = "zh-CN" if v.path.startswith(ZH) else "en"
        if v.facts.get("lang") != want:
            problems.append(f"{v.name}: <html lang={v.facts.get('lang')!r}>, not {want!r}")
    for v in _chinese(visits):
        ui = v.facts.get("ui") or {}
        problems += [f"{v.name}: Material's {what} reads {ui.get(what)!r}, not {text!r}"
                     for what, text in UI.items() if ui.get(what) != text]
        if ui.get("toc") not in (None, TOC):  # a page without sections has no table of contents
            problems.append(f"{v.name}: the table of contents is titled {ui.get('toc')!r}, not {TOC!r}")
    report(problems, "pages in the wrong language")


def test_chinese_pages_do_not_scroll_sideways_on_a_phone(sweep):
    problems, seen = [], 0
    for v in _chinese(sweep("light")):
        phone = v.facts.get("phone")
        if phone is None:
            problems.append(f"{v.name}: never narrowed to {PHONE['width']} px")
            continue
        seen += 1
        if phone["sideways"] > 0:
            problems.append(f"{v.name}: scrolls {phone['sideways']} px sideways at {PHONE['width']} px")
        problems += [f"{v.name} #{fid}: the graph's box ends past the screen at {PHONE['width']} px" for fid in phone["past"]]
    FIGURES[f"Chinese pages at {PHONE['width']} px"] = f"{seen} pages narrowed in the sweep"
    report(problems, "Chinese pages too wide for a phone")


def test_chinese_pages_ask_no_other_host_and_load_no_web_font(visits):
    """Offline as the English pages: nothing from another host (the sweep's guard aborts and records
    it), and Chinese text in the reader's system fonts: no font file but KaTeX's, from the site."""
    problems = []
    for v in _chinese(visits):
        problems += [f"{v.name}: asked another host for {url}" for url in v.outside]
        problems += [f"{v.name}: downloads the font {url}" for url, *_ in v.responses
                     if re.search(r"\.(woff2?|ttf|otf|eot)(\?|$)", url) and FONTS not in url]
        problems += [f"{v.name}: uses the web font {family!r}" for family in v.facts.get("fonts", [])
                     if not family.startswith("KaTeX_")]
    report(problems, "Chinese pages that are not offline or load a web font")


def _choose(page, lang):
    """Open the header's language menu and click the edition `lang` ("en" or "zh")."""
    page.locator(".md-header .md-select").hover()
    link = page.locator(f'.md-header .md-select__link[hreflang="{lang}"]')
    expect(link).to_be_visible()
    link.click()


def test_the_language_switch_keeps_the_page_and_the_section(new_context, site_url):
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(f"{SWITCH_FROM}#{SECTION}")
    expect(page.locator('.md-header .md-select__link[hreflang="zh"]')).to_have_text("中文")
    _choose(page, "zh")
    page.wait_for_url(f"**/{ZH}{SWITCH_FROM}#{SECTION}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(f"article [id='{SECTION}']")).to_be_attached()
    _choose(page, "en")
    page.wait_for_url(lambda url: url.endswith(f"/{SWITCH_FROM}#{SECTION}") and f"/{ZH}" not in url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Without a section in the address, the switch leads to the page itself.
    page.goto(SWITCH_FROM)
    _choose(page, "zh")
    page.wait_for_url(lambda url: url.endswith(f"/{ZH}{SWITCH_FROM}"))
    # A page with no Chinese version leads to the Chinese home page; the glossary (Chinese only)
    # to the English one.
    page.goto(ENGLISH_ONLY)
    _choose(page, "zh")
    page.wait_for_url(lambda url: url.split("#")[0].endswith(f"/{ZH}"))
    page.goto(f"{ZH}glossary/")
    _choose(page, "en")
    page.wait_for_url(lambda url: url.split("#")[0] == site_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert not errors, errors


def _text(site, path):
    html = page_file(site, path).read_text(encoding="utf-8")
    article = html[html.find("<article"):html.find("</article>")]
    return htmllib.unescape(re.sub(r"<[^>]+>", "", article))


@pytest.mark.parametrize("word", list(SEARCHES))
def test_search_finds_a_chinese_word_in_its_chapter(new_context, built_site, word):
    site = built_site[0]
    chapter = ZH + SEARCHES[word]
    assert word in _text(site, chapter), f"/{chapter} does not contain {word!r}: choose another chapter"
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(ZH)
    page.locator("input.md-search__input").click()
    page.keyboard.type(word)
    items = page.locator(".md-search-result__item > a")
    items.first.wait_for(timeout=15_000)
    page.wait_for_timeout(300)  # the result list is written in one go; let it finish
    found = []
    for href in (a.get_attribute("href") for a in items.all()):
        path = re.sub(r"^https?://[^/]+/", "", href).split("?")[0].split("#")[0]
        if path not in found:
            found.append(path)
    assert word in _text(site, found[0]), f"the top result for {word!r}, /{found[0]}, does not contain it"
    assert chapter in found[:SEARCH_RANK], (f"searching {word!r} does not find /{chapter} among the first "
                                            f"{SEARCH_RANK} pages: {found[:SEARCH_RANK]}")
    FIGURES[f"search {word}"] = f"{len(found)} pages; /{chapter} is number {found.index(chapter) + 1}"
    page.locator(f'.md-search-result__item > a[href*="/{chapter}"]').first.click()
    page.wait_for_url(lambda url: url.split("?")[0].split("#")[0].endswith("/" + chapter))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert not errors, errors


def test_run_on_every_chinese_page_prints_what_the_english_page_shows(new_context, built_site):
    """The code of a Chinese page is its English page's (the runner's page data equal but for line
    numbers), and running it in the browser prints what the English page shows: every block of one
    page, and the first block of each other page, reached by instant navigation (one worker)."""
    site = built_site[0]
    english, chinese = _page_data(site), _page_data(site / ZH)
    # Equal but for line numbers and the words of a local-only block's reason (in the page's language)
    strip = lambda blocks: [{k: (bool(v) if k == "local" else v) for k, v in b.items() if k != "line"}  # noqa: E731
                            for b in blocks]
    assert set(chinese) == set(english), f"pages runnable in one edition only: {set(chinese) ^ set(english)}"
    problems = [f"/{ZH}{p}: its blocks differ from /{p}'s" for p in english if strip(chinese[p]) != strip(english[p])]
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(ZH + RUN_ALL)
    ran = 0
    for path in [RUN_ALL] + sorted(set(english) - {RUN_ALL}):
        where = f"/{ZH}{path}"
        if path != RUN_ALL:
            page.evaluate(FOLLOW_JS, path)  # relative to the Chinese root (__md_scope)
        want = {b["index"] for b in english[path] if not b["skip"] and not b["solution"]}
        page.wait_for_function("""([path, name, bars]) => location.pathname.endsWith("/zh/" + path)
            && document.querySelector(".mg-run-page")?.dataset.page === name
            && (!bars || document.querySelector("div.mg-run[data-block]"))""", arg=[path, NAMES[path], bool(want)])
        shown = {int(b.get_attribute("data-block")) for b in page.locator("div.mg-run[data-block]").all()}
        if shown != want:
            problems.append(f"{where}: controls under blocks {sorted(shown)}, /{path} has them under {sorted(want)}")
        runnable = [b for b in english[path] if b["index"] in shown and not b["local"]]
        for b in runnable if path == RUN_ALL else runnable[:1]:
            state, printed, error = _run(page, b["index"])
            ran += 1
            at = f"{where} block {b['index'] + 1}"
            if state != "done":
                problems.append(f"{at}: raised in the browser:\n{error}")
            elif b["expected"] is not None and printed != b["expected"] and not (
                    _same_but_last_digits(printed, b["expected"]) or _newer_message(printed, b["expected"])):
                problems.append(f"{at}: printed\n{printed}\nwhere /{path} shows\n{b['expected']}")
            elif printed != b["printed"] and not (_same_but_last_digits(printed, b["printed"])
                                                  or _newer_message(printed, b["printed"])):
                problems.append(f"{at}: printed\n{printed}\nwhere the build printed\n{b['printed']}")
    FIGURES["in-page Python, Chinese pages"] = f"{ran} blocks run on {len(english)} pages"
    report(problems + errors, "Chinese pages whose code runs differently")


def test_a_stepper_steps_on_a_chinese_page(new_context, built_site):
    source = page_file(built_site[0], ZH + STEPPER).read_text(encoding="utf-8")
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(ZH + STEPPER)
    page.wait_for_function("document.querySelector('figure.mg-stepper[data-mg-step]') !== null")
    fig = page.locator("figure.mg-stepper").first
    fid = fig.get_attribute("id")
    fig_html = source[source.index(f'id="{fid}"'):]
    fig_html = fig_html[:fig_html.index("</figure>")]
    steps = fig.evaluate("f => JSON.parse(f.dataset.mgData).steps")
    before = fig.evaluate(STATE_JS)
    assert before["step"] == 0, before
    fig.locator('[data-mg-do="next"]').focus()
    page.keyboard.press("Enter")
    after = fig.evaluate(STATE_JS)
    assert after["step"] == 1 and after["now"] and after["marked"] != before["marked"], after
    shown = [g for _, g in sorted(after["grads"], key=lambda x: int(x[0]))]
    assert shown == steps[1]["grads"], f"step 1 shows {shown}, not {steps[1]['grads']}"
    page.keyboard.press("End")
    last = fig.evaluate(STATE_JS)
    assert last["step"] == len(steps) - 1, last
    assert dict(last["grads"]) == {str(i): g for i, g in _static_grads(fig_html).items()}, \
        "the last step differs from the graph drawn without JavaScript"
    assert not errors, errors


def test_a_build_it_check_passes_and_fails_on_a_chinese_track_page(new_context):
    wrong = (ROOT / "tests" / "buildit" / "wrong" / "closures--stores-none.py").read_text(encoding="utf-8")
    solution = (ROOT / "buildit" / "solutions" / "closures.py").read_text(encoding="utf-8")
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(ZH + STEP)
    editor = page.locator(".mg-buildit-editor [role='textbox'], .mg-buildit-editor textarea").first
    editor.wait_for()
    out = page.locator(".mg-buildit-out")

    def check(code):
        editor.focus()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(code)
        out.evaluate("(o) => { delete o.dataset.state; }")
        page.locator(".mg-buildit-tools button").first.click()  # Check
        page.locator('.mg-buildit-out:is([data-state="pass"], [data-state="fail"], [data-state="error"])').wait_for(
            timeout=90_000)
        return out.get_attribute("data-state"), out.text_content()

    state, text = check(wrong)
    assert state == "fail", text
    state, text = check(solution)
    assert state == "pass", text
    assert not errors, errors


def test_cite_this_section_copies_the_chinese_link(new_context, site_url):
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    base = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["url"].rstrip("/") + "/"
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(ZH + CITED)
    heading = page.locator("article h2[id]").nth(1)
    sid = heading.get_attribute("id")
    heading.hover()
    heading.locator(".mg-seccite__toggle").click()
    page.evaluate("() => navigator.clipboard.writeText('')")
    heading.locator(".mg-seccite__copy[data-mg-what='link']").click()
    expect(page.locator(".mg-seccite-status")).not_to_have_text("")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{base}{version}/{ZH}{CITED}#{sid}", f"the Chinese section's link: {copied!r}"
    assert not errors, errors
