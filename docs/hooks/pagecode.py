"""Run a page's code the way a reader would: every block in page order, in one namespace.

The build (hooks/graphs.py) and the test suite (tests/site/test_pages.py) both call `run_page`,
so a page that builds is a page whose code runs and whose shown output is what the code prints.

Blocks are found with pytest-codeblocks' own parser, so its markers mean what its docs say:
``<!--pytest-codeblocks:expected-output-->`` before a fence makes that fence the exact stdout of
the block above it, ``<!--pytest-codeblocks:importorskip(torch)-->`` skips a block when a module
is missing, and ``<!--pytest.mark.skip(reason="...")-->`` skips one always. Unlike the plugin,
blocks share one namespace per page, like the cells of a notebook (see docs/contributing.md).

Before anything runs, `check_fences` reads the page as written: every fence's language must be one of
FENCES, written bare (a ```py, ```python3 or ```python title="x" block would silently not run), and an
expected output must follow a block that runs (not one marked skip). The picture guards (a ```plot starts with `# alt:`, a
```graph or ```backprop ends in a `Value`) are applied here too, so the page tests apply every guard
the build does.
Run it on the page's source text: line numbers in errors are then the lines of the file.
"""
import ast
import contextlib
import dataclasses
import importlib.util
import io
import os
import re
import sys
from dataclasses import dataclass

from pytest_codeblocks.main import CodeBlock, extract_from_buffer

RUNNABLE = ("python", "graph", "backprop", "plot")  # ```graph, ```backprop and ```plot blocks are Python too
# Every fence language the pages may use: the runnable ones, ```source (hooks/includes.py), ```lecture
# (hooks/lecture.py: the lecture's code by name, run when it is a whole file, class or function),
# ```text for outputs, ```console for shell sessions, ```markdown for examples in docs/contributing.md.
FENCES = RUNNABLE + ("source", "lecture", "text", "console", "markdown")


# What each runnable block of a page printed in this build, in page order (None: skipped), by page:
# hooks/graphs.py fills it as it runs the pages, hooks/runner.py ships it to the browser, whose
# output the browser tests compare with it for every block, shown output or not.
PRINTED = {}


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
    for block in check_fences(text, page):
        where = f"{page}, line {block.lineno} (```{block.syntax} block)"
        if block.syntax == "lecture":
            block = lecture_block(block, where)  # the named piece of the lecture's code, as a python block
        if block is None or block.syntax not in RUNNABLE:
            continue
        if block.syntax == "plot":
            plot_alt(block.code, where)
        reason = skip_reason(block, where)
        if reason:
            runs.append(BlockRun(block, skipped=reason))
            continue
        run = BlockRun(block)
        out = io.StringIO()
        if block.syntax == "plot" and "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")  # each plot block draws a fresh figure
        try:
            with contextlib.redirect_stdout(out):
                run.value = _exec(block.code, ns, want_value=block.syntax in ("graph", "backprop"))
            if block.syntax in ("graph", "backprop"):
                from micrograd.engine import Value  # imported late: the build reloads the engine

                if not isinstance(run.value, Value):
                    raise ValueError(f"a ```{block.syntax} block must end in a Value, not {type(run.value).__name__}")
            if draw and block.syntax != "python":
                run.picture = draw(run)
        except Exception as e:
            raise PageCodeError(f"{where} raised {type(e).__name__}: {e}") from e
        run.output = out.getvalue()
        if block.expected_output is not None:
            check_output(block.expected_output, run.output, where)
        runs.append(run)
    return runs


def check_output(shown, printed, where):
    """The output shown on the page must be exactly what the block printed, character for character."""
    if printed != shown:
        raise PageCodeError(
            f"{where}: the page shows an output the code does not print.\n"
            f"--- shown on the page\n{shown}--- printed by the code\n{printed}"
            + ("" if printed.endswith("\n") or not printed else "\n(no newline at the end of what was printed)")
        )


