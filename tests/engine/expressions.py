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
