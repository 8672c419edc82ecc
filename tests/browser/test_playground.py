"""Live steppers and the playground (issue 22), proven in Chromium.

A ```backprop block's stepper follows the reader's edited code: run in the page, the build's own
hooks/stepper.py (shipped in python.zip) observes the engine's backward() inside Pyodide and
@viz-js/viz lays the graph out. Every expectation here comes from running the same code in this
process's CPython with this repository's engine: the gradients backward() leaves, in the order the
stepper numbers the nodes (micrograd's topological sort).
"""
import json
import re

import pytest
from playwright.sync_api import expect

from browsing import watch_errors
from sitebuild import ROOT

RUN_TIMEOUT = 120_000  # ms: Pyodide's cold start is ~10 s idle, far more on 2 busy cores
STEPPER_PAGE = "manual-backprop-expression/"  # its ```backprop block draws L = -8

# Several expressions, each whole (the reader may type anything): the lecture's L, a shared node
# used twice (a + a) and three times, a neuron through tanh, exp and a power, division, and a node
# made the lecture's way (a closure) among built-in ones.
EXPRESSIONS = {
    "L = -8": """from micrograd import Value
a = Value(2.0, label='a'); b = Value(-3.0, label='b'); c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
L""",
    "a + a": """from micrograd import Value
a = Value(3.0, label='a')
b = a + a; b.label = 'b'
b""",
    "a used three times": """from micrograd import Value
a = Value(-2.0, label='a'); b = Value(3.0, label='b')
d = a * b; d.label = 'd'
e = a + b; e.label = 'e'
f = d * e + a; f.label = 'f'
f""",
    "neuron": """from micrograd import Value
x1 = Value(2.0, label='x1'); x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1'); w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
n = x1*w1 + x2*w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
o""",
    "exp, power, division": """from micrograd import Value
x = Value(0.5, label='x'); y = Value(1.5, label='y')
z = (x.exp() + y**2) / (x - y); z.label = 'z'
z""",
    # The lecture's way of adding an operation, mixed with built-in ones: a node made with
    # Value(data, _children, _op) and its _backward closure, its output used twice.
    "a closure-made node": """import math
from micrograd import Value
def exp(v):
    out = Value(math.exp(v.data), (v,), 'exp')
    def _backward():
        v.grad += out.data * out.grad
    out._backward = _backward
    return out
a = Value(0.5, label='a'); b = Value(-1.0, label='b')
ab = a * b; ab.label = 'ab'
e = exp(ab); e.label = 'e'
f = e * a + e; f.label = 'f'
f""",
}


def cpython_stepper(code):
    """What the stepper must end on: ([names], [gradients as the stepper prints them]) of the code's
    final Value after the engine's backward(), nodes in topological order, run here in CPython."""
    from micrograd.engine import topological_sort

    ns = {}
    *body, last = code.splitlines()
    exec("\n".join(body), ns)
    root = eval(last, ns)
    root.backward()
    nodes = topological_sort(root)
    return [v.label or f"#{i}" for i, v in enumerate(nodes)], [f"{v.grad:.4f}" for v in nodes]


def test_cpython_expectation_is_not_trivial():
    names, grads = cpython_stepper(EXPRESSIONS["a + a"])
    assert names == ["a", "b"] and grads == ["2.0000", "1.0000"]  # a's two contributions summed


def _bar(page, k):
    return page.locator(f'div.mg-run[data-block="{k}"]')


def _stepper_block(site, path):
    """The index of the first ```backprop block on the page, from the runner's page data."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", path.rstrip("/"))
    blocks = json.loads((site / "assets" / "run" / "pages" / f"{name}.json").read_text(encoding="utf-8"))["blocks"]
    return next(b["index"] for b in blocks if b["syntax"] == "backprop" and not b["skip"])


def _type(page, k, code):
    """Open block k's editor (or focus it), and replace its code by typing `code`."""
    editor = page.locator(f'[aria-label="Python code of block {k + 1}, editable"]')
    _bar(page, k).get_by_role("button", name="Edit").click()  # opens the editor, or focuses it
    expect(editor).to_be_focused(timeout=30_000)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # CodeMirror indents after a colon and closes brackets as one types: insert the text instead.
    page.keyboard.insert_text(code)
    return editor


