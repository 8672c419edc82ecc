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
from ci_skips import in_ci

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
# Each check_* reads what a notebook printed and fails unless every figure is there and right;
# lists are compared whole (same length, then each item within the stated tolerance). The
# test_*_checks_refuse_* tests below prove that a notebook printing nothing, or too little, fails.

def same_list(got, want, rel, what):
    """`got` has exactly `want`'s length and each item is within `rel` of it (rel=0: equal)."""
    assert len(got) == len(want), f"{what}: {len(got)} numbers printed, {len(want)} expected: {got}"
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if not (g == w or close(g, w, rel))]
    assert not bad, f"{what}: (index, printed, expected) beyond rel. tolerance {rel}: {bad}"


def printed_number(out, label):
    m = re.search(rf"^{re.escape(label)} (\S+)$", out, re.M)
    assert m, f"the notebook does not print {label!r}"
    return float(m[1])


def printed_list(out, label):
    m = re.search(rf"^{re.escape(label)} (\[.*\])$", out, re.M)
    assert m, f"the notebook does not print {label!r}"
    return ast.literal_eval(m[1])


def check_moons(out):
    assert "number of parameters 337" in out, "the notebook does not print its 337 parameters"
    found = re.findall(r"^step (\d+) loss (\S+), accuracy (\S+)%$", out, re.M)
    assert [int(k) for k, _, _ in found] == list(range(100)), "the training loop must print steps 0 to 99, once each"
    steps = [(float(loss), float(acc)) for _, loss, acc in found]
    assert steps[0] == (0.8958441028683222, 50.0), f"step 0: {steps[0]}"  # the original's figure, exactly
    loss99, acc99 = steps[99]
    assert close(loss99, 0.010978370135492717, 1e-9) and acc99 == 100.0, f"step 99: {steps[99]}"


def lecture_replay():
    """The lecture notebook's two runs (with and without zero_grad), replayed here with the engine."""
    import random

    from micrograd import MLP

    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    runs = []
    for zero_grad in (True, False):
        random.seed(1337)
        n = MLP(3, [4, 4, 1], act="tanh")
        losses = []
        for _ in range(20):
            loss = sum((n(x) - y) ** 2 for x, y in zip(xs, ys))
            if zero_grad:
                n.zero_grad()
            loss.backward()
            for p in n.parameters():
                p.data += -0.1 * p.grad
            losses.append(loss.data)
        runs.append(losses)
    return runs


def check_lecture_training(out):
    assert "parameters: 41" in out, "the notebook does not print its 41 parameters"
    assert printed_number(out, "initial loss:") == 6.005402783252284
    found = re.findall(r"^step (\d+) loss (\S+)$", out, re.M)
    assert [int(k) for k, _ in found] == list(range(20)) * 2, "two runs of 20 steps: correct, then buggy"
    good, buggy = [float(v) for _, v in found[:20]], [float(v) for _, v in found[20:]]
    assert good[0] == 6.005402783252284, good[0]
    assert abs(good[19] - 0.017781874686157644) <= 1e-12, good[19]
    assert [round(v, 6) for v in buggy[:4]] == [6.005403, 3.20215, 2.432486, 1.142715], buggy[:4]
    want_good, want_buggy = lecture_replay()  # the whole lists, exactly: the same engine, the same code
    same_list(good, want_good, 0, "losses with zero_grad")
    same_list(buggy, want_buggy, 0, "losses without zero_grad")


def check_graph_gallery(out):
    assert "grads: x1 -1.4999999999999996  w1 0.9999999999999998  x2 0.4999999999999999  w2 0.0" in out
    assert "values in the graph: 10 with tanh, 18 with exp" in out


def check_exercises(out):
    assert printed_number(out, "f(2, 3, 4) =") == pytest.approx(6.336362190988558, rel=1e-12, abs=0)
    expected_grad = [-12.353553390593273, 10.25699027111255, 0.0625]
    same_list(printed_list(out, "analytic gradient:"), expected_grad, 1e-12, "analytic gradient")
    numerical = printed_list(out, "numerical gradient, h = 1e-6:")
    central = printed_list(out, "central gradient, h = 1e-6:")
    assert len(numerical) == len(central) == len(expected_grad), (numerical, central)
    for n, c, e in zip(numerical, central, expected_grad):
        assert abs(n - e) < 1e-5 and abs(c - e) < abs(n - e), (n, c, e)
    assert printed_number(out, "loss:") == pytest.approx(2.1755153626167143, rel=1e-12, abs=0)
    expected_logit_grads = [0.041772570515350445, 0.8390245074625319, 0.005653302662216329, -0.8864503806400986]
    same_list(printed_list(out, "gradients of the logits:"), expected_logit_grads, 1e-12, "gradients of the logits")
    if in_ci() or importlib.util.find_spec("torch") is not None:  # CI installs PyTorch: it must run there
        assert "PyTorch agrees." in out, "the notebook does not say PyTorch agrees"


