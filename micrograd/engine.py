"""A scalar autograd engine: the `Value` of the lecture, made exact, safe and fast.

Every node made from others remembers its inputs and how to pass its gradient back to them, in
one of two ways:

- The engine's own operations (`a + b`, `a.tanh()`, ...) store, beside each input, the *local
  derivative* of the output with respect to it: plain numbers, no closures, so a graph is freed
  the moment it is no longer used.
- A node made the lecture's way, `out = Value(data, (x,), 'exp')`, carries the closure assigned
  to it, `out._backward = _backward`, exactly as in the lecture. Both kinds mix freely.

`backward()` walks the graph from the output back to the inputs and applies the chain rule:
every input's gradient grows by local derivative × output gradient (a closure does that itself).

Number policy: `data` is always a finite float. A `Value` cannot be built from NaN, an infinity
or anything that is not a real number, and an operation that is undefined for its inputs
(log of 0, division by 0, a negative number to a fractional power) or whose result would not fit
in a float raises a clear error in the forward pass, naming the operation and its operands.
`backward()` raises if a gradient overflows.
"""
import math
import numbers
import sys

__all__ = ["Value", "topological_sort"]


class Value:
    """A scalar in an expression graph: its data, its gradient, and how it was made.

    `Value(data, _children=(), _op='', label='')` is the lecture's constructor. `Value(2.0,
    label='a')` is a leaf; `out = Value(data, (x,), 'exp')` is a node made from one or two
    inputs, given its closure the lecture's way: `out._backward = _backward`. Every node
    answers `node._backward()` as the lecture's nodes do.

    A node remembers the operation's name (`_op`) and its inputs (`_a`, `_b`; `_prev` is the
    lecture's view of them). The engine's own operations also store the local derivative of the
    output with respect to each input (`_da`, `_db`) and need no closure; a node made the
    lecture's way has `None` there and its closure in `_closure`.
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db", "_closure")

    def __init__(self, data, _children=(), _op="", label=""):
        a = b = None  # the inputs, in order, each once; none for a leaf
        if type(_children) is not tuple or _children or type(_op) is not str:  # not a plain leaf
            a, b = _inputs(data, _children, _op)
        if type(data) is not float:
            data = _real(data)
        if not math.isfinite(data):
            raise _not_finite(data, _op, a, b)
        self.data = data
        self.grad = 0.0  # d(root)/d(self), filled in by backward()
        self.label = label  # a name for drawing
        self._op = _op  # the operation that made this node; '' for a leaf
        self._a, self._b = a, b
        self._da = self._db = None  # no stored local derivatives: a closure passes the gradient
        self._closure = None  # set by `out._backward = ...`

    @property
    def _prev(self):
        """The inputs, in order and each once: the lecture's `_prev`, as a tuple."""
        if self._a is None:
            return ()
        if self._b is None or self._b is self._a:
            return (self._a,)
        return (self._a, self._b)

    @property
    def _backward(self):
        """What the lecture's `node._backward()` does: pass this node's gradient to its inputs,
        once. A node made the lecture's way runs its closure; an operation of the engine applies
        its stored local derivatives; a leaf (or a node still without a closure) does nothing."""
        if self._closure is not None:
            return self._closure
        if self._da is not None:
            return self._chain_rule
        return _nothing

    @_backward.setter
    def _backward(self, closure):
        if not callable(closure):
            raise TypeError(f"_backward must be a function to call in the backward pass, "
                            f"got {closure!r} of type {type(closure).__name__}")
        self._closure = closure

    def _chain_rule(self):
        """The chain rule at this node, once: what backward() does here, for one node."""
        self._a.grad += self._da * self.grad
        if self._b is not None:
            self._b.grad += self._db * self.grad

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return _node(self.data + other.data, "+", self, 1.0, other, 1.0)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return _node(self.data * other.data, "*", self, other.data, other, self.data)

    def __pow__(self, other):
        if not isinstance(other, numbers.Real):
            raise TypeError(f"Value ** {other!r}: the exponent must be an int or a float "
                            f"(a Value exponent is not supported; write (b * a.log()).exp())")
        x, n = self.data, other
        if not math.isfinite(n):
            raise ValueError(f"{x} ** {n}: the exponent must be a finite number")
        if x < 0 and n != int(n):
            raise ValueError(f"{x} ** {n}: a negative number to a fractional power is not real")
        if x == 0 and n < 0:
            raise ZeroDivisionError(f"{x} ** {n}: zero to a negative power divides by zero")
        if x == 0 and 0 < n < 1:
            raise ValueError(f"{x} ** {n}: the slope of x ** {n} is infinite at 0")
        try:
            out = x**n
        except OverflowError:
            raise OverflowError(f"{x} ** {n}: the result is too large for a float") from None
        try:
            local = n * x ** (n - 1) if n != 0 else 0.0  # d/dx x^n = n x^(n-1)
        except OverflowError:
            raise OverflowError(f"{x} ** {n}: the slope there, {n} * {x} ** {n - 1}, is too large "
                                f"for a float") from None
        return _node(out, f"**{other}", self, local)

    def __rpow__(self, other):  # other ** self, for a positive number `other`
        if not isinstance(other, numbers.Real):
            return NotImplemented
        if not (math.isfinite(other) and other > 0):
            raise ValueError(f"{other!r} ** Value: the base must be a positive finite number")
        try:
            out = other**self.data
        except OverflowError:
            raise OverflowError(f"{other} ** {self.data}: the result is too large for a float") from None
        return _node(out, f"{other}**", self, out * math.log(other))  # d/dx b^x = b^x ln b

    def exp(self):
        x = self.data
        if x > _MAX_EXP:
            raise OverflowError(f"exp({x}): the result is too large for a float")
        out = math.exp(x)
        return _node(out, "exp", self, out)  # d/dx e^x = e^x

    def log(self):
        x = self.data
        if x <= 0:
            raise ValueError(f"log({x}): the logarithm is defined only for positive numbers")
        return _node(math.log(x), "log", self, 1.0 / x)  # d/dx ln x = 1/x

    def tanh(self):
        x = self.data
        if abs(x) < 1e-3:  # (e - 1) / (e + 1) loses digits near 0, where tanh x ≈ x - x³/3
            t = math.tanh(x)
        else:
            e = math.exp(2 * min(x, 20.0))  # tanh(x) is exactly 1.0 in floats from x ≈ 19.1
            t = (e - 1) / (e + 1)  # the lecture's formula, digit for digit
        return _node(t, "tanh", self, 1 - t**2)  # d/dx tanh x = 1 - tanh² x

    def sigmoid(self):
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))  # no overflow
        return _node(s, "sigmoid", self, s * (1 - s))

    def relu(self):
        out = self.data if self.data > 0 else 0.0
        return _node(out, "ReLU", self, 1.0 if self.data > 0 else 0.0)

    def backward(self):
        """Fill in `grad` of every node that `self` depends on: d(self)/d(node).

        Leaf gradients accumulate across calls, as in PyTorch (zero them between steps); the
        gradients of intermediate nodes are recomputed from scratch on every call.
        """
        topo = topological_sort(self)
        for v in topo:  # first, before any gradient changes: can every node pass its gradient on?
            if v._da is None and v._a is not None and v._closure is None:
                raise _no_backward(v)
        for v in topo:
            if v._a is not None:
                v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            if not math.isfinite(v.grad):
                raise OverflowError(f"backward: the gradient of {v!r} ({v._op or 'leaf'}) overflowed")
            if v._closure is not None:
                v._closure()  # a node made the lecture's way
            elif v._a is not None:
                v._a.grad += v._da * v.grad  # the chain rule: local derivative × upstream
                if v._b is not None:
                    v._b.grad += v._db * v.grad

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __rsub__(self, other):  # other - self
        return other + (-self)

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        if _data(other) == 0:
            raise ZeroDivisionError(f"division by zero: {self.data} / {_data(other)}")
        return self * other**-1

    def __rtruediv__(self, other):  # other / self
        if self.data == 0:
            raise ZeroDivisionError(f"division by zero: {_data(other)} / {self.data}")
        return other * self**-1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