def lecture_block(block, where):
    """A ```lecture block as the python block it stands for (the code it shows), or None when it is
    shown only (a method alone); a reference that does not resolve fails, naming it."""
    sys.path.insert(0, os.path.dirname(__file__))
    import lecture  # a sibling module (hooks/lecture.py), imported late: only pages that use it need it

    try:
        piece = lecture.piece(block.code)
    except LookupError as e:
        raise PageCodeError(f"{where}: {e}") from None
    if not piece.runnable:
        return None
    return dataclasses.replace(block, code=piece.code, syntax="python")


def plot_alt(code, where):
    """The text alternative of a ```plot block: its first line, `# alt: <what the plot shows>`."""
    first = code.lstrip().splitlines()[0] if code.strip() else ""
    if not first.startswith("# alt:") or not first[6:].strip():
        raise PageCodeError(f"{where}: a ```plot block must start with '# alt: <what the plot shows>'")
    return first[6:].strip()


def check_fences(text, page="<page>"):
    """Check every fence of the Markdown `text` (see the module docstring); return its code blocks."""
    fence = None  # the number of backticks of the open fence
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if fence is None and stripped.startswith("~~~"):
            raise PageCodeError(f"{page}, line {lineno}: a ~~~ fence; fence code with ``` (the page "
                                f"tests and the build read only backtick fences)")
        if not stripped.startswith("```"):
            continue
        ticks = len(stripped) - len(stripped.lstrip("`"))
        if fence is not None:  # pytest-codeblocks closes a fence at any line starting with its backticks
            if ticks >= fence:
                fence = None
            continue
        fence, info = ticks, stripped[ticks:].strip()
        if info not in FENCES:
            raise PageCodeError(
                f"{page}, line {lineno}: fence language {info or '(none)'!r} is not one of "
                f"{', '.join(FENCES)}; write it bare (```python, not ```py, ```python3 or with "
                f"options), or the block is not run and its shown output is not checked")
    try:
        blocks = extract_from_buffer(io.StringIO(text))
    except RuntimeError as e:  # pytest-codeblocks' own complaints: a marker with no block above it, ...
        raise PageCodeError(f"{page}: {e}") from e
    for block in blocks:
        if block.expected_output is not None and block.syntax not in RUNNABLE:
            raise PageCodeError(f"{page}, line {block.lineno}: an expected output follows a "
                                f"```{block.syntax} block, which does not run")
        if block.expected_output is not None and any(m.startswith("pytest.mark.skip") for m in block.marks):
            raise PageCodeError(f"{page}, line {block.lineno}: an expected output follows a block marked "
                                f"skip, which never runs, so nothing would check that output (nor the "
                                f"browser, which gives it no Run button); drop the mark or the output")
        if block.expected_output_ignore_whitespace:
            raise PageCodeError(f"{page}, line {block.lineno}: expected-output-ignore-whitespace is not "
                                f"supported; shown outputs are compared exactly")
    return blocks


def _exec(code, ns, want_value):
    """Run `code` in `ns`; with `want_value`, return the value of its final expression."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body else None
    if not want_value:
        exec(compile(tree, "<page code>", "exec"), ns)
        return None
    if not isinstance(last, ast.Expr):
        raise ValueError("a graph or backprop block must end in an expression: the Value to draw")
    exec(compile(ast.Module(tree.body[:-1], type_ignores=[]), "<page code>", "exec"), ns)
    return eval(compile(ast.Expression(last.value), "<page code>", "eval"), ns)


def skip_reason(block, where):
    """Why the build does not run `block` (its skip or importorskip mark), or ''."""
    if block.importorskip and importlib.util.find_spec(block.importorskip) is None:
        return f"needs {block.importorskip}, which is not installed"
    for mark in block.marks:
        m = re.fullmatch(r"pytest\.mark\.skip\(reason=(['\"])(.+)\1\)", mark)
        if not m:
            raise PageCodeError(f"{where}: unsupported mark {mark!r}; use "
                                f"pytest.mark.skip(reason=\"...\") or importorskip(module)")
        return m.group(2)
    return ""
