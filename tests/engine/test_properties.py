"""Properties that hold for every expression graph, checked on random ones with hypothesis.

- The values and leaf gradients of a random expression graph, with shared sub-expressions (a node
  used by several later nodes, or twice by one), agree with PyTorch in float64.
- `topological_sort` gives exactly the lecture's recursive post-order on random DAGs, lists every
  node once, each after its inputs.
- Calling `backward()` twice doubles the leaf gradients and recomputes the others.

Example counts are modest so that the whole suite stays fast; `deadline=None` because the first
example pays for importing PyTorch. The example database is off, so runs leave no files behind.
"""
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from micrograd import Value
from micrograd.engine import topological_sort

from expressions import build_topo

# derandomize: the same examples on every run, so CI cannot flake; raise max_examples to explore.
SETTINGS = dict(deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# -- random expression programs --------------------------------------------------------------------
# A program is a list of leaf values and a list of steps (op, i, j, c): apply `op` to nodes i and j
# (indices taken modulo the number of nodes so far; i == j is allowed) or to node i and constant c.
# The root adds up every node that nothing else uses, so every node counts.

BINARY = ["add", "sub", "mul", "div"]
WITH_CONSTANT = ["radd", "rsub", "rmul", "rdiv", "add_c", "mul_c", "div_c"]
UNARY = ["neg", "pow2", "pow3", "pow_m1", "pow_half", "rpow", "exp", "log", "tanh", "sigmoid", "relu"]

leaf_values = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
constants = st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0])
programs = st.tuples(
    st.lists(leaf_values, min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(BINARY + WITH_CONSTANT + UNARY), st.integers(0, 1000),
                       st.integers(0, 1000), constants), min_size=1, max_size=25),
)


def _allowed(op, x, y, c):
    """Keep every step well inside its domain and away from kinks, so that the comparison with
    PyTorch is well conditioned (last-bit differences in exp/log/tanh must not be amplified into
    different branches)."""
    return {
        "mul": abs(x * y) < 1e4,
        "div": abs(y) > 0.1 and abs(x / y) < 1e4,
        "rdiv": abs(x) > 0.1,
        "pow2": abs(x) < 100,
        "pow3": abs(x) < 20,
        "pow_m1": abs(x) > 0.1,
        "pow_half": x > 0.1,
        "rpow": abs(x) < 10,
        "exp": x < 8,
        "log": x > 0.1,
        "tanh": True,
        "relu": abs(x) > 1e-6,
    }.get(op, True)


def _apply(op, a, b, c, lib):
    """One step on engine Values (lib=None) or on PyTorch tensors (lib=torch)."""
    fn = {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
        "radd": lambda: c + a, "rsub": lambda: c - a, "rmul": lambda: c * a, "rdiv": lambda: c / a,
        "add_c": lambda: a + c, "mul_c": lambda: a * c, "div_c": lambda: a / c,
        "neg": lambda: -a, "pow2": lambda: a**2, "pow3": lambda: a**3, "pow_m1": lambda: a**-1,
        "pow_half": lambda: a**0.5, "rpow": lambda: 2**a,
    }.get(op)
    if fn is not None:
        return fn()
    if lib is None:
        return getattr(a, op)()
    return getattr(lib, op)(a)


def build(program, torch=None):
    """The program's graph in the engine, and the same graph in PyTorch if `torch` is given."""
    leaves, steps = program
    nodes = [Value(x) for x in leaves]
    tnodes = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves] if torch else None
    uses = [0] * len(nodes)
    for op, i, j, c in steps:
        i, j = i % len(nodes), j % len(nodes)
        if not _allowed(op, nodes[i].data, nodes[j].data, c):
            op = "add"  # a safe fallback keeps the shape of the program
        nodes.append(_apply(op, nodes[i], nodes[j], c, None))
        if torch:
            tnodes.append(_apply(op, tnodes[i], tnodes[j], c, torch))
        uses.append(0)
        uses[i] += 1
        if op in BINARY:
            uses[j] += 1
    sinks = [k for k, n in enumerate(uses) if n == 0]
    root = nodes[sinks[0]]
    troot = tnodes[sinks[0]] if torch else None
    for k in sinks[1:]:
        root = root + nodes[k]
        if torch:
            troot = troot + tnodes[k]
    shared = any(n >= 2 for n in uses)
    return nodes, len(leaves), root, tnodes, troot, shared


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-13)


