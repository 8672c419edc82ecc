# Wrong on purpose: tanh's local derivative taken from its input n.
# expect: from tanh's *output* o
import math


class Value:

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), "+")
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), "*")
        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), "tanh")
        return out


def backprop_neuron(x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o):
    """Fill in every gradient of the neuron o = tanh(x1*w1 + x2*w2 + b), from o back."""
    o.grad = 1.0  # the base case: do/do = 1
    n.grad = (1 - n.data**2) * o.grad  # tanh: 1 - tanh(n)**2, from tanh's output o
    x1w1x2w2.grad = 1.0 * n.grad  # +: the local derivative is 1
    b.grad = 1.0 * n.grad
    x1w1.grad = 1.0 * x1w1x2w2.grad
    x2w2.grad = 1.0 * x1w1x2w2.grad
    x1.grad = w1.data * x1w1.grad  # *: the local derivative is the other input
    w1.grad = x1.data * x1w1.grad
    x2.grad = w2.data * x2w2.grad
    w2.grad = x2.data * x2w2.grad
