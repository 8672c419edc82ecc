"""The site's own controls speak the page's language, in Chromium: on a Chinese page (<html
lang="zh-CN">, /zh/...) the Run bar (docs/assets/run/run.js), the stepper (docs/hooks/stepper.py,
docs/assets/graphs.js), a live stepper made by the in-page Python (inpage.py, worker.mjs), the
playground and the moons demo (playground.mjs) and the "Copied" status (docs/assets/cite.js) are in
Chinese; on the English page of the same path, in the English they always had. The words the build
writes into the HTML are checked on every page by tests/site/test_interface_language.py.
"""
import json
import re

import pytest
from playwright.sync_api import expect

from browsing import watch_errors

RUN_TIMEOUT = 120_000
PAGE = "multiple-use-bug/"  # a ```graph, a ```backprop stepper and Run bars
CJK = re.compile(r"[\u4e00-\u9fff]")

WORDS = {
    "en": {"run": ["Run", "Edit", "Reset", "Stop", "Open in playground"],
           "stepper": ["Reset", "Previous", "Next", "Play"], "group": "Step through the backward pass",
           "caption": "Step 0 of ", "pause": "Pause", "play": "Play", "copied": "Copied the link to this section.",
           "live note": "The graph and its stepper above now show your code's backward pass",
           "playground": ["Run", "Stop", "Share"], "start": "Start from:", "moons": ["Train", "Pause", "Stop"]},
    "zh": {"run": ["运行", "编辑", "重置", "停止", "在练习场中打开"],
           "stepper": ["重置", "上一步", "下一步", "播放"], "group": "逐步演示反向传播",
           "caption": "第 0 步，共 ", "pause": "暂停", "play": "播放", "copied": "已复制本节的链接。",
           "live note": "上面的图和它的单步演示器现在显示的是你的代码的反向传播",
           "playground": ["运行", "停止", "分享"], "start": "从示例开始：", "moons": ["训练", "暂停", "停止"]},
}

# Every text, aria-label, title and placeholder of the controls under `root`, the graphs' SVG and the
# tables' rows (numbers, names, formulas: tests/site/test_interface_language.py) and code left out.
WORDS_JS = """(root) => {
  const found = [];
  const walk = (el) => {
    if (el.closest('svg, tbody, pre, .mg-run-editor, .highlight')) return;
    for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) found.push(el.getAttribute(a));
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own) found.push(own);
    for (const c of el.children) walk(c);
  };
  for (const el of document.querySelectorAll(root)) walk(el);
  return found;
}"""
CONTROLS = ".mg-run, figure.mg-graph, #mg-playground, #mg-moons, .mg-seccite-status"


def _wrong_language(texts, lang):
    """The texts not in `lang`: on a Chinese page each has Chinese in it; on an English page none."""
    if lang == "zh":  # the graph table's data and grad columns are the Value's attributes: not words
        return [t for t in texts if not CJK.search(t) and re.search(r"[A-Za-z]{3}", t) and t not in ("data", "grad")]
    return [t for t in texts if CJK.search(t)]


def test_the_check_finds_a_word_in_the_wrong_language():
    assert _wrong_language(["运行", "Run", "第 0 步", "—", "grad"], "zh") == ["Run"]
    assert _wrong_language(["Run", "运行"], "en") == ["运行"]


def _open(new_context, site_url, path):
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(path)
    return page, errors


def _backprop_bar(site, prefix):
    blocks = json.loads((site / prefix / "assets" / "run" / "pages" / "multiple-use-bug.json").read_text(encoding="utf-8"))
    k = next(b["index"] for b in blocks["blocks"] if b["syntax"] == "backprop" and not b["skip"])
    return f'div.mg-run[data-block="{k}"]'


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chapters_controls_are_in_the_pages_language(new_context, site_url, built_site, lang):
    site = built_site[0]
    prefix = "zh/" if lang == "zh" else ""
    want = WORDS[lang]
    page, errors = _open(new_context, site_url, prefix + PAGE)
    assert page.evaluate("document.documentElement.lang").startswith("zh") == (lang == "zh")
    bar = page.locator(_backprop_bar(site, prefix))
    bar.wait_for(state="attached")
    assert bar.locator(".mg-run-tools button").all_text_contents() == want["run"]
    fig = bar.locator("xpath=preceding-sibling::figure[contains(@class, 'mg-stepper')][1]")
    controls = fig.locator(".mg-step-controls")
    expect(controls).to_be_visible()
    assert controls.get_attribute("aria-label") == want["group"]
    assert controls.locator("button").all_text_contents() == want["stepper"]
    assert fig.locator(".mg-step-say").text_content().startswith(want["caption"])
    play = controls.locator('[data-mg-do="play"]')
    play.click()
    expect(play).to_have_text(want["pause"])
    play.click()
    expect(play).to_have_text(want["play"])

    # "Copied ..." in the page's status region (docs/assets/cite.js)
    heading = page.locator("article h2[id]").first
    heading.hover()
    heading.locator(".mg-seccite__toggle").click()
    heading.locator(".mg-seccite__copy[data-mg-what='link']").click()
    expect(page.locator(".mg-seccite-status")).to_have_text(want["copied"])

    wrong = _wrong_language(page.evaluate(WORDS_JS, CONTROLS), lang)
    assert not wrong, f"/{prefix}{PAGE}: not in {lang}: {wrong}"

    # Run: the in-page Python's live stepper and the note under it, in the page's words too.
    bar.get_by_role("button", name=want["run"][0], exact=True).click()
    bar.locator(".mg-run-out[data-state]").wait_for(timeout=RUN_TIMEOUT)
    assert bar.locator(".mg-run-out").get_attribute("data-state") == "done", bar.inner_text()
    live = page.locator("figure.mg-stepper.mg-live")
    expect(live.locator(".mg-step-controls")).to_be_visible()
    assert live.locator(".mg-step-controls button").all_text_contents() == want["stepper"]
    assert live.locator(".mg-step-say").text_content().startswith(want["caption"])
    assert want["live note"] in bar.locator(".mg-run-out").inner_text()
    wrong = _wrong_language(page.evaluate(WORDS_JS, CONTROLS), lang)
    assert not wrong, f"/{prefix}{PAGE} after Run: not in {lang}: {wrong}"
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_playgrounds_controls_are_in_the_pages_language(new_context, site_url, built_site, lang):
    prefix = "zh/" if lang == "zh" else ""
    want = WORDS[lang]
    page, errors = _open(new_context, site_url, prefix + "playground/")
    root = page.locator("#mg-playground[data-ready]")
    root.wait_for(timeout=30_000)
    assert root.locator(".mg-run-tools button").all_text_contents() == want["playground"]
    assert root.locator(".mg-pg-pick label").text_content().strip() == want["start"]
    moons = page.locator("#mg-moons[data-ready]")
    moons.wait_for(timeout=30_000)
    assert moons.locator(".mg-moons-tools button").all_text_contents() == want["moons"]
    wrong = _wrong_language(page.evaluate(WORDS_JS, CONTROLS), lang)
    assert not wrong, f"/{prefix}playground/: not in {lang}: {wrong}"
    assert not errors, errors
