"""A ```backprop block: the backward pass of a page's `Value`, step by step, observed from the engine.

`observe(root)` runs the engine's real `Value.backward()` on `root` under `sys.settrace` and records,
line by line, what that loop does: the base case `self.grad = 1.0`, then every node in the order the
loop visits it, and every `v._a.grad += v._da * v.grad` it executes (which input, the local
derivative, the upstream gradient, the gradient before and after), or every `v._closure()` of a
node made the lecture's way (what each input's gradient was before and after it). Nothing of the engine is
re-implemented here: if `backward()` is rewritten so that these lines are no longer recognisable,
the build stops and says so. Before the run every gradient of the graph is set to 0 (step 0 of the
stepper); afterwards the page's own gradients are put back, so the block changes nothing that later
blocks see.

`stepper_html` turns the observation into a figure: the final graph (drawn by hooks/graphsvg.py),
controls and a live caption (assets/graphs.js replays the steps on the graph), and a table of every
step, which is the text alternative and what a reader without JavaScript gets. Its words are those
of the page's edition (TEXT: English, or Chinese for mkdocs.zh.yml's pages); its graph, numbers,
names and formulas are the same in both. `stepper_figures` makes the figure in several editions
from one observation and one layout.
"""
import html
import inspect
import json
import math
import re
import sys
import textwrap
from dataclasses import dataclass, field

import graphsvg

_BASE = re.compile(r"^self\.grad\s*=\s*1(\.0)?$")
_PUSH = re.compile(r"^v\.(_[ab])\.grad\s*\+=\s*v\.(_d[ab])\s*\*\s*v\.grad$")
_CLOSURE = re.compile(r"^v\._closure\(\)$")

# The stepper's words in each edition: its controls, caption and table, and the sentence of each step.
# Numbers, names and formulas are filled in the same in both; the graph (its SVG) is not translated.
TEXT = {
    "en": {
        "controls": "Step through the backward pass", "reset": "Reset", "prev": "Previous", "next": "Next",
        "play": "Play", "caption": "Step {now} of {last}: ", "summary": "Every step of the backward pass, as a table",
        "head": ("step", "node", "what happens", "chain rule: local × upstream = contribution",
                 "running sum: grad before + contribution = after"),
        "all": "all",
        "forward": "the forward pass is done: every value is computed and every gradient is 0.",
        "base": "the base case: {name}.grad = 1, because d{name}/d{name} = 1.",
        "input": "{name} is an input, with nothing to pass back: {name}.grad = {grad} is final.",
        "passes": "{made} passes its gradient {up} back: {parts}.", "and": "; ",
        "assigned": "= {local} × {up} = {after}, assigned with =: the {before} it held is lost",
        "went": "went from {before} to {after}, not {before} + {local} × {up}",
        "nth": " (contribution {nth} of {of} to {to}",
        "overwrite": ": += adds it to the {before} already there; with = it would overwrite that and leave {x}",
        "end": ")",
    },
    "zh": {
        "controls": "逐步演示反向传播", "reset": "重置", "prev": "上一步", "next": "下一步",
        "play": "播放", "caption": "第 {now} 步，共 {last} 步：", "summary": "反向传播的每一步，列成表格",
        "head": ("步骤", "节点", "发生了什么", "链式法则：局部导数 × 上游梯度 = 贡献",
                 "累加：原来的 grad + 贡献 = 新的 grad"),
        "all": "全部",
        "forward": "前向传播已完成：每个值都已算出，每个梯度都是 0。",
        "base": "基本情形：{name}.grad = 1，因为 d{name}/d{name} = 1。",
        "input": "{name} 是输入，没有可以往回传的：{name}.grad = {grad} 就是最终结果。",
        "passes": "{made} 把它的梯度 {up} 往回传：{parts}。", "and": "；",
        "assigned": "= {local} × {up} = {after}，用的是 = 赋值：它原有的 {before} 丢失了",
        "went": "从 {before} 变成了 {after}，而不是 {before} + {local} × {up}",
        "nth": "（对 {to} 的第 {nth} 份贡献，共 {of} 份",
        "overwrite": "：+= 把它加到已有的 {before} 上；如果用 =，就会覆盖它，只剩下 {x}",
        "end": "）",
    },
}


