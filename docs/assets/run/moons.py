"""Watch it learn: examples/moons.ipynb's training, one step per call, for the playground's page.

Loaded by assets/run/playground.mjs into the in-page Python (and by tests/browser/test_playground.py
into CPython, to compare the losses). The points are the notebook's own: made at build time by
scikit-learn exactly as the notebook makes them (docs/hooks/runner.py writes them to moons.json),
because the in-page Python has neither numpy nor scikit-learn. The network, the loss (max-margin
with L2 regularization) and the learning-rate schedule are the notebook's; with learning rate 1.0
and 100 steps the schedule is the notebook's `1.0 - 0.9*k/100`.
"""
import json
import random

from micrograd import MLP, Value

X, Y, model = [], [], None


def setup(points_json, seed=1337):
    """Load the points ({"X": [[x0, x1], ...], "y": [-1 or 1, ...]}) and make the notebook's MLP."""
    global X, Y, model
    data = json.loads(points_json)
    X, Y = data["X"], data["y"]
    random.seed(seed)
    model = MLP(2, [16, 16, 1])
    return len(model.parameters())


def loss():
    """The notebook's loss on all points, and the accuracy."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(Y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(Y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def step(k, steps=100, rate=1.0):
    """Step k of `steps` (0-based): forward, backward, update; returns "loss accuracy" before it."""
    total_loss, acc = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = rate * (1.0 - 0.9 * k / steps)
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return json.dumps([total_loss.data, acc])


def boundary(h=0.25):
    """The notebook's decision-boundary grid: {"x0", "y0", "h", "nx", "ny", "inside": [0/1 per point, row by row]}."""
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    x0, x1, y0, y1 = min(xs) - 1, max(xs) + 1, min(ys) - 1, max(ys) + 1
    nx, ny = int((x1 - x0) / h + 0.999999), int((y1 - y0) / h + 0.999999)
    inside = [int(model([Value(x0 + i * h), Value(y0 + j * h)]).data > 0) for j in range(ny) for i in range(nx)]
    return json.dumps({"x0": x0, "y0": y0, "h": h, "nx": nx, "ny": ny, "inside": inside})
