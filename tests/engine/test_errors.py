"""Bad inputs fail loudly, with the right exception and a message that says what went wrong.

The number policy (see the engine's module docstring): `data` is always a finite float; an
operation undefined for its inputs, or whose result does not fit in a float, raises in the
forward pass; a gradient that overflows raises in `backward()`.
"""
import math

import pytest

from micrograd import MLP, Layer, Neuron, Value

# -- what a Value can hold ----------------------------------------------------------------------


@pytest.mark.parametrize("data", ["a", None, 1 + 2j, [1.0], Value(1.0)],
                         ids=["str", "None", "complex", "list", "Value"])
def test_value_of_a_non_real_is_a_type_error(data):
    with pytest.raises(TypeError, match=r"data must be a real number .* got .* of type"):
        Value(data)


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_value_of_nan_or_infinity_is_a_value_error(data):
    with pytest.raises(ValueError, match=r"must be a finite number, not NaN or infinity"):
        Value(data)


def test_ints_bools_and_numpy_scalars_become_floats():
    np = pytest.importorskip("numpy", reason="numpy is not installed")
    for data, expected in [(3, 3.0), (True, 1.0), (np.float64(0.5), 0.5), (np.int64(-2), -2.0)]:
        v = Value(data)
        assert type(v.data) is float and v.data == expected


def test_arithmetic_with_a_non_number_is_a_type_error():
    with pytest.raises(TypeError, match="data must be a real number"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="data must be a real number"):
        Value(2.0) * None


def test_arithmetic_with_nan_is_a_value_error():
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) + math.nan
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) * math.inf


# -- operations undefined for their inputs -------------------------------------------------------


@pytest.mark.parametrize("x", [0.0, -0.0, -1.0])
def test_log_of_zero_or_a_negative_number_is_a_value_error(x):
    with pytest.raises(ValueError, match=r"log\(.*\): the logarithm is defined only for positive numbers"):
        Value(x).log()


def test_negative_number_to_a_fractional_power_is_a_value_error_not_complex():
    with pytest.raises(ValueError, match=r"-8.0 \*\* 0.333.*negative number to a fractional power is not real"):
        Value(-8.0) ** (1 / 3)


def test_negative_number_to_an_integral_power_is_fine():
    assert (Value(-8.0) ** 3).data == -512.0
    assert (Value(-2.0) ** 2.0).data == 4.0


@pytest.mark.parametrize("n", [-1, -2.5])
def test_zero_to_a_negative_power_is_a_zero_division_error(n):
    with pytest.raises(ZeroDivisionError, match=r"zero to a negative power divides by zero"):
        Value(0.0) ** n


def test_zero_to_a_power_between_0_and_1_has_an_infinite_slope():
    with pytest.raises(ValueError, match=r"slope of x \*\* 0.5 is infinite at 0"):
        Value(0.0) ** 0.5


@pytest.mark.parametrize("divide", [lambda: Value(3.0) / 0, lambda: Value(3.0) / 0.0,
                                    lambda: Value(3.0) / Value(0.0), lambda: 1 / Value(0.0),
                                    lambda: Value(1.0) / Value(-0.0)],
                         ids=["v/0", "v/0.0", "v/Value(0)", "1/Value(0)", "v/Value(-0.0)"])
def test_division_by_zero_is_a_zero_division_error_that_says_division(divide):
    with pytest.raises(ZeroDivisionError, match=r"^division by zero: "):
        divide()


def test_value_to_the_power_of_a_value_is_a_type_error():
    with pytest.raises(TypeError, match=r"the exponent must be an int or a float .*Value exponent is not supported"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match=r"the exponent must be an int or a float"):
        Value(2.0) ** "3"


@pytest.mark.parametrize("base", [0, -2.0, math.nan, math.inf])
def test_number_to_the_power_of_a_value_needs_a_positive_finite_base(base):
    with pytest.raises(ValueError, match=r"\*\* Value: the base must be a positive finite number"):
        base ** Value(0.5)


# -- results too large for a float ---------------------------------------------------------------


@pytest.mark.parametrize("x", [709.79, 1000.0])
def test_exp_overflow_is_an_overflow_error(x):
    with pytest.raises(OverflowError, match=rf"exp\({x}\): the result is too large for a float"):
        Value(x).exp()


def test_exp_of_the_largest_finite_argument_is_finite():
    x = math.log(1.7976931348623157e308)
    assert Value(x).exp().data == math.exp(x)


@pytest.mark.parametrize("op, name", [(lambda: Value(1e200) * Value(1e200), r"\*"),
                                      (lambda: Value(1e200) * 1e200, r"\*"),
                                      (lambda: Value(1e308) + Value(1e308), r"\+"),
                                      (lambda: -1e308 - Value(1e308), r"\+")],
                         ids=["Value*Value", "Value*float", "Value+Value", "float-Value"])
