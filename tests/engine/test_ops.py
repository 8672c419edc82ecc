"""Every operation: its value, and its gradient three ways.

For each op the forward value is checked against plain Python/`math`, and the gradient from
`backward()` against (1) the derivative worked out by hand, (2) central finite differences of the
engine's own forward pass, and (3) PyTorch in float64 (skipped when PyTorch is absent).
"""
import math

import pytest

from micrograd import Value

LN2 = math.log(2)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


# One-input forms: (id, engine op on a Value x, the same in floats, its derivative, torch op, points)
UNARY = [
    ("neg: -v", lambda x: -x, lambda x: -x, lambda x: -1.0, lambda t, x: -x, [-1.7, 0.4, 2.5]),
    ("v + 1", lambda x: x + 1, lambda x: x + 1, lambda x: 1.0, lambda t, x: x + 1, [-1.7, 0.4]),
    ("radd: 1 + v", lambda x: 1 + x, lambda x: 1 + x, lambda x: 1.0, lambda t, x: 1 + x, [-1.7, 0.4]),
    ("v - 1", lambda x: x - 1, lambda x: x - 1, lambda x: 1.0, lambda t, x: x - 1, [-1.7, 0.4]),
    ("rsub: 1 - v", lambda x: 1 - x, lambda x: 1 - x, lambda x: -1.0, lambda t, x: 1 - x, [-1.7, 0.4]),
    ("v * 2", lambda x: x * 2, lambda x: x * 2, lambda x: 2.0, lambda t, x: x * 2, [-1.7, 0.4]),
    ("rmul: 2 * v", lambda x: 2 * x, lambda x: 2 * x, lambda x: 2.0, lambda t, x: 2 * x, [-1.7, 0.4]),
    ("v / 2", lambda x: x / 2, lambda x: x / 2, lambda x: 0.5, lambda t, x: x / 2, [-1.7, 0.4]),
    ("v / 3", lambda x: x / 3, lambda x: x / 3, lambda x: 1 / 3, lambda t, x: x / 3, [-1.7, 0.4]),
    ("rtruediv: 1 / v", lambda x: 1 / x, lambda x: 1 / x, lambda x: -1 / x**2, lambda t, x: 1 / x,
     [-1.7, 0.4, 2.5]),
    ("rpow: 2 ** v", lambda x: 2**x, lambda x: 2**x, lambda x: 2**x * LN2, lambda t, x: 2**x,
     [-1.7, 0.4, 2.5]),
    ("v ** 2", lambda x: x**2, lambda x: x**2, lambda x: 2 * x, lambda t, x: x**2, [-1.7, 0.4, 2.5]),
    ("v ** 3", lambda x: x**3, lambda x: x**3, lambda x: 3 * x**2, lambda t, x: x**3, [-1.7, 0.4]),
    ("v ** -1", lambda x: x**-1, lambda x: x**-1, lambda x: -(x**-2), lambda t, x: x**-1, [-1.7, 0.4]),
    ("v ** 0.5", lambda x: x**0.5, lambda x: x**0.5, lambda x: 0.5 * x**-0.5, lambda t, x: x**0.5,
     [0.3, 2.5]),
    ("v ** -2.5", lambda x: x**-2.5, lambda x: x**-2.5, lambda x: -2.5 * x**-3.5, lambda t, x: x**-2.5,
     [0.3, 2.5]),
    ("v ** 0", lambda x: x**0, lambda x: 1.0, lambda x: 0.0, lambda t, x: x**0, [-1.7, 0.4]),
    ("exp", lambda x: x.exp(), math.exp, math.exp, lambda t, x: t.exp(x), [-1.7, 0.4, 2.5]),
    ("log", lambda x: x.log(), math.log, lambda x: 1 / x, lambda t, x: t.log(x), [0.3, 1.0, 2.5]),
    ("tanh", lambda x: x.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, lambda t, x: t.tanh(x),
     [-2.0, -0.5, 0.25, 1.5]),
    ("sigmoid", lambda x: x.sigmoid(), _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
     lambda t, x: t.sigmoid(x), [-3.0, -0.5, 0.25, 1.5]),
    ("relu", lambda x: x.relu(), lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0,
     lambda t, x: t.relu(x), [-1.3, 0.7]),
]

# Two-input forms: (id, op, float op, (d/dx, d/dy), torch op, points)
BINARY = [
    ("v + w", lambda x, y: x + y, lambda x, y: x + y, (lambda x, y: 1.0, lambda x, y: 1.0),
     lambda x, y: x + y, [(-1.7, 0.4), (2.5, -3.0)]),
    ("v - w", lambda x, y: x - y, lambda x, y: x - y, (lambda x, y: 1.0, lambda x, y: -1.0),
     lambda x, y: x - y, [(-1.7, 0.4), (2.5, -3.0)]),
    ("v * w", lambda x, y: x * y, lambda x, y: x * y, (lambda x, y: y, lambda x, y: x),
     lambda x, y: x * y, [(-1.7, 0.4), (2.5, -3.0)]),
    ("v / w", lambda x, y: x / y, lambda x, y: x / y, (lambda x, y: 1 / y, lambda x, y: -x / y**2),
     lambda x, y: x / y, [(-1.7, 0.4), (2.5, -3.0)]),
]

