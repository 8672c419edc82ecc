"""The hidden checks of the "Build it yourself" track: pure Python, standard library only.

The same file runs in three places: the local command (`python -m buildit check STEP FILE`), the
tests (tests/buildit/), and the page's Check button (shipped as-is to Pyodide). Entry point:

    check(step_id, source, filename="<your code>") -> Result

It runs the reader's code in a fresh namespace, then the step's checks, and stops at the first
failure with a message in the lecture's terms. Whatever the reader's code raises, at load time or
inside a check, is reported as *their* exception with the line of their code it came from; the
checks themselves never crash on odd reader code.
"""
import contextlib
import io
import math
import random
import re
import sys
import traceback

__all__ = ["check", "Result", "STEP_IDS"]


class CheckFailed(Exception):
    """A check found something wrong; the message says what, in the lecture's terms."""


class ReaderError(Exception):
    """The reader's code raised while a check was running it."""

    def __init__(self, doing, error):
        super().__init__(doing)
        self.doing, self.error = doing, error


class Result:
    """The verdict: `ok`, the names of the checks that passed, and the failure message and the
    failing check's hint if any."""

    def __init__(self, step, ok, passed, message="", output="", failed="", hint=""):
        self.step, self.ok, self.passed, self.message, self.output = step, ok, passed, message, output
        self.failed = failed  # the check that failed (its one-line description)
        self.hint = hint  # that check's nudge, in the lecture's terms (not the answer)

    def as_dict(self):
        return {"step": self.step, "ok": self.ok, "passed": list(self.passed), "failed": self.failed,
                "message": self.message, "output": self.output, "hint": self.hint}

    def report(self):
        """The text the local command prints and the page shows."""
        lines = [f"✓ {name}" for name in self.passed]
        if self.ok:
            lines.append(f"Step '{self.step}' passes: all {len(self.passed)} checks.")
        else:
            lines.append(f"✗ {self.message}")
            if self.hint:
                lines.append(f"  Hint: {self.hint}")
        return "\n".join(lines)


def fmt(x):
    """A number the way the pages print it, rounded so that 0.9999999999999998 reads 1.0."""
    if isinstance(x, float):
        return repr(round(x, 6) + 0.0)
    return repr(x)


def close(x, y):
    return isinstance(x, (int, float)) and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def expect(cond, message):
    if not cond:
        raise CheckFailed(message)


@contextlib.contextmanager
def doing(what):
    """Run reader code; if it raises, report it as the reader's error while doing `what`."""
    try:
        yield
    except (CheckFailed, ReaderError):
        raise
    except Exception as e:  # the reader's code raised: report it, never crash
        raise ReaderError(what, e) from e


# --- The reader's namespace ----------------------------------------------------------------------

class Code:
    """The reader's names, with helpers that say what is missing."""

    def __init__(self, ns):
        self.ns = ns

    def name(self, name, what):
        expect(name in self.ns, f"your code defines no `{name}`: {what}")
        return self.ns[name]

    @property
    def Value(self):
        V = self.name("Value", "write `class Value:`")
        expect(isinstance(V, type), f"`Value` should be a class, got {type(V).__name__}")
        return V

    def new(self, data, label=None, expr=None):
        """`Value(data)` (with `label=`), checked to be a Value holding `data`."""
        V = self.Value
        expr = expr or (f"Value({fmt(data)}, label={label!r})" if label else f"Value({fmt(data)})")
        try:
            v = V(data, label=label) if label else V(data)
        except TypeError as e:
            if "argument" not in str(e):
                raise ReaderError(expr, e) from e
            raise CheckFailed(f"`{expr}` raised TypeError: {e}: `__init__` should take "
                              "`(self, data, _children=(), _op='', label='')`") from None
        except Exception as e:
            raise ReaderError(expr, e) from e
        return v


def is_value(code, v):
    return isinstance(v, code.Value)


def want_value(code, v, expr, hint=""):
    """`v`, the result of `expr`, must be a Value."""
    if not is_value(code, v):
        got = "None" if v is None else f"{type(v).__name__} {v!r}"
        raise CheckFailed(f"`{expr}` should give a new Value, got {got}"
                          + (f": {hint}" if hint else ""))
    return v


def attr(v, name, expr, hint):
    expect(hasattr(v, name), f"`{expr}` has no attribute `{name}`: {hint}")
    return getattr(v, name)


def data_of(code, v, expr):
    d = attr(v, "data", expr, "store the number in `self.data` in `__init__`")
    return d


def grad_of(v, expr):
    return attr(v, "grad", expr, "set `self.grad = 0.0` in `__init__`")


def want_grad(v, name, expected, after, why=""):
    """`name.grad` must be `expected` after `after`."""
    got = grad_of(v, name)
    if not close(got, expected):
        raise CheckFailed(f"after `{after}`, `{name}.grad` should be {why}{fmt(expected)}, "
                          f"got {fmt(got)}")


def backward(code, out, expr, after):
    """Call `out.backward()`."""
    fn = attr(out, "backward", expr, "write the method `backward(self)`")
    with doing(after):
        fn()


# --- The checks, step by step --------------------------------------------------------------------
# Each check is a function of `code`; its docstring is the line shown when it passes.
# `carried=False`: a one-off for its own step, not re-run by the later steps.

CHECKS = {}


def step(step_id, carried=True, *, hint):
    """Register a check of `step_id`. `hint`: a nudge in the lecture's terms, shown under the failure
    message (between it and the reference solution), never the answer."""
    def register(fn):
        fn.carried = carried
        fn.hint = hint
        CHECKS.setdefault(step_id, []).append(fn)
        return fn
    return register


@step("value", hint=(
    "A Value is a wrapper around one number: `__init__` receives it and keeps it on the object, "
    "where everything else reads it as `.data`."))
def value_holds_data(code):
    """`Value(2.0).data` is 2.0"""
    a = code.new(2.0)
    d = data_of(code, a, "Value(2.0)")
    expect(d == 2.0, f"`Value(2.0).data` should be 2.0, got {fmt(d)}")


@step("value", hint=(
    "Python prints an object with its `__repr__` method; without one you see `<__main__.Value "
    "object at 0x...>`. The lecture returns a short f-string from it."))
def value_prints(code):
    """`Value(2.0)` prints as `Value(data=2.0)`"""
    for x in (2.0, -3.0):
        v = code.new(x)
        with doing(f"repr(Value({x}))"):
            r = repr(v)
        want = f"Value(data={x})"
        if r != want:
            hint = ("define `__repr__` (not only `__str__`: a list of values, and the Python "
                    "prompt, use `__repr__`)" if " object at 0x" in r or "__str__" in type(v).__dict__
                    else "`__repr__` should return f\"Value(data={self.data})\"")
            raise CheckFailed(f"`repr(Value({x}))` should be {want!r}, got {r!r}: {hint}")


def _abcef(code):
    a = code.new(2.0, "a")
    b = code.new(-3.0, "b")
    c = code.new(10.0, "c")
    f = code.new(-2.0, "f")
    return a, b, c, f


@step("graph", hint=(
    "`__init__` takes the children, the operation and a label as optional arguments, with "
    "defaults that describe a value you make yourself: no children, no operation. The lecture "
    "keeps the children as a set."))
def graph_labels_and_leaves(code):
    """a leaf remembers its label and has no children: `_prev == set()`, `_op == ''`"""
    a = code.new(2.0, "a")
    expect(getattr(a, "label", None) == "a",
           f"`Value(2.0, label='a').label` should be 'a', got {getattr(a, 'label', None)!r}: "
           "store it in `self.label`")
    prev = attr(a, "_prev", "Value(2.0)", "store `self._prev = set(_children)` in `__init__`")
    expect(isinstance(prev, set),
           f"`_prev` should be a set (`self._prev = set(_children)`), got {type(prev).__name__}")
    expect(prev == set(), f"a leaf's `_prev` should be the empty set, got {prev!r}")
    op = attr(a, "_op", "Value(2.0)", "store `self._op = _op` in `__init__`")
    expect(op == "", f"a leaf's `_op` should be '' (made by no operation), got {op!r}")


@step("graph", hint=(
    "Python turns `a * b` into `a.__mul__(b)`. The result is a brand-new Value whose number "
    "comes from both inputs' `.data`, and which remembers both inputs and the symbol of its "
    "operation."))
