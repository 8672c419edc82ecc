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

RUN_TIMEOUT = 120_000  # ms: Pyodide's cold start is ~10 s idle, far more on 2 busy cores
STEPPER_PAGE = "manual-backprop-expression/"  # its ```backprop block draws L = -8

# Several expressions, each whole (the reader may type anything): the lecture's L, a shared node
# used twice (a + a) and three times, a neuron through tanh, exp and a power, division.
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
