"""The words the build puts around a page's content are in the page's edition: English on /<page>/,
Chinese on /zh/<page>/ (mkdocs.zh.yml, theme.language zh). They are a stepper's controls, caption,
table and step sentences (docs/hooks/stepper.py), a graph's table (docs/hooks/graphs.py), the
full-size button (docs/hooks/graphsvg.py), why a block runs only locally (docs/hooks/runner.py), the
notebook download link, the footer, the loading bar and the print page's cover (docs/overrides/).
The graphs themselves, their SVG, are the same in both editions. What scripts write in the browser:
tests/browser/test_controls_language.py.
"""
import html as htmllib
import re

import graphs
import graphsvg
import pytest
import runner
import stepper

CJK = re.compile(r"[\u4e00-\u9fff]")
# The English of the hooks' own tables, cut at their {placeholders}: a Chinese page holding a piece
# of it has a string left untranslated.
ENGLISH = {piece.strip() for table in (stepper.TEXT["en"], graphs.TEXT["en"]) for value in table.values()
           for text in ([value] if isinstance(value, str) else value) for piece in re.split(r"\{\w+\}", text)
           if len(re.sub(r"[^A-Za-z]", "", re.sub(r"\b(grad|data)\b", "", piece))) >= 4}
ENGLISH |= {graphsvg.ZOOM["en"], runner.READS_FILES, runner.RECURSES, "which the in-page Python lacks",
            "Download", "Made with", "what changed", "Loading the page"}
