"""A tiny PyTorch-like neural-net library on top of `Value`: Neuron, Layer, MLP.

Two flavours, chosen by `act`:
- `act="relu"` (the default) is the repository's network: ReLU hidden layers, a linear last
  layer, biases starting at 0.
- `act="tanh"` is the lecture's network: tanh on every layer, the output included, and each
  neuron draws its weights, then its bias, from `random.uniform(-1, 1)`.
"""
import random

from micrograd.engine import Value

__all__ = ["Module", "Neuron", "Layer", "MLP"]


class Module:
    """Something with parameters: a neuron, a layer, a whole network."""

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    """act(w · x + b) for one input vector x; a linear neuron when `nonlin` is False."""

    def __init__(self, nin, nonlin=True, act="relu"):
        if act not in ("relu", "tanh"):
            raise ValueError(f"Neuron: act must be 'relu' or 'tanh', got {act!r}")
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1) if act == "tanh" else 0)
        self.nonlin = nonlin
        self.act = act

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} takes {len(self.w)} inputs, got {len(x)}")
        out = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if not self.nonlin:
            return out
        return out.relu() if self.act == "relu" else out.tanh()

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        kind = {"relu": "ReLU", "tanh": "Tanh"}[self.act] if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` independent neurons that all read the same input."""

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts` in sequence, reading `nin` inputs."""

    def __init__(self, nin, nouts, act="relu"):
        sz = [nin] + list(nouts)
        last = len(nouts) - 1
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=(act == "tanh" or i != last), act=act)
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
            if isinstance(x, Value):  # a layer of one neuron returns a bare Value
                x = [x]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