@dataclass
class Push:
    """One `input.grad += local * upstream` that backward() executed."""
    to: int  # index of the input in the topological order
    slot: str  # "_a" or "_b"
    local: float  # d(node)/d(input): the node's stored _da or _db, or what its closure passes per unit
    upstream: float  # the node's own gradient
    before: float  # the input's gradient before the +=
    after: float  # and after it
    nth: int = 0  # this is the input's nth contribution (1-based) ...
    of: int = 0  # ... of this many in the whole pass


@dataclass
class Step:
    kind: str  # "forward", "base" or "node"
    node: int = -1  # index of the node in the topological order
    pushes: list = field(default_factory=list)
    grads: list = field(default_factory=list)  # every node's gradient after this step


@dataclass
class Observation:
    nodes: list  # the Values, in topological order (inputs first), as micrograd.draw_dot numbers them
    names: list  # their labels, or #i for unlabelled values
    steps: list
    final: list  # the gradients backward() left: the last step's


def observe(root):
    """Run the engine's backward() on `root`'s graph, gradients zeroed first, and record each step."""
    from micrograd.engine import Value, topological_sort

    if not isinstance(root, Value):
        raise ValueError(f"a ```backprop block must end in a micrograd Value, not {type(root).__name__}")
    nodes = topological_sort(root)
    index = {v: i for i, v in enumerate(nodes)}
    code = Value.backward.__code__
    lines = _source_lines(Value.backward)
    saved = [v.grad for v in nodes]
    events = []  # (line text about to run, the loop's v, gradients now)

    def in_backward(frame, event, arg):
        if event in ("line", "return"):
            events.append((lines.get(frame.f_lineno, "") if event == "line" else "<return>",
                           frame.f_locals.get("v"), [v.grad for v in nodes]))
        return in_backward

    def tracer(frame, event, arg):
        return in_backward if frame.f_code is code else None

    try:
        for v in nodes:
            v.grad = 0.0
        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            root.backward()
        finally:
            sys.settrace(previous)
        final = [v.grad for v in nodes]
    finally:
        for v, g in zip(nodes, saved):
            v.grad = g
    steps = _steps(events, nodes, index, root)
    if steps[-1].grads != final:
        raise RuntimeError("backprop stepper: the observed steps do not end in the gradients backward() left")
    return Observation(nodes, [v.label or f"#{i}" for i, v in enumerate(nodes)], steps, final)


def _source_lines(function):
    source, first = inspect.getsourcelines(function)
    return {first + i: line.split("#")[0].strip() for i, line in enumerate(source)}  # no comments


def _steps(events, nodes, index, root):
    """Steps from the traced events: each event's line ran between its snapshot and the next one."""
    steps = [Step("forward", grads=[0.0] * len(nodes))]
    for (line, v, before), (_, _, after) in zip(events, events[1:]):
        if _BASE.match(line):
            steps.append(Step("base", index[root], grads=after))
            continue
        if len(steps) < 2:
            continue  # the loop that zeroes the intermediate gradients, before the base case
        if v in index and not line.startswith("for ") and (
                steps[-1].kind == "base" or nodes[steps[-1].node] is not v):
            steps.append(Step("node", index[v]))  # the loop has moved on to its next node
        if push := _PUSH.match(line):
            slot, local = push.groups()
            child = index[getattr(v, slot)]
            steps[-1].pushes.append(Push(child, slot, getattr(v, local), before[index[v]],
                                         before[child], after[child]))
        elif _CLOSURE.match(line):  # the closure ran untraced: what it did, from the gradients around it
            for slot, local in zip(("_a", "_b"), _closure_locals(v, nodes)):
                child = index[getattr(v, slot)]
                steps[-1].pushes.append(Push(child, slot, local, before[index[v]], before[child], after[child]))
        steps[-1].grads = after
    _check(steps, nodes)
    count = {}
    for push in (p for s in steps for p in s.pushes):
        count[push.to] = push.nth = count.get(push.to, 0) + 1
    for push in (p for s in steps for p in s.pushes):
        push.of = count[push.to]
    return steps


def _closure_locals(v, nodes):
    """d(v)/d(input) for each input of a node made the lecture's way: what its closure adds to the
    input's gradient when v.grad is 1 and the inputs' gradients are 0. Every gradient is put back."""
    saved = [u.grad for u in nodes]
    try:
        for u in v._prev:
            u.grad = 0.0
        v.grad = 1.0
        v._closure()
        return [u.grad for u in v._prev]
    finally:
        for u, g in zip(nodes, saved):
            u.grad = g