def graph_add_mul(code):
    """`e = a * b; d = e + c` gives e -6.0, d 4.0, with `_prev` and `_op` set"""
    a, b, c, f = _abcef(code)
    with doing("e = a * b"):
        e = a * b
    want_value(code, e, "a * b", "`__mul__` should `return Value(self.data * other.data, (self, other), '*')`")
    expect(a.data == 2.0 and b.data == -3.0,
           f"`e = a * b` changed its inputs (a.data is now {fmt(a.data)}, b.data {fmt(b.data)}): "
           "make a new Value for the result, don't change `self`")
    expect(e is not a and e is not b, "`a * b` returned one of its inputs: make a new Value")
    expect(close(e.data, -6.0), f"`(a * b).data` should be -6.0 with a = 2.0, b = -3.0, got {fmt(e.data)}")
    with doing("d = e + c"):
        d = e + c
    want_value(code, d, "e + c", "`__add__` should `return Value(self.data + other.data, (self, other), '+')`")
    expect(e.data == -6.0 and c.data == 10.0,
           "`d = e + c` changed its inputs: make a new Value for the result, don't change `self`")
    expect(close(d.data, 4.0), f"`(e + c).data` should be 4.0 with e = -6.0, c = 10.0, got {fmt(d.data)}")
    for out, expr, ins, op in ((e, "e = a * b", (a, b), "*"), (d, "d = e + c", (e, c), "+")):
        prev = attr(out, "_prev", expr, "pass `(self, other)` as the children")
        expect(prev == set(ins), f"after `{expr}`, `{expr[0]}._prev` should be the set of its two "
               f"inputs {{{', '.join(i.label or repr(i) for i in ins)}}}, got {prev!r}: pass "
               "`(self, other)` as `_children`")
        got_op = attr(out, "_op", expr, "pass the operation as `_op`")
        expect(got_op == op, f"after `{expr}`, `{expr[0]}._op` should be {op!r}, got {got_op!r}")
    with doing("L = d * f"):
        L = d * f
    want_value(code, L, "d * f")
    expect(close(L.data, -8.0), f"`L = d * f` should be -8.0, got {fmt(L.data)}")


@step("draw", hint=(
    "Before backpropagation nothing is known about how a value affects the output: the lecture "
    "starts every gradient at zero, in `__init__`."))
def grad_starts_at_zero(code):
    """a new Value's `grad` is 0"""
    a = code.new(2.0)
    g = grad_of(a, "Value(2.0)")
    expect(g == 0, f"a new Value's `grad` should start at 0.0, got {fmt(g)}")


def _expression(code, grads=False):
    """The lecture's L = (a*b + c)*f with every value labelled; with `grads`, the gradients the
    lecture fills in by hand (L 1, d -2, f 4, c -2, e -2, a 6, b -4)."""
    a, b, c, f = _abcef(code)
    with doing("e = a * b; d = e + c; L = d * f"):
        e = a * b
        d = e + c
        L = d * f
    for v, name in ((e, "e"), (d, "d"), (L, "L")):
        want_value(code, v, name)
        v.label = name
    vals = {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}
    if grads:
        for name, g in (("L", 1.0), ("d", -2.0), ("f", 4.0), ("c", -2.0), ("e", -2.0), ("a", 6.0),
                        ("b", -4.0)):
            vals[name].grad = g
    return vals


EDGES = (("a", "e"), ("b", "e"), ("e", "d"), ("c", "d"), ("d", "L"), ("f", "L"))


@step("draw", carried=False, hint=(
    "Start at the root and follow `_prev` down to the leaves, depth first. Keep the values you "
    "have seen in a set, so that each is added once, and record each (child, value) pair on the "
    "way."))
def trace_finds_the_graph(code):
    """`nodes, edges = trace(L)`: L's 7 values, and 6 edges (child, value it feeds)"""
    fn = code.name("trace", "write `def trace(root):` that returns `nodes, edges`")
    vals = _expression(code)
    name = {id(v): k for k, v in vals.items()}
    with doing("nodes, edges = trace(L)"):
        got = fn(vals["L"])
    expect(isinstance(got, tuple) and len(got) == 2,
           f"`trace(L)` should return two things, `nodes, edges`, got {got!r}")
    nodes, edges = got
    with doing("reading the nodes of trace(L)"):
        nodes = list(nodes)
    seen = sorted(name.get(id(v), repr(v)) for v in nodes)
    expect(len(nodes) == len({id(v) for v in nodes}), f"`trace(L)`'s nodes list a value twice: {seen}")
    expect(set(seen) == set(vals), f"`trace(L)`'s nodes should be the 7 values a, b, c, f, e, d, L, "
           f"got {seen}: from the root, add every value once and visit its children (`v._prev`)")
    with doing("reading the edges of trace(L)"):
        edges = list(edges)
    pairs = []
    for edge in edges:
        expect(isinstance(edge, tuple) and len(edge) == 2,
               f"each edge of `trace(L)` should be a pair (child, value), got {edge!r}")
        pairs.append(tuple(name.get(id(v), repr(v)) for v in edge))
    if sorted(pairs) == sorted((v, c) for c, v in EDGES):
        raise CheckFailed("`trace(L)`'s edges point the wrong way: an edge goes from a child to the "
                          "value it feeds, `edges.add((child, v))`, as the graph is drawn left to right")
    expect(sorted(pairs) == sorted(EDGES), f"`trace(L)`'s edges should be the 6 pairs (child, value) "
           f"{sorted(EDGES)}, got {sorted(pairs)}")


_ID = r'"(?:[^"\\]|\\.)*"|[^\s\[\]=;,"]+'
_ATTR = re.compile(r'(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s\],;]+)')
_EDGE = re.compile(rf'^\s*({_ID})\s*->\s*({_ID})\s*(?:\[.*\])?\s*;?\s*$')
_NODE = re.compile(rf'^\s*({_ID})\s*(?:\[(.*)\])?\s*;?\s*$')


def _unquote(text):
    return text[1:-1].replace('\\"', '"') if text.startswith('"') else text


def _dot_graph(dot):
    """The nodes ({name: attributes}) and edges ([(tail, head)]) of a graphviz Digraph, read from the
    statements it holds (`dot.body`): the structure of the drawing, not its bytes."""
    body = getattr(dot, "body", None)
    expect(isinstance(body, list) and all(isinstance(line, str) for line in body),
           f"`draw_dot(L)` should return the graphviz `Digraph` it built (`return dot`), got {dot!r}")
    nodes, edges = {}, []
    for line in body:
        text = line.strip()
        if not text or text.startswith(("graph ", "node ", "edge ", "graph[", "node[", "edge[", "//")):
            continue
        m = _EDGE.match(text)
        if m:
            edges.append((_unquote(m[1]), _unquote(m[2])))
            continue
        m = _NODE.match(text)
        if m:
            attrs = {k: _unquote(v) for k, v in _ATTR.findall(m[2] or "")}
            nodes.setdefault(_unquote(m[1]), {}).update(attrs)
    for tail, head in edges:
        nodes.setdefault(tail, {})
        nodes.setdefault(head, {})
    return nodes, edges


def _record(label):
    """`{ a | data 2.0000 | grad 6.0000 }` -> ['a', 'data 2.0000', 'grad 6.0000']"""
    text = label.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return [part.strip() for part in re.split(r"(?<!\\)\|", text)]


def _number(field, word):
    m = re.fullmatch(rf"{word}\s+(-?[0-9.]+(?:e[-+]?[0-9]+)?)", field)
    return float(m[1]) if m else None


@step("draw", carried=False, hint=(
    "The drawing has two kinds of nodes: a box per value (shape 'record', fields separated by "
    "'|') and a small node per operation, which is no object of its own: name it after the "
    "value it makes. Edges run from the children into the op node, and from the op node to its "
    "value."))