def _run(page, k):
    bar = _bar(page, k)
    out = bar.locator(".mg-run-out")
    out.evaluate("(o) => { delete o.dataset.state; }")
    bar.get_by_role("button", name="Run").click()
    bar.locator(".mg-run-out[data-state]").wait_for(timeout=RUN_TIMEOUT)
    return out.get_attribute("data-state"), out.inner_text()


STEPPER_JS = """(fig) => ({
  id: fig.id, live: fig.classList.contains('mg-live'), step: Number(fig.dataset.mgStep),
  steps: Number(fig.dataset.mgSteps),
  say: fig.querySelector('.mg-step-say').textContent,
  names: JSON.parse(fig.dataset.mgData).names,
  grads: [...fig.querySelectorAll('svg [data-mg-node]')].sort((x, y) => x.dataset.mgNode - y.dataset.mgNode)
    .map(g => g.querySelector('text.mg-grad').textContent.replace('grad ', '').replace('\\u2212', '-')),
  rows: fig.querySelectorAll('tr[data-mg-step]').length,
})"""


def _stepper(bar):
    return bar.locator("xpath=preceding-sibling::figure[contains(@class, 'mg-stepper')][1]")


def _step_to_end_by_keyboard(page, fig):
    """Step from 0 to the last step with the keyboard: Next's Enter once, then End."""
    fig.locator('[data-mg-do="next"]').focus()
    page.keyboard.press("Home")
    first = fig.evaluate(STEPPER_JS)
    assert first["step"] == 0 and set(first["grads"]) == {"0.0000"}, first
    page.keyboard.press("Enter")
    assert fig.evaluate(STEPPER_JS)["step"] == 1
    page.keyboard.press("End")
    return fig.evaluate(STEPPER_JS)


def test_an_edited_backprop_block_steps_to_cpythons_gradients(new_context, built_site):
    site = built_site[0]
    k = _stepper_block(site, STEPPER_PAGE)
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(STEPPER_PAGE)
    bar = _bar(page, k)
    built_id = _stepper(bar).get_attribute("id")
    problems = []
    for what, code in EXPRESSIONS.items():
        _type(page, k, code)
        state, text = _run(page, k)
        if state != "done":
            problems.append(f"{what}: did not run: {text}")
            continue
        fig = _stepper(bar)
        names, grads = cpython_stepper(code)
        end = _step_to_end_by_keyboard(page, fig)
        if not end["live"] or end["id"] != built_id:
            problems.append(f"{what}: the stepper in place is not a live one in the build's place: {end['id']}")
        if end["names"] != names or end["grads"] != grads:
            problems.append(f"{what}: the stepper ends on {dict(zip(end['names'], end['grads']))}, "
                            f"CPython's backward() on {dict(zip(names, grads))}")
        if end["steps"] != len(names) + 2 or end["rows"] != end["steps"] or end["step"] != end["steps"] - 1:
            problems.append(f"{what}: {end['steps']} steps, {end['rows']} table rows, at step {end['step']}; "
                            f"want {len(names) + 2} (forward, base case, one per node)")
        if not end["say"].startswith(f"Step {end['steps'] - 1} of {end['steps'] - 1}:"):
            problems.append(f"{what}: caption {end['say']!r}")
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_an_error_keeps_the_last_good_stepper_and_reset_restores_the_builds(new_context, built_site):
    site = built_site[0]
    k = _stepper_block(site, STEPPER_PAGE)
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(STEPPER_PAGE)
    bar = _bar(page, k)
    built = _stepper(bar).evaluate(STEPPER_JS)
    _type(page, k, EXPRESSIONS["a + a"])
    assert _run(page, k)[0] == "done"
    good = _stepper(bar).evaluate(STEPPER_JS)
    assert good["live"] and good["names"] == ["a", "b"]
    _type(page, k, "from micrograd import Value\nx = Value(1.0)\ny = x * undefined_name\ny")
    state, text = _run(page, k)
    assert state == "error"
    assert re.search(rf'File "<block {k + 1}>", line 3', text) and "NameError" in text, text
    assert _stepper(bar).evaluate(STEPPER_JS)["names"] == ["a", "b"], "the error replaced the last good stepper"
    _type(page, k, "3 * 4")
    state, text = _run(page, k)
    assert state == "error" and "must end in a micrograd Value, not int" in text, text
    bar.get_by_role("button", name="Reset").click()
    back = _stepper(bar).evaluate(STEPPER_JS)
    assert not back["live"] and back["names"] == built["names"] and back["id"] == built["id"]
    assert not bar.locator(".mg-run-editor").count()
    assert not errors, errors


