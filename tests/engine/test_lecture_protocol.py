"""The lecture's own protocol runs on the engine: `Value(data, _children, _op)` plus a `_backward` closure.

A reader coding along types the lecture's operations (a node made with the public constructor, a
closure assigned to `out._backward`) and mixes them with the engine's built-in operations, which
keep their stored local derivatives. Every node answers `node._backward()` as the lecture's nodes
do, so the chapter-8 hand calls run. Wrong calls fail at once with a TypeError naming what was
wrong; a node with inputs but no closure makes `backward()` fail before any gradient changes.

The lecture's code is not copied here: it is the track's reference solution of the step that
completes the lecture's `Value` (buildit/solutions/more-ops.py: `+ * **` with a number, `exp`,
`tanh`, `/`, unary and binary `-`, `__radd__`, `__rmul__`). Its class is loaded, and only the name
`Value` its methods see is swapped for the engine's; `lecture_ops()` then puts those methods on the
engine's `Value`, as a reader who types `Value.exp = exp` does.
"""
import contextlib
import gc
import importlib.util
import math
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from micrograd import Value, draw_dot
from micrograd.engine import topological_sort

from expressions import multiple_use, neuron

# derandomize: the same examples on every run, as in test_properties.py
SETTINGS = dict(deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SOLUTION = Path(__file__).resolve().parents[2] / "buildit" / "solutions" / "more-ops.py"
NAMES = ["__add__", "__mul__", "__pow__", "__rmul__", "__radd__", "__truediv__", "__neg__", "__sub__",
         "tanh", "exp"]


def _lecture_methods():
    """The lecture's operations, as functions whose `Value(...)` and `isinstance(_, Value)` mean the engine's."""
    spec = importlib.util.spec_from_file_location("lecture_more_ops", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    own = module.Value
    module.Value = Value  # the one swap
    return {name: own.__dict__[name] for name in NAMES}


LECTURE = _lecture_methods()


@contextlib.contextmanager
def lecture_ops(*names):
    """The engine's `Value` with the lecture's versions of `names` (all of them if none are given)."""
    with mock.patch.multiple(Value, **{name: LECTURE[name] for name in names or NAMES}):
        yield


def test_the_lecture_ops_are_the_solutions_and_make_closure_nodes():
    assert {f.__code__.co_filename for f in LECTURE.values()} == {str(SOLUTION)}
    x = Value(2.0)
    with lecture_ops():
        y = (-(x * 3) + 1) / x**2 - x.exp().tanh() + (2 * x + 1)
    ops = [v for v in topological_sort(y) if v._op]
    assert {v._op for v in ops} == {"*", "+", "**-1", "**2", "exp", "tanh"}
    assert all(v._closure is not None and v._da is None for v in ops)
    assert Value.__add__ is not LECTURE["__add__"], "lecture_ops() puts the engine's own back"


# -- every lecture operation, on random graphs ---------------------------------------------------------
# A program is leaf values and steps (op, i, j, c): apply `op` to nodes i and j (indices modulo the
# number of nodes so far; i == j is allowed) or to node i and the constant c. The root adds up every
# node nothing else uses. Each op is written with operators, so it runs on engine Values (with the
# engine's operations or the lecture's) and on PyTorch tensors alike.

OPS = {
    "add": lambda a, b, c: a + b, "sub": lambda a, b, c: a - b, "mul": lambda a, b, c: a * b,
    "div": lambda a, b, c: a / b, "add_c": lambda a, b, c: a + c, "sub_c": lambda a, b, c: a - c,
    "mul_c": lambda a, b, c: a * c, "div_c": lambda a, b, c: a / c, "radd": lambda a, b, c: c + a,
    "rmul": lambda a, b, c: c * a, "neg": lambda a, b, c: -a, "pow2": lambda a, b, c: a**2,
    "pow3": lambda a, b, c: a**3, "pow_m1": lambda a, b, c: a**-1, "pow_half": lambda a, b, c: a**0.5,
    "exp": lambda a, b, c: a.exp(), "tanh": lambda a, b, c: a.tanh(),
}
BINARY = {"add", "sub", "mul", "div"}


def allowed(op, x, y):
    """Keep each step in its domain and well conditioned (as test_properties.py does). tanh stays
    away from 0, where the engine computes tanh with math.tanh and the lecture's formula loses digits."""
    return {
        "mul": abs(x * y) < 1e4, "div": abs(y) > 0.1 and abs(x / y) < 1e4, "pow2": abs(x) < 100,
        "pow3": abs(x) < 20, "pow_m1": abs(x) > 0.1, "pow_half": x > 0.1, "exp": x < 8,
        "tanh": 1e-3 <= abs(x) < 15,
    }.get(op, True)


programs = st.tuples(
    st.lists(st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 1000), st.integers(0, 1000),
                       st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0])), min_size=1, max_size=25),
)


