"""The lecture's code on the pages: never copied, always included by name, and run where it can.

The code the video writes at each stage is the reference solution of a step of the Build it
yourself track, buildit/solutions/<step>.py. A page writes

    ```lecture
    closures:Value.__add__
    ```

and the build shows that piece of the step's solution, read with `ast`, captioned with the step,
the second of the video where that step starts (buildit/steps.py) and a link to the step's page
(the caption stands above the code: below a runnable block come the Run controls).
The reference is `STEP` (the whole file), `STEP:Name` (a top-level class or function) or
`STEP:Class.method` (one method).

A whole file or a top-level class or function also RUNS, in the page's namespace, where the block
stands (hooks/pagecode.py runs `piece(...).code`, exactly the code shown): after a ```lecture
block `closures`, the page's `Value` is the lecture's. This hook writes it as a bare ```python
fence, so the in-page runner (hooks/runner.py) gives it a Run button and the browser runs the
same code, as its own source. A method alone is shown only (a titled fence, which nothing runs).

A reference that does not resolve stops the build, naming the page and the reference.
"""
import ast
import os
import posixpath
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, os.path.dirname(__file__))
from includes import OUTER_FENCE  # noqa: E402  (a sibling module; MkDocs loads hooks by path)

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```lecture[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Piece:
    step: object  # the buildit.steps.Step
    number: int  # its place in the track, from 1
    name: str  # "" for the whole file, else the qualified name
    start: int  # first and last line in the file
    end: int
    code: str
    runnable: bool  # a whole file or a top-level class or function: shown and run

    @property
    def path(self):
        return f"buildit/solutions/{self.step.id}.py"


def _steps():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from buildit import steps  # hooks/track.py reloads buildit at every build; so does this import then

    return steps


def piece(ref):
    """The Piece a ```lecture reference names; LookupError saying what is wrong otherwise."""
    ref = ref.strip()
    step_id, _, name = ref.partition(":")
    if not step_id or " " in ref or "\n" in ref:
        raise LookupError(f"{ref!r} is not of the form STEP, STEP:Name or STEP:Class.method")
    steps = _steps()
    try:
        step = steps.get(step_id)
    except LookupError as e:  # it names the steps there are
        raise LookupError(f"{ref!r}: {e}") from None
    path = ROOT / "buildit" / "solutions" / f"{step.id}.py"
    text = path.read_text(encoding="utf-8")
    number = [s.id for s in steps.STEPS].index(step.id) + 1
    lines = text.splitlines(keepends=True)
    if not name:
        return Piece(step, number, "", 1, len(lines), text, True)
    node = ast.parse(text)
    for part in name.split("."):
        found = [n for n in getattr(node, "body", []) if getattr(n, "name", None) == part
                 and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        if not found:
            raise LookupError(f"{ref!r}: buildit/solutions/{step.id}.py has no {name}")
        node = found[0]
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    code = textwrap.dedent("".join(lines[start - 1 : node.end_lineno]))
    return Piece(step, number, name, start, node.end_lineno, code, "." not in name)


def caption(p, page_uri):
    """The line under the block: what it is, where it comes from, the video moment, the step's page."""
    up = posixpath.relpath("build-it", posixpath.dirname(page_uri) or ".")
    s = p.step.video
    moment = f"[{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}](video:{s})"
    title = p.step.title.replace("_", r"\_").replace("*", r"\*")
    what = (f"`{p.name}` in `{p.path}`, lines {p.start}–{p.end}" if p.name else f"`{p.path}`")
    return (f"{what} · the lecture's code at [step {p.number}, {title}]({up}/{p.step.id}.md) · "
            f"in the video from {moment}")


def on_page_markdown(markdown, page, config, files):
    if "```lecture" not in markdown:
        return markdown
    where = page.file.src_uri

    def expand(m):
        ref = m.group("body").strip()
        try:
            p = piece(ref)
        except LookupError as e:
            raise PluginError(f"{where}: ```lecture block: {e}") from None
        # Bare ```python: the page runner and the in-page runner run it. A titled fence: neither does.
        opener = "```python" if p.runnable else f'```python title="{p.name}"'
        # The caption goes above: below a runnable block, hooks/runner.py puts the Run controls.
        fence = f"{caption(p, where)}\n{{ .mg-lecture-source }}\n\n{opener}\n{p.code}```"
        return textwrap.indent(fence, m.group("indent"), lambda line: True)

    parts, last = [], 0
    for outer in OUTER_FENCE.finditer(markdown):  # ```lecture inside a ````markdown example stays as written
        parts += [FENCE.sub(expand, markdown[last:outer.start()]), outer.group(0)]
        last = outer.end()
    return "".join(parts + [FENCE.sub(expand, markdown[last:])])
