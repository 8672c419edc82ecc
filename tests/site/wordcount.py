"""How many words of prose each chapter page asks a reader to read.

    .venv/bin/python tests/site/wordcount.py        # one line per chapter, then the totals

What counts as prose: the text a reader reads as sentences, in the page's Markdown source:
paragraphs, lists, table cells, headings, admonition titles and bodies, question and solution
text, link texts, and inline code and math as written (the reader reads `o.grad = 1.0` and
$1 - o^2$ inside the sentence): a word is a whitespace-separated token holding a letter or a digit.

What does not count, because it is not prose: fenced blocks of any kind (code, the outputs it
prints, included engine source, graphs, plots), HTML comments (the test markers), HTML tags (kept
anchors), heading ids (`{ #id }`), link targets, the admonition keyword itself (`!!! note`,
`??? success`), and tokens with no letter or digit (`|`, `—`, `=`).

`raw_count` is the cruder measure issue 20 quoted its figures in (25,810 words for the 20 chapters):
everything outside fenced blocks and HTML comments, split on whitespace, markup included. On the
pages of main at 14a4c29 it gives 26,147 (12,806 for chapters 12-20) where `count_words` gives
23,849 (11,744): the budgets in test_wordcount.py are the issue's, converted by that ratio.

tests/site/test_wordcount.py checks the counter on small texts and holds the chapters to a budget.
"""
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.M | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HEADING_ID = re.compile(r"\{[^}\n]*#[\w-]+[^}\n]*\}[ \t]*$", re.M)
_ADMONITION = re.compile(r"^([ \t]*)(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*", re.M)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_WORD = re.compile(r"[^\W_]")  # a token counts if it holds a letter or a digit


def prose(markdown):
    """The page's prose, as plain text (see the module's docstring for what is left out)."""
    text = _FRONT_MATTER.sub("", markdown)
    text = FENCE.sub("", text)
    text = _COMMENT.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _HEADING_ID.sub("", text)
    text = _ADMONITION.sub(r"\1", text)
    return text


def count_words(markdown):
    """The number of prose words in a page's Markdown source."""
    return sum(1 for token in prose(markdown).split() if _WORD.search(token))


def raw_count(markdown):
    """Issue 20's measure: whitespace-separated tokens outside fenced blocks and HTML comments."""
    return len(_COMMENT.sub("", FENCE.sub("", markdown)).split())


def chapters():
    """[(number, id), ...] in the order of docs/chapters.yml."""
    data = yaml.safe_load((DOCS / "chapters.yml").read_text(encoding="utf-8"))
    ids = [ch["id"] for part in data["parts"] for ch in part["chapters"]]
    return list(enumerate(ids, start=1))


def chapter_counts(counter=count_words):
    """{chapter id: words} for every chapter page, in chapter order."""
    return {cid: counter((DOCS / f"{cid}.md").read_text(encoding="utf-8")) for _, cid in chapters()}


def main():
    prose_words, raw = chapter_counts(), chapter_counts(raw_count)
    print(f"{'':4}{'chapter':28} {'prose':>6} {'raw':>6}")
    groups = [("chapters 1-11", range(1, 12)), ("chapters 12-20", range(12, 21)), ("chapters 1-20", range(1, 21))]
    for number, cid in chapters():
        print(f"{number:2}  {cid:28} {prose_words[cid]:6} {raw[cid]:6}")
    for name, numbers in groups:
        ids = [cid for n, cid in chapters() if n in numbers]
        print(f"    {name:28} {sum(prose_words[c] for c in ids):6} {sum(raw[c] for c in ids):6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
