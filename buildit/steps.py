"""The steps of the "Build it yourself" track, in the order the lecture writes the code.

Each step names the chapter page where the video writes that code and the second of the video
where it starts. A step's reference solution is `solutions/<id>.py`; its starter is the
reference solution of the step before (the reader's code carried forward), and for the first
step `solutions/start.py`.
"""
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    chapter: str  # the chapter page (docs/<chapter>.md) where the video writes this code
    video: int  # the second of the video where it starts
    goal: str  # one line: what to write


STEPS = [
    Step("value", "A Value that holds a number", "value-object", 1149,
         "a class `Value` that stores a number in `data` and prints as `Value(data=2.0)`"),
    Step("graph", "+ and * build the graph", "value-object", 1149,
         "`__add__` and `__mul__` that return a new `Value` and remember their inputs (`_prev`) "
         "and operation (`_op`)"),
    Step("draw", "Drawing the graph", "value-object", 1149,
         "`grad`, and `trace(root)` and `draw_dot(root)`: the graph as graphviz records "
         "`label | data | grad` with a small node for each operation"),
    Step("numeric", "Checking a gradient numerically", "manual-backprop-expression", 1930,
         "`lol(name, h=0.001)`: the slope of L with respect to one value, by nudging it by h"),
    Step("by-hand", "The neuron's gradients by hand", "manual-backprop-neuron", 3172,
         "`grad`, `tanh()`, and a function that fills in every gradient of the neuron with the "
         "local derivatives"),
    Step("closures", "A _backward closure per operation", "backward-per-operation", 4142,
         "a `_backward` closure on the output of `+`, `*` and `tanh` that applies the chain rule"),
    Step("backward", "backward(): the whole graph", "backward-whole-graph", 4652,
         "`backward()`: sort the graph topologically, seed `grad = 1`, call every `_backward` "
         "from the output back"),
    Step("accumulate", "The fix for a node used twice", "multiple-use-bug", 4948,
         "gradients that accumulate with `+=`, so a node used twice gets both contributions"),
    Step("more-ops", "More operations", "breaking-up-tanh", 5225,
         "numbers on either side of `+` and `*`, `exp`, `**`, `/`, unary `-` and `-`"),
    Step("mlp", "Neuron, Layer, MLP", "mlp-library", 6235,
         "the classes `Neuron`, `Layer` and `MLP`"),
    Step("parameters", "parameters()", "parameters", 7076,
         "`parameters()` on `Neuron`, `Layer` and `MLP`: every weight and bias in one flat list"),
    Step("training", "The training loop", "training", 7272,
         "`train()`: forward pass, loss, zeroing the gradients, backward pass, update, repeated"),
]

BY_ID = {s.id: s for s in STEPS}


def get(step_id):
    """The step called `step_id`; a LookupError naming the steps if there is none."""
    try:
        return BY_ID[step_id]
    except KeyError:
        raise LookupError(f"there is no step {step_id!r}; the steps are: "
                          + ", ".join(s.id for s in STEPS)) from None


def solution(step_id):
    """The reference solution of a step, as text."""
    get(step_id)
    return (HERE / "solutions" / f"{step_id}.py").read_text(encoding="utf-8")


def starter(step_id):
    """What the reader starts a step from: the previous step's solution (the first: a stub)."""
    i = STEPS.index(get(step_id))
    if i == 0:
        return (HERE / "solutions" / "start.py").read_text(encoding="utf-8")
    return solution(STEPS[i - 1].id)
