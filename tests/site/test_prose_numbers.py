"""Numbers typed in prose are tied to something a reader can check (docs/coordination's rule,
issue 21 item 8): every number with four or more significant digits in a page's prose (outside
code blocks and outputs) appears in a checked output of the same page (a block's expected output,
which the page tests compare with what the code prints), or is a number the page's Python code
itself uses (an input such as the lecture's bias 6.8813735870195432: edit it in the code and the
prose no longer matches), or stands in the same sentence as a video link `[h:mm:ss](video:SECONDS)`,
which marks it as quoted from the lecture.

"Appears" allows a shortened form: prose 0.0178 is tied to a printed 0.017834..., prose 1,000.5 to
a printed 1000.5. A number that is none of these is listed with its page and line.
"""
import io
import re

import pytest
from pytest_codeblocks.main import extract_from_buffer

import translation  # docs/hooks/translation.py (tests/site/conftest.py puts docs/hooks on the path)
from conftest import ROOT

PAGES = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "build-it").glob("*.md"))
VIDEO_LINK = re.compile(r"\]\(video:\d+\)")
YEAR = re.compile(r"(19|20)\d\d")  # a year (the lecture's 2022) is a name, not a quantity
# A number as written: optional sign, digits with thousands commas, a fraction, an exponent. Not part
# of a word (v2), a version (0.1.0), a date (2026-11-27), a time (1:23:45) or an identifier.
NUMBER = re.compile(r"(?<![\w.:/#-])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+−]?\d+)?(?![\w:/-]|\.\d)")


def _id(page):
    return f"build-it/{page.name}" if page.parent.name == "build-it" else page.name


def significant_digits(number):
    """4 for 0.8814, 1,234 and 2.000e-5; 1 for 10,000 (trailing zeros of an integer do not count)."""
    mantissa = re.split(r"[eE]", number.lstrip("-−"))[0].replace(",", "")
    if "." in mantissa:
        return len(mantissa.replace(".", "").lstrip("0"))
    return len(mantissa.lstrip("0").rstrip("0"))


def prose_lines(text):
    """(line number, text) of the page's prose: every fenced block (code, outputs, examples),
    HTML comment, attribute list and link target removed."""
    out, fence = [], None
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped[len(fence):].strip("`").strip():
                fence = None
            continue
        m = re.match(r"(`{3,}|~{3,})", stripped)
        if m:
            fence = m.group(1)
            continue
        line = re.sub(r"\{\s*[#.:][^}]*\}", "", line)  # { #id } and { .class } attribute lists
        line = re.sub(r"\]\((?!video:)[^)]*\)", "]()", line)  # link targets (not video links); link texts are prose
        line = re.sub(r"<[^>]+>", "", line)  # HTML tags and their attributes
        # Inline code is code (`random.seed(1337)`), unless it is only a number typed as a result.
        line = re.sub(r"(`+)(.+?)\1", lambda m: m.group(2) if NUMBER.fullmatch(m.group(2).strip()) else " ", line)
        out.append((lineno, line))
    return out