def build(program, torch=None):
    """The program's graph, with whatever operations `Value` has now (or in PyTorch float64). A step
    outside its domain becomes "add", decided on the values alone, so every build has the same shape."""
    leaves, steps = program
    if torch is None:
        nodes = [Value(x) for x in leaves]
    else:
        nodes = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    data = lambda k: nodes[k].data if torch is None else nodes[k].item()  # noqa: E731
    uses = [0] * len(nodes)
    for op, i, j, c in steps:
        i, j = i % len(nodes), j % len(nodes)
        op = op if allowed(op, data(i), data(j)) else "add"
        nodes.append(OPS[op](nodes[i], nodes[j], c))
        uses += [0]
        uses[i] += 1
        uses[j] += op in BINARY
    sinks = [k for k, n in enumerate(uses) if n == 0]
    root = nodes[sinks[0]]
    for k in sinks[1:]:
        root = root + nodes[k]
    return nodes, root, max(uses) >= 2


def results(program):
    """Every node's data and every leaf's gradient, after backward()."""
    nodes, root, _ = build(program)
    root.backward()
    return [v.data for v in nodes + [root]], [v.grad for v in nodes[:len(program[0])]]


@settings(max_examples=150, **SETTINGS)
@given(program=programs, some=st.sets(st.sampled_from(NAMES)))
def test_the_lectures_operations_give_the_built_in_numbers_bit_for_bit(program, some):
    built_in = results(program)
    event("shared node" if build(program)[2] else "no shared node")
    with lecture_ops():
        assert results(program) == built_in
    with lecture_ops(*some):  # a reader who replaced some of the operations: a mixed graph
        assert results(program) == built_in


@settings(max_examples=100, **SETTINGS)
@given(program=programs)
def test_the_lectures_operations_agree_with_pytorch_float64(torch, program):
    with lecture_ops():
        nodes, root, _ = build(program)
        root.backward()
    tnodes, troot, _ = build(program, torch)
    troot.backward()
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-13)  # noqa: E731
    for v, t in zip(nodes + [root], tnodes + [troot]):
        assert close(v.data, t.item()), (v.data, t.item())
    for v, t in zip(nodes[:len(program[0])], tnodes):
        assert close(v.grad, 0.0 if t.grad is None else t.grad.item())


@pytest.mark.parametrize("op", sorted(OPS))
def test_each_operation_runs_as_the_lectures_closure(op):
    program = ([1.5, -0.75], [(op, 0, 1, 2.0)])
    with lecture_ops():
        _, root, _ = build(program)
        lecture = results(program)
    assert root._closure is not None  # really a node made the lecture's way
    assert lecture == results(program)


def test_a_mixed_graph_holds_both_kinds_of_node():
    x = Value(0.5)
    with lecture_ops("exp", "__add__"):  # `Value.exp = exp` and `Value.__add__ = __add__`, the rest built in
        y = (x * 3).exp() + (x * x).tanh()
    kinds = {v._op: v._closure is not None for v in topological_sort(y) if v._op}
    assert kinds == {"*": False, "exp": True, "tanh": False, "+": True}
    y.backward()
    assert x.grad == pytest.approx(3 * math.exp(1.5) + 2 * 0.5 * (1 - math.tanh(0.25) ** 2), rel=1e-15)


# -- shared nodes through closure nodes ----------------------------------------------------------------


def test_a_plus_a_made_the_lectures_way_gives_2():
    a = Value(3.0)
    with lecture_ops():
        b = a + a
    assert b._closure is not None and b._prev == (a,)  # each input once, like the lecture's set
    assert (a + a)._prev == (a,)  # a built-in node too
    b.backward()
    assert a.grad == 2.0


