"""The notebooks in examples/: stored clean, runnable top to bottom, and printing the right figures.

The notebooks assert their own key figures, but these tests parse what they *print* and check the
figures again, so a drift fails here even if someone removes or loosens an assert in a notebook.
"""
import ast
import importlib.util
import math
import re
from pathlib import Path

import nbformat
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = sorted(p.name for p in EXAMPLES.glob("*.ipynb"))
EXPECTED = {"moons.ipynb", "lecture-training.ipynb", "graph-gallery.ipynb", "exercises.ipynb"}


def stdout(nb):
    """Everything the notebook printed, in order (stream chunks joined, so lines are whole)."""
    return "".join(o.text for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs if o.output_type == "stream" and o.name == "stdout")


def displayed(nb, mime):
    return [o.data[mime] for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if o.output_type in ("display_data", "execute_result") and mime in o.data]


def close(a, b, rel):
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


# --- stored clean --------------------------------------------------------------------------

def test_the_examples_are_all_there():
    assert EXPECTED <= set(NOTEBOOKS), f"missing: {sorted(EXPECTED - set(NOTEBOOKS))}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_without_outputs(name):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}, cell {i}: stored with outputs"
            assert cell.execution_count is None, f"{name}, cell {i}: stored with an execution count"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_starts_with_a_title_and_names_the_python3_kernel(name):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and re.match(r"# \S", first.source), \
        f"{name}: the first cell must be a '# Title' heading"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{name}: kernelspec is not python3"


# --- runs --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom(name, executed):
    nb = executed(name)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    assert not displayed(nb, "image/png"), f"{name}: plots must be inline SVG, not PNG"
    stderr = "".join(o.text for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.output_type == "stream" and o.name == "stderr")
    assert not stderr, f"{name} writes to stderr (a warning would show on the page):\n{stderr}"


# --- figures ---------------------------------------------------------------------------------

def test_moons_figures(executed):
    out = stdout(executed("moons.ipynb"))
    assert "number of parameters 337" in out
    steps = {int(k): (float(loss), float(acc)) for k, loss, acc in
             re.findall(r"^step (\d+) loss (\S+), accuracy (\S+)%$", out, re.M)}
    assert sorted(steps) == list(range(100)), "the training loop must print steps 0 to 99"
    loss0, acc0 = steps[0]
    assert close(loss0, 0.8958441028683222, 1e-12) and acc0 == 50.0, f"step 0: {steps[0]}"
    loss99, acc99 = steps[99]
    assert close(loss99, 0.010978370135492717, 1e-9) and acc99 == 100.0, f"step 99: {steps[99]}"
    assert len(displayed(executed("moons.ipynb"), "image/svg+xml")) == 3, "scatter, curves, boundary"


def test_lecture_training_figures(executed):
    nb = executed("lecture-training.ipynb")
    out = stdout(nb)
    assert "parameters: 41" in out
    assert re.search(r"^initial loss: (\S+)$", out, re.M)
    steps = [(int(k), float(v)) for k, v in re.findall(r"^step (\d+) loss (\S+)$", out, re.M)]
    assert [k for k, _ in steps] == list(range(20)) * 2, "two runs of 20 steps: correct, then buggy"
    good, buggy = [v for _, v in steps[:20]], [v for _, v in steps[20:]]
    assert close(good[0], 6.005402783252284, 1e-12), good[0]
    assert abs(good[19] - 0.017781874686157644) <= 1e-12, good[19]
    assert [round(v, 6) for v in buggy[:4]] == [6.005403, 3.20215, 2.432486, 1.142715], buggy[:4]
    assert len(displayed(nb, "image/svg+xml")) == 2, "the loss curve, and the two runs side by side"


def test_graph_gallery_draws_inline_svg(executed):
    nb = executed("graph-gallery.ipynb")
    # text/html, not image/svg+xml: nbconvert turns an SVG output into an <img>, which the
    # site's stylesheet cannot colour; an HTML output keeps the <svg> element in the page.
    figures = displayed(nb, "text/html")
    assert len(figures) == 8, f"expected 8 graphs, got {len(figures)}"
    for f in figures:
        assert f.startswith('<figure class="mg-graph">') and "<svg" in f and 'class="graph"' in f
        assert "<img" not in f and "<?xml" not in f
    ids = re.findall(r'\bid="([^"]+)"', "".join(figures))
    assert len(ids) == len(set(ids)), "element ids must be unique on the page"
    neuron = next(f for f in figures if ">o<" in f and "x1*w1" in f)
    assert "data 0.7071" in neuron and "grad 0.5000" in neuron
    out = stdout(nb)
    assert "grads: x1 -1.4999999999999996  w1 0.9999999999999998  x2 0.4999999999999999  w2 0.0" in out
    assert "values in the graph: 10 with tanh, 18 with exp" in out


def test_exercises_figures(executed):
    out = stdout(executed("exercises.ipynb"))

    def number(label):
        m = re.search(rf"^{re.escape(label)} (\S+)$", out, re.M)
        assert m, f"the notebook does not print {label!r}"
        return float(m[1])

    def numbers(label):
        m = re.search(rf"^{re.escape(label)} (\[.*\])$", out, re.M)
        assert m, f"the notebook does not print {label!r}"
        return ast.literal_eval(m[1])

    assert close(number("f(2, 3, 4) ="), 6.336362190988558, 1e-12)
    expected_grad = [-12.353553390593273, 10.25699027111255, 0.0625]
    assert all(map(lambda a, b: close(a, b, 1e-12), numbers("analytic gradient:"), expected_grad))
    numerical = numbers("numerical gradient, h = 1e-6:")
    central = numbers("central gradient, h = 1e-6:")
    for n, c, e in zip(numerical, central, expected_grad):
        assert abs(n - e) < 1e-5 and abs(c - e) < abs(n - e)
    assert close(number("loss:"), 2.1755153626167143, 1e-12)
    expected_logit_grads = [0.041772570515350445, 0.8390245074625319, 0.005653302662216329, -0.8864503806400986]
    assert all(map(lambda a, b: close(a, b, 1e-12), numbers("gradients of the logits:"), expected_logit_grads))
    if importlib.util.find_spec("torch") is not None:
        assert "PyTorch agrees." in out