FIXED = re.compile("|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True)))
CODE_WORDS = {"data", "grad"}  # attribute names: the same in both editions


def interface(page):
    """[(kind, text)]: every piece of the build's own words on a page (HTML), in page order by kind."""
    found = []

    def add(kind, texts):
        found.extend((kind, htmllib.unescape(t).strip()) for t in texts)

    for fig in re.findall(r'<figure class="mg-graph[^"]*"[^>]*>.*?</figure>', page, re.S):
        fig = re.sub(r"<svg\b.*?</svg>", "", fig, flags=re.S)  # the graph: the same in both editions
        add("controls", re.findall(r'class="mg-step-controls"[^>]*aria-label="([^"]*)"', fig))
        add("button", re.findall(r'<button type="button" class="mg-btn[^"]*"[^>]*>([^<]*)</button>', fig))
        add("caption", re.findall(r'<p class="mg-step-say"[^>]*>([^<]*)</p>', fig))
        add("summary", re.findall(r"<summary>([^<]*)</summary>", fig))
        add("header", re.findall(r"<th>([^<]*)</th>", fig))
        add("sentence", [cells[2] for cells in re.findall(r"<tr data-mg-step=\"\d+\"><td>(.*?)</td><td>(.*?)</td>"
                                                          r"<td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", fig)])
        add("running sum", [s for row in re.findall(r"<tr data-mg-step=\"\d+\">(?:<td>.*?</td>){4}<td>(.*?)</td>", fig)
                            for s in row.split("<br>") if "(" in s or "（" in s or "=" in s.split(":", 1)[0]])
        add("made by", [c for c in re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>", fig)
                        if re.search(r"[^\W\d_]", c) and c not in ("tanh", "exp", "relu", "ReLU")
                        and not c.startswith("**")])
    add("why local", re.findall(r'data-local="([^"]*)"', page))
    add("download", [t for m in re.findall(r'class="md-button mg-download" title="([^"]*)">\s*([^<]*?)\s*</a>', page)
                     for t in m])
    add("loading bar", re.findall(r'class="md-progress"[^>]*aria-label="([^"]*)"', page))
    cover = re.search(r'<div class="mg-print-cover">(.*?)</div>', page, re.S)  # the print page's first page
    if cover:
        add("print cover", re.findall(r"<h1>.*?(: the whole course|：全部课程)</h1>", cover.group(1))
            + re.findall(r"<p>((?:Version |[\d.]+ 版)[^<]*?)\s*<a ", cover.group(1)))
    footer = re.search(r'<div class="md-copyright">(.*?)</div>\s*</div>\s*</div>', page, re.S)
    if footer:
        text = re.sub(r"<span class=\"mg-version__number\">.*?</span>|\([\d-]+\)", "", footer.group(1), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text).replace("Material for MkDocs", "")
        add("footer", [t for t in re.split(r"\s*·\s*|\n", text) if re.search(r"[A-Za-z\u4e00-\u9fff]", t)
                       and "micrograd" not in t and "Andrej" not in t])
    return found


def untranslated(found):
    """What of a Chinese page's `interface(...)` is not in Chinese."""
    bad = []
    for kind, text in found:
        words = re.sub(r"\b\w+\.grad\b|\bgrad\b|\bdata\b|\bBibTeX\b|\bPython\b|\bnumpy\b|\bmatplotlib\b|"
                       r"\bscikit-learn\b|\btorch\b|\bbackward\(\)", "", text)
        if (not CJK.search(text) and text not in CODE_WORDS) or FIXED.search(words):
            bad.append(f"{kind}: {text[:120]!r}")
    return bad


def english_only(found):
    return [f"{kind}: {text[:120]!r}" for kind, text in found if CJK.search(text)]


def _pairs(site):
    zh = site / "zh"
    pairs = []
    for page in sorted(zh.rglob("index.html")):
        rel = page.relative_to(zh)
        if rel.parts[:1] in (("assets",), ("search",)) or not (site / rel).exists():
            continue
        pairs.append((rel, (site / rel).read_text(encoding="utf-8"), page.read_text(encoding="utf-8")))
    return pairs


def test_every_chinese_page_has_the_builds_words_in_chinese_and_its_graphs_as_in_english(built_site):
    site, _ = built_site
    pairs = _pairs(site)
    assert len(pairs) > 20, f"only {len(pairs)} pages of both editions"
    problems, kinds = [], {}
    for rel, en, zh in pairs:
        where = "/" + rel.parent.as_posix() + "/"
        found_en, found_zh = interface(en), interface(zh)
        problems += [f"/zh{where} {p}" for p in untranslated(found_zh)]
        problems += [f"{where} {p}" for p in english_only(found_en)]
        count = lambda found: sorted({k: sum(1 for x, _ in found if x == k) for k, _ in found}.items())  # noqa: E731
        if count(found_en) != count(found_zh):
            problems.append(f"/zh{where}: its interface has {count(found_zh)}, the English page {count(found_en)}")
        for kind, _ in found_zh:
            kinds[kind] = kinds.get(kind, 0) + 1
        svgs = lambda page: re.findall(r"<svg\b[^>]*\brole=\"img\".*?</svg>", page, re.S)  # noqa: E731
        if svgs(en) != svgs(zh):
            problems.append(f"/zh{where}: its graphs are not the English page's, SVG for SVG")
    assert not problems, "\n".join(problems[:40]) + (f"\n... {len(problems) - 40} more" if len(problems) > 40 else "")
    for kind in ("controls", "button", "caption", "summary", "header", "sentence", "running sum", "made by",
                 "why local", "download", "loading bar", "footer", "print cover"):
        assert kinds.get(kind), f"no Chinese page has any {kind}: the extraction above finds nothing"


def test_the_english_words_are_the_ones_english_pages_always_had(built_site):
    site, _ = built_site
    page = (site / "multiple-use-bug" / "index.html").read_text(encoding="utf-8")
    found = interface(page)
    texts = {kind: [t for k, t in found if k == kind] for kind, _ in found}
    assert texts["button"][:4] == ["Reset", "Previous", "Next", "Play"]
    assert texts["controls"][0] == "Step through the backward pass"
    assert texts["caption"][0].startswith("Step ") and " of " in texts["caption"][0]
    assert "Every step of the backward pass, as a table" in texts["summary"]
    assert "The graph as a table" in texts["summary"]
    assert texts["loading bar"] == ["Loading the page"]
    zh = interface((site / "zh" / "multiple-use-bug" / "index.html").read_text(encoding="utf-8"))
    zh_texts = {kind: [t for k, t in zh if k == kind] for kind, _ in zh}
    assert zh_texts["button"][:4] == ["重置", "上一步", "下一步", "播放"]
    assert zh_texts["caption"][0].startswith("第 ") and "步，共 " in zh_texts["caption"][0]
    assert zh_texts["loading bar"] == ["正在加载页面"]


@pytest.mark.parametrize("english, chinese", [("Next", "下一步"), ("The graph as a table", "这张图，列成表格"),
                                              ("input", "输入"), ("Made with", "本站使用")])
def test_the_check_finds_an_english_word_left_on_a_chinese_page(built_site, english, chinese):
    """The guard above, proven: a Chinese page with one of its words put back in English fails it."""
    site, _ = built_site
    zh = (site / "zh" / "multiple-use-bug" / "index.html").read_text(encoding="utf-8")
    assert untranslated(interface(zh)) == []
    planted = zh.replace(f">{chinese}<", f">{english}<", 1) if f">{chinese}<" in zh else zh.replace(chinese, english, 1)
    assert planted != zh, f"{chinese!r} is not on the page"
    assert untranslated(interface(planted)), f"{english!r} left on the Chinese page was not found"