def sentences(lines):
    """(first line, sentence) over the prose: a sentence ends at . ! ? before a space and a capital
    or at a blank line, a heading, a list item or a table row."""
    found, current, start = [], [], None
    for lineno, line in lines:
        if not line.strip() or re.match(r"\s*(#|[-*+] |\d+\. |\|)", line):
            if current:
                found.append((start, " ".join(current)))
            current, start = [], None
            if not line.strip():
                continue
        if start is None:
            start = lineno
        current.append(line.strip())
    if current:
        found.append((start, " ".join(current)))
    split = []
    for lineno, text in found:  # English sentences end at ". " before a capital; Chinese ones at 。！？
        split += [(lineno, s) for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\[(*_`\"'])|(?<=[。！？])", text) if s]
    return split


def checked_outputs(text):
    return "\n".join(b.expected_output for b in extract_from_buffer(io.StringIO(text)) if b.expected_output)


def code_numbers(text):
    """The number literals of the page's Python blocks (the code the build runs), as written."""
    code = "\n".join(b.code for b in extract_from_buffer(io.StringIO(text)) if b.syntax == "python")
    return {n for n in NUMBER.findall(code)}


def untied_numbers(text):
    """[(line, number)] of the page's prose numbers with four or more significant digits that are
    neither in a checked output of the page, nor a number its Python code uses, nor in a sentence
    with a video link."""
    outputs = checked_outputs(text)
    printed = {n.replace(",", "").replace("−", "-") for n in NUMBER.findall(outputs)}
    inputs = code_numbers(text)
    found = []
    for lineno, sentence in sentences(prose_lines(text)):
        if VIDEO_LINK.search(sentence):
            continue
        for number in NUMBER.findall(sentence):
            if significant_digits(number) < 4 or YEAR.fullmatch(number):
                continue
            plain = number.replace(",", "").replace("−", "-")
            if plain not in inputs and not any(p.startswith(plain) for p in printed):
                found.append((lineno, number))
    return found


VIOLATIONS = {_id(p): untied_numbers(p.read_text(encoding="utf-8")) for p in PAGES}
# The Chinese pages (zh/docs/), as the Chinese build reads them: their prose around the English code.
ZH_PAGES = {f"zh/{name}": translation.merge(en.read_text(encoding="utf-8"), zh.read_text(encoding="utf-8"),
                                            name, lambda section, state: "")
            for name, en, zh in translation.pages() if name.endswith(".md") and en.exists()}
VIOLATIONS.update({name: untied_numbers(text) for name, text in ZH_PAGES.items()})


@pytest.mark.parametrize("page", [_id(p) for p in PAGES] + sorted(ZH_PAGES))
def test_every_long_number_in_prose_is_printed_on_its_page_or_quoted_from_the_video(page):
    left = [f"line {line}: {number}" for line, number in VIOLATIONS[page]]
    where = " (line numbers of the page with the English code put in)" if page.startswith("zh/") else ""
    assert not left, (f"{page}{where}: numbers of four or more significant digits typed in prose, neither in a "
                      f"checked output of the page nor in a sentence with a video link: {'; '.join(left)}")


def test_the_rule_catches_an_untied_number_and_accepts_the_two_ties():
    page = ("# A page\n\nThe loss falls to 0.0178 here.\n\n```python\nprint(0.017834, 2.5)\n```\n\n"
            "<!--pytest-codeblocks:expected-output-->\n```text\n0.017834 2.5\n```\n")
    assert untied_numbers(page) == []  # printed: 0.0178 is 0.017834 shortened
    assert untied_numbers(page.replace("0.0178 here", "0.8814 here")) == [(3, "0.8814")]
    assert untied_numbers(page.replace("0.0178 here", "0.8814 at [1:02:03](video:3723)")) == []
    assert untied_numbers(page.replace("0.0178 here", "0.8814 here. See [1:02:03](video:3723)")) == [(3, "0.8814")]
    code_input = page.replace("0.0178 here", "b = 6.8813735870195432 here").replace("print(0.017834, 2.5)", "b = 6.8813735870195432")
    assert untied_numbers(code_input) == []  # a number the page's code uses
    assert untied_numbers(code_input.replace("b = 6.8813735870195432\n```", "b = 6.88137358701954\n```")) == [(3, "6.8813735870195432")]
    zh = "# 一页\n\n损失降到 0.8814。见 [1:02:03](video:3723)。\n"
    assert untied_numbers(zh) == [(3, "0.8814")]  # a Chinese sentence ends at 。
    assert untied_numbers(zh.replace("。见", "，见")) == []
    for short in ("2.5", "0.001", "10,000", "2022", "`random.seed(1337)`", "v0.1.0", "1:23:45"):
        assert untied_numbers(page.replace("0.0178 here", short + " here")) == [], short
    for typed in ("1,234", "12.34", "`6.8813735870195432`", "$\\tanh(0.8814)$", "-3.142", "1.234e-5", "1056"):
        assert untied_numbers(page.replace("0.0178 here", typed + " here")), typed
    assert untied_numbers(page.replace("```python", "```python\n# 0.8814 in code is not prose")) == []
