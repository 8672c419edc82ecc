"""backward(): the chain rule over the whole graph, and what happens when it is called again.

`backward()` resets the gradients of intermediate nodes, seeds the root with 1.0, and lets leaf
gradients accumulate across calls, like PyTorch: zero them between steps (`zero_grad`).
"""
import subprocess
import sys
import textwrap

from micrograd import MLP, Value


def test_backward_seeds_the_root_with_one():
    x = Value(3.0)
    y = x * 2
    y.backward()
    assert y.grad == 1.0


def test_backward_on_a_leaf_gives_it_gradient_one():
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0


def test_chain_rule_multiplies_local_derivatives():
    x = Value(0.5)
    y = (x * 3).exp()  # dy/dx = 3 e^(3x)
    y.backward()
    assert x.grad == 3 * y.data


def test_a_node_used_several_times_accumulates_its_gradient():
    x = Value(3.0)
    y = x * x + x  # 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_backward_twice_accumulates_leaf_gradients_like_pytorch_24_not_36():
    x = Value(3.0)
    y = (x * x) * 2  # dy/dx = 4x = 12
    y.backward()
    assert x.grad == 12.0
    y.backward()
    assert x.grad == 24.0  # 12 + 12; the original micrograd gives 36 (it reuses stale inner grads)


def test_pytorch_refuses_a_second_backward_and_adds_24_only_with_retain_graph(torch):
    """What the pages say PyTorch does, checked against PyTorch itself."""
    x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    y = (x * x) * 2
    y.backward()
    try:
        y.backward()
    except RuntimeError as e:
        assert "second time" in str(e)
    else:
        raise AssertionError("PyTorch ran a second backward() without retain_graph=True")
    x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    y = (x * x) * 2
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 24.0  # as this engine: leaves accumulate, intermediates are recomputed


def test_backward_twice_recomputes_intermediate_gradients():
    x = Value(3.0)
    xx = x * x
    y = xx * 2
    y.backward()
    y.backward()
    assert xx.grad == 2.0  # not 4.0
    assert y.grad == 1.0


def test_zeroing_leaf_gradients_between_calls_gives_the_same_gradient_again():
    x = Value(3.0)
    y = (x * x) * 2
    y.backward()
    first = x.grad
    x.grad = 0.0
    y.backward()
    assert x.grad == first == 12.0


def test_gradients_from_two_separate_roots_add_up_in_a_shared_leaf():
    x = Value(2.0)
    (x * 3).backward()
    (x * 5).backward()
    assert x.grad == 8.0


def test_module_zero_grad_resets_every_parameter():
    model = MLP(3, [4, 1])
    model([1.0, -2.0, 0.5]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 and type(p.grad) is float for p in model.parameters())


def test_a_million_node_chain_forward_backward_and_deallocation(child_env):
    # In a fresh process, so that a crash (a C stack overflow while freeing a deep chain) fails
    # this test instead of killing the whole test run.
    code = textwrap.dedent("""
        import gc
        from micrograd import Value
        x, step = Value(1.0), Value(1e-6)
        v, expected = x, 1.0
        for _ in range(1_000_000):
            v = v + step
            expected += 1e-6
        v.backward()
        print(v.data == expected, x.grad, step.grad)
        del v
        gc.collect()
        print("freed")
    """)
    result = subprocess.run([sys.executable, "-c", code], env=child_env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["True 1.0 1000000.0", "freed"]