def draw_dot_draws_the_graph(code):
    """`draw_dot(L)`: a record `label | data | grad` for each value, a small node for each operation, edges child → op → result"""
    fn = code.name("draw_dot", "write `def draw_dot(root):` that builds and returns a graphviz `Digraph`")
    vals = _expression(code, grads=True)
    with doing("dot = draw_dot(L)"):
        dot = fn(vals["L"])
    nodes, edges = _dot_graph(dot)
    records = {}
    # In label order, so that a message names the same record in every run (the reader's `_prev`
    # is a set: the order of their drawing's statements changes from process to process).
    for node, attrs in sorted(nodes.items(), key=lambda item: str(item[1].get("label", ""))):
        if attrs.get("shape") != "record":
            continue
        parts = _record(attrs.get("label", ""))
        expect(len(parts) == 3, f"a value's record should have three fields, `{{ label | data ... | "
               f"grad ... }}`, got the label {attrs.get('label', '')!r}: "
               "`label='{ %s | data %.4f | grad %.4f }' % (n.label, n.data, n.grad)`")
        expect(parts[0] not in records, f"two records are labelled {parts[0]!r}: draw each value once")
        records[parts[0]] = (node, parts)
    expect(set(records) == set(vals), f"`draw_dot(L)` should draw one record (`shape='record'`) for "
           f"each of the 7 values a, b, c, f, e, d, L, got records for {sorted(records)}")
    for name, v in vals.items():
        node, parts = records[name]
        data, grad = _number(parts[1], "data"), _number(parts[2], "grad")
        shown = "{ " + " | ".join(parts) + " }"
        expect(data is not None and abs(data - v.data) < 6e-5 and grad is not None
               and abs(grad - v.grad) < 6e-5,
               f"the record of `{name}` should read `{{ {name} | data {v.data:.4f} | grad {v.grad:.4f} }}` "
               f"(its `.data` and its `.grad`), got `{shown}`")
    ins = {}
    for tail, head in edges:
        ins.setdefault(head, []).append(tail)
    for name, v in vals.items():
        node = records[name][0]
        if not v._op:
            expect(not ins.get(node), f"`{name}` is a leaf (made by no operation): nothing should point "
                   "at its record")
            continue
        ops = [t for t in ins.get(node, []) if nodes[t].get("shape") != "record"]
        if not ops:
            raise CheckFailed(f"no node for the operation that made `{name}` ({v._op!r}) points at its "
                              "record: for a value with an `_op`, draw a small node labelled with the "
                              "op and an edge from it to the value (`dot.edge(uid + n._op, uid)`)")
        op = ops[0]
        expect(nodes[op].get("label") == v._op, f"the operation node before `{name}` should be labelled "
               f"{v._op!r}, got {nodes[op].get('label')!r}")
        children = sorted(next((k for k, (n, _) in records.items() if n == t), t) for t in ins.get(op, []))
        want = sorted(c for c, p in EDGES if p == name)
        expect(children == want, f"the edges into the {v._op!r} node of `{name}` should come from the "
               f"records of {want}, got {children}: connect each child to the op node of the value it "
               "feeds, `dot.edge(str(id(n1)), str(id(n2)) + n2._op)`")
    # Nothing more: every edge of the drawing is one of those 9, once.
    what = {node: name for name, (node, _) in records.items()}
    for name, v in vals.items():
        for t in ins.get(records[name][0], []):
            if t not in what:
                what[t] = f"the {v._op!r} node of {name}"
    drawn = sorted(f"{what.get(t, t)} -> {what.get(h, h)}" for t, h in edges)
    want = sorted([f"{c} -> the {vals[p]._op!r} node of {p}" for c, p in EDGES]
                  + [f"the {v._op!r} node of {k} -> {k}" for k, v in vals.items() if v._op])
    extra = [e for e in drawn if e not in want or drawn.count(e) > want.count(e)]
    expect(not extra, f"`draw_dot(L)` draws edges that are not in the graph: {sorted(set(extra))}: "
           "draw one edge from each child to the op node of the value it feeds, and one from each op "
           "node to its value")


def _lol_float(name, h):
    """What `lol(name, h)` gives in floating point, built the lecture's way with plain floats."""
    def build(nudge):
        v = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
        for k in v:
            if k == nudge:
                v[k] += h
        e = v["a"] * v["b"] + (h if nudge == "e" else 0.0)
        d = e + v["c"] + (h if nudge == "d" else 0.0)
        L = d * v["f"] + (h if nudge == "L" else 0.0)
        return L
    return (build(name) - build(None)) / h


SLOPES = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "e": -2.0, "d": -2.0, "L": 1.0}


def _lol(code, fn, name, h=None):
    expr = f"lol({name!r})" if h is None else f"lol({name!r}, h={h})"
    try:
        got = fn(name) if h is None else fn(name, h=h)
    except TypeError as e:
        if "argument" in str(e):
            raise CheckFailed(f"`{expr}` raised TypeError: {e}: write `def lol(name, h=0.001):`") from None
        raise ReaderError(expr, e) from e
    except Exception as e:
        raise ReaderError(expr, e) from e
    expect(isinstance(got, (int, float)), f"`{expr}` should return the slope, a number, got {got!r}")
    return got


@step("numeric", carried=False, hint=(
    "The definition of the derivative: bump one input by a tiny h, see how much L moves, divide "
    "by h. Build L once as it is and once with the bump, and compare the two `L.data`."))
def lol_slopes(code):
    """`lol(name)` nudges one value of L = (a*b + c)*f by h = 0.001: a 6.0, b -4.0, c -2.0, f 4.0, e -2.0, d -2.0, L 1.0"""
    fn = code.name("lol", "write `def lol(name, h=0.001):` that returns the slope of L with respect to "
                   "the value called `name`")
    for name, want in SLOPES.items():
        got = _lol(code, fn, name)
        if abs(got - want) < 1e-6:
            continue
        why = ""
        if abs(got) < 1e-12:
            why = (": L did not move. Nudge the value *before* anything is computed from it (for a leaf: "
                   "before `e = a * b`), and build the whole expression again")
        elif abs(got - want * 0.001) < 1e-9:
            why = ": that is how much L moved; the slope is that divided by h, `(L2 - L1) / h`"
        elif abs(got + want) < 1e-6:
            why = ": the sign is flipped; the slope is `(L2 - L1) / h`, the nudged L minus the first one"
        raise CheckFailed(f"`lol({name!r})` should be about {fmt(want)}, the slope of L with respect to "
                          f"{name}, got {fmt(got)}{why}")


@step("numeric", carried=False, hint=(
    "The slope must come out of (L2 - L1) / h with the h you are given: a different h gives a "
    "(slightly) different float."))
def lol_is_measured(code):
    """the slopes are measured, not typed: with h = 1e-8, `lol('b', h=1e-8)` shows floating point's own error"""
    fn = code.name("lol", "write `def lol(name, h=0.001):`")
    for name in ("b", "a", "d"):
        want = _lol_float(name, 1e-8)
        got = _lol(code, fn, name, h=1e-8)
        expect(math.isclose(got, want, rel_tol=1e-9),
               f"`lol({name!r}, h=1e-8)` should be {want!r}, what floating point gives for "
               f"(L2 - L1) / h with so small a nudge, got {got!r}: use `h` for the nudge and divide "
               "by it; measure the slope, don't type it")


NEURON = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
OTHER_NEURON = {"x1": 1.0, "x2": -0.5, "w1": 0.5, "w2": 2.0, "b": 0.1}
ORDER = ("o", "n", "x1w1x2w2", "b", "x1w1", "x2w2", "x1", "w1", "x2", "w2")  # output first


def build_neuron(code, numbers=NEURON):
    """The lecture's neuron o = tanh(x1*w1 + x2*w2 + b), built with the reader's Value."""
    nodes = {k: code.new(v, k) for k, v in numbers.items()}
    x1, x2, w1, w2, b = (nodes[k] for k in ("x1", "x2", "w1", "w2", "b"))
    with doing("building the neuron: x1*w1 + x2*w2 + b"):
        nodes["x1w1"] = x1 * w1
        nodes["x2w2"] = x2 * w2
        nodes["x1w1x2w2"] = nodes["x1w1"] + nodes["x2w2"]
        nodes["n"] = nodes["x1w1x2w2"] + b
    for k in ("x1w1", "x2w2", "x1w1x2w2", "n"):
        want_value(code, nodes[k], k)
    fn = attr(nodes["n"], "tanh", "n", "write the method `tanh(self)`")
    with doing("o = n.tanh()"):
        nodes["o"] = fn()
    want_value(code, nodes["o"], "n.tanh()", "`tanh` should return `out`")
    return nodes


def neuron_grads(numbers=NEURON):
    """What every node's gradient should be, computed here with plain floats."""
    x1, x2, w1, w2, b = (numbers[k] for k in ("x1", "x2", "w1", "w2", "b"))
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    dn = 1 - o**2
    return {"o": 1.0, "n": dn, "x1w1x2w2": dn, "b": dn, "x1w1": dn, "x2w2": dn,
            "x1": w1 * dn, "w1": x1 * dn, "x2": w2 * dn, "w2": x2 * dn}