def test_a_graph_too_large_to_step_is_drawn_with_a_sentence(new_context, built_site):
    site = built_site[0]
    k = _stepper_block(site, STEPPER_PAGE)
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(STEPPER_PAGE)
    bar = _bar(page, k)
    # 100 times a product and a sum, each with a new constant: 401 values. (Not a value shared by
    # every step: graphviz's layout of such a fan-out takes minutes, in the build's `dot` too.)
    code = "from micrograd import Value\ny = Value(0.5)\nfor i in range(100):\n    y = y * 1.01 + 0.5\ny"
    _type(page, k, code)
    state, text = _run(page, k)
    assert state == "done", text
    assert "401 values, more than the 300" in text and "without the stepper" in text, text
    assert bar.locator("figure.mg-run-graph svg").count() == 1
    assert not _stepper(bar).evaluate(STEPPER_JS)["live"]
    assert not errors, errors


# The playground page (docs/playground.md, docs/assets/run/playground.mjs)

PLAYGROUND = "playground/"
# Chapters whose blocks "Open in playground" must bring over with what they build on: the last
# runnable block of each (the longest replay chain); on multiple-use-bug it is a ```backprop block.
OPEN_FROM = ("value-object/", "manual-backprop-neuron/", "multiple-use-bug/", "mlp-library/")
EXAMPLES_JS = "async () => (await import(new URL('assets/run/playground.mjs', __md_scope).href)).EXAMPLES"


def _pg(page):
    root = page.locator("#mg-playground")
    page.wait_for_function("document.getElementById('mg-playground')?.dataset.ready === ''", timeout=60_000)
    return root


def _pg_run(page):
    root = _pg(page)
    out = root.locator(".mg-pg-out")
    out.evaluate("(o) => { delete o.dataset.state; }")
    root.get_by_role("button", name="Run").click()
    root.locator(".mg-pg-out[data-state]").wait_for(timeout=RUN_TIMEOUT)
    return out.get_attribute("data-state"), out.inner_text()


def _pg_stepper_end(page):
    fig = page.locator("#mg-playground figure.mg-stepper")
    return _step_to_end_by_keyboard(page, fig)


def _pg_code(page):
    return page.evaluate("() => document.getElementById('mg-playground').mgCode()")


def cpython_run(code):
    """(the final Value's nodes in topological order, the printed text) of `code`, run in CPython."""
    import contextlib
    import io

    from micrograd.engine import topological_sort

    ns, out = {}, io.StringIO()
    *body, last = code.rstrip("\n").splitlines()
    with contextlib.redirect_stdout(out):
        exec("\n".join(body), ns)
        root = eval(last, ns)
    return topological_sort(root), root, out.getvalue()


