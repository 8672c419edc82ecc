"""Every chapter page is titled with the lecture's chapter title from docs/chapters.yml (the hook
docs/hooks/chapters.py refuses any other), so all three parts name their pages by one rule. A Chinese
page (zh/docs/) is titled with its chapter's title in zh/chapters.yml, by the same hook."""
from types import SimpleNamespace

import pytest
import yaml
from conftest import ROOT
from mkdocs.exceptions import PluginError

import chapters

DOCS = ROOT / "docs"
IDS = [ch["id"] for part in yaml.safe_load((DOCS / "chapters.yml").read_text(encoding="utf-8"))["parts"]
       for ch in part["chapters"]]


def _run_hook(cid, markdown, language="en"):
    chapters.on_config(SimpleNamespace(docs_dir=str(DOCS), theme={"language": language}))
    page = SimpleNamespace(file=SimpleNamespace(src_uri=f"{cid}.md"), meta={})
    return chapters.on_page_markdown(markdown, page, None, None)


@pytest.mark.parametrize("cid", IDS)
def test_a_chapter_page_is_titled_as_in_chapters_yml(cid):
    out = _run_hook(cid, (DOCS / f"{cid}.md").read_text(encoding="utf-8"))
    assert 'class="mg-chapter-meta"' in out


@pytest.mark.parametrize("cid", IDS)
def test_a_chinese_chapter_page_is_titled_as_in_zh_chapters_yml(cid):
    out = _run_hook(cid, (ROOT / "zh" / "docs" / f"{cid}.md").read_text(encoding="utf-8"), "zh")
    assert 'class="mg-chapter-meta">第 ' in out


def test_a_chinese_chapter_page_with_another_title_fails():
    page = (ROOT / "zh" / "docs" / "conclusion.md").read_text(encoding="utf-8")
    with pytest.raises(PluginError, match=r"zh/chapters.yml, '结语'"):
        _run_hook("conclusion", page.replace("# 结语 {", "# 总结 {", 1), "zh")


def test_a_chapter_page_with_another_title_fails_the_build_naming_both():
    page = (DOCS / "mlp-library.md").read_text(encoding="utf-8")
    retitled = page.replace("# Building out a neural net library (multi-layer perceptron) {",
                            "# Building a neural net library {", 1)
    assert retitled != page
    with pytest.raises(PluginError, match=r"mlp-library.md: the title '# Building a neural net library' is not "
                                          r"the chapter's title in docs/chapters.yml, 'Building out a neural"):
        _run_hook("mlp-library", retitled)