RULE = {"o": "the base case, do/do = ", "n": "(1 - o.data**2) * o.grad = ",
        "x1w1x2w2": "n.grad = ", "b": "n.grad = ", "x1w1": "x1w1x2w2.grad = ",
        "x2w2": "x1w1x2w2.grad = ", "x1": "w1.data * x1w1.grad = ", "w1": "x1.data * x1w1.grad = ",
        "x2": "w2.data * x2w2.grad = ", "w2": "x2.data * x2w2.grad = "}
CONSUMER = {"n": "o", "x1w1x2w2": "n", "b": "n", "x1w1": "x1w1x2w2", "x2w2": "x1w1x2w2",
            "x1": "x1w1", "w1": "x1w1", "x2": "x2w2", "w2": "x2w2"}


def compare_neuron(nodes, after, numbers=NEURON, order_hint=False):
    """Every gradient of the neuron, output first; the first wrong one is reported."""
    want = neuron_grads(numbers)
    o_grad = grad_of(nodes["o"], "o")
    if not close(o_grad, 1.0):
        raise CheckFailed(f"{after}, `o.grad` should be 1.0 (the base case: do/do = 1), "
                          f"got {fmt(o_grad)}: did you forget to seed `o.grad = 1.0`?")
    for k in ORDER[1:]:
        got = grad_of(nodes[k], k)
        if close(got, want[k]):
            continue
        if k == "n" and close(got, 1 - nodes["n"].data ** 2):
            raise CheckFailed(f"{after}, `n.grad` should be (1 - o.data**2) * o.grad = "
                              f"{fmt(want[k])}, got {fmt(got)} = 1 - n.data**2: tanh's local "
                              "derivative is 1 - tanh(n)**2, from tanh's *output* o")
        msg = f"{after}, `{k}.grad` should be {RULE[k]}{fmt(want[k])}, got {fmt(got)}"
        up = CONSUMER[k]
        if order_hint and close(got, 0.0) and not close(want[k], 0.0):
            msg += (f" — its gradient was never passed on: a node's `_backward` must run only "
                    f"after its output's gradient is complete (here `{up}` before `{k}`); call the "
                    "closures in reversed topological order, `for node in reversed(topo)`")
        raise CheckFailed(msg)


@step("by-hand", hint=(
    "tanh squashes a number into (-1, 1): (e**(2x) - 1) / (e**(2x) + 1), with `math.exp`. Like "
    "`+` and `*`, it returns a new Value that remembers its one input and its operation's name."))
def tanh_forward(code):
    """`n.tanh()` is tanh(n), with `_prev == {n}` and `_op == 'tanh'`"""
    n = code.new(0.8813735870195432, "n")
    fn = attr(n, "tanh", "n", "write the method `tanh(self)`")
    with doing("o = n.tanh()"):
        o = fn()
    want_value(code, o, "n.tanh()", "`tanh` should return `out = Value(t, (self,), 'tanh')`")
    expect(close(o.data, math.tanh(n.data)),
           f"`n.tanh()` with n = 0.8814 should be {fmt(math.tanh(n.data))}, got {fmt(o.data)}")
    expect(getattr(o, "_prev", None) == {n},
           f"`o = n.tanh()`: `o._prev` should be {{n}}, got {getattr(o, '_prev', None)!r}: "
           "pass `(self,)` as the children")
    expect(getattr(o, "_op", None) == "tanh", f"`o._op` should be 'tanh', got {getattr(o, '_op', None)!r}")


@step("by-hand", carried=False, hint=(
    "Go from o back to the inputs. A node's gradient is its local derivative times the gradient "
    "of the node it feeds: tanh's local derivative comes from its output, `+` passes the "
    "gradient through, `*` hands each input the other input's data."))
def neuron_by_hand(code):
    """`backprop_neuron(...)` fills in the neuron's gradients: x1 -1.5, w1 1.0, x2 0.5, w2 0.0, b 0.5"""
    fn = code.name("backprop_neuron", "write `def backprop_neuron(x1, x2, w1, w2, b, x1w1, x2w2, "
                   "x1w1x2w2, n, o):` that sets every `.grad`")
    for numbers, which in ((NEURON, "the lecture's neuron"), (OTHER_NEURON, "a second neuron")):
        nodes = build_neuron(code, numbers)
        args = [nodes[k] for k in ("x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o")]
        with doing(f"backprop_neuron(...) on {which}"):
            fn(*args)
        try:
            compare_neuron(nodes, f"after `backprop_neuron(...)` on {which}", numbers)
        except CheckFailed as e:
            if numbers is OTHER_NEURON:
                raise CheckFailed(f"{e} — it gives the lecture's numbers but not those of another "
                                  "neuron (x1 = 1.0, x2 = -0.5, w1 = 0.5, w2 = 2.0, b = 0.1): compute "
                                  "each gradient from `.data` and `.grad`, don't type the numbers") from None
            raise


def _closure(code, out, expr):
    """`out._backward`, checked to be a function."""
    fn = attr(out, "_backward", expr, "set `self._backward = lambda: None` in `__init__` and "
              "`out._backward = _backward` in each operation")
    if fn is None:
        raise CheckFailed(f"after `{expr}`, `{expr.split(' =')[0]}._backward` is None: you stored the "
                          "*result* of calling the closure (`out._backward = _backward()`); store "
                          "the function itself: `out._backward = _backward`")
    expect(callable(fn), f"after `{expr}`, `_backward` should be a function, got {fn!r}")
    return fn


@step("closures", hint=(
    "Every Value needs a `_backward`, even a leaf, which has nothing to pass on: give it a "
    "function that does nothing, in `__init__`."))
def leaf_backward_does_nothing(code):
    """a leaf's `_backward` is a function that does nothing"""
    a = code.new(2.0)
    fn = attr(a, "_backward", "Value(2.0)", "set `self._backward = lambda: None` in `__init__`")
    expect(callable(fn), f"a leaf's `_backward` should be a function that does nothing "
           f"(`lambda: None`), got {fn!r}")
    a.grad = 5.0
    with doing("calling a leaf's `_backward()`"):
        fn()
    expect(a.grad == 5.0 and a.data == 2.0, "a leaf's `_backward()` should do nothing")


def _op_closure(code, op):
    """After `c = a OP b; c.grad = 1.0; c._backward()`, and again with c.grad = 2.0."""
    sym = {"mul": "*", "add": "+"}[op]
    for seed in (1.0, 2.0):
        a, b = code.new(2.0, "a"), code.new(-3.0, "b")
        expr = f"c = a {sym} b"
        with doing(expr):
            c = a * b if op == "mul" else a + b
        want_value(code, c, expr[4:])
        fn = _closure(code, c, expr)
        expect(a.grad == 0 and b.grad == 0,
               f"`{expr}` already changed `a.grad` or `b.grad`: the forward pass must only store the "
               "closure, not call it")
        c.grad = seed
        after = f"{expr}; c.grad = {seed}; c._backward()"
        with doing(after):
            fn()
        if op == "mul":
            want = {"a": b.data * seed, "b": a.data * seed}
            why = {"a": "`b.data * c.grad` = " if seed != 1 else "`b.data` = ",
                   "b": "`a.data * c.grad` = " if seed != 1 else "`a.data` = "}
        else:
            want = {"a": seed, "b": seed}
            why = {"a": "`1.0 * c.grad` = ", "b": "`1.0 * c.grad` = "}
        for name, v in (("a", a), ("b", b)):
            got = grad_of(v, name)
            if not close(got, want[name]):
                hint = ""
                if seed != 1 and close(got, want[name] / seed):
                    hint = ": multiply the local derivative by `out.grad` (the chain rule)"
                raise CheckFailed(f"after `{after}`, `{name}.grad` should be {why[name]}"
                                  f"{fmt(want[name])}, got {fmt(got)}{hint}")


@step("closures", hint=(
    "Inside `__mul__`, define a small function that sees `self`, `other` and `out` (a closure). "
    "The local derivative of a product with respect to one input is the other input; the chain "
    "rule multiplies it by `out.grad`. Store the function; don't call it."))
def mul_closure(code):
    """`*`: after `c = a * b; c.grad = 1.0; c._backward()`, a.grad is b.data and b.grad is a.data"""
    _op_closure(code, "mul")


