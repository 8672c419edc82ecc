"""The lecture's own protocol runs on the engine: `Value(data, _children, _op)` plus a `_backward` closure.

A reader coding along types the lecture's operations (a node made with the public constructor, a
closure assigned to `out._backward`) and mixes them with the engine's built-in operations, which
keep their stored local derivatives. Every node answers `node._backward()` as the lecture's nodes
do, so the chapter-8 hand calls run. Wrong calls fail at once with a TypeError naming what was
wrong; a node with inputs but no closure makes `backward()` fail before any gradient changes.

`LECTURE` below is the lecture's final `Value` (the operations the video writes by 2:00:00:
`+ * **` with a number, `exp`, `tanh`, `/`, unary and binary `-`, `__radd__`, `__rmul__`),
written as functions on engine Values exactly as the video writes the methods. Each calls the
lecture's versions of the others, so a graph built with them holds closure nodes only.
"""
import gc
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from micrograd import Value, draw_dot
from micrograd.engine import topological_sort

# derandomize: the same examples on every run, as in test_properties.py
SETTINGS = dict(deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


# -- the lecture's operations, written the lecture's way on the engine -------------------------------

def add(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += 1.0 * out.grad
        other.grad += 1.0 * out.grad
    out._backward = _backward
    return out


def mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad
    out._backward = _backward
    return out


def pow_(self, other):
    assert isinstance(other, (int, float)), "only supporting int/float powers for now"
    out = Value(self.data**other, (self,), f"**{other}")

    def _backward():
        self.grad += other * (self.data ** (other - 1)) * out.grad
    out._backward = _backward
    return out


def exp(self):
    x = self.data
    out = Value(math.exp(x), (self,), "exp")

    def _backward():
        self.grad += out.data * out.grad
    out._backward = _backward
    return out


def tanh(self):
    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def neg(self):  # -self
    return mul(self, -1)


def sub(self, other):  # self - other
    return add(self, neg(other) if isinstance(other, Value) else -other)


def truediv(self, other):  # self / other
    return mul(self, pow_(other, -1) if isinstance(other, Value) else other**-1)


def radd(self, other):  # other + self
    return add(self, other)


def rmul(self, other):  # other * self
    return mul(self, other)


# op name: (the lecture's function, the engine's built-in operation, which runs on PyTorch tensors too)
OPS = {
    "add": (lambda a, b, c: add(a, b), lambda a, b, c: a + b),
    "sub": (lambda a, b, c: sub(a, b), lambda a, b, c: a - b),
    "mul": (lambda a, b, c: mul(a, b), lambda a, b, c: a * b),
    "div": (lambda a, b, c: truediv(a, b), lambda a, b, c: a / b),
    "add_c": (lambda a, b, c: add(a, c), lambda a, b, c: a + c),
    "sub_c": (lambda a, b, c: sub(a, c), lambda a, b, c: a - c),
    "mul_c": (lambda a, b, c: mul(a, c), lambda a, b, c: a * c),
    "div_c": (lambda a, b, c: truediv(a, c), lambda a, b, c: a / c),
    "radd": (lambda a, b, c: radd(a, c), lambda a, b, c: c + a),
    "rmul": (lambda a, b, c: rmul(a, c), lambda a, b, c: c * a),
    "neg": (lambda a, b, c: neg(a), lambda a, b, c: -a),
    "pow2": (lambda a, b, c: pow_(a, 2), lambda a, b, c: a**2),
    "pow3": (lambda a, b, c: pow_(a, 3), lambda a, b, c: a**3),
    "pow_m1": (lambda a, b, c: pow_(a, -1), lambda a, b, c: a**-1),
    "pow_half": (lambda a, b, c: pow_(a, 0.5), lambda a, b, c: a**0.5),
    "exp": (lambda a, b, c: exp(a), lambda a, b, c: a.exp()),
    "tanh": (lambda a, b, c: tanh(a), lambda a, b, c: a.tanh()),
}
BINARY = {"add", "sub", "mul", "div"}


def allowed(op, x, y, c):
    """Keep each step in its domain and well conditioned (as test_properties.py does). tanh stays
    away from 0, where the engine computes tanh with math.tanh and the lecture's formula loses digits."""
    return {
        "mul": abs(x * y) < 1e4, "div": abs(y) > 0.1 and abs(x / y) < 1e4, "div_c": True,
        "pow2": abs(x) < 100, "pow3": abs(x) < 20, "pow_m1": abs(x) > 0.1, "pow_half": x > 0.1,
        "exp": x < 8, "tanh": 1e-3 <= abs(x) < 15,
    }.get(op, True)


programs = st.tuples(
    st.lists(st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 1000), st.integers(0, 1000),
                       st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0]), st.booleans()),
             min_size=1, max_size=25),
)