def test_arithmetic_overflow_is_an_overflow_error_naming_the_op(op, name):
    with pytest.raises(OverflowError, match=rf"^{name} of \(.*\) gives -?inf: the result is too large for a float"):
        op()


def test_power_overflow_is_an_overflow_error():
    with pytest.raises(OverflowError, match=r"10.0 \*\* 400: the result is too large for a float"):
        Value(10.0) ** 400
    with pytest.raises(OverflowError, match=r"2 \*\* 2000.0: the result is too large for a float"):
        2 ** Value(2000.0)


@pytest.mark.parametrize("x, tanh, sigmoid", [(1000.0, 1.0, 1.0), (-1000.0, -1.0, 0.0),
                                              (1e308, 1.0, 1.0), (-1e308, -1.0, 0.0)])
def test_tanh_and_sigmoid_saturate_exactly_without_overflow(x, tanh, sigmoid):
    t, s = Value(x).tanh(), Value(x).sigmoid()
    assert (t.data, s.data) == (tanh, sigmoid)
    t.backward()
    s.backward()
    assert t._a.grad == 0.0 and s._a.grad == 0.0


def test_gradient_overflow_in_backward_is_an_overflow_error():
    # Every value is finite (1e-300, 1.0, 1e100), but dz/dx = 1e300 * 1e100 is not.
    x = Value(1e-300)
    z = (x * 1e300) * 1e100
    with pytest.raises(OverflowError, match=r"^backward: the gradient of .* overflowed"):
        z.backward()


# -- the neural-net library ----------------------------------------------------------------------


def test_neuron_with_the_wrong_number_of_inputs_is_a_value_error():
    with pytest.raises(ValueError, match=r"^ReLUNeuron\(3\) takes 3 inputs, got 2$"):
        Neuron(3)([1.0, 2.0])
    with pytest.raises(ValueError, match=r"^TanhNeuron\(2\) takes 2 inputs, got 3$"):
        Neuron(2, act="tanh")([1.0, 2.0, 3.0])


def test_layer_and_mlp_with_the_wrong_number_of_inputs_are_value_errors():
    with pytest.raises(ValueError, match=r"takes 2 inputs, got 3"):
        Layer(2, 4)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"takes 3 inputs, got 2"):
        MLP(3, [4, 4, 1])([2.0, 3.0])


def test_unknown_activation_is_a_value_error():
    with pytest.raises(ValueError, match=r"act must be 'relu' or 'tanh', got 'sigmoid'"):
        Neuron(2, act="sigmoid")
    with pytest.raises(ValueError, match=r"act must be 'relu' or 'tanh'"):
        MLP(2, [3, 1], act="gelu")


# -- edges of the number policy ------------------------------------------------------------------


def test_a_power_whose_slope_overflows_says_so_in_the_forward_pass():
    # 1 / 1e-300 = 1e300 fits in a float, but its slope -1/x² = -1e600 does not: backward could
    # only produce an infinity, so the engine refuses in the forward pass and says why.
    with pytest.raises(OverflowError, match=r"slope .* too large"):
        Value(1.0) / Value(1e-300)
    with pytest.raises(OverflowError, match=r"slope .* too large"):
        Value(1e-200) ** -1.5


@pytest.mark.parametrize("x, n", [(2.0, math.nan), (-2.0, math.nan), (0.5, math.inf), (-0.5, math.inf),
                                  (2.0, -math.inf)])
def test_non_finite_exponent_is_a_value_error_naming_the_power(x, n):
    with pytest.raises(ValueError, match=r"\*\*.*exponent must be a finite number"):
        Value(x) ** n


def test_a_string_to_a_value_power_is_a_type_error():
    with pytest.raises(TypeError, match=r"unsupported operand"):
        "a" ** Value(1.0)


def test_tanh_keeps_its_relative_precision_near_zero():
    assert Value(1e-10).tanh().data == pytest.approx(math.tanh(1e-10), rel=1e-12, abs=0)
    assert Value(-3e-6).tanh().data == pytest.approx(math.tanh(-3e-6), rel=1e-12, abs=0)


# Below |x| = 1e-3 the engine uses math.tanh itself: pinned exactly, so a cheaper series such as
# x - x**3/3 (off by ~2x⁵/15, a few ulps near the edge of the branch) fails here.
NEAR_ZERO = [s * m * 10.0**-k for s in (1, -1) for m in (1.0, 3.7, 9.99) for k in range(4, 17, 3)] + [0.0, -0.0, 9.99e-4]


@pytest.mark.parametrize("x", NEAR_ZERO)
def test_tanh_near_zero_is_exactly_math_tanh(x):
    v = Value(x)
    t = v.tanh()
    assert t.data == math.tanh(x), f"tanh({x!r}) = {t.data!r}, math.tanh gives {math.tanh(x)!r}"
    t.backward()
    assert v.grad == 1 - math.tanh(x) ** 2