@step("closures", hint=(
    "For `+`, the local derivative with respect to each input is 1: the closure routes "
    "`out.grad` to both inputs."))
def add_closure(code):
    """`+`: after `c = a + b; c.grad = 1.0; c._backward()`, both gradients are c.grad"""
    _op_closure(code, "add")


@step("closures", hint=(
    "tanh's local derivative is 1 - tanh(x)**2, and the closure already knows tanh(x): it is "
    "the output's number. The chain rule multiplies by `out.grad`."))
def tanh_closure(code):
    """`tanh`: after `o = n.tanh(); o.grad = 1.0; o._backward()`, n.grad is 1 - o.data**2"""
    n = code.new(0.8813735870195432, "n")
    with doing("o = n.tanh()"):
        o = n.tanh()
    fn = _closure(code, o, "o = n.tanh()")
    o.grad = 1.0
    with doing("o._backward()"):
        fn()
    want_grad(n, "n", 1 - o.data**2, "o = n.tanh(); o.grad = 1.0; o._backward()", "`1 - o.data**2` = ")


@step("closures", carried=False, hint=(
    "Calling the closures from the output back should give what `backprop_neuron` gave by hand. "
    "If one gradient is off, look at the closure of the node it feeds."))
def neuron_closures_by_hand(code):
    """the neuron, calling each node's `_backward()` by hand from o back, gives the lecture's gradients"""
    nodes = build_neuron(code)
    nodes["o"].grad = 1.0
    for k in ("o", "n", "x1w1x2w2", "x2w2", "x1w1"):
        fn = _closure(code, nodes[k], f"{k} = ...")
        with doing(f"{k}._backward()"):
            fn()
    compare_neuron(nodes, "after `o.grad = 1.0; o._backward(); n._backward(); ...` (output first)")


@step("backward", hint=(
    "`backward()` does what you did by hand: order the nodes so that each comes after all the "
    "nodes it was computed from (a topological sort through `_prev`), set the output's gradient "
    "to 1, then call each node's `_backward`, output first."))
def neuron_backward(code):
    """`o.backward()` on the neuron: o 1.0, n 0.5, x1 -1.5, w1 1.0, x2 0.5, w2 0.0, b 0.5"""
    nodes = build_neuron(code)
    backward(code, nodes["o"], "o", "o.backward()")
    compare_neuron(nodes, "after `o.backward()` on the neuron", order_hint=True)


@step("backward", hint=(
    "The same `backward()` works for any expression: L = (a*b + c)*f is the one the lecture "
    "first fills in by hand."))
def expression_backward(code):
    """`L = (a*b + c) * f; L.backward()`: a 6.0, b -4.0, c -2.0, f 4.0"""
    a, b, c, f = _abcef(code)
    with doing("L = (a*b + c) * f"):
        e = a * b
        d = e + c
        L = d * f
    backward(code, L, "L", "L.backward()")
    after = "L = (a*b + c) * f; L.backward()"
    want_grad(L, "L", 1.0, after, "the base case, ")
    for name, v, want in (("d", d, -2.0), ("f", f, 4.0), ("e", e, -2.0), ("c", c, -2.0),
                          ("a", a, 6.0), ("b", b, -4.0)):
        want_grad(v, name, want, after)


@step("accumulate", hint=(
    "When a value is used twice, both uses send it a gradient. The multivariable chain rule "
    "says they add up; an assignment keeps only the last."))
def used_twice_add(code):
    """`b = a + a; b.backward()` gives a.grad 2.0"""
    a = code.new(3.0, "a")
    with doing("b = a + a"):
        b = a + a
    backward(code, b, "b", "b.backward()")
    got = grad_of(a, "a")
    expect(close(got, 2.0), f"after `b = a + a; b.backward()`, `a.grad` should be 2.0 (1.0 from each "
           f"use: the contributions add up), got {fmt(got)}: in `__add__`'s `_backward`, write "
           "`self.grad += ...` and `other.grad += ...`, not `=`")


@step("accumulate", hint=(
    "In `a * a` the value reaches the product as `self` and as `other`: each line of the "
    "closure must add to what the other line left."))
def used_twice_mul(code):
    """`b = a * a; b.backward()` gives a.grad 6.0 with a = 3.0"""
    a = code.new(3.0, "a")
    with doing("b = a * a"):
        b = a * a
    backward(code, b, "b", "b.backward()")
    got = grad_of(a, "a")
    expect(close(got, 6.0), f"after `b = a * a; b.backward()` with a = 3.0, `a.grad` should be 6.0 "
           f"(3.0 from each use), got {fmt(got)}: in `__mul__`'s `_backward`, write "
           "`self.grad += ...` and `other.grad += ...`, not `=`")


@step("accumulate", hint=(
    "A value can reach the output through tanh and through another path: tanh's closure must "
    "add its contribution to what the other path left."))
def used_twice_tanh(code):
    """`b = a.tanh() * a; b.backward()` adds both paths into a.grad"""
    a = code.new(0.5, "a")
    with doing("b = a.tanh() * a"):
        t = a.tanh()
        b = t * a
    backward(code, b, "b", "b.backward()")
    want = t.data + (1 - t.data**2) * a.data
    got = grad_of(a, "a")
    expect(close(got, want), f"after `b = a.tanh() * a; b.backward()` with a = 0.5, `a.grad` should be "
           f"t + (1 - t**2) * a = {fmt(want)}, got {fmt(got)}: in `tanh`'s `_backward`, write "
           "`self.grad += ...`, not `=`")


def _reuse(code, expr, build, want, method, a_data=3.0, c_data=2.0):
    """`out = <expr>` where `a` is used by the operation under test *and* once more, by a final `+ a`.

    The final `+` runs its closure first (its output is the root), so `a.grad` already holds 1.0 when
    the operation's closure runs: a closure that assigns (`=`) instead of adding (`+=`) loses it."""
    a, c = code.new(a_data, "a"), code.new(c_data, "c")
    with doing(expr):
        out = build(a, c)
    want_value(code, out, expr)
    backward(code, out, "out", f"out = {expr}; out.backward()")
    got = grad_of(a, "a")
    if not close(got, want):
        slip = ""
        if close(got, want - 1.0):
            slip = " — the 1.0 from the final `+ a` was lost"
        raise CheckFailed(f"after `out = {expr}; out.backward()` with a = {fmt(a_data)}, c = "
                          f"{fmt(c_data)}, `a.grad` should be {fmt(want)}, got {fmt(got)}{slip}: in "
                          f"`{method}`'s `_backward`, write `... .grad += ...`, not `=`: a value used "
                          "twice gets both contributions")


@step("accumulate", hint=(
    "A closure may run when its input already holds a gradient from another use. Each line of "
    "every `_backward` adds (`+=`) its contribution to what is there; none assigns."))
def every_input_accumulates(code):
    """each input of `+`, `*` and `tanh` adds to what its other uses gave: `(a + c) + a`, `(c * a) + a`, `a.tanh() + a`"""
    t = math.tanh(3.0)
    for expr, build, want, method in (
            ("(a + c) + a", lambda a, c: (a + c) + a, 2.0, "__add__"),
            ("(c + a) + a", lambda a, c: (c + a) + a, 2.0, "__add__"),
            ("(a * c) + a", lambda a, c: (a * c) + a, 3.0, "__mul__"),
            ("(c * a) + a", lambda a, c: (c * a) + a, 3.0, "__mul__"),
            ("a.tanh() + a", lambda a, c: a.tanh() + a, 1 - t**2 + 1.0, "tanh")):
        _reuse(code, expr, build, want, method)


@step("accumulate", hint=(
    "The lecture's own example of the bug: a and b each feed two nodes. If a number is off, "
    "look for an `=` left in a closure."))
def lecture_example(code):
    """the lecture's `f = (a*b) * (a+b)` with a = -2, b = 3: a.grad -3.0, b.grad -8.0"""
    a, b = code.new(-2.0, "a"), code.new(3.0, "b")
    with doing("d = a * b; e = a + b; f = d * e"):
        d = a * b
        e = a + b
        f = d * e
    backward(code, f, "f", "f.backward()")
    after = "d = a * b; e = a + b; f = d * e; f.backward()"
    want_grad(a, "a", -3.0, after)
    want_grad(b, "b", -8.0, after)