def test_every_example_runs_and_steps_to_cpythons_gradients(new_context):
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(PLAYGROUND)
    root = _pg(page)
    examples = page.evaluate(EXAMPLES_JS)
    assert len(examples) == 5
    problems = []
    for i, (name, code) in enumerate(examples):
        root.locator("select").select_option(str(i))
        assert _pg_code(page) == code
        state, text = _pg_run(page)
        nodes, value, printed = cpython_run(code)
        value.backward()
        if state != "done" or printed.strip() not in text:
            problems.append(f"{name}: {state}, printed {text!r}, CPython printed {printed!r}")
            continue
        if len(nodes) > 300:
            note = root.locator(".mg-pg-graph").inner_text()
            if f"{len(nodes)} values, more than the 300" not in note or not root.locator(".mg-pg-graph svg").count():
                problems.append(f"{name}: {len(nodes)} values, but the page says {note!r}")
            continue
        end = _pg_stepper_end(page)
        want = [f"{v.grad:.4f}" for v in nodes]
        if end["grads"] != want:
            problems.append(f"{name}: the stepper ends on {end['grads']}, CPython's backward() on {want}")
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_a_shared_link_opens_the_same_code_and_gives_the_same_gradients(new_context):
    context = new_context()
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(PLAYGROUND)
    root = _pg(page)
    root.locator("select").select_option("1")  # the neuron
    code = _pg_code(page)
    assert _pg_run(page)[0] == "done"
    first = _pg_stepper_end(page)
    root.get_by_role("button", name="Share").click()
    link = root.locator("input.mg-pg-link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert url == page.url and "#code=" in url and code not in url
    from sitebuild import FIGURES
    FIGURES["playground: shared neuron example"] = f"URL {len(url)} characters ({len(code)} characters of code)"
    other = context.new_page()
    other.goto(url)
    root2 = _pg(other)
    assert _pg_code(other) == code
    expect(root2.locator(".mg-pg-out")).to_contain_text("came with the link")
    assert not root2.locator("figure.mg-stepper").count(), "a shared link ran before the reader pressed Run"
    assert _pg_run(other)[0] == "done"
    again = _pg_stepper_end(other)
    assert (again["names"], again["grads"]) == (first["names"], first["grads"])
    damaged = context.new_page()
    damaged.goto(url[:-12])
    _pg(damaged)
    expect(damaged.locator(".mg-pg-out")).to_contain_text("damaged")
    assert not errors, errors


def _blocks(site, path):
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", path.rstrip("/"))
    return json.loads((site / "assets" / "run" / "pages" / f"{name}.json").read_text(encoding="utf-8"))["blocks"]


def test_open_in_playground_from_chapters_runs_without_error(new_context, built_site):
    site = built_site[0]
    page = new_context().new_page()
    errors = watch_errors(page)
    problems = []
    for path in OPEN_FROM:
        blocks = _blocks(site, path)
        runnable = [b for b in blocks if not b["skip"] and not b["local"] and not b["solution"]]
        picks = {runnable[-1]["index"]}  # each pick is a new page view, so a cold start of Python
        for k in sorted(picks):
            page.goto(path)
            bar = _bar(page, k)
            bar.evaluate("(bar) => { for (let d = bar.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
            bar.get_by_role("button", name="Open in playground").click()
            page.wait_for_url(re.compile(r"/playground/#code="))
            _pg(page)
            code = _pg_code(page)
            want = [b["code"].strip() for b in blocks[:k + 1] if not b["skip"] and not b["local"]]
            if [c for c in want if c not in code]:
                problems.append(f"/{path} block {k + 1}: the playground did not get every block it builds on")
            state, text = _pg_run(page)
            if state != "done":
                problems.append(f"/{path} block {k + 1}: {text}")
            elif blocks[k]["syntax"] in ("backprop", "graph") and not page.locator(
                    "#mg-playground .mg-pg-graph svg").count():
                problems.append(f"/{path} block {k + 1}: no graph drawn for its final Value")
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_stop_ends_a_long_loop_and_the_next_run_works(new_context):
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(PLAYGROUND)
    root = _pg(page)
    root.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("while True:\n    pass\n")
    root.get_by_role("button", name="Run").click()
    stop = root.get_by_role("button", name="Stop")
    expect(stop).to_be_visible()
    page.wait_for_timeout(3000)
    expect(root.get_by_role("button", name="Run")).to_be_disabled()
    stop.click()
    expect(root.locator("pre.mg-run-error")).to_contain_text("Stopped", timeout=RUN_TIMEOUT)
    root.locator("select").select_option("2")
    assert _pg_run(page)[0] == "done"
    assert _pg_stepper_end(page)["grads"] == ["2.0000", "1.0000"]
    assert not errors, errors


def test_keyboard_only_on_a_phone_no_sideways_scroll_and_axe_finds_nothing_serious(new_context):
    from browsing import AXE

    page = new_context("dark").new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    errors = watch_errors(page)
    page.goto(PLAYGROUND)
    root = _pg(page)
    root.locator("select").focus()
    page.keyboard.press("ArrowDown")  # the neuron
    for _ in range(20):  # Tab through the editor (it does not trap Tab) to Run
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Run":
            break
    else:
        pytest.fail("Tab never reached Run")
    page.keyboard.press("Enter")
    root.locator(".mg-pg-out[data-state]").wait_for(timeout=RUN_TIMEOUT)
    end = _pg_stepper_end(page)
    assert end["names"][-1] == "o" and end["grads"][-1] == "1.0000"
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"the playground scrolls sideways by {wide} px on a phone"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter((v) => ["serious", "critical"].includes(v.impact))
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)""")
    assert not found, found
    assert not errors, errors


# Watch it learn (docs/assets/run/moons.py, the build's moons.json)

NOTEBOOK = ROOT / "examples" / "moons.ipynb"


def _notebook_points():
    """The notebook's X and y, made by running its own data cell here (scikit-learn, numpy)."""
    import random

    import numpy as np

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if c["cell_type"] == "code" and "make_moons(" in "".join(c["source"]))
    ns = {"random": random, "np": np, "print": lambda *a, **k: None}
    exec(source, ns)
    return ns["X"].tolist(), ns["y"].tolist()