def build(program, how, torch=None):
    """The program's graph: `how` is "built-in", "lecture", or "mixed" (each step's coin picks)."""
    leaves, steps = program
    if torch is not None:
        nodes = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    else:
        nodes = [Value(x) for x in leaves]
    data = list(leaves)  # the built-in engine's values decide which steps are allowed, in every build
    probe = [Value(x) for x in leaves]
    uses = [0] * len(leaves)
    for op, i, j, c, coin in steps:
        i, j = i % len(nodes), j % len(nodes)
        if not allowed(op, data[i], data[j], c):
            op = "add"
        lecture, built_in = OPS[op]
        fn = lecture if how == "lecture" or how == "mixed" and coin else built_in
        nodes.append(built_in(nodes[i], nodes[j], c) if torch is not None else fn(nodes[i], nodes[j], c))
        probe.append(built_in(probe[i], probe[j], c))
        data.append(probe[-1].data)
        uses += [0]
        uses[i] += 1
        if op in BINARY:
            uses[j] += 1
    sinks = [k for k, n in enumerate(uses) if n == 0]
    root = nodes[sinks[0]]
    for k in sinks[1:]:
        root = root + nodes[k] if how != "lecture" else add(root, nodes[k])
    return nodes, root, any(n >= 2 for n in uses)


def results(program, how):
    nodes, root, _ = build(program, how)
    root.backward()
    n = len(program[0])
    return [v.data for v in nodes] + [root.data], [v.grad for v in nodes[:n]]


# -- every lecture operation, on random graphs ---------------------------------------------------------


@settings(max_examples=150, **SETTINGS)
@given(program=programs)
def test_the_lectures_closures_give_the_built_in_operations_numbers_bit_for_bit(program):
    built_in = results(program, "built-in")
    event("shared node" if build(program, "built-in")[2] else "no shared node")
    assert results(program, "lecture") == built_in
    assert results(program, "mixed") == built_in


@settings(max_examples=100, **SETTINGS)
@given(program=programs)
def test_the_lectures_closures_agree_with_pytorch_float64(torch, program):
    nodes, root, _ = build(program, "lecture")
    tnodes, troot, _ = build(program, "built-in", torch)
    root.backward()
    troot.backward()
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-13)  # noqa: E731
    for v, t in zip(nodes + [root], tnodes + [troot]):
        assert close(v.data, t.item()), (v.data, t.item())
    for v, t in zip(nodes[:len(program[0])], tnodes):
        assert close(v.grad, 0.0 if t.grad is None else t.grad.item())


def test_every_operation_is_exercised_by_the_random_graphs():
    # one fixed program per operation, in the shape hypothesis draws: each lecture op once, on x
    for op in OPS:
        program = ([1.5, -0.75], [(op, 0, 1, 2.0, True)])
        nodes, root, _ = build(program, "lecture")
        assert root._closure is not None, op  # really a closure node
        assert results(program, "lecture") == results(program, "built-in"), op


def test_a_mixed_graph_holds_both_kinds_of_node():
    x = Value(0.5)
    y = add(exp(x * 3), (x * x).tanh())  # closure nodes (exp, +) over built-in ones (*, tanh)
    kinds = {v._op: v._closure is not None for v in topological_sort(y) if v._op}
    assert kinds == {"*": False, "exp": True, "tanh": False, "+": True}
    y.backward()
    assert x.grad == pytest.approx(3 * math.exp(1.5) + 2 * 0.5 * (1 - math.tanh(0.25) ** 2), rel=1e-15)


# -- shared nodes through closure nodes ----------------------------------------------------------------


def test_a_plus_a_made_the_lectures_way_gives_2():
    a = Value(3.0)
    b = add(a, a)
    assert b._prev == (a,) and (a + a)._prev == (a,)  # each input once, like the lecture's set
    b.backward()
    assert a.grad == 2.0