def _number_op(code, expr, fn, want_data, want_grad_a, method):
    a = code.new(2.0, "a")
    try:
        out = fn(a)
    except Exception as e:
        text = f"{type(e).__name__}: {e}"
        if isinstance(e, AttributeError) and "has no attribute 'data'" in str(e):
            raise CheckFailed(f"`{expr}` with a = Value(2.0) raised {text}: a plain number is not a "
                              "Value; wrap it first: `other = other if isinstance(other, Value) "
                              f"else Value(other)` in `{method}`") from None
        if isinstance(e, TypeError) and "unsupported operand" in str(e):
            raise CheckFailed(f"`{expr}` with a = Value(2.0) raised {text}: Python asks the Value "
                              f"on the right for `{method}`; define it") from None
        raise ReaderError(expr, e) from e
    want_value(code, out, expr)
    expect(close(out.data, want_data), f"`{expr}` with a = 2.0 should be {fmt(want_data)}, "
           f"got {fmt(out.data)}")
    backward(code, out, "out", f"({expr}).backward()")
    want_grad(a, "a", want_grad_a, f"out = {expr}; out.backward()")


@step("more-ops", hint=(
    "A plain number has no `.data`: wrap it in a Value first. With the number on the left, "
    "Python asks the Value on the right, through the reflected methods `__radd__` and "
    "`__rmul__`."))
def number_on_either_side(code):
    """numbers on either side: `a + 1`, `1 + a`, `a * 3`, `3 * a`"""
    _number_op(code, "a + 1", lambda a: a + 1, 3.0, 1.0, "__add__")
    _number_op(code, "a * 3", lambda a: a * 3, 6.0, 3.0, "__mul__")
    _number_op(code, "3 * a", lambda a: 3 * a, 6.0, 3.0, "__rmul__")
    _number_op(code, "1 + a", lambda a: 1 + a, 3.0, 1.0, "__radd__")


@step("more-ops", hint=(
    "The derivative of e**x is e**x itself: the closure can use the output's number. Like every "
    "closure, it adds to its input's gradient."))
def exp_op(code):
    """`a.exp()`: e**a, and its gradient is its own output"""
    _number_op(code, "a.exp()", lambda a: a.exp(), math.exp(2.0), math.exp(2.0), "exp")
    a = code.new(2.0, "a")
    with doing("b = a.exp() + a"):
        b = a.exp() + a
    backward(code, b, "b", "b.backward()")
    got = grad_of(a, "a")
    want = math.exp(2.0) + 1
    expect(close(got, want), f"after `b = a.exp() + a; b.backward()` with a = 2.0, `a.grad` should be "
           f"e**2 + 1 = {fmt(want)}, got {fmt(got)}: in `exp`'s `_backward`, write `self.grad += ...`, "
           "not `=` (the video itself slips here; the published notebook fixed it)")


@step("more-ops", hint=(
    "The power rule: d/dx x**n = n * x**(n - 1), for a plain number n (not a Value), times "
    "`out.grad`, added to the input's gradient."))
def pow_op(code):
    """`a**2` and `a**-1`: a number exponent, gradient other * a**(other - 1)"""
    _number_op(code, "a**2", lambda a: a**2, 4.0, 4.0, "__pow__")
    _number_op(code, "a**-1", lambda a: a**-1, 0.5, -0.25, "__pow__")
    _reuse(code, "a**2 + a", lambda a, c: a**2 + a, 7.0, "__pow__")


@step("more-ops", hint=(
    "The lecture builds these from what exists: a / b is a times b to the power -1, -a is a "
    "times -1, a - b is a plus (-b). Their gradients then come for free."))
def div_neg_sub(code):
    """`a / b`, `-a`, `a - b`, with their gradients"""
    a, b = code.new(2.0, "a"), code.new(4.0, "b")
    with doing("c = a / b"):
        c = a / b
    want_value(code, c, "a / b", "`__truediv__` should `return self * other**-1`")
    expect(close(c.data, 0.5), f"`a / b` with a = 2.0, b = 4.0 should be 0.5, got {fmt(c.data)}")
    backward(code, c, "c", "c.backward()")
    want_grad(a, "a", 0.25, "c = a / b; c.backward()", "1 / b = ")
    want_grad(b, "b", -0.125, "c = a / b; c.backward()", "-a / b**2 = ")
    _number_op(code, "-a", lambda a: -a, -2.0, -1.0, "__neg__")
    a, b = code.new(2.0, "a"), code.new(4.0, "b")
    with doing("c = a - b"):
        c = a - b
    want_value(code, c, "a - b", "`__sub__` should `return self + (-other)`")
    expect(close(c.data, -2.0), f"`a - b` with a = 2.0, b = 4.0 should be -2.0, got {fmt(c.data)}")
    backward(code, c, "c", "c.backward()")
    want_grad(a, "a", 1.0, "c = a - b; c.backward()")
    want_grad(b, "b", -1.0, "c = a - b; c.backward()")


@step("more-ops", hint=(
    "An operation written with its own closure must add (`+=`) into its inputs' gradients, as "
    "`+` and `*` do; one built from `+`, `*` and `**` inherits that."))
def composites_accumulate(code):
    """`/`, `-`, unary `-`, `1 + a`, `3 * a` add into a value used twice: `a / c + a`, `c - a + a`, ..."""
    for expr, build, want, method in (
            ("a / c + a", lambda a, c: a / c + a, 1 / 2.0 + 1.0, "__truediv__"),
            ("c / a + a", lambda a, c: c / a + a, -2.0 / 9.0 + 1.0, "__truediv__"),
            ("-a + a", lambda a, c: -a + a, 0.0, "__neg__"),
            ("a - c + a", lambda a, c: a - c + a, 2.0, "__sub__"),
            ("c - a + a", lambda a, c: c - a + a, 0.0, "__sub__"),
            ("(1 + a) + a", lambda a, c: (1 + a) + a, 2.0, "__radd__"),
            ("(3 * a) + a", lambda a, c: (3 * a) + a, 4.0, "__rmul__")):
        _reuse(code, expr, build, want, method)


@step("more-ops", hint=(
    "With exp, **, /, - and + right, tanh written with Values as (e**(2n) - 1) / (e**(2n) + 1) "
    "gives your `tanh`'s number and gradient. If not, one of those operations is off: try each "
    "alone."))
def tanh_from_exp(code):
    """tanh rebuilt as (e - 1) / (e + 1) with e = (2*n).exp() gives tanh's value and gradient"""
    n = code.new(0.8813735870195432, "n")
    with doing("e = (2 * n).exp(); o = (e - 1) / (e + 1)"):
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    want_value(code, o, "(e - 1) / (e + 1)")
    expect(close(o.data, math.tanh(n.data)), f"`(e - 1) / (e + 1)` should be tanh(n) = "
           f"{fmt(math.tanh(n.data))}, got {fmt(o.data)}")
    backward(code, o, "o", "o.backward()")
    want_grad(n, "n", 1 - math.tanh(n.data) ** 2, "o = (e - 1) / (e + 1); o.backward()", "1 - o**2 = ")


X = [2.0, 3.0, -1.0]


def _neuron_out(code, neuron, x, where):
    """What `neuron(x)` should give, from the reader's own weights: tanh(w·x + b)."""
    w = attr(neuron, "w", where, "keep the weights in `self.w`, a list of Values")
    b = attr(neuron, "b", where, "keep the bias in `self.b`, a Value")
    return math.tanh(sum(wi.data * xi for wi, xi in zip(w, x)) + b.data)


@step("mlp", hint=(
    "A neuron holds one weight per input and a bias, each a Value starting random in [-1, 1]. "
    "Calling it computes w·x + b and squashes it with tanh; Python's `sum` can start at the "
    "bias."))