@settings(max_examples=150, **SETTINGS)
@given(program=programs)
def test_random_expression_graphs_with_shared_subexpressions_match_pytorch_float64(torch, program):
    nodes, n_leaves, root, tnodes, troot, shared = build(program, torch)
    event("shared sub-expression" if shared else "no shared sub-expression")
    root.backward()
    troot.backward()
    for v, t in zip(nodes + [root], tnodes + [troot]):
        assert close(v.data, t.item()), (v.data, t.item())
    for v, t in zip(nodes[:n_leaves], tnodes[:n_leaves]):
        t_grad = 0.0 if t.grad is None else t.grad.item()
        assert close(v.grad, t_grad), (v.grad, t_grad)


def test_the_random_programs_do_share_subexpressions():
    # A fixed program in the shape hypothesis draws: node 1 = x * x uses x twice, and node 2 uses
    # both x and node 1, so x feeds three places.
    nodes, _, root, *_, shared = build(([1.5], [("mul", 0, 0, 1.0), ("add", 0, 1, 1.0)]))
    root.backward()
    assert shared and nodes[0].grad == 2 * 1.5 + 1


# -- topological order on random DAGs ----------------------------------------------------------------


dags = st.tuples(
    st.integers(1, 5),
    st.lists(st.tuples(st.sampled_from(["+", "*", "tanh", "relu"]), st.integers(0, 1000),
                       st.integers(0, 1000)), min_size=0, max_size=60),
    st.booleans(),
)


def build_dag(dag):
    n_leaves, steps, whole = dag
    nodes = [Value(0.5 + k, label=f"x{k}") for k in range(n_leaves)]
    for op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(a + b if op == "+" else (a * b).tanh() if op == "*" else getattr(a, op)())
    root = nodes[-1]
    if whole:  # tie every node into the root, in order
        for v in nodes[:-1]:
            root = root + v
    return nodes, root


@settings(max_examples=200, **SETTINGS)
@given(dag=dags)
def test_topological_sort_is_the_recursive_post_order_on_random_dags(dag):
    _, root = build_dag(dag)
    topo = topological_sort(root)
    assert topo == build_topo(root)
    assert len(set(topo)) == len(topo) and topo[-1] is root
    position = {v: k for k, v in enumerate(topo)}
    assert all(position[c] < position[v] for v in topo for c in v._prev)


@settings(max_examples=100, **SETTINGS)
@given(dag=dags)
def test_topological_sort_lists_exactly_the_nodes_the_root_depends_on(dag):
    nodes, root = build_dag(dag)
    ancestors, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v not in ancestors:
            ancestors.add(v)
            stack.extend(v._prev)
    assert set(topological_sort(root)) == ancestors


# -- backward, again -------------------------------------------------------------------------------------


@settings(max_examples=100, **SETTINGS)
@given(program=programs)
def test_backward_twice_doubles_leaf_grads_and_recomputes_the_rest(program):
    nodes, n_leaves, root, *_ = build(program)
    root.backward()
    once = [v.grad for v in nodes]
    root.backward()
    twice = [v.grad for v in nodes]
    # a leaf fed from several places sums its contributions again, in a different association
    # ((g1 + g2) + g1) + g2, so "doubled" holds up to rounding; the rest is recomputed bit for bit
    assert twice[:n_leaves] == pytest.approx([2 * g for g in once[:n_leaves]], rel=1e-12, abs=1e-12)
    assert twice[n_leaves:] == once[n_leaves:]