UNARY_CASES = [pytest.param(op, f, df, tf, x, id=f"{name} at {x}")
               for name, op, f, df, tf, xs in UNARY for x in xs]
BINARY_CASES = [pytest.param(op, f, dfs, tf, x, y, id=f"{name} at {x}, {y}")
                for name, op, f, dfs, tf, pts in BINARY for x, y in pts]


def _grad(op, *xs):
    """Value and gradient of op at the point xs, computed by the engine."""
    leaves = [Value(x) for x in xs]
    out = op(*leaves)
    out.backward()
    return out.data, [v.grad for v in leaves]


def _central_difference(op, xs, i):
    """d op / d xs[i] by central differences of the engine's own forward pass."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (op(*map(Value, up)).data - op(*map(Value, down)).data) / (up[i] - down[i])


# -- forward ------------------------------------------------------------------------------------

@pytest.mark.parametrize("op, f, df, tf, x", UNARY_CASES)
def test_one_input_op_value_matches_python(op, f, df, tf, x):
    assert op(Value(x)).data == pytest.approx(f(x), rel=1e-14, abs=0)


@pytest.mark.parametrize("op, f, dfs, tf, x, y", BINARY_CASES)
def test_two_input_op_value_matches_python(op, f, dfs, tf, x, y):
    assert op(Value(x), Value(y)).data == pytest.approx(f(x, y), rel=1e-15, abs=0)


def test_add_sub_mul_are_exactly_float_arithmetic():
    for x, y in [(0.1, 0.2), (-1.7, 1e-17), (3.0, -7.25), (1e300, 1e-300)]:
        assert (Value(x) + Value(y)).data == x + y
        assert (Value(x) - Value(y)).data == x - y
        assert (Value(x) * Value(y)).data == x * y
        assert (-Value(x)).data == -x


def test_results_are_floats_even_from_int_inputs():
    for v in [Value(3) + 2, Value(3) * 2, 2 ** Value(3), Value(3) ** 2, Value(3).relu(), Value(-3).relu()]:
        assert type(v.data) is float and type(v.grad) is float


# -- backward against the derivative worked out by hand ------------------------------------------

@pytest.mark.parametrize("op, f, df, tf, x", UNARY_CASES)
def test_one_input_op_gradient_matches_calculus(op, f, df, tf, x):
    _, (g,) = _grad(op, x)
    assert g == pytest.approx(df(x), rel=1e-12, abs=0)


@pytest.mark.parametrize("op, f, dfs, tf, x, y", BINARY_CASES)
def test_two_input_op_gradient_matches_calculus(op, f, dfs, tf, x, y):
    _, grads = _grad(op, x, y)
    assert grads == pytest.approx([d(x, y) for d in dfs], rel=1e-12, abs=0)


# -- backward against central finite differences ------------------------------------------------

@pytest.mark.parametrize("op, f, df, tf, x", UNARY_CASES)
def test_one_input_op_gradient_matches_finite_differences(op, f, df, tf, x):
    _, (g,) = _grad(op, x)
    assert g == pytest.approx(_central_difference(op, [x], 0), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("op, f, dfs, tf, x, y", BINARY_CASES)
def test_two_input_op_gradient_matches_finite_differences(op, f, dfs, tf, x, y):
    _, grads = _grad(op, x, y)
    numeric = [_central_difference(op, [x, y], i) for i in range(2)]
    assert grads == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_relu_gradient_at_zero_is_zero_like_pytorch():
    _, (g,) = _grad(lambda x: x.relu(), 0.0)
    assert g == 0.0


# -- against PyTorch, float64 -------------------------------------------------------------------

def _torch_grad(torch, top, *xs):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out = top(*leaves)
    out.backward()
    return out.item(), [t.grad.item() for t in leaves]


@pytest.mark.parametrize("op, f, df, tf, x", UNARY_CASES)
def test_one_input_op_matches_pytorch_float64(torch, op, f, df, tf, x):
    value, grads = _grad(op, x)
    t_value, t_grads = _torch_grad(torch, lambda v: tf(torch, v), x)
    assert value == pytest.approx(t_value, rel=1e-14, abs=0)
    assert grads == pytest.approx(t_grads, rel=1e-12, abs=0)


@pytest.mark.parametrize("op, f, dfs, tf, x, y", BINARY_CASES)
def test_two_input_op_matches_pytorch_float64(torch, op, f, dfs, tf, x, y):
    value, grads = _grad(op, x, y)
    t_value, t_grads = _torch_grad(torch, tf, x, y)
    assert value == pytest.approx(t_value, rel=1e-15, abs=0)
    assert grads == pytest.approx(t_grads, rel=1e-12, abs=0)


@pytest.mark.parametrize("x", [-1000.0, -30.0, -19.5, 19.5, 30.0, 1000.0])
def test_saturating_tanh_and_sigmoid_match_pytorch_far_from_zero(torch, x):
    for op, top in [(Value.tanh, torch.tanh), (Value.sigmoid, torch.sigmoid)]:
        value, (g,) = _grad(op, x)
        t_value, (t_g,) = _torch_grad(torch, top, x)
        assert value == pytest.approx(t_value, rel=1e-15, abs=0)
        assert g == pytest.approx(t_g, rel=1e-9, abs=1e-15)