def topological_sort(root):
    """Every node `root` depends on, each after all of its inputs: a depth-first post-order.

    Iterative, so a graph of any depth works; the order is the recursive version's, exactly.
    """
    topo, done, entered, stack = [], set(), set(), [root]
    while stack:
        v = stack.pop()
        if v not in entered:  # first visit: come back to v after all of its inputs
            entered.add(v)
            stack.append(v)
            if v._b is not None:
                stack.append(v._b)
            if v._a is not None:
                stack.append(v._a)
        elif v not in done:  # second visit: every input is in topo, so v can follow
            done.add(v)
            topo.append(v)
    return topo


_MAX_EXP = math.log(sys.float_info.max)  # ≈ 709.78, the largest x with a finite exp(x)


def _node(data, op, a, da, b=None, db=None):
    """A node made by one of the engine's operations: its inputs and their local derivatives.
    The fast, private constructor: no checks of the inputs, which the operation made itself."""
    if type(data) is not float:
        data = _real(data)
    if not math.isfinite(data):
        raise _not_finite(data, op, a, b)
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._op = op
    v._a, v._da = a, da
    v._b, v._db = b, db
    v._closure = None
    return v


_new = object.__new__


def _nothing():
    """The `_backward` of a leaf: there is nothing to pass a gradient to."""


