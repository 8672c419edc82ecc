"""The expression graph: what each node records, and the order in which backward() visits it.

Each operation of the engine stores its inputs in `_a`, `_b` and their local derivatives in `_da`,
`_db` (no closures), `_prev` gives the inputs as a tuple in order, each once, and `topological_sort`
is an iterative depth-first post-order that gives exactly the lecture's recursive `build_topo`
order. (Nodes made the lecture's way, with closures: test_lecture_protocol.py.)
"""
import gc
import math

import pytest

from micrograd import Value
from micrograd.engine import topological_sort

from expressions import build_topo, readme_example


# -- what a node records -------------------------------------------------------------------------


def test_a_leaf_has_no_op_and_no_inputs():
    v = Value(2.0, label="a")
    assert (v.data, v.grad, v.label, v._op, v._prev) == (2.0, 0.0, "a", "", ())
    assert v._a is None and v._b is None


@pytest.mark.parametrize("make, op, da, db", [
    (lambda a, b: a + b, "+", 1.0, 1.0),
    (lambda a, b: a * b, "*", -3.0, 2.0),
], ids=["add", "mul"])
def test_a_two_input_op_records_inputs_and_local_derivatives(make, op, da, db):
    a, b = Value(2.0), Value(-3.0)
    out = make(a, b)
    assert out._op == op
    assert out._a is a and out._b is b
    assert (out._da, out._db) == (da, db)
    assert out._prev == (a, b)


@pytest.mark.parametrize("make, op, local", [
    (lambda a: a**3, "**3", 12.0),
    (lambda a: 2**a, "2**", 4 * math.log(2)),
    (lambda a: a.exp(), "exp", math.exp(2.0)),
    (lambda a: a.log(), "log", 0.5),
    (lambda a: a.tanh(), "tanh", 1 - math.tanh(2.0) ** 2),
    (lambda a: a.sigmoid(), "sigmoid", math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2),
    (lambda a: a.relu(), "ReLU", 1.0),
], ids=["pow", "rpow", "exp", "log", "tanh", "sigmoid", "relu"])
def test_a_one_input_op_records_its_input_and_local_derivative(make, op, local):
    a = Value(2.0)
    out = make(a)
    assert out._op == op
    assert out._a is a and out._b is None and out._prev == (a,)
    assert out._da == pytest.approx(local, rel=1e-14, abs=0)


def test_prev_is_a_tuple_in_insertion_order_each_input_once():
    x, y = Value(3.0), Value(4.0)
    assert (y * x)._prev == (y, x)
    xx = x * x
    assert xx._prev == (x,)  # the lecture's set(_children) holds x once, too
    assert xx._a is xx._b is x and (xx._da, xx._db) == (3.0, 3.0)  # but x * x uses x twice


def test_constants_are_wrapped_into_leaves():
    x = Value(3.0)
    out = x + 1
    assert isinstance(out._b, Value) and out._b.data == 1.0 and out._b._op == ""
    assert (1 + x)._prev[0] is x  # 1 + x is evaluated as x + 1


def test_a_value_has_slots_and_no_instance_dict():
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.something_else = 1


def test_one_gc_tracked_object_per_node_and_no_reference_cycles():
    def build(n):
        x, c = Value(1.0), Value(0.5)
        v = x
        for _ in range(n):
            v = v * c + x  # two nodes per step
        return v

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = len(gc.get_objects())
        v = build(1000)
        during = len(gc.get_objects())
        del v  # no cycles: reference counting alone frees the whole graph
        after = len(gc.get_objects())
    finally:
        if was_enabled:
            gc.enable()
    assert abs((during - before) - 2002) <= 2
    assert after - before <= 2


# -- the order of the graph ----------------------------------------------------------------------


def test_topological_sort_matches_the_lectures_build_topo_on_the_readme_example():
    *_, g = readme_example()
    assert topological_sort(g) == build_topo(g)


def test_topological_sort_puts_every_node_after_its_inputs_once():
    *_, g = readme_example()
    topo = topological_sort(g)
    assert len(set(topo)) == len(topo)
    position = {v: i for i, v in enumerate(topo)}
    assert all(position[c] < position[v] for v in topo for c in v._prev)
    assert topo[-1] is g


def test_topological_sort_of_a_leaf_is_the_leaf():
    v = Value(1.0)
    assert topological_sort(v) == [v]


def test_topological_sort_visits_the_first_input_first():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = b + c  # b before c: b, then c's inputs a (b is already done), then c
    assert [v.label or v._op for v in topological_sort(d)] == ["b", "a", "*", "+"]


def test_topological_sort_is_iterative_and_handles_a_deep_chain():
    x = Value(0.0)
    v = x
    for _ in range(50_000):  # far beyond the recursion limit
        v = v.relu()
    topo = topological_sort(v)
    assert len(topo) == 50_001 and topo[0] is x and topo[-1] is v
