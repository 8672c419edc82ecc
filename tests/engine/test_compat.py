"""Code written for micrograd 0.1.0 (the original repository and PyPI package) runs unchanged.

The two tests of the original repository's `test/test_engine.py` are reproduced as they were,
comparing with PyTorch (skipped without PyTorch); the figures they check are also tested without
PyTorch in test_reference_numbers.py.
"""
import subprocess
import sys
import textwrap

import pytest


def test_original_import_paths(child_env):
    code = textwrap.dedent("""
        from micrograd.engine import Value
        from micrograd.nn import Module, Neuron, Layer, MLP
        from micrograd import Value as V2, MLP as M2, draw_dot
        import micrograd.engine, micrograd.nn
        assert V2 is Value and M2 is MLP and callable(draw_dot)
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], env=child_env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_original_value_api():
    from micrograd.engine import Value

    a = Value(2.0)
    assert a.grad == 0 and a.data == 2.0
    assert repr(a) == "Value(data=2.0, grad=0.0)"
    b = a * 3
    assert a in b._prev and b._op == "*"
    assert set(b._prev) == {a, b._prev[1]}
    lecture_style = Value(2.0, label="a")  # the lecture's constructor keyword
    assert lecture_style.label == "a"


def test_original_nn_api():
    from micrograd.nn import MLP, Layer, Module, Neuron

    assert issubclass(Neuron, Module) and issubclass(Layer, Module) and issubclass(MLP, Module)
    n = Neuron(2, nonlin=False)
    assert repr(n) == "LinearNeuron(2)"
    layer = Layer(2, 3, nonlin=True)
    assert len(layer.parameters()) == 9
    model = MLP(2, [16, 16, 1])
    model.zero_grad()
    assert len(model.parameters()) == 337


def test_original_readme_training_loop_runs():
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(2, [4, 1])
    xs = [[Value(0.5), Value(-1.0)], [1.0, 2.0]]
    for k in range(3):
        scores = [model(x) for x in xs]
        loss = sum((1 + -yi * s).relu() for yi, s in zip([1, -1], scores)) * (1.0 / 2)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad


# -- the original repository's test/test_engine.py ---------------------------------------------------


def test_sanity_check(torch):
    from micrograd.engine import Value

    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    # forward pass went well
    assert ymg.data == ypt.data.item()
    # backward pass went well
    assert xmg.grad == xpt.grad.item()
    assert (ymg.data, xmg.grad) == (-20.0, 46.0)


def test_more_ops(torch):
    from micrograd.engine import Value

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
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    # forward pass went well
    assert abs(gmg.data - gpt.data.item()) < tol
    # backward pass went well
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol
    # and, tighter than the original asked for:
    assert gmg.data == pytest.approx(gpt.data.item(), rel=1e-15, abs=0)
    assert (amg.grad, bmg.grad) == pytest.approx((apt.grad.item(), bpt.grad.item()), rel=1e-13, abs=0)


def test_the_private_backward_closures_of_0_1_0_are_gone_by_design():
    # The one known difference: nodes store local derivatives, not `_backward` closures, so code
    # that calls the private `o._backward()` by hand (the lecture's chapter 8 cells) does not run.
    from micrograd.engine import Value

    o = Value(2.0) * Value(3.0)
    with pytest.raises(AttributeError, match="_backward"):
        o._backward()