def _inputs(data, children, op):
    """`children` as (first input, second input), each once and None where there is none, or a
    TypeError that names what was wrong and shows how the lecture calls the constructor."""
    def wrong(what):
        return TypeError(f"Value(data={data!r}, _children={children!r}, _op={op!r}): {what}")

    if not isinstance(children, (tuple, list)):
        example = repr(children) if isinstance(children, str) else "'exp'"
        raise wrong(f"_children must be a tuple of Values, got {type(children).__name__} "
                    f"{children!r}; the lecture calls Value(data, (x,), {example})")
    if not isinstance(op, str):
        raise wrong(f"_op must be a str naming the operation, such as 'exp', got "
                    f"{type(op).__name__} {op!r}")
    inputs = []
    for child in children:
        if not isinstance(child, Value):
            number = isinstance(child, numbers.Real)
            hint = f"; make a number a Value first: Value({child!r})" if number else ""
            raise wrong(f"each of _children must be a micrograd Value, got {type(child).__name__} "
                        f"{child!r}{hint}")
        if all(child is not seen for seen in inputs):
            inputs.append(child)
    if len(inputs) > 2:
        raise wrong(f"a node takes at most two distinct inputs, got {len(inputs)}; build it from "
                    f"two-input operations, as the lecture does")
    return (inputs + [None, None])[:2]


def _no_backward(v):
    return RuntimeError(
        f"backward: the node {v!r} made by {v._op!r} from {len(v._prev)} input(s) has no _backward, "
        f"so its inputs would get no gradient. It was made with Value(data, _children, _op); give it "
        f"its closure before calling backward(), as the lecture does: out._backward = _backward")


def _real(data):
    """`data` as a float, or a TypeError saying why it is not a number a Value can hold."""
    if isinstance(data, numbers.Real):
        return float(data)
    raise TypeError(f"Value(data): data must be a real number (int or float), "
                    f"got {data!r} of type {type(data).__name__}")


def _data(x):
    return x.data if isinstance(x, Value) else x


def _not_finite(data, op, a, b):
    if a is None:
        return ValueError(f"Value({data}): data must be a finite number, not NaN or infinity")
    operands = ", ".join(repr(v.data) for v in (a, b) if v is not None)
    return OverflowError(f"{op} of ({operands}) gives {data}: the result is too large for a float")
