"""The lecture's numbers, chapter by chapter, reproduced by this engine.

Each test is named after the chapter of "The spelled-out intro to neural networks and
backpropagation: building micrograd" whose figure it checks. The expected numbers were produced by
running the original micrograd code and the lecture's computations (CPython 3.11); they are copied
here so that the tests depend on nothing outside the repository. Equality is exact unless a comment
says why not.
"""
import math
import random

import pytest

from micrograd import MLP, Value
from micrograd.engine import topological_sort

from expressions import multiple_use, neuron, readme_example

# -- chapter 1: overview, the README example ------------------------------------------------------


def test_ch01_readme_example():
    a, b, c, d, e, f, g = readme_example()
    g.backward()
    assert (c.data, d.data, e.data, f.data) == (-1.0, 6.0, -7.0, 49.0)
    assert g.data == 24.70408163265306
    assert a.grad == 138.83381924198252
    assert b.grad == 645.5772594752186


def test_ch01_readme_example_as_printed():
    a, b, *_, g = readme_example()
    g.backward()
    assert (f"{g.data:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == ("24.7041", "138.8338", "645.5773")


# -- chapters 2-3: derivatives by nudging -----------------------------------------------------------


def f_parabola(x):
    return 3 * x**2 - 4 * x + 5


@pytest.mark.parametrize("x, h, slope", [
    (3.0, 0.001, 14.00300000000243),
    (-3.0, 0.001, -21.996999999998934),
    (2 / 3, 0.001, 0.0029999999995311555),
])
def test_ch02_derivative_one_input(x, h, slope):
    assert f_parabola(Value(3.0)).data == 20.0
    # the engine's forward pass is plain float arithmetic, so the nudge gives the lecture's digits
    assert (f_parabola(Value(x + h)).data - f_parabola(Value(x)).data) / h == slope
    v = Value(x)
    f_parabola(v).backward()
    assert v.grad == pytest.approx(6 * x - 4, abs=1e-15)  # the analytic slope: 14, -22, 0


@pytest.mark.parametrize("h, slope", [(1e-8, 14.00000009255109), (1e-15, 10.658141036401503),
                                      (1e-17, 0.0)])
def test_ch02_too_small_a_nudge_breaks_down_in_floating_point(h, slope):
    assert (f_parabola(Value(3.0 + h)).data - f_parabola(Value(3.0)).data) / h == slope


def test_ch03_derivative_many_inputs():
    def d_of(a, b, c):
        return (Value(a) * Value(b) + Value(c)).data

    h = 1e-4
    d1 = d_of(2.0, -3.0, 10.0)
    assert d1 == 4.0
    slopes = [(d_of(2.0 + h, -3.0, 10.0) - d1) / h, (d_of(2.0, -3.0 + h, 10.0) - d1) / h,
              (d_of(2.0, -3.0, 10.0 + h) - d1) / h]
    assert slopes == [-3.000000000010772, 2.0000000000042206, 0.9999999999976694]


# -- chapters 4-6: the expression L = (a*b + c) * f -------------------------------------------------


def expression_L(a=2.0, b=-3.0, c=10.0, f=-2.0):
    a, b, c, f = Value(a, label="a"), Value(b, label="b"), Value(c, label="c"), Value(f, label="f")
    e = a * b
    d = e + c
    L = d * f
    return a, b, c, f, e, d, L


def test_ch04_value_object_forward_pass():
    a, b, c, f, e, d, L = expression_L()
    assert (a.data, b.data, c.data, f.data) == (2.0, -3.0, 10.0, -2.0)
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    assert all(v.grad == 0.0 for v in (a, b, c, f, e, d, L))


def test_ch05_manual_backprop_expression_grads():
    a, b, c, f, e, d, L = expression_L()
    L.backward()
    assert [v.grad for v in (L, d, f, c, e, a, b)] == [1.0, -2.0, 4.0, -2.0, -2.0, 6.0, -4.0]


def test_ch05_numerical_check_of_dL_db():
    h = 0.001
    assert (expression_L(b=-3.0 + h)[-1].data - expression_L()[-1].data) / h == -3.9999999999995595


def test_ch06_optimization_step_raises_L():
    a, b, c, f, e, d, L = expression_L()
    L.backward()
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    e = a * b
    d = e + c
    L = d * f
    assert L.data == -7.286496


# -- chapters 7-12: the neuron --------------------------------------------------------------------


def test_ch07_neuron_grads():
    x1, x2, w1, w2, b, n, o = neuron()
    o.backward()
    assert (n.data, o.data) == (0.8813735870195432, 0.7071067811865476)
    assert [v.grad for v in (x1, w1, x2, w2, b, n)] == [
        -1.4999999999999996, 0.9999999999999998, 0.4999999999999999, 0.0, 0.4999999999999999,
        0.4999999999999999]


def test_ch09_backward_whole_graph_matches_the_manual_chain_rule():
    x1, x2, w1, w2, b, n, o = neuron()
    o.backward()
    do_dn = 1 - o.data**2
    assert n.grad == do_dn
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == (w1.data * do_dn, x1.data * do_dn,
                                                    w2.data * do_dn, x2.data * do_dn)


def test_ch10_multiple_use():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0

    a, b, d, e, f = multiple_use()
    f.backward()
    assert (f.data, a.grad, b.grad, d.grad, e.grad) == (-6.0, -3.0, -8.0, 1.0, -6.0)


def test_ch11_ops_with_constants():
    a, b = Value(2.0), Value(4.0)
    assert [v.data for v in (a + 1, 2 * a, a / b, a - b, a.exp(), a**2)] == [
        3.0, 4.0, 0.5, -2.0, 7.38905609893065, 4.0]


def test_ch11_tanh_from_exp_same_grads_18_vs_10_nodes():
    *leaves, n, o = neuron("tanh")
    *leaves_exp, n_exp, o_exp = neuron("exp")
    o.backward()
    o_exp.backward()
    assert o_exp.data == 0.7071067811865477  # one ulp above tanh's 0.7071067811865476
    assert [v.grad for v in leaves_exp] == pytest.approx([v.grad for v in leaves], rel=1e-15, abs=0)
    assert (len(topological_sort(o)), len(topological_sort(o_exp))) == (10, 18)


def _torch_neuron(torch, make):
    x1, x2, w1, w2, b = (make(v) for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    for t in (x1, x2, w1, w2, b):
        t.requires_grad = True
    n = x1 * w1 + x2 * w2 + b
    o = torch.tanh(n)
    o.backward()
    return o.data.item(), x2.grad.item(), w2.grad.item(), x1.grad.item(), w1.grad.item()


def test_ch12_pytorch_float32_printout(torch):
    # The lecture built its tensors as float32 first (`torch.Tensor([...]).double()`), so b lost
    # digits: the printout differs from micrograd in the 7th digit.
    printed = _torch_neuron(torch, lambda v: torch.Tensor([v]).double())
    assert printed == (0.7071066904050358, 0.5000001283844369, 0.0, -1.5000003851533106, 1.0000002567688737)


def test_ch12_pytorch_float64_matches_the_engine(torch):
    x1, x2, w1, w2, b, n, o = neuron()
    o.backward()
    t_o, t_x2, t_w2, t_x1, t_w1 = _torch_neuron(torch, lambda v: torch.tensor([v], dtype=torch.float64))
    assert t_o == o.data  # the output agrees to the last bit
    # the gradients agree to within an ulp or two: PyTorch's tanh backward rounds 1 - t*t differently
    assert [t_x2, t_w2, t_x1, t_w1] == pytest.approx([x2.grad, w2.grad, x1.grad, w1.grad], rel=1e-15, abs=0)


# -- chapters 13-16: the lecture's network ----------------------------------------------------------

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def lecture_network():
    random.seed(1337)
    return MLP(3, [4, 4, 1], act="tanh")


def squared_error(n):
    ypred = [n(x) for x in XS]
    return sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred))