def neuron(code):
    """`Neuron(3)`: 3 random weights and a bias in [-1, 1]; `n(x)` is tanh(w·x + b)"""
    Neuron = code.name("Neuron", "write `class Neuron:`")
    random.seed(1)
    with doing("n = Neuron(3)"):
        n = Neuron(3)
    w = attr(n, "w", "Neuron(3)", "keep the weights in `self.w`, a list of Values")
    expect(isinstance(w, list) and len(w) == 3 and all(is_value(code, v) for v in w),
           f"`Neuron(3).w` should be a list of 3 Values, got {w!r}")
    expect(len({id(v) for v in w}) == 3, "`Neuron(3).w` holds the same Value several times: make "
           "one `Value(random.uniform(-1, 1))` per input, `for _ in range(nin)`")
    b = attr(n, "b", "Neuron(3)", "keep the bias in `self.b`, a Value")
    expect(is_value(code, b), f"`Neuron(3).b` should be a Value, got {b!r}")
    expect(all(-1 <= v.data <= 1 for v in w + [b]),
           "the weights and the bias should start random in [-1, 1]: `random.uniform(-1, 1)`")
    with doing("n([2.0, 3.0, -1.0])"):
        out = n(X)
    want_value(code, out, "n([2.0, 3.0, -1.0])", "`__call__` should return `act.tanh()`")
    want = _neuron_out(code, n, X, "Neuron(3)")
    if not close(out.data, want):
        wx = sum(wi.data * xi for wi, xi in zip(w, X))
        hint = ""
        if close(out.data, math.tanh(wx)):
            hint = ": the bias is missing; start the sum at `self.b`"
        elif close(out.data, wx + b.data):
            hint = ": apply the activation, `act.tanh()`"
        raise CheckFailed(f"`n([2.0, 3.0, -1.0])` should be tanh(w·x + b) = {fmt(want)} with your "
                          f"neuron's weights, got {fmt(out.data)}{hint}")
    backward(code, out, "out", "n(x).backward()")
    want_grad(w[0], "n.w[0]", X[0] * (1 - out.data**2), "out = n([2.0, 3.0, -1.0]); out.backward()",
              "x[0] * (1 - out**2) = ")


@step("mlp", hint=(
    "A layer is a list of independent neurons, each with its own weights, all fed the same "
    "inputs."))
def layer(code):
    """`Layer(3, 4)`: 4 separate neurons, a list of 4 outputs; `Layer(3, 1)` gives one Value"""
    Layer = code.name("Layer", "write `class Layer:`")
    random.seed(2)
    with doing("layer = Layer(3, 4)"):
        lay = Layer(3, 4)
    neurons = attr(lay, "neurons", "Layer(3, 4)", "keep the neurons in `self.neurons`")
    expect(isinstance(neurons, list) and len(neurons) == 4,
           f"`Layer(3, 4).neurons` should be a list of 4 neurons, got {neurons!r}")
    expect(len({id(n) for n in neurons}) == 4, "the 4 neurons of `Layer(3, 4)` are the same object: "
           "`[Neuron(nin)] * nout` repeats one neuron; write `[Neuron(nin) for _ in range(nout)]`")
    with doing("layer([2.0, 3.0, -1.0])"):
        outs = lay(X)
    expect(isinstance(outs, list) and len(outs) == 4,
           f"`Layer(3, 4)([2.0, 3.0, -1.0])` should be a list of 4 Values, got {outs!r}")
    for i, (n, out) in enumerate(zip(neurons, outs)):
        want_value(code, out, f"Layer(3, 4)(x)[{i}]")
        want = _neuron_out(code, n, X, f"layer.neurons[{i}]")
        expect(close(out.data, want), f"`Layer(3, 4)(x)[{i}]` should be `layer.neurons[{i}](x)` = "
               f"{fmt(want)}, got {fmt(out.data)}")
    with doing("Layer(3, 1)([2.0, 3.0, -1.0])"):
        one = Layer(3, 1)(X)
    want_value(code, one, "Layer(3, 1)(x)", "a layer of one neuron returns its one output, not a "
               "list: `return outs[0] if len(outs) == 1 else outs`")


@step("mlp", hint=(
    "An MLP is a list of layers whose sizes chain: each layer takes as many inputs as the layer "
    "before has outputs. Calling it feeds the input through the layers in order."))
def mlp(code):
    """`MLP(3, [4, 4, 1])`: layers of 4, 4 and 1 neurons; `n(x)` feeds each layer's output to the next"""
    MLP = code.name("MLP", "write `class MLP:`")
    random.seed(3)
    with doing("n = MLP(3, [4, 4, 1])"):
        n = MLP(3, [4, 4, 1])
    layers = attr(n, "layers", "MLP(3, [4, 4, 1])", "keep the layers in `self.layers`")
    expect(isinstance(layers, list) and len(layers) == 3,
           f"`MLP(3, [4, 4, 1]).layers` should be a list of 3 layers, got {layers!r}")
    for i, (nin, nout) in enumerate(((3, 4), (4, 4), (4, 1))):
        neurons = attr(layers[i], "neurons", f"layers[{i}]", "keep the neurons in `self.neurons`")
        ws = [len(getattr(nn, "w", ())) for nn in neurons]
        expect(len(neurons) == nout and all(k == nin for k in ws),
               f"`MLP(3, [4, 4, 1]).layers[{i}]` should be `Layer({nin}, {nout})`: {nout} neurons of "
               f"{nin} inputs each, got {len(neurons)} neurons with {ws} inputs: sizes "
               "`sz = [nin] + nouts`, layer i is `Layer(sz[i], sz[i+1])`")
    with doing("n([2.0, 3.0, -1.0])"):
        out = n(X)
    want_value(code, out, "MLP(3, [4, 4, 1])(x)", "the last layer has one neuron: one Value")
    x = X
    for lay in layers:
        x = [_neuron_out(code, nn, x, "a neuron") for nn in lay.neurons]
    expect(close(out.data, x[0]), f"`MLP(3, [4, 4, 1])([2.0, 3.0, -1.0])` should be {fmt(x[0])} "
           f"(each layer's outputs fed to the next), got {fmt(out.data)}")


def _params(code, obj, expr):
    fn = attr(obj, "parameters", expr, "write the method `parameters(self)`")
    with doing(f"{expr}.parameters()"):
        ps = fn()
    expect(isinstance(ps, list), f"`{expr}.parameters()` should be a list, got {ps!r}")
    for p in ps:
        if isinstance(p, list):
            raise CheckFailed(f"`{expr}.parameters()` should be one flat list of Values, got a list "
                              "of lists: collect with `[p for n in self.neurons for p in "
                              "n.parameters()]`")
        expect(is_value(code, p), f"`{expr}.parameters()` should hold only Values, got {p!r}")
    expect(len({id(p) for p in ps}) == len(ps), f"`{expr}.parameters()` lists a Value twice")
    return ps


@step("parameters", hint=(
    "`parameters()` hands out the network's own Value objects (not their numbers, not copies), "
    "so that the training loop can change them in place."))
def neuron_parameters(code):
    """`Neuron(3).parameters()` is its 3 weights and its bias: `w + [b]`, the same objects"""
    random.seed(4)
    with doing("n = Neuron(3)"):
        n = code.name("Neuron", "write `class Neuron:`")(3)
    ps = _params(code, n, "Neuron(3)")
    want = n.w + [n.b]
    if len(ps) == 3 and all(p is q for p, q in zip(ps, n.w)):
        raise CheckFailed("`Neuron(3).parameters()` should be 4 Values, got 3: the bias is missing "
                          "(`return self.w + [self.b]`)")
    expect(len(ps) == 4 and all(p is q for p, q in zip(ps, want)),
           f"`Neuron(3).parameters()` should be the neuron's own Values `self.w + [self.b]` "
           f"(not copies), got {ps!r}")


@step("parameters", hint=(
    "A layer's parameters are its neurons' parameters in one flat list; an MLP's are its "
    "layers'. A nested list comprehension flattens them."))
def layer_and_mlp_parameters(code):
    """`Layer(3, 4)` has 16 parameters; `MLP(3, [4, 4, 1])` has 41, every weight and bias once"""
    random.seed(5)
    with doing("layer = Layer(3, 4)"):
        lay = code.name("Layer", "write `class Layer:`")(3, 4)
    ps = _params(code, lay, "Layer(3, 4)")
    expect(len(ps) == 16, f"`Layer(3, 4).parameters()` should hold 4 × (3 + 1) = 16 Values, got {len(ps)}")
    with doing("n = MLP(3, [4, 4, 1])"):
        n = code.name("MLP", "write `class MLP:`")(3, [4, 4, 1])
    ps = _params(code, n, "MLP(3, [4, 4, 1])")
    expect(len(ps) == 41, f"`MLP(3, [4, 4, 1]).parameters()` should hold 41 Values (4·4 + 4·5 + 1·5), "
           f"got {len(ps)}")
    own = [p for lay in n.layers for nn in lay.neurons for p in nn.w + [nn.b]]
    expect({id(p) for p in own} == {id(p) for p in ps},
           "`MLP(3, [4, 4, 1]).parameters()` should be the network's own weights and biases")


XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def _model(code, seed):
    random.seed(seed)
    with doing("n = MLP(3, [4, 4, 1])"):
        return code.name("MLP", "write `class MLP:`")(3, [4, 4, 1])


def _starting_weights(n):
    """The network's parameters as plain floats, layer by layer: [[(weights, bias), ...], ...]."""
    return [[([w.data for w in nn.w], nn.b.data) for nn in lay.neurons] for lay in n.layers]


def _reference_losses(start, steps, lr, zero=True, sign=-1.0):
    """The losses of the reference solution's loop (or of one of its classic mistakes), computed here
    with plain floats from the same starting weights: the forward pass, the summed squared error, the
    gradients by the chain rule, and the update. None of the reader's code runs in it, so a slip in the
    reader's `Value` that their own `train` shares is still seen."""
    W = [[list(ws) for ws, _ in lay] for lay in start]
    B = [[b for _, b in lay] for lay in start]
    gW = [[[0.0] * len(ws) for ws in lay] for lay in W]
    gB = [[0.0] * len(lay) for lay in B]
    losses = []
    for _ in range(steps):
        if zero:
            gW = [[[0.0] * len(ws) for ws in lay] for lay in W]
            gB = [[0.0] * len(lay) for lay in B]
        loss = 0.0
        for x, y in zip(XS, YS):
            acts = [list(x)]
            for ws_layer, bs in zip(W, B):
                acts.append([math.tanh(sum(w * xi for w, xi in zip(ws, acts[-1])) + b)
                             for ws, b in zip(ws_layer, bs)])
            yout = acts[-1][0]
            loss += (yout - y) ** 2
            up = [2 * (yout - y)]  # dloss/dyout
            for i in reversed(range(len(W))):
                ins, outs = acts[i], acts[i + 1]
                down = [0.0] * len(ins)
                for j, ws in enumerate(W[i]):
                    dn = up[j] * (1 - outs[j] ** 2)  # through tanh
                    gB[i][j] += dn
                    for k, w in enumerate(ws):
                        gW[i][j][k] += dn * ins[k]
                        down[k] += dn * w
                up = down
        for i in range(len(W)):
            for j in range(len(W[i])):
                W[i][j] = [w + sign * lr * g for w, g in zip(W[i][j], gW[i][j])]
                B[i][j] += sign * lr * gB[i][j]
        losses.append(loss)
    return losses


@step("training", hint=(
    "Each step has four beats, in this order: forward pass and loss; reset the gradients (they "
    "accumulate); backward pass; move every parameter a little against its gradient. Return the "
    "loss of every step."))
def training_loop(code):
    """`train(n, xs, ys, steps, lr)`: the lecture's loop, returning the loss of every step"""
    train = code.name("train", "write `def train(n, xs, ys, steps=20, lr=0.1):` that returns the "
                      "list of losses")
    seed, steps, lr = 1337, 6, 0.05
    n = _model(code, seed)
    start = _starting_weights(n)
    with doing(f"train(n, xs, ys, steps={steps}, lr={lr})"):
        got = train(n, XS, YS, steps=steps, lr=lr)
    expect(isinstance(got, list), f"`train(...)` should return the list of the losses, one per step, "
           f"got {got!r}")
    expect(len(got) == steps, f"`train(n, xs, ys, steps={steps}, ...)` should return {steps} losses, "
           f"got {len(got)}")
    for i, g in enumerate(got):
        expect(isinstance(g, (int, float)), f"`train(...)` should return numbers (`loss.data`), got "
               f"{g!r} at step {i}")
    want = _reference_losses(start, steps, lr)
    if all(close(g, w) for g, w in zip(got, want)):
        expect(want[-1] < want[0], "the loss should go down")
        return
    if not close(got[0], want[0]):
        raise CheckFailed(f"the loss at step 0 should be the summed squared error "
                          f"`sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))` = {fmt(want[0])}, "
                          f"got {fmt(got[0])}")
    i = next(i for i, (g, w) in enumerate(zip(got, want)) if not close(g, w))
    if all(close(g, w) for g, w in zip(got, _reference_losses(start, steps, lr, zero=False))):
        raise CheckFailed(f"the loss at step {i} should be {fmt(want[i])}, got {fmt(got[i])}: the "
                          "gradients were not reset. They accumulate (`+=`), so each "
                          "`loss.backward()` adds to the last step's: set `p.grad = 0.0` for every "
                          "parameter before `loss.backward()` (the bug found at 2:11:48 in the video)")
    if all(close(g, w) for g, w in zip(got, _reference_losses(start, steps, lr, sign=1.0))):
        raise CheckFailed(f"the loss went up, to {fmt(got[-1])} after {steps} steps: the update must "
                          "step *against* the gradient, `p.data += -lr * p.grad`")
    if all(close(g, got[0]) for g in got):
        raise CheckFailed(f"the loss stays at {fmt(got[0])}: the parameters never change. Update "
                          "them after `loss.backward()`, and don't reset the gradients between the "
                          "backward pass and the update")
    raise CheckFailed(f"the loss at step {i} should be {fmt(want[i])}, got {fmt(got[i])}: each step "
                      "is forward pass, loss, zero the gradients, `loss.backward()`, "
                      "`p.data += -lr * p.grad`")


# --- Running a step ------------------------------------------------------------------------------

STEP_IDS = ["value", "graph", "draw", "numeric", "by-hand", "closures", "backward", "accumulate",
            "more-ops", "mlp", "parameters", "training"]
assert list(CHECKS) == STEP_IDS


def checks_for(step_id):
    """The carried checks of the steps before, in order (so that a regression is reported where it
    starts), then the step's own checks."""
    if step_id not in CHECKS:
        raise LookupError(f"there is no step {step_id!r}; the steps are: {', '.join(STEP_IDS)}")
    i = STEP_IDS.index(step_id)
    earlier = [fn for s in STEP_IDS[:i] for fn in CHECKS[s] if fn.carried]
    return earlier + CHECKS[step_id]


def _where(error, filename, source):
    """' (line N of your code: `...`)' for the deepest frame of the reader's code in `error`."""
    lineno = None
    if isinstance(error, SyntaxError) and error.filename == filename:
        lineno = error.lineno
    for frame, n in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == filename:
            lineno = n
    if lineno is None:
        return ""
    lines = source.splitlines()
    text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    where = f"line {lineno}" if filename == "<your code>" else f"{filename}, line {lineno}"
    return f" ({where}: `{text}`)" if text else f" ({where})"


def _describe(error, doing_what, filename, source):
    return (f"{doing_what} raised {type(error).__name__}: {error}"
            f"{_where(error, filename, source)}")


def check(step_id, source, filename="<your code>"):
    """Run the reader's `source`, then the checks of `step_id`; stop at the first failure."""
    checks = checks_for(step_id)
    out = io.StringIO()
    passed = []
    ns = {"__name__": "__buildit__"}
    state = random.getstate()
    limit = sys.getrecursionlimit()
    try:
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(source, filename, "exec"), ns)
            except SyntaxError as e:
                return Result(step_id, False, passed, _describe(e, "your code", filename, source),
                              out.getvalue())
            except Exception as e:
                return Result(step_id, False, passed, _describe(e, "running your code", filename,
                                                                source), out.getvalue())
            code = Code(ns)
            for fn in checks:
                failed, hint = fn.__doc__, fn.hint
                try:
                    fn(code)
                except CheckFailed as e:
                    return Result(step_id, False, passed, str(e), out.getvalue(), failed, hint)
                except ReaderError as e:
                    return Result(step_id, False, passed,
                                  _describe(e.error, f"`{e.doing}`", filename, source), out.getvalue(),
                                  failed, hint)
                except RecursionError as e:
                    return Result(step_id, False, passed,
                                  _describe(e, "checking", filename, source), out.getvalue(), failed,
                                  hint)
                except Exception as e:  # odd reader objects that the helpers did not foresee
                    return Result(step_id, False, passed,
                                  _describe(e, f"checking “{fn.__doc__}”", filename, source)
                                  + " — your code gave the check something it did not expect",
                                  out.getvalue(), failed, hint)
                passed.append(fn.__doc__)
    finally:
        random.setstate(state)
        sys.setrecursionlimit(limit)
    return Result(step_id, True, passed, "", out.getvalue())
