"""The page-code runner's guards, one by one, on small pages (no build, no `dot`: milliseconds each).

docs/hooks/pagecode.py is what both the build and tests/site/test_pages.py run, so each guard proven
here holds in both. Every case below is a page that must be refused, with the page's line named.
"""
import pytest

import pagecode
from pagecode import PageCodeError, run_page

SHOWS = "\n<!--pytest-codeblocks:expected-output-->\n```text\n{shown}```\n"


def page(code, shown=None, fence="python"):
    """A page of one block (after a title line) and, if `shown` is given, its shown output."""
    return f"# A page\n\n```{fence}\n{code}```\n" + (SHOWS.format(shown=shown) if shown is not None else "")


# --- 1. a fence that would not run does not turn the output check off ---------------------------

@pytest.mark.parametrize("fence", ["py", "python3", 'python title="x.py"', "python linenums=\"1\"", "Python",
                                   "pycon", "", "bash"])
def test_a_fence_language_off_the_allow_list_fails_naming_the_line(fence):
    text = page("print(7.4)\n", shown="26.1\n", fence=fence)
    with pytest.raises(PageCodeError, match=r"page\.md, line 3: fence language .* is not one of"):
        run_page(text, page="page.md")


def test_a_tilde_fence_fails():
    with pytest.raises(PageCodeError, match=r"line 3: a ~~~ fence"):
        run_page("# A page\n\n~~~python\nprint(1)\n~~~\n", page="page.md")


def test_a_mistyped_fence_inside_an_admonition_fails():
    text = '# A page\n\n??? success "Solution"\n\n    ```py\n    print(1)\n    ```\n'
    with pytest.raises(PageCodeError, match=r"line 5: fence language 'py'"):
        run_page(text, page="page.md")


@pytest.mark.parametrize("fence", ["console", "text", "markdown", "source"])
def test_an_expected_output_after_a_block_that_does_not_run_fails(fence):
    text = page("micrograd.engine.Value.__mul__\n", shown="26.1\n", fence=fence)
    with pytest.raises(PageCodeError, match=rf"line 3: an expected output follows a ```{fence} block"):
        run_page(text, page="page.md")


def test_a_fence_nested_in_a_longer_fence_is_content_not_a_block():
    text = "# A page\n\n````markdown\n```py\nprint(1)\n```\n````\n"
    assert run_page(text) == []


def test_every_allowed_fence_is_accepted():
    text = "".join(f"```{f}\n# alt: x\n```\n\n" for f in pagecode.FENCES if f not in pagecode.RUNNABLE)
    assert pagecode.check_fences(text)


# --- 2. the shown output is compared exactly: near misses fail ----------------------------------

NEAR_MISSES = {
    "one digit off": ('print(0.8958441028683222)\n', "0.8958441028683223\n"),
    "one digit more in what is printed": ('print(26.1)\n', "6.1\n"),
    "one extra line printed": ('print("a")\nprint("b")\n', "a\n"),
    "one extra line printed before": ('print("a")\nprint("b")\n', "b\n"),
    "one line missing from what is printed": ('print("a")\n', "a\nb\n"),
    "a trailing space printed": ('print("9.0 ")\n', "9.0\n"),
    "a trailing space shown": ('print("9.0")\n', "9.0 \n"),
    "no final newline printed": ('print("9.0", end="")\n', "9.0\n"),
    "nothing printed": ('x = 9.0\n', "9.0\n"),
    "an extra blank line printed": ('print("9.0")\nprint()\n', "9.0\n"),
}


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_a_near_miss_between_shown_and_printed_output_fails(name):
    code, shown = NEAR_MISSES[name]
    with pytest.raises(PageCodeError, match=r"page\.md, line 3 \(```python block\): the page shows an output"):
        run_page(page(code, shown=shown), page="page.md")


def test_the_exact_output_passes():
    runs = run_page(page('print("a")\nprint(0.1 + 0.2)\n', shown="a\n0.30000000000000004\n"))
    assert [r.output for r in runs] == ["a\n0.30000000000000004\n"]


# --- 3. the picture guards apply without drawing -------------------------------------------------

@pytest.mark.parametrize("code", ["import matplotlib\n", "# a plot\n", "# alt:\n", "# alt:   \n"])
def test_a_plot_without_a_text_alternative_fails(code):
    with pytest.raises(PageCodeError, match=r"line 3 \(```plot block\): a ```plot block must start with '# alt:"):
        run_page(page(code, fence="plot"), page="page.md")


def test_a_skipped_plot_without_a_text_alternative_fails_too():
    text = "# A page\n\n<!--pytest-codeblocks:importorskip(no_such_module_here)-->\n```plot\nx = 1\n```\n"
    with pytest.raises(PageCodeError, match=r"line 4 .*# alt:"):
        run_page(text, page="page.md")


@pytest.mark.parametrize("code, what", [("42\n", "int"), ("from micrograd import Value\n[Value(1.0)]\n", "list"),
                                        ("x = 1\n", "an expression")])
def test_a_graph_block_that_does_not_end_in_a_value_fails(code, what):
    with pytest.raises(PageCodeError, match=rf"line 3 \(```graph block\) raised ValueError: .*{what}"):
        run_page(page(code, fence="graph"), page="page.md")


def test_a_graph_block_ending_in_a_value_passes():
    (run,) = run_page(page("from micrograd import Value\nValue(2.0) * 3\n", fence="graph"))
    assert run.value.data == 6.0


# --- 4. errors name the line of the page as written ----------------------------------------------

def test_the_failing_block_is_named_by_its_own_line():
    text = page("x = 1\n") + "\nSome prose.\n\n```source\nmicrograd.engine.Value.__mul__\n```\n\n```python\n1 / 0\n```\n"
    line = text.splitlines().index("1 / 0")  # the fence opens on the line above; lines count from 1
    with pytest.raises(PageCodeError, match=rf"page\.md, line {line} \(```python block\) raised ZeroDivisionError"):
        run_page(text, page="page.md")


def test_a_shown_output_after_a_skipped_block_fails_naming_the_line():
    text = '# A page\n\n<!--pytest.mark.skip(reason="shown, never run")-->\n' + page("print(7.4)\n", "26.1\n").split("\n", 2)[2]
    with pytest.raises(PageCodeError, match=r"page\.md, line 4: an expected output follows a block marked skip"):
        run_page(text, page="page.md")
    assert run_page(text.split("\n<!--pytest-codeblocks")[0], page="page.md")[0].skipped == "shown, never run"