def _check(steps, nodes):
    """The observation must show the loop the stepper explains, or the build says what changed."""
    why = ("micrograd's backward() no longer reads `self.grad = 1.0` then, for each node in reversed "
           "topological order, `v._a.grad += v._da * v.grad` (and _b) or `v._closure()`: update hooks/stepper.py")
    if [s.kind for s in steps[:2]] != ["forward", "base"]:
        raise RuntimeError(f"backprop stepper: no base case seen; {why}")
    order = [s.node for s in steps[2:]]
    if order != list(range(len(nodes)))[::-1]:
        raise RuntimeError(f"backprop stepper: nodes visited in the order {order}; {why}")
    for s in steps[2:]:
        v = nodes[s.node]
        want = ["_a", "_b"][:len(v._prev)] if v._closure is not None else \
            [slot for slot in ("_a", "_b") if getattr(v, slot) is not None]
        if [p.slot for p in s.pushes] != want:
            raise RuntimeError(f"backprop stepper: node {s.node} pushed along {[p.slot for p in s.pushes]}, "
                               f"not {want}; {why}")


def stepper_html(root, key, at, lang="en"):
    """The figure of a ```backprop block: graph, controls, live caption and the table of steps."""
    return stepper_figures(root, key, at, (lang,))[lang]


def stepper_figures(root, key, at, langs):
    """{lang: the figure in that edition's words} for each of `langs`, from one observation and one
    drawing of the graph: the editions differ in their words only."""
    try:
        ob = observe(root)
    except (ValueError, RuntimeError) as e:
        raise ValueError(f"{at}: {e}") from e
    names, nodes = ob.names, ob.nodes
    saved = [v.grad for v in nodes]
    what = f"{names[-1]} = {root.data:.4f}"
    label = (f"Expression graph of {what} after backward(), {len(nodes)} values, inputs first. "
             f"The steps of the backward pass follow as a table.")
    try:
        for v, g in zip(nodes, ob.final):
            v.grad = g  # the graph without JavaScript: the end of the pass
        svg, zoom = graphsvg.graph_svg(root, key, label, annotate=_annotate)
    finally:
        for v, g in zip(nodes, saved):
            v.grad = g
    return {lang: _figure(ob, key, svg, zoom, lang) for lang in langs}


def _figure(ob, key, svg, zoom, lang):
    t = TEXT[lang]
    said = [_say(ob, s, i, lang) for i, s in enumerate(ob.steps)]
    data = {
        "names": ob.names,
        "steps": [{"node": s.node, "to": [p.to for p in s.pushes], "grads": [f"{g:.4f}" for g in s.grads],
                   "say": said[i]} for i, s in enumerate(ob.steps)],
    }
    rows = "".join(_row(ob, s, i, said[i], lang) for i, s in enumerate(ob.steps))
    last = len(ob.steps) - 1
    head = "".join(f"<th>{h}</th>" for h in t["head"])
    # In an attribute, not a <script>: Material's instant navigation re-runs the scripts of a page
    # it swaps in, as JavaScript, whatever their type.
    payload = html.escape(json.dumps(data, separators=(",", ":")), quote=True)
    return (
        f'<figure class="mg-graph mg-stepper" id="{key}" data-mg-steps="{len(ob.steps)}" data-mg-data="{payload}">'
        f'<div class="mg-step-head"><div class="mg-step-controls" role="group" '
        f'aria-label="{t["controls"]}" hidden>'
        f'<button type="button" class="mg-btn" data-mg-do="reset">{t["reset"]}</button>'
        f'<button type="button" class="mg-btn" data-mg-do="prev">{t["prev"]}</button>'
        f'<button type="button" class="mg-btn mg-btn--main" data-mg-do="next">{t["next"]}</button>'
        f'<button type="button" class="mg-btn" data-mg-do="play" aria-pressed="false">{t["play"]}</button>'
        f"</div>"
        f'<p class="mg-step-say" aria-live="polite" aria-atomic="true">'
        f'{t["caption"].format(now=last, last=last)}{html.escape(said[last])}</p></div>'
        f'<div class="mg-scroll" tabindex="0">{svg}</div>'
        + (graphsvg.zoom_button(key, lang) if zoom else "") +
        f'<details class="mg-graph-table mg-step-table" open><summary>{t["summary"]}</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>"
        f"</figure>"
    )


