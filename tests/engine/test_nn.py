"""The neural-net library: Neuron, Layer, MLP and their two flavours.

`act="relu"` (the default) is the repository's network: ReLU hidden layers, a linear last layer,
biases starting at 0. `act="tanh"` is the lecture's: tanh on every layer, and each neuron draws
its weights and then its bias from uniform(-1, 1).
"""
import math
import random

import pytest

from micrograd import MLP, Layer, Module, Neuron, Value

# -- parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make, count", [
    (lambda: Neuron(3), 4),
    (lambda: Layer(3, 4), 16),
    (lambda: MLP(3, [4, 4, 1]), 41),
    (lambda: MLP(3, [4, 4, 1], act="tanh"), 41),
    (lambda: MLP(2, [16, 16, 1]), 337),
    (lambda: MLP(2, [1, 3, 1]), 3 + 6 + 4),
], ids=["Neuron(3)", "Layer(3,4)", "MLP(3,[4,4,1])", "tanh MLP(3,[4,4,1])", "MLP(2,[16,16,1])",
        "MLP(2,[1,3,1])"])
def test_parameter_count(make, count):
    params = make().parameters()
    assert len(params) == count
    assert len(set(map(id, params))) == count
    assert all(isinstance(p, Value) for p in params)


def test_parameters_are_each_neurons_weights_then_bias_in_order():
    layer = Layer(2, 3)
    expected = [p for n in layer.neurons for p in n.w + [n.b]]
    assert layer.parameters() == expected
    model = MLP(2, [3, 1])
    assert model.parameters() == model.layers[0].parameters() + model.layers[1].parameters()


def test_a_bare_module_has_no_parameters():
    assert Module().parameters() == []
    Module().zero_grad()  # nothing to do, no error


# -- representation ------------------------------------------------------------------------------


def test_neuron_reprs_name_the_activation_and_the_input_count():
    assert repr(Neuron(2)) == "ReLUNeuron(2)"
    assert repr(Neuron(16, nonlin=False)) == "LinearNeuron(16)"
    assert repr(Neuron(3, act="tanh")) == "TanhNeuron(3)"


def test_layer_and_mlp_reprs_list_their_parts():
    assert repr(Layer(2, 2)) == "Layer of [ReLUNeuron(2), ReLUNeuron(2)]"
    assert repr(MLP(2, [3, 1])) == (
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]")
    assert repr(MLP(3, [2, 1], act="tanh")) == (
        "MLP of [Layer of [TanhNeuron(3), TanhNeuron(3)], Layer of [TanhNeuron(2)]]")


def test_the_repository_demo_network_repr():
    text = repr(MLP(2, [16, 16, 1]))
    assert text.startswith("MLP of [Layer of [ReLUNeuron(2), ")
    assert text.count("ReLUNeuron(2)") == 16 and text.count("ReLUNeuron(16)") == 16
    assert text.endswith("Layer of [LinearNeuron(16)]]")


# -- defaults: the repository's network ----------------------------------------------------------


def test_default_neuron_is_relu_with_zero_bias_and_weights_in_minus_one_one():
    n = Neuron(50)
    assert n.act == "relu" and n.nonlin is True
    assert n.b.data == 0.0
    assert all(-1.0 <= w.data <= 1.0 for w in n.w)


def test_default_mlp_has_relu_hidden_layers_and_a_linear_last_layer():
    model = MLP(2, [16, 16, 1])
    assert [n.nonlin for layer in model.layers for n in layer.neurons] == [True] * 32 + [False]
    assert all(n.act == "relu" and n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_relu_network_draws_only_weights_from_random():
    random.seed(7)
    MLP(2, [16, 16, 1])
    after = random.random()
    random.seed(7)
    for _ in range(2 * 16 + 16 * 16 + 16 * 1):
        random.uniform(-1, 1)
    assert random.random() == after


def test_relu_neuron_computes_relu_of_w_dot_x_plus_b():
    n = Neuron(2)
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -2.0, 0.25
    assert n([2.0, 0.25]).data == 0.75
    assert n([-2.0, 0.25]).data == 0.0
    linear = Neuron(2, nonlin=False)
    linear.w[0].data, linear.w[1].data = 0.5, -2.0
    assert linear([-2.0, 0.25]).data == -1.5


# -- the lecture's network -----------------------------------------------------------------------


def test_tanh_network_has_tanh_everywhere_including_the_output():
    model = MLP(3, [4, 4, 1], act="tanh")
    assert all(n.nonlin and n.act == "tanh" for layer in model.layers for n in layer.neurons)
    out = model([2.0, 3.0, -1.0])
    assert out._op == "tanh" and -1.0 < out.data < 1.0


def test_tanh_neuron_draws_weights_then_bias_from_uniform_minus_one_one():
    random.seed(1337)
    n = Neuron(3, act="tanh")
    random.seed(1337)
    draws = [random.uniform(-1, 1) for _ in range(4)]
    assert [p.data for p in n.parameters()] == draws


def test_tanh_neuron_computes_tanh_of_w_dot_x_plus_b():
    n = Neuron(2, act="tanh")
    n.w[0].data, n.w[1].data, n.b.data = -3.0, 1.0, 6.8813735870195432
    assert n([2.0, 0.0]).data == pytest.approx(math.sqrt(0.5), rel=1e-15, abs=0)


# -- shapes --------------------------------------------------------------------------------------


def test_a_layer_of_one_neuron_returns_a_value_and_of_several_a_list():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_mlp_returns_a_value_for_one_output_and_a_list_for_several():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_a_hidden_layer_of_width_one_works():
    model = MLP(2, [1, 3, 1])
    out = model([0.5, -1.5])
    assert isinstance(out, Value)
    out.backward()
    assert len(model.parameters()) == 13


def test_inputs_may_be_values_and_receive_gradients():
    model = MLP(2, [3, 1], act="tanh")
    x = [Value(0.5), Value(-1.5)]
    model(x).backward()
    assert all(xi.grad != 0.0 for xi in x)


def test_parameters_are_live_and_training_changes_the_output():
    random.seed(0)
    model = MLP(2, [4, 1], act="tanh")
    x, target = [1.0, -1.0], 0.5
    first = (model(x) - target) ** 2
    for _ in range(5):
        loss = (model(x) - target) ** 2
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert ((model(x) - target) ** 2).data < first.data


def test_zero_grad_works_on_neurons_layers_and_networks():
    for module in [Neuron(2), Layer(2, 3), MLP(2, [3, 1])]:
        out = module([1.0, -2.0])
        (out if isinstance(out, Value) else sum(out)).backward()
        for p in module.parameters():
            p.grad = 1.5
        module.zero_grad()
        assert all(p.grad == 0.0 for p in module.parameters())
