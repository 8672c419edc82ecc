"""The Chinese edition (中文版, mkdocs.zh.yml, docs/hooks/translation.py) shows the English pages' own
code, keeps their anchors, and cannot drift silently from the English it translates.

- Block for block: every code block, output, graph, plot and stepper of a Chinese page is the
  English page's, in the same order (the built HTML of both editions, compared).
- Same anchors: each Chinese page has exactly its English page's heading ids.
- Staleness: an edit to an English section puts a notice in Chinese at that section of the Chinese
  page, linking to the English section, and `scripts/translations` lists it; a section added in
  English shows in English under a notice; a Chinese page with a code block of its own fails.
- The Chinese build runs no page code and no notebook: the English build ran them (same cache).
"""
import json
import re
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

import translation
from conftest import FIGURES, ROOT, mkdocs_build
from sitebuild import BUILD_LOGS, copy_project

TRANSLATED = [name for name, _, _ in translation.pages()]


def _url(name):
    stem = name.rsplit(".", 1)[0]
    return "" if stem == "index" else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")


def _article(site, name, zh):
    path = site / ("zh" if zh else "") / _url(name) / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("article")


def code_of(article):
    """What a page shows that comes from code: code blocks and outputs, graphs, plots and steppers
    (their SVG and the steps they carry), in page order; not the citation boxes (in the page's language)."""
    for cite in article.select(".mg-cite, .mg-seccite"):
        cite.decompose()
    out = []
    for el in article.find_all(["pre", "svg", "figure", "img"]):
        if el.name == "pre":
            out.append(("pre", el.get_text()))
        elif el.name == "svg" and not el.find_parent("svg") and el.find_parent("figure"):
            out.append(("svg", str(el)))
        elif el.name == "figure" and el.get("data-mg-data"):
            data = json.loads(el["data-mg-data"])  # each step's sentence ("say") is in the page's language
            out.append(("stepper", json.dumps({**data, "steps": [{k: v for k, v in step.items() if k != "say"}
                                                                 for step in data["steps"]]})))
        elif el.name == "img" and (el.get("src") or "").startswith("data:"):
            out.append(("img", el["src"]))
    return out


@pytest.mark.parametrize("name", TRANSLATED)
def test_a_chinese_page_shows_the_english_pages_code_block_for_block(built_site, name):
    site, _ = built_site
    en, zh = code_of(_article(site, name, False)), code_of(_article(site, name, True))
    COMPARED[name] = len(en)
    for i, (a, b) in enumerate(zip(en, zh)):
        assert a == b, f"{name}: item {i + 1} ({a[0]}) differs between /{_url(name)} and /zh/{_url(name)}"
    assert len(en) == len(zh), f"{name}: {len(en)} code items in English, {len(zh)} in Chinese"


COMPARED = {}


def test_the_comparison_compared_code(built_site):
    """Run after the comparisons: most pages show code (the in-page Python page and the playground
    show none of their own), so a broken `code_of` finding nothing would not pass unseen."""
    with_code = [name for name, n in COMPARED.items() if n]
    assert len(COMPARED) == len(TRANSLATED) and len(with_code) >= len(TRANSLATED) - 3, COMPARED
    FIGURES["Chinese pages compared block for block with the English"] = (
        f"{len(with_code)} pages with code, {sum(COMPARED.values())} items")


def _ids(article):
    return [h["id"] for h in article.find_all(re.compile(r"^h[1-6]$")) if h.get("id")]


@pytest.mark.parametrize("name", TRANSLATED)
def test_a_chinese_page_has_its_english_pages_heading_ids(built_site, name):
    site, _ = built_site
    assert _ids(_article(site, name, True)) == _ids(_article(site, name, False))


def test_the_chinese_build_runs_no_page_code_and_no_notebook(built_site):
    log = BUILD_LOGS["zh"]
    ran = re.search(r"Ran the code of (\d+) pages", log)
    assert ran and ran[1] == "0", f"the Chinese build ran page code itself:\n{log[-2000:]}"
    assert "Executing notebook" not in log and "execute=True" not in log or "results reused" in log
    computed = re.search(r"Build cache \S+: (\d+) results reused, (\d+) computed", log)
    assert computed, log[-2000:]
    FIGURES["Chinese build: results from the English build's cache"] = f"{computed[1]} reused, {computed[2]} computed"


