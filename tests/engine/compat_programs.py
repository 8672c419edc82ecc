"""Programs run unchanged on both engines by tests/engine/test_compat.py.

    PYTHONPATH=<one engine> python tests/engine/compat_programs.py

prints one JSON object: program name -> what it gave. Floats are written with repr(), so equal
strings mean bit-identical numbers; an exception is written as "raised <its type>". The same file
runs with this repository's micrograd and with the original micrograd 0.1.0 from PyPI, each in its
own process whose PYTHONPATH holds that engine only.
"""
import gc
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # expressions.py, beside this file

import micrograd  # noqa: E402
from micrograd.engine import Value  # noqa: E402
from micrograd.nn import MLP, Layer, Neuron  # noqa: E402

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


def num(x):
    return repr(float(x))


# --- code written for 0.1.0: must give identical results ----------------------------------------

@program
def hand_backward_calls():  # the lecture's chapter 8: each node's _backward() called by hand
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.grad = 1.0
    for v in (L, d, f, e, c, b, a):  # reversed topological order; a leaf's does nothing
        v._backward()
    return [num(v.grad) for v in (a, b, c, d, e, f, L)]


@program
def readme_example():
    from expressions import readme_example

    a, b, *_, g = readme_example()
    g.backward()
    return {"g": num(g.data), "a.grad": num(a.grad), "b.grad": num(b.grad)}


@program
def sanity_check():  # the original repository's test/test_engine.py, micrograd half
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return {"y": num(y.data), "x.grad": num(x.grad)}


@program
def moons_step0():  # the repository's demo.ipynb, as written: numpy inputs, hinge loss + L2
    import numpy as np
    from sklearn.datasets import make_moons

    random.seed(1337)
    np.random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    model.zero_grad()
    total_loss.backward()
    return {"loss": num(total_loss.data), "accuracy": sum(accuracy) / len(accuracy),
            "sum of |grad|": num(sum(abs(p.grad) for p in model.parameters()))}


@program
def training_steps():  # the original README's training loop, a few steps on a tiny problem
    random.seed(1)
    model = MLP(2, [4, 1])
    xs = [[Value(0.5), Value(-1.0)], [1.0, 2.0], [-0.3, 0.8]]
    losses = []
    for k in range(5):
        scores = [model(x) for x in xs]
        loss = sum((1 + -yi * s).relu() for yi, s in zip([1, -1, 1], scores)) * (1.0 / 3)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        losses.append(num(loss.data))
    return losses


@program
def mlp_forward():
    random.seed(0)
    model = MLP(3, [4, 4, 1])
    return [num(model(x).data) for x in ([1.0, 2.0, 3.0], [-1.0, 0.5, 2.0])]


@program
def reprs():
    random.seed(0)
    return [repr(Neuron(2, nonlin=False)), repr(Neuron(3)), repr(Layer(2, 3)), repr(MLP(2, [3, 2, 1])),
            repr(Value(2.5) * 2)[: len("Value(data=5.0, grad=")]]


@program
def parameter_counts():
    return [len(m.parameters()) for m in (Neuron(3), Layer(2, 3), MLP(2, [16, 16, 1]), MLP(3, [4, 4, 1]))]


@program
def api():
    return sorted(n for n in ("Value", "MLP", "Layer", "Neuron", "Module") if hasattr(micrograd.nn, n)
                  or hasattr(micrograd.engine, n))


# --- the documented differences (docs/code-walkthrough.md, "Where this engine differs") ----------

@program
def backward_twice():
    x = Value(3.0)
    y = (x * x) * 2
    y.backward()
    y.backward()
    return num(x.grad)


@program
def deep_chain():  # the original's recursive build_topo against Python's recursion limit
    out = {}
    for depth in (500, 2000):
        v = x = Value(1.0)
        for _ in range(depth):
            v = v * 1.0
        try:
            v.backward()
            out[depth] = num(x.grad)
        except RecursionError:
            out[depth] = "raised RecursionError"
    return out


@program
def prev_type():
    return type((Value(1.0) * 2)._prev).__name__


@program
def grad_type():
    x = Value(2.0)
    y = x * 3
    before = type(x.grad).__name__
    y.backward()
    return [before, type(y.grad).__name__, repr(Value(2.0))]


@program
def label_keyword():
    return Value(2.0, label="a").label


@program
def bad_input():
    return repr(Value("a").data)


@program
def lecture_operations():
    return [name for name in ("exp", "log", "tanh", "sigmoid", "relu") if hasattr(Value, name)]


@program
def narrow_layer():  # a hidden layer of width 1
    random.seed(0)
    return num(MLP(3, [1, 4, 1])([1.0, 2.0, 3.0]).data)


@program
def wrong_input_length():
    random.seed(0)
    return num(Neuron(3)([1.0, 2.0]).data)


@program
def backward_closures():  # what a built-in operation's node keeps for the backward pass
    return type((Value(2.0) * 3)._backward).__name__  # a closure made in the op, or a bound method


@program
def cycles_left_for_the_collector():
    gc.collect()
    a = Value(2.0)
    out = a
    for _ in range(100):
        out = out * a + 1
    del a, out
    return gc.collect() > 0


def main():
    results = {"micrograd": str(Path(micrograd.__file__).resolve().parent)}
    for name, f in PROGRAMS.items():
        try:
            results[name] = f()
        except Exception as e:  # noqa: BLE001  (what fails is part of the answer)
            results[name] = f"raised {type(e).__name__}"
    print(json.dumps(results))


if __name__ == "__main__":
    main()