def test_the_lectures_multiple_use_example_through_closure_nodes():
    with lecture_ops():
        a, b, d, e, f = multiple_use()
    assert f._closure is not None
    f.backward()
    assert (f.data, a.grad, b.grad, d.grad, e.grad) == (-6.0, -3.0, -8.0, 1.0, -6.0)


def test_tanh_from_exp_the_lectures_way_over_built_in_nodes_gives_the_neurons_gradients():
    with lecture_ops("exp", "__pow__"):  # chapter 11's new operations, typed the lecture's way
        x1, x2, w1, w2, b, n, o = neuron("exp")  # o = (e - 1) / (e + 1), e = (2 * n).exp()
    kinds = {v._op: v._closure is not None for v in topological_sort(o) if v._op}
    assert kinds == {"*": False, "+": False, "exp": True, "**-1": True}
    o.backward()
    assert o.data == 0.7071067811865477
    assert [v.grad for v in (x1, w1, x2, w2)] == pytest.approx(
        [-1.4999999999999996, 0.9999999999999998, 0.4999999999999999, 0.0], rel=1e-15, abs=0)


# -- the lecture's hand calls of _backward() ------------------------------------------------------------


@pytest.mark.parametrize("ops", [(), NAMES], ids=["built-in", "lecture"])
def test_the_chapter_8_hand_calls_give_the_reference_gradients(ops):
    with lecture_ops(*ops) if ops else contextlib.nullcontext():
        x1, x2, w1, w2, b, n, o = neuron()
    (x1w1x2w2, _) = n._prev  # n = x1w1x2w2 + b
    x1w1, x2w2 = x1w1x2w2._prev
    assert (o._closure is None) == (not ops)
    o.grad = 1.0
    o._backward()
    n._backward()
    b._backward()
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    assert [v.grad for v in (x1, w1, x2, w2, b, n)] == [
        -1.4999999999999996, 0.9999999999999998, 0.4999999999999999, 0.0, 0.4999999999999999,
        0.4999999999999999]


def test_a_built_in_nodes_backward_applies_its_local_derivatives_once_per_call():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c.grad = 1.0
    c._backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)
    c._backward()  # like the lecture's += closures: called again, it adds again
    assert (a.grad, b.grad) == (-6.0, 4.0)


def test_a_leafs_backward_and_a_closureless_nodes_backward_do_nothing():
    a = Value(2.0)
    bare = Value(4.0, (a,), "**2")  # the lecture's default: _backward = lambda: None
    for v in (a, bare):
        v.grad = 1.0
        assert v._backward() is None
    assert (a.grad, bare.grad) == (1.0, 1.0)


# -- the constructor and what it refuses ----------------------------------------------------------------


class LectureValue:  # a reader's own Value class, not the engine's
    def __init__(self, data):
        self.data = data

    def __repr__(self):
        return "<a value of the reader's own class>"


def test_the_constructor_is_positionally_the_lectures():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = Value(5.0, (a, b), "+", "c")
    assert (c.data, c._prev, c._op, c.label, c.grad) == (5.0, (a, b), "+", "c", 0.0)
    d = Value(data=5.0, _children=[b, a, b], _op="+", label="d")  # a list; repeats kept once, in order
    assert d._prev == (b, a)


@pytest.mark.parametrize("call, message", [
    (lambda x: Value(2.0, "exp"),
     r"^Value\(data=2.0, _children='exp', _op=''\): _children must be a tuple of Values, got str 'exp'; "
     r"the lecture calls Value\(data, \(x,\), 'exp'\)$"),
    (lambda x: Value(2.0, x, "exp"), r"_children must be a tuple of Values, got Value "),
    (lambda x: Value(2.0, {x}, "exp"), r"_children must be a tuple of Values, got set "),
    (lambda x: Value(2.0, (x, 3.0), "+"),
     r"each of _children must be a micrograd Value, got float 3.0; make a number a Value first: Value\(3.0\)$"),
    (lambda x: Value(2.0, (x, LectureValue(1.0)), "+"),
     r"each of _children must be a micrograd Value, got LectureValue <a value of the reader's own class>$"),
    (lambda x: Value(2.0, (x,), 3), r"_op must be a str naming the operation, such as 'exp', got int 3$"),
    (lambda x: Value(2.0, (x,), None), r"_op must be a str .* got NoneType None$"),
    (lambda x: Value(2.0, (x, Value(1.0), Value(2.0)), "+"),
     r"a node takes at most two distinct inputs, got 3; build it from two-input operations"),
], ids=["str-for-children", "bare-value", "set", "number-child", "own-class-child", "op-int", "op-none",
        "three-inputs"])