def test_the_lectures_multiple_use_example_through_closure_nodes():
    a, b = Value(-2.0), Value(3.0)
    d = mul(a, b)
    e = add(a, b)
    f = mul(d, e)
    f.backward()
    assert (f.data, a.grad, b.grad, d.grad, e.grad) == (-6.0, -3.0, -8.0, 1.0, -6.0)


def test_tanh_from_exp_the_lectures_way_gives_the_neurons_gradients():
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b  # built-in nodes ...
    e = exp(rmul(n, 2))  # ... and the lecture's chapter-11 ops on top: (2*n).exp()
    o = truediv(sub(e, 1), add(e, 1))  # (e - 1) / (e + 1)
    o.backward()
    assert o.data == 0.7071067811865477
    assert [v.grad for v in (x1, w1, x2, w2)] == pytest.approx(
        [-1.4999999999999996, 0.9999999999999998, 0.4999999999999999, 0.0], rel=1e-15, abs=0)


# -- the lecture's hand calls of _backward() ------------------------------------------------------------


def neuron(how):
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    if how == "built-in":
        x1w1, x2w2 = x1 * w1, x2 * w2
        x1w1x2w2 = x1w1 + x2w2
        n = x1w1x2w2 + b
        o = n.tanh()
    else:
        x1w1, x2w2 = mul(x1, w1), mul(x2, w2)
        x1w1x2w2 = add(x1w1, x2w2)
        n = add(x1w1x2w2, b)
        o = tanh(n)
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


@pytest.mark.parametrize("how", ["built-in", "lecture"])
def test_the_chapter_8_hand_calls_give_the_reference_gradients(how):
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = neuron(how)
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
     r"each of _children must be a Value, got float 3.0; make a number a Value first: Value\(3.0\)$"),
    (lambda x: Value(2.0, (x,), 3), r"_op must be a str naming the operation, such as 'exp', got int 3$"),
    (lambda x: Value(2.0, (x,), None), r"_op must be a str .* got NoneType None$"),
    (lambda x: Value(2.0, (x, Value(1.0), Value(2.0)), "+"),
     r"a node takes at most two distinct inputs, got 3; build it from two-input operations"),
], ids=["str-for-children", "bare-value", "set", "child-not-a-value", "op-int", "op-none", "three-inputs"])
def test_a_wrong_call_is_a_type_error_naming_what_was_wrong(call, message):
    with pytest.raises(TypeError, match=message):
        call(Value(1.0))


@pytest.mark.parametrize("closure", [None, 1.0, "x.grad += out.grad"], ids=["None", "float", "str"])
def test_assigning_a_non_function_to_backward_is_a_type_error(closure):
    out = Value(2.0, (Value(1.0),), "exp")
    with pytest.raises(TypeError, match=r"^_backward must be a function to call in the backward pass, got .* of type"):
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
    xx = mul(x, x)
    y = xx * 2  # a built-in node over a closure node
    y.backward()
    assert x.grad == 12.0
    y.backward()
    assert x.grad == 24.0  # leaves add up, as with built-in nodes
    assert xx.grad == 2.0  # the closure node's own gradient is recomputed, not 4.0


def test_backward_through_a_deep_chain_of_closure_nodes():
    x = Value(0.0)
    v = x
    for _ in range(20_000):  # far beyond the recursion limit
        v = add(v, 1.0)
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
        z = exp(x)  # a closure node refers to itself through its closure: the lecture's cycle
        z.backward()
        del z
        left_closure = gc.collect()
    finally:
        gc.enable()
    assert left_built_in == 0, "a built-in graph left reference cycles for the collector"
    assert left_closure > 0  # the check can see a cycle


def test_draw_dot_shows_closure_nodes_like_built_in_ones():
    def graph(make_exp, make_mul):
        a, b = Value(2.0, label="a"), Value(-1.0, label="b")
        e = make_exp(make_mul(a, b))
        e.label = "e"
        e.backward()
        return e

    lecture = draw_dot(graph(exp, mul)).source
    assert lecture == draw_dot(graph(Value.exp, Value.__mul__)).source
    assert "[label=exp]" in lecture and '[label="*"]' in lecture
