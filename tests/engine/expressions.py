"""Expressions several engine tests share."""
from micrograd.engine import Value


def readme_example():
    """The original README's example, unchanged: returns (a, b, c, d, e, f, g), before backward."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, c, d, e, f, g


def neuron(activation="tanh"):
    """The lecture's neuron (chapter 7): returns (x1, x2, w1, w2, b, n, o), before backward."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    n = x1w1 + x2w2 + b
    if activation == "tanh":
        o = n.tanh()
    else:  # chapter 11: tanh rebuilt from exp
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    return x1, x2, w1, w2, b, n, o


def multiple_use():
    """The lecture's example of a value used twice (chapter 10): returns (a, b, d, e, f), f = (a*b)*(a+b)."""
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    return a, b, d, e, f


def build_topo(root):
    """The lecture's recursive topological sort, children visited in insertion order: the
    reference the engine's iterative `topological_sort` must agree with."""
    topo, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

    visit(root)
    return topo