def _notebook_first_loss():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells)
    return float(re.search(r"math\.isclose\(loss0, ([-\d.e]+)", text).group(1))


def _cpython_moons(site, steps, rate=1.0):
    """(losses, seconds per step) of docs/assets/run/moons.py trained in CPython on the site's points."""
    import importlib.util
    import time

    spec = importlib.util.spec_from_file_location("moons_cpython", ROOT / "docs" / "assets" / "run" / "moons.py")
    moons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(moons)
    moons.setup((site / "assets" / "run" / "moons.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    losses = [json.loads(moons.step(k, steps, rate))[0] for k in range(steps)]
    return losses, (time.perf_counter() - start) / steps


def test_the_moons_points_are_the_notebooks(built_site):
    site = built_site[0]
    shipped = json.loads((site / "assets" / "run" / "moons.json").read_text(encoding="utf-8"))
    X, y = _notebook_points()
    assert len(X) == 100 and shipped["X"] == X and shipped["y"] == y
    assert _cpython_moons(site, 1)[0][0] == _notebook_first_loss()  # the notebook's network and loss


def test_training_in_the_page_gives_cpythons_losses_and_draws_as_it_learns(new_context, built_site):
    import math

    site = built_site[0]
    steps = 4
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(PLAYGROUND + "#watch-it-learn")
    page.wait_for_function("document.getElementById('mg-moons')?.dataset.ready === ''", timeout=60_000)
    moons = page.locator("#mg-moons")
    moons.get_by_label("Steps", exact=True).fill(str(steps))
    moons.get_by_label("Learning rate", exact=True).fill("0.5")
    moons.get_by_role("button", name="Train").click()
    page.wait_for_function("document.getElementById('mg-moons').mgLosses.length >= 1", timeout=RUN_TIMEOUT)
    moons.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(12_000)  # the step under way when Pause was pressed ends
    held = page.evaluate("document.getElementById('mg-moons').mgLosses.length")
    page.wait_for_timeout(8000)
    assert page.evaluate("document.getElementById('mg-moons').mgLosses.length") == held, "Pause did not hold"
    moons.get_by_role("button", name="Resume").click()
    page.wait_for_function("document.getElementById('mg-moons').dataset.state", timeout=RUN_TIMEOUT * 2)
    assert moons.get_attribute("data-state") == "done", moons.inner_text()
    losses = page.evaluate("document.getElementById('mg-moons').mgLosses")
    want, cpython_step = _cpython_moons(site, steps, 0.5)
    assert len(losses) == steps and all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(losses, want)), \
        (losses, want)
    assert moons.locator("svg.mg-moons-field circle").count() == 100
    assert moons.locator("svg.mg-moons-field rect").count() > 100  # the boundary's grid
    assert moons.locator("svg.mg-moons-curve polyline").get_attribute("points").count(",") == steps
    in_page = int(moons.get_attribute("data-ms-per-step"))
    from sitebuild import FIGURES
    FIGURES["playground: moons training step"] = (f"{in_page} ms in the page, {cpython_step * 1000:.0f} ms in CPython "
                                                  f"({in_page / 1000 / cpython_step:.1f}x)")
    # Stop ends a run at once, and the next Train starts again.
    moons.get_by_label("Steps", exact=True).fill("100")
    moons.get_by_role("button", name="Train").click()
    page.wait_for_function("document.getElementById('mg-moons').mgLosses.length >= 1", timeout=RUN_TIMEOUT)
    moons.get_by_role("button", name="Stop").click()
    expect(moons.locator(".mg-moons-status")).to_contain_text("Stopped")
    expect(moons.get_by_role("button", name="Train")).to_be_enabled()
    assert not errors, errors