def test_a_wrong_call_is_a_type_error_naming_what_was_wrong(call, message):
    with pytest.raises(TypeError, match=message):
        call(Value(1.0))


@pytest.mark.parametrize("closure", [None, 1.0, "x.grad += out.grad"], ids=["None", "float", "str"])
def test_assigning_a_non_function_to_backward_is_a_type_error(closure):
    out = Value(2.0, (Value(1.0),), "exp")
    with pytest.raises(TypeError, match=r"^_backward must be a function to call in the backward pass, got .* of"):
        out._backward = closure
    assert out._closure is None


def test_data_is_checked_on_the_public_path_as_on_the_built_in_one():
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"data must be a real number \(int or float\), got 'a' of type str"):
        Value("a", (x,), "f")
    with pytest.raises(OverflowError, match=r"^exp of \(1.0\) gives inf: the result is too large for a float"):
        Value(math.inf, (x,), "exp")
    with pytest.raises(ValueError, match=r"must be a finite number, not NaN or infinity"):
        Value(math.nan)
    assert type(Value(3, (x,), "f").data) is float


# -- backward() with closure nodes -----------------------------------------------------------------------


def test_backward_of_a_node_without_a_closure_fails_before_changing_any_gradient():
    x = Value(0.5, label="x")
    y = x * 3
    bare = Value(math.exp(y.data), (y,), "exp")  # the lecture's constructor, but no _backward assigned
    z = bare * x
    for k, v in enumerate(topological_sort(z)):
        v.grad = 10.0 + k  # gradients from an earlier pass: none may change
    before = [v.grad for v in topological_sort(z)]
    with pytest.raises(RuntimeError, match=(
            r"^backward: the node Value\(data=4.48168907033806\d*, grad=1\d.0\) made by 'exp' from 1 input\(s\) "
            r"has no _backward, .* give it its closure before calling backward\(\), as the lecture does: "
            r"out._backward = _backward$")):
        z.backward()
    assert [v.grad for v in topological_sort(z)] == before


def test_backward_twice_with_closure_nodes_accumulates_leaves_and_recomputes_the_rest():
    x = Value(3.0)
    with lecture_ops():
        xx = x * x
    y = xx * 2  # a built-in node over a closure node
    y.backward()
    assert x.grad == 12.0
    y.backward()
    assert x.grad == 24.0  # leaves add up, as with built-in nodes
    assert xx.grad == 2.0  # the closure node's own gradient is recomputed, not 4.0


def test_backward_through_a_deep_chain_of_closure_nodes():
    x = Value(0.0)
    v = x
    with lecture_ops():
        for _ in range(20_000):  # far beyond the recursion limit
            v = v + 1.0
    v.backward()
    assert x.grad == 1.0 and v.data == 20_000.0


# -- memory and drawing -------------------------------------------------------------------------------


def test_a_built_in_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = (x * x).tanh() + x.exp()
        y.backward()
        handles = [v._backward for v in topological_sort(y)]  # bound methods, made on access
        del y, handles
        left_built_in = gc.collect()  # what reference counting could not free: cycles
        with lecture_ops():
            z = x.exp()  # a closure node refers to itself through its closure: the lecture's cycle
        z.backward()
        del z
        left_closure = gc.collect()
    finally:
        gc.enable()
    assert left_built_in == 0, "a built-in graph left reference cycles for the collector"
    assert left_closure > 0  # the check can see a cycle


def test_draw_dot_shows_closure_nodes_like_built_in_ones():
    def graph():
        a, b = Value(2.0, label="a"), Value(-1.0, label="b")
        e = (a * b).exp()
        e.label = "e"
        e.backward()
        return e

    with lecture_ops():
        lecture = draw_dot(graph()).source
    assert lecture == draw_dot(graph()).source
    assert "[label=exp]" in lecture and '[label="*"]' in lecture
