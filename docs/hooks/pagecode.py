"""Run a page's code the way a reader would: every block in page order, in one namespace.

The build (hooks/graphs.py) and the test suite (tests/site/test_pages.py) both call `run_page`,
so a page that builds is a page whose code runs and whose shown output is what the code prints.

Blocks are found with pytest-codeblocks' own parser, so its markers mean what its docs say:
``<!--pytest-codeblocks:expected-output-->`` before a fence makes that fence the exact stdout of
the block above it, ``<!--pytest-codeblocks:importorskip(torch)-->`` skips a block when a module
is missing, and ``<!--pytest.mark.skip(reason="...")-->`` skips one always. Unlike the plugin,
blocks share one namespace per page, like the cells of a notebook (see docs/contributing.md).
"""
import ast
import contextlib
import importlib.util
import io
import re
import sys
from dataclasses import dataclass

from pytest_codeblocks.main import CodeBlock, extract_from_buffer

RUNNABLE = ("python", "graph", "plot")  # ```graph and ```plot blocks are Python too


class PageCodeError(Exception):
    """A block failed or printed something else than its page shows."""


@dataclass
class BlockRun:
    block: CodeBlock
    output: str = ""  # what the block printed
    value: object = None  # the value of a graph block's final expression
    picture: str = ""  # what `draw` made of a graph or plot block
    skipped: str = ""  # why the block did not run, if it did not


def run_page(text, page="<page>", namespace=None, draw=None):
    """Run every runnable block of the Markdown `text`; return one BlockRun per block.

    `draw(run)`, if given, is called right after each graph or plot block runs, before any later
    block can change what it shows; its result is kept as `run.picture`.
    """
    ns = {"__name__": "__page__"} if namespace is None else namespace
    runs = []
    for block in extract_from_buffer(io.StringIO(text)):
        if block.syntax not in RUNNABLE:
            continue
        where = f"{page}, line {block.lineno} (```{block.syntax} block)"
        reason = _skip_reason(block, where)
        if reason:
            runs.append(BlockRun(block, skipped=reason))
            continue
        run = BlockRun(block)
        out = io.StringIO()
        if block.syntax == "plot" and "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")  # each plot block draws a fresh figure
        try:
            with contextlib.redirect_stdout(out):
                run.value = _exec(block.code, ns, want_value=block.syntax == "graph")
            if draw and block.syntax != "python":
                run.picture = draw(run)
        except Exception as e:
            raise PageCodeError(f"{where} raised {type(e).__name__}: {e}") from e
        run.output = out.getvalue()
        if block.expected_output is not None and run.output != block.expected_output:
            raise PageCodeError(
                f"{where}: the page shows an output the code does not print.\n"
                f"--- shown on the page\n{block.expected_output}--- printed by the code\n{run.output}"
            )
        runs.append(run)
    return runs


def _exec(code, ns, want_value):
    """Run `code` in `ns`; with `want_value`, return the value of its final expression."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body else None
    if not want_value:
        exec(compile(tree, "<page code>", "exec"), ns)
        return None
    if not isinstance(last, ast.Expr):
        raise ValueError("a graph block must end in an expression: the Value to draw")
    exec(compile(ast.Module(tree.body[:-1], type_ignores=[]), "<page code>", "exec"), ns)
    return eval(compile(ast.Expression(last.value), "<page code>", "eval"), ns)


def _skip_reason(block, where):
    if block.importorskip and importlib.util.find_spec(block.importorskip) is None:
        return f"needs {block.importorskip}, which is not installed"
    for mark in block.marks:
        m = re.fullmatch(r"pytest\.mark\.skip\(reason=(['\"])(.+)\1\)", mark)
        if not m:
            raise PageCodeError(f"{where}: unsupported mark {mark!r}; use "
                                f"pytest.mark.skip(reason=\"...\") or importorskip(module)")
        return m.group(2)
    return ""