def _annotate(svg):
    """Mark graphviz's node and edge groups with what they show, for assets/graphs.js and CSS."""
    def mark(m):
        kind, title = m.group(2), html.unescape(m.group(4))
        if kind == "node":
            i, op = re.fullmatch(r"n(\d+)(op)?", title).groups()
            attr = f'data-mg-{"op" if op else "node"}="{i}"'
        else:
            tail, from_op, head, to_op = re.fullmatch(r"n(\d+)(op)?->n(\d+)(op)?", title).groups()
            # value -> the op node of the value it feeds, or op node -> the value it makes
            attr = f'data-mg-edge="{tail}-{head}"' if to_op else f'data-mg-opedge="{head}"'
        return f"{m.group(1)} {attr}{m.group(3)}"
    svg = re.sub(r'(<g id="(?:node|edge)\d+" class="(node|edge)")(>\s*<title>([^<]*)</title>)', mark, svg)
    return re.sub(r"(<text[^>]*)(>grad )", r'\1 class="mg-grad"\2', svg)


def _f(x):
    return f"{x:.4f}"


def _made(ob, v):
    """How a node was made, e.g. `e = a * b` or `o = tanh(n)`."""
    name = {u: n for u, n in zip(ob.nodes, ob.names)}
    a, b = name.get(v._a), name.get(v._b)
    if b is None and v._op in ("+", "*"):  # a node made the lecture's way keeps `a + a`'s a once
        b = a
    if b is not None:
        return f"{name[v]} = {a} {v._op} {b}"
    if v._op.startswith("**"):
        return f"{name[v]} = {a}{v._op}"
    if v._op.endswith("**"):
        return f"{name[v]} = {v._op}{a}"
    return f"{name[v]} = {v._op}({a})"


def _say(ob, step, i, lang="en"):
    """One sentence per step: the caption read out as the reader steps, and the table's third column."""
    t = TEXT[lang]
    if step.kind == "forward":
        return t["forward"]
    v, name = ob.nodes[step.node], ob.names[step.node]
    if step.kind == "base":
        return t["base"].format(name=name)
    if not step.pushes:
        return t["input"].format(name=name, grad=_f(step.grads[step.node]))
    parts = [f"{ob.names[p.to]}.grad = {_f(p.before)} + {_f(p.local)} × {_f(p.upstream)} = {_f(p.after)}"
             if _added(p) else f"{ob.names[p.to]}.grad {_unadded(p, lang)}" for p in step.pushes]
    return t["passes"].format(made=_made(ob, v), up=_f(step.pushes[0].upstream), parts=t["and"].join(parts))


def _added(p):
    """Whether the push added its contribution to the gradient already there (a closure may assign)."""
    return math.isclose(p.after, p.before + p.local * p.upstream, rel_tol=1e-12, abs_tol=1e-300)


def _unadded(p, lang="en"):
    """What a closure that did not add its contribution did to an input's gradient."""
    numbers = {"local": _f(p.local), "up": _f(p.upstream), "before": _f(p.before), "after": _f(p.after)}
    if math.isclose(p.after, p.local * p.upstream, rel_tol=1e-12, abs_tol=1e-300):  # the lecture's = until 1:22:28
        return TEXT[lang]["assigned"].format(**numbers)
    return TEXT[lang]["went"].format(**numbers)


def _row(ob, step, i, said, lang="en"):
    t = TEXT[lang]
    chain, sums = [], []
    for p in step.pushes:
        to, node = ob.names[p.to], ob.names[step.node]
        chain.append(f"d{node}/d{to} = {_f(p.local)} × {node}.grad {_f(p.upstream)} = "
                     f"{_f(p.local * p.upstream)}")
        text = f"{to}.grad: {_f(p.before)} + {_f(p.local * p.upstream)} = {_f(p.after)}"
        if not _added(p):
            text = f"{to}.grad {_unadded(p, lang)}"
        elif p.of > 1:
            text += t["nth"].format(nth=p.nth, of=p.of, to=to)
            if p.nth > 1:
                text += t["overwrite"].format(before=_f(p.before), x=_f(p.local * p.upstream))
            text += t["end"]
        sums.append(text)
    node = ob.names[step.node] if step.node >= 0 else t["all"]
    cell = lambda items: "<br>".join(html.escape(t) for t in items) or "—"  # noqa: E731
    return (f'<tr data-mg-step="{i}"><td>{i}</td><td>{html.escape(node)}</td><td>{html.escape(said)}</td>'
            f"<td>{cell(chain)}</td><td>{cell(sums)}</td></tr>")