def test_chinese_pages_are_zh_cn_and_switch_to_the_same_page(built_site):
    site, _ = built_site
    html = (site / "zh" / "value-object" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in html
    assert re.search(r'<a href="\.\./\.\./value-object/" hreflang="en" class="md-select__link"', html)
    en = (site / "value-object" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./zh/value-object/" hreflang="zh" class="md-select__link"', en)
    # a page with no Chinese version switches to the Chinese home page
    contributing = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./zh/" hreflang="zh" class="md-select__link"', contributing)


def test_the_chinese_search_index_has_chinese_words_for_the_right_chapters(built_site):
    """Material segments Chinese text with jieba (a word per token, joined by U+200B); without it a
    whole run of characters would be one token and 反向传播 would find nothing."""
    site, _ = built_site
    docs = json.loads((site / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    expected = {"反向传播": "manual-backprop-expression/", "链式法则": "manual-backprop-expression/",
                "拓扑排序": "backward-whole-graph/"}
    import jieba
    for word, page in expected.items():
        parts = [p for p in jieba.cut(word) if p.strip()]  # as the search box's query is split
        having = {d["location"].split("#")[0] for d in docs
                  if set(parts) <= set(re.split(r"[\s\u200b，。：；、（）“”！？,.:;()]+", d["text"] + " " + d["title"]))}
        assert page in having, f"{word} ({parts}) are not search tokens of /zh/{page} (pages: {sorted(having)[:8]})"


def test_the_chinese_cite_box_names_the_chinese_title_and_url(built_site):
    site, _ = built_site
    article = _article(site, "value-object.md", True)
    box = article.select_one(".mg-cite")
    assert box is not None and "引用本页" in box.get_text()
    text = box.get_text()
    assert "/zh/value-object/" in text and "从核心 Value 对象及其可视化开始" in text
    assert re.search(r"language\s*=\s*\{chinese\}", text)


# --- the machinery, on copies of the project ----------------------------------------------------

EN_PAGE = "docs/value-object.md"
SECTION = "a-number-that-remembers"


def test_an_english_edit_shows_at_its_section_of_the_chinese_page(built_site, build_cache, tmp_path):
    """Edit the prose of one English section, add a section, change another's code: build the Chinese
    edition of that copy (reusing the session build's page code) and read what it shows."""
    project = copy_project(tmp_path / "project")
    page = project / EN_PAGE
    text = page.read_text(encoding="utf-8")
    text = text.replace("The engine's\n`Value` does the same.", "The engine's\n`Value` does exactly the same.", 1)
    assert "does exactly the same" in text, "the edit did not apply: the English page changed"
    text = text.replace("## A node's inputs and operation { #prev-and-op }",
                        "## A new section { #a-new-section }\n\nAdded in English only.\n\n"
                        "## A node's inputs and operation { #prev-and-op }", 1)
    page.write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    shutil.copytree(build_cache, cache)
    code, log, seconds = mkdocs_build(project / "mkdocs.zh.yml", tmp_path / "site", env={"BUILD_CACHE": str(cache)},
                                      cwd=project)
    assert code == 0, log
    FIGURES["Chinese build alone, English code cached"] = f"{seconds:.1f} s"
    soup = BeautifulSoup((tmp_path / "site" / "value-object" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    notices = {}
    for note in soup.select(".admonition.mg-translation"):
        section = note.find_previous(re.compile(r"^h[1-6]$"))
        notices[section["id"]] = note
    assert set(notices) == {SECTION, "a-new-section"}, f"notices at {sorted(notices)}"
    stale = notices[SECTION]
    assert "英文原文已更新" in stale.get_text()
    assert stale.find("a")["href"] == f"../../value-object/#{SECTION}"
    assert "Added in English only." in notices["a-new-section"].find_next("p").get_text() or \
        "Added in English only." in soup.get_text()
    listed = subprocess.run([sys.executable, str(project / "docs/hooks/translation.py")], cwd=project,
                            capture_output=True, text=True)
    assert listed.returncode == 1, listed.stdout + listed.stderr
    assert f"stale        value-object.md#{SECTION}" in listed.stdout
    assert "missing      value-object.md#a-new-section" in listed.stdout
    # Stamping brings the section up to date (after its translation was checked): the notice goes.
    stamped = subprocess.run([sys.executable, str(project / "docs/hooks/translation.py"), "stamp",
                              "value-object.md", SECTION], cwd=project, capture_output=True, text=True)
    assert stamped.returncode == 0, stamped.stderr
    listed = subprocess.run([sys.executable, str(project / "docs/hooks/translation.py")], cwd=project,
                            capture_output=True, text=True)
    assert SECTION not in listed.stdout and "a-new-section" in listed.stdout


def test_the_report_and_the_pages_agree(built_site):
    """`scripts/translations` lists exactly the sections under a notice on the built Chinese pages.
    A stale section is allowed on main (the notice tells the reader); the count is a figure."""
    site, _ = built_site
    rows = translation.report()
    FIGURES["Chinese edition: sections not up to date"] = str(len(rows))
    listed = {(name, sid) for name, sid, state in rows if state != "orphan" and name in TRANSLATED}
    shown = set()
    for name in TRANSLATED:
        for note in _article(site, name, True).select(".admonition.mg-translation"):
            shown.add((name, note.find_previous(re.compile(r"^h[1-6]$"))["id"]))
    assert shown == listed


# --- the rules of a Chinese page, on text ---------------------------------------------------------

EN = "# T { #t }\n\nIntro.\n\n```python\nprint(1)\n```\n\n## S { #s }\n\nMore.\n"
ZH = "# 标题 { #t }\n\n引言。\n\n[[code]]\n\n## 小节 { #s }\n\n更多。\n"


def _notice(section, state):
    return f"NOTICE {state}"


def test_a_chinese_page_gets_the_english_code_where_it_says_code():
    stamped = translation.stamp(EN, ZH, "t.md")
    merged = translation.merge(EN, stamped, "t.md", _notice)
    assert "```python\nprint(1)\n```" in merged and "NOTICE" not in merged and "引言。" in merged


def test_a_chinese_page_with_a_code_block_of_its_own_fails():
    with pytest.raises(translation.TranslationError, match="holds no code of its own"):
        translation.merge(EN, ZH.replace("[[code]]", "```python\nprint(2)\n```"), "t.md", _notice)


def test_a_heading_without_the_english_id_fails():
    with pytest.raises(translation.TranslationError, match="needs the English heading's id"):
        translation.merge(EN, ZH.replace("## 小节 { #s }", "## 小节"), "t.md", _notice)


def test_states_of_sections():
    stamped = translation.stamp(EN, ZH, "t.md")
    en, zh = translation.english_sections(EN), translation.chinese_sections(stamped, "t.md")
    assert translation.status(en, zh) == {"t": "ok", "s": "ok"}
    edited = EN.replace("More.", "More, edited.")
    assert translation.status(translation.english_sections(edited), zh) == {"t": "ok", "s": "stale"}
    more_code = EN.replace("More.", "More.\n\n```python\nprint(3)\n```\n\nAnd.")
    merged = translation.merge(more_code, stamped, "t.md", _notice)
    assert "NOTICE code" in merged and "print(3)" in merged and "更多" not in merged  # shown in English
    assert translation.status(translation.english_sections(EN.replace("## S { #s }", "## S { #s2 }")), zh) == \
        {"t": "ok", "s2": "missing", "s": "orphan"}
    with pytest.raises(translation.TranslationError, match="cannot stamp"):
        translation.stamp(more_code, stamped, "t.md")


# Words a translator might reach for, and the glossary's term (zh/docs/glossary.md) the pages use
# instead: one term per idea across every page.
NOT_OUR_TERMS = {"叶节点": "叶子节点", "感知器": "感知机", "学习速率": "学习率", "梯度归零": "梯度清零",
                 "链式规则": "链式法则", "拓扑顺序": "拓扑序", "反向传递": "反向传播", "权值": "权重",
                 "自动微分引擎": "自动求导引擎", "运算符重写": "运算符重载"}


def chinese_texts():
    return {str(zh.relative_to(ROOT)): zh.read_text(encoding="utf-8") for _, _, zh in translation.pages()}


def test_the_chinese_pages_use_the_glossarys_terms():
    glossary = (ROOT / "zh" / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert all(term in glossary for term in NOT_OUR_TERMS.values())
    found = [f"{path}: {word} (the glossary's term: {NOT_OUR_TERMS[word]})"
             for path, text in chinese_texts().items() for word in NOT_OUR_TERMS if word in text]
    assert not found, "\n".join(found)


def test_every_chinese_section_with_prose_is_in_chinese():
    """A section whose English has prose has Chinese characters: an English paragraph left behind
    with a stamp on it (stamped, but not translated) is caught here."""
    english_only = []
    for name, en_path, zh_path in translation.pages():
        zh = translation.chinese_sections(zh_path.read_text(encoding="utf-8"), name)
        for section in zh:
            prose = " ".join(line for line in section.lines if line.strip() and line.strip() != "[[code]]"
                             and not line.lstrip().startswith("<!--"))
            if re.search(r"[A-Za-z]{4,}\s+[a-z]{3,}\s+[a-z]{3,}", prose) and not re.search(r"[\u4e00-\u9fff]", prose):
                english_only.append(f"{name}#{section.id}")
    assert not english_only, english_only


def test_the_chinese_build_log_is_quiet(built_site):
    from test_build import QUIET_LOG
    noise = [line for line in BUILD_LOGS["zh"].splitlines() if re.match(r"(INFO|WARNING|ERROR)\b", line)
             and not QUIET_LOG.fullmatch(line)]
    assert not noise, "the Chinese build logged lines an author need not act on:\n" + "\n".join(noise)