def train(n, steps, zero_grad=True):
    losses = []
    for _ in range(steps):
        loss = squared_error(n)
        if zero_grad:
            for p in n.parameters():
                p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    return losses


def test_ch13_mlp_library_seeded_output():
    assert lecture_network()([2.0, 3.0, -1.0]).data == 0.42767811248845455


def test_ch14_dataset_and_loss_initial_loss():
    assert squared_error(lecture_network()).data == 6.005402783252284


def test_ch15_41_parameters():
    assert len(lecture_network().parameters()) == 41


def test_ch16_training_step19_loss():
    # 0.017781874686157644 with children visited in insertion order (the original, whose children
    # are a set, prints 0.01778187468615766): this engine reproduces it exactly.
    losses = train(lecture_network(), 20)
    assert losses[0] == 6.005402783252284
    assert losses[19] == 0.017781874686157644
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))


def test_ch16_forgetting_zero_grad_makes_the_loss_jump_around():
    losses = train(lecture_network(), 8, zero_grad=False)
    assert [round(x, 6) for x in losses[:4]] == [6.005403, 3.20215, 2.432486, 1.142715]
    assert any(later > earlier for earlier, later in zip(losses, losses[1:]))


# -- chapter 18: the repository's code and demo ------------------------------------------------------


def test_ch18_original_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert (y.data, x.grad) == (-20.0, 46.0)


