"""A link that names a Build it yourself step by number goes to the step page with that number.

A step's number is in its page's title, "# Step 7: backward() for the whole graph" in
docs/build-it/backward.md. A chapter that links to the track, "[Build it yourself, step 7]
(build-it/backward.md)", or its Chinese page, "[动手实现 micrograd，第 7 步](build-it/backward.md)",
must name that number; and a Chinese step page's title, "# 第 7 步：…", the English one's.

A failure names the file and line, the link, and the number the step page has.
"""
import posixpath
import re

import pytest
from conftest import ROOT

import wordcount

DOCS = ROOT / "docs"
ZH = ROOT / "zh"
_TITLE = re.compile(r"^#\s+Step\s+(\d+):", re.M)
_ZH_TITLE = re.compile(r"^#\s+第\s*(\d+)\s*步", re.M)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
# "step 7", "Step 7", "第 7 步", "第7步"
_STEP = re.compile(r"\b[Ss]tep\s+(\d+)\b|第\s*(\d+)\s*步")


def step_numbers():
    """{"build-it/backward": 7, ...} from the English step pages' titles."""
    out = {}
    for path in sorted((DOCS / "build-it").glob("*.md")):
        m = _TITLE.search(path.read_text(encoding="utf-8"))
        if m:
            out[f"build-it/{path.stem}"] = int(m[1])
    return out


STEP = step_numbers()


def wrong_step_numbers(text, folder, name):
    """Messages for every link in `text` (a page in `folder`, relative to docs/) whose text names a
    step number other than the linked step page's."""
    errors = []
    prose = wordcount.FENCE.sub(lambda f: "\n" * f[0].count("\n"), text)  # links in code are not links
    for m in _LINK.finditer(prose):
        label, target = m[1], m[2].split("#")[0]
        said = [int(a or b) for a, b in _STEP.findall(label)]
        if not said or "://" in target or not target.endswith(".md"):
            continue
        page = posixpath.normpath(posixpath.join(folder, target))[: -len(".md")]
        if page in STEP and STEP[page] not in said:
            link = " ".join(m[0].split())
            errors.append(f"{name}:{prose.count(chr(10), 0, m.start()) + 1}: {link} says step {said[0]}, "
                          f"but {page}.md is step {STEP[page]} (its title)")
    return errors


def _pages():
    """(path, folder relative to the docs root, text) for every English and Chinese page."""
    for root in (DOCS, ZH / "docs"):
        for path in sorted(root.rglob("*.md")):
            yield path, posixpath.dirname(path.relative_to(root).as_posix()), path.read_text(encoding="utf-8")
    for path in sorted((ZH / "examples").glob("*.md")):
        yield path, "examples", path.read_text(encoding="utf-8")


def test_the_track_has_its_twelve_numbered_steps():
    assert sorted(STEP.values()) == list(range(1, 13)), STEP


def test_every_link_naming_a_step_number_goes_to_that_step():
    errors = [e for path, folder, text in _pages()
              for e in wrong_step_numbers(text, folder, path.relative_to(ROOT).as_posix())]
    assert not errors, "links naming the wrong Build it yourself step:\n" + "\n".join(errors)


def test_each_chinese_step_page_has_the_english_step_number():
    errors = []
    for page, n in STEP.items():
        path = ZH / "docs" / f"{page}.md"
        m = _ZH_TITLE.search(path.read_text(encoding="utf-8"))
        if not m or int(m[1]) != n:
            errors.append(f"{path.relative_to(ROOT)}: its title says {m[0] if m else 'no 第 N 步'}; "
                          f"docs/{page}.md is step {n}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("text, folder, message", [
    ("[Build it yourself, step 5](build-it/backward.md) checks your version.", "",
     "page.md:1: [Build it yourself, step 5](build-it/backward.md) says step 5, but build-it/backward.md is step 7"),
    ("它们就能运行，\n[动手实现 micrograd，第 8 步](build-it/mlp.md)会检查它们。", "",
     "page.md:2: [动手实现 micrograd，第 8 步](build-it/mlp.md) says step 8, but build-it/mlp.md is step 10"),
    ("Back to [step 4](closures.md#check).", "build-it",  # a link between step pages
     "page.md:1: [step 4](closures.md#check) says step 4, but build-it/closures.md is step 6"),
])
def test_a_wrong_step_number_is_reported(text, folder, message):
    assert wrong_step_numbers(text, folder, "page.md") == [message + " (its title)"]


@pytest.mark.parametrize("text", [
    "[Build it yourself, step 7](build-it/backward.md), [第 9 步](build-it/more-ops.md)",
    "[Build it yourself](build-it/index.md), [step 0 of the loop](training.md)",
    "```text\n[step 1](build-it/backward.md)\n```",
])
def test_right_step_numbers_pass(text):
    assert wrong_step_numbers(text, "", "page.md") == []
