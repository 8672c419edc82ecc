"""Every chapter page is titled with the lecture's chapter title from docs/chapters.yml (the hook
docs/hooks/chapters.py refuses any other), so all three parts name their pages by one rule."""
from types import SimpleNamespace

import pytest
import yaml
from conftest import ROOT
from mkdocs.exceptions import PluginError

import chapters

DOCS = ROOT / "docs"
IDS = [ch["id"] for part in yaml.safe_load((DOCS / "chapters.yml").read_text(encoding="utf-8"))["parts"]
       for ch in part["chapters"]]


def _run_hook(cid, markdown):
    chapters.on_config(SimpleNamespace(docs_dir=str(DOCS)))
    page = SimpleNamespace(file=SimpleNamespace(src_uri=f"{cid}.md"), meta={})
    return chapters.on_page_markdown(markdown, page, None, None)


@pytest.mark.parametrize("cid", IDS)
def test_a_chapter_page_is_titled_as_in_chapters_yml(cid):
    out = _run_hook(cid, (DOCS / f"{cid}.md").read_text(encoding="utf-8"))
    assert 'class="mg-chapter-meta"' in out


def test_a_chapter_page_with_another_title_fails_the_build_naming_both():
    page = (DOCS / "mlp-library.md").read_text(encoding="utf-8")
    retitled = page.replace("# Building out a neural net library (multi-layer perceptron) {",
                            "# Building a neural net library {", 1)
    assert retitled != page
    with pytest.raises(PluginError, match=r"mlp-library.md: the title '# Building a neural net library' is not "
                                          r"the chapter's title in docs/chapters.yml, 'Building out a neural"):
        _run_hook("mlp-library", retitled)