CHECKS = {"moons.ipynb": check_moons, "lecture-training.ipynb": check_lecture_training,
          "graph-gallery.ipynb": check_graph_gallery, "exercises.ipynb": check_exercises}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_printed_figures(name, executed):
    CHECKS[name](stdout(executed(name)))


def test_moons_displays(executed):
    assert len(displayed(executed("moons.ipynb"), "image/svg+xml")) == 3, "scatter, curves, boundary"


def test_lecture_training_displays(executed):
    assert len(displayed(executed("lecture-training.ipynb"), "image/svg+xml")) == 2, \
        "the loss curve, and the two runs side by side"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_picture_has_a_text_alternative(name, executed):
    """nbconvert shows an image/svg+xml or image/png output as an <img> without alt (it warns, and
    the build stops on that: docs/hooks/notebooks.py). A plot is shown as text/html instead: an
    <img> whose alt says what it shows, with the numbers of this run."""
    nb = executed(name)
    outputs = [o.data for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type in ("display_data", "execute_result")]
    for data in outputs:
        if {"image/svg+xml", "image/png", "image/jpeg"} & set(data):
            assert "text/html" in data, f"{name}: a picture shown without text/html, so without alt text"
        for img in re.findall(r"<img\b[^>]*>", data.get("text/html", "")):
            alt = re.search(r'\salt="([^"]{20,})"', img)
            assert alt and re.search(r"\d", alt.group(1)), f"{name}: {img[:80]}... has no alt text with numbers"
    if name in ("moons.ipynb", "lecture-training.ipynb"):
        assert sum("<img" in d.get("text/html", "") for d in outputs) == {"moons.ipynb": 3}.get(name, 2)


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


# --- the checks cannot be fooled (no notebook runs here: milliseconds) ---------------------------

@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_checks_refuse_a_notebook_that_prints_nothing(name):
    with pytest.raises(AssertionError):
        CHECKS[name]("")


def test_the_checks_refuse_a_short_or_wrong_list():
    good = ("f(2, 3, 4) = 6.336362190988558\n"
            "analytic gradient: [-12.353553390593273, 10.25699027111255, 0.0625]\n"
            "numerical gradient, h = 1e-6: [-12.35355, 10.25699, 0.0625001]\n"
            "central gradient, h = 1e-6: [-12.35355339, 10.2569902711, 0.06250000001]\n"
            "loss: 2.1755153626167143\n"
            "gradients of the logits: [0.041772570515350445, 0.8390245074625319, 0.005653302662216329, "
            "-0.8864503806400986]\nPyTorch agrees.\n")
    check_exercises(good)
    for broken in (good.replace(", 0.0625]", "]", 1),  # one gradient left out
                   good.replace("-0.8864503806400986]", "-0.8864503806400986, 1.0]"),  # one too many
                   good.replace("0.0625]", "0.0626]", 1),  # one number off
                   good.replace("[-12.35355, 10.25699, 0.0625001]", "[-12.35355]")):  # a short numerical list
        with pytest.raises(AssertionError):
            check_exercises(broken)


def test_the_checks_refuse_a_wrong_initial_loss_or_a_short_run():
    good_run, buggy_run = lecture_replay()
    good = ("parameters: 41\ninitial loss: 6.005402783252284\n"
            + "".join(f"step {k} loss {v}\n" for k, v in enumerate(good_run))
            + "".join(f"step {k} loss {v}\n" for k, v in enumerate(buggy_run)))
    check_lecture_training(good)
    for broken in (good.replace("initial loss: 6.005402783252284", "initial loss: 6.005402783252285"),
                   good.replace("initial loss: 6.005402783252284\n", ""),
                   good.replace(f"step 7 loss {good_run[7]}", f"step 7 loss {good_run[7] * (1 + 1e-15)}"),
                   good.replace(f"step 19 loss {buggy_run[19]}\n", "")):
        with pytest.raises(AssertionError):
            check_lecture_training(broken)
