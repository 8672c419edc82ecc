"""A chapter named by its number in prose is the chapter docs/chapters.yml gives that number.

- A link whose text names a chapter by number ("[chapter 13](mlp-library.md)", or the bare
  "[9](backward-whole-graph.md)" of "chapters 8 and 9") must point at that chapter's page.
- Any "chapter N" / "chapters N–M" anywhere (pages, code comments, notebooks, the build-it steps)
  must name a chapter that exists.

A failure names the file and line, the text, and the number the page should have written.
"""
import json
import posixpath
import re

import pytest
from conftest import ROOT

import wordcount

DOCS = ROOT / "docs"
NUMBER = {cid: n for n, cid in wordcount.chapters()}

# "chapter 12", "Chapters 8–11", "chapters 13 to 16", "chapters 8, 9 and 10"
_NAMED = re.compile(r"\b[Cc]hapters?\s+(\d+(?:\s*(?:,|–|-|to|and|or)\s*\d+)*)\b")
# A link, with the number that stands right before it ("Chapter 2, [the derivative ...](...)")
_LINK = re.compile(r"(?:\b[Cc]hapter\s+(\d+)[,:]?\s*\(?)?\[([^\]]+)\]\(([^)\s]+)\)")


def _numbers(text):
    return [int(n) for m in _NAMED.finditer(text) for n in re.findall(r"\d+", m[1])]


def wrong_chapter_numbers(text, folder, name):
    """Messages for every wrong chapter number in `text`, a file in `folder` (a path relative to
    docs/, for resolving links) shown to the reader as `name`."""
    errors = []

    def line(pos, within=text):
        return within.count("\n", 0, pos) + 1

    for m in _NAMED.finditer(text):
        bad = [n for n in _numbers(m[0]) if n not in NUMBER.values()]
        if bad:
            errors.append(f"{name}:{line(m.start())}: '{m[0]}' names chapter {bad[0]}, "
                          f"but the lecture has chapters 1 to {len(NUMBER)} (docs/chapters.yml)")
    # Links: only outside fenced blocks (a link in code is not a link); blank the blocks, keep lines.
    prose = wordcount.FENCE.sub(lambda f: "\n" * f[0].count("\n"), text)
    for m in _LINK.finditer(prose):
        before, label, target = m[1], m[2], m[3].split("#")[0]
        said = _numbers(label) or ([int(label)] if label.strip().isdigit() else []) or ([int(before)] if before else [])
        if not said or "://" in target or not target.endswith(".md"):
            continue
        chapter = posixpath.normpath(posixpath.join(folder, target))[: -len(".md")]
        if chapter in NUMBER and NUMBER[chapter] not in said:
            link = " ".join(m[0].split())
            errors.append(f"{name}:{line(m.start(), prose)}: {link} says chapter {said[0]}, but {chapter} is "
                          f"chapter {NUMBER[chapter]} (docs/chapters.yml)")
    return errors


def _sources():
    """(file, folder relative to docs/ for its links, text) for everything a reader reads."""
    for path in sorted(DOCS.rglob("*.md")):
        yield path, posixpath.dirname(path.relative_to(DOCS).as_posix()), path.read_text(encoding="utf-8")
    yield ROOT / "README.md", "..", (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "buildit").rglob("*.py")):
        yield path, "build-it", path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "examples").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells, start=1):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            yield path.with_name(f"{path.name} cell {i}"), "examples", source


def test_every_chapter_number_in_the_text_is_the_chapter_it_names():
    errors = [e for path, folder, text in _sources()
              for e in wrong_chapter_numbers(text, folder, path.relative_to(ROOT).as_posix())]
    assert not errors, "chapter numbers that do not match docs/chapters.yml:\n" + "\n".join(errors)


@pytest.mark.parametrize("text, message", [
    ("See [chapter 12](mlp-library.md#edge-cases).",
     "page.md:1: [chapter 12](mlp-library.md#edge-cases) says chapter 12, but mlp-library is chapter 13"),
    ("In [chapters 8](backward-per-operation.md) and\n[10](backward-whole-graph.md).",
     "page.md:2: [10](backward-whole-graph.md) says chapter 10, but backward-whole-graph is chapter 9"),
    ("From build-it: [chapter 3](../overview.md).",  # links resolve relative to the page's folder
     "page.md:1: [chapter 3](../overview.md) says chapter 3, but overview is chapter 1"),
    ("Chapter 3,\n[the derivative of a simple function](derivative-one-input.md), starts",
     "page.md:1: Chapter 3, [the derivative of a simple function](derivative-one-input.md) says chapter 3, but"),
    ("```python\nx = 1\n```\nAs chapter 21 shows.", "page.md:4: 'chapter 21' names chapter 21, but the lecture"),
    ("Chapters 12–24 teach it.", "page.md:1: 'Chapters 12–24' names chapter 24"),
    ("    # chapter 0 changes = to +=", "page.md:1: 'chapter 0' names chapter 0"),
])
def test_a_wrong_chapter_number_is_reported_with_its_line(text, message):
    folder = "build-it" if "../" in text else ""
    errors = wrong_chapter_numbers(text, folder, "page.md")
    assert len(errors) == 1 and errors[0].startswith(message), errors


@pytest.mark.parametrize("text", [
    "See [chapter 13](mlp-library.md#edge-cases), chapters 1–11 and chapters 13 to 16.",
    "In [chapters 8](backward-per-operation.md) and\n[9](backward-whole-graph.md).",
    "Chapter 2,\n[the derivative of a simple function](derivative-one-input.md), starts from it.",
    "[the MLP chapter](mlp-library.md), [12 steps](training.md), [chapter 13 of the video](https://x.org/a.md)",
])
def test_right_chapter_numbers_pass(text):
    assert wrong_chapter_numbers(text, "", "page.md") == []