def test_ch18_moons_step0():
    np = pytest.importorskip("numpy", reason="numpy is not installed")
    datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn is not installed")
    random.seed(1337)
    np.random.seed(1337)
    X, y = datasets.make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337

    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]

    assert total_loss.data == 0.8958441028683222
    assert sum(accuracy) / len(accuracy) == 0.5
    model.zero_grad()
    total_loss.backward()
    assert all(math.isfinite(p.grad) for p in model.parameters())
    assert any(p.grad != 0.0 for p in model.parameters())


# -- the lecture's exercises ---------------------------------------------------------------------------


def sin(v):
    """A new operation from outside the engine, written the lecture's way: a node and its closure."""
    out = Value(math.sin(v.data), (v,), "sin")

    def _backward():
        v.grad += math.cos(v.data) * out.grad

    out._backward = _backward
    return out


def test_exercise_f_abc_gradient():
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    f = -a**3 + sin(3 * b) - 1.0 / c + b**2.5 - a**0.5
    f.backward()
    assert f.data == 6.336362190988558
    assert [a.grad, b.grad, c.grad] == [-12.353553390593273, 10.25699027111255, 0.0625]

    def f_float(a, b, c):
        return -a**3 + math.sin(3 * b) - 1.0 / c + b**2.5 - a**0.5

    h = 1e-6
    numeric = [(f_float(2 + h, 3, 4) - f_float(2 - h, 3, 4)) / (2 * h),
               (f_float(2, 3 + h, 4) - f_float(2, 3 - h, 4)) / (2 * h),
               (f_float(2, 3, 4 + h) - f_float(2, 3, 4 - h)) / (2 * h)]
    assert [a.grad, b.grad, c.grad] == pytest.approx(numeric, rel=1e-6)


def test_exercise_softmax_nll():
    logits = [Value(0.0), Value(3.0), Value(-2.0), Value(1.0)]
    counts = [logit.exp() for logit in logits]
    denominator = sum(counts)
    probs = [c / denominator for c in counts]
    loss = -probs[3].log()
    loss.backward()
    # 2.1755153626167147 here (and in plain floats, and numpy) vs 2.1755153626167143 in the
    # reference (what PyTorch's float64 cross_entropy gives): one ulp apart
    assert loss.data == pytest.approx(2.1755153626167143, rel=1e-15, abs=0)
    assert [v.grad for v in logits] == [0.041772570515350445, 0.8390245074625319,
                                        0.005653302662216329, -0.8864503806400986]
