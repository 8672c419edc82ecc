"""The backward-pass stepper (docs/hooks/stepper.py) tells what the engine's backward() really does.

Every ```backprop block of the site is run in its page, as the build runs it, and its observed steps
are checked against the engine: each contribution is the node's stored local derivative × its
gradient, each running sum adds exactly that, and the last step holds the gradients a plain
`backward()` gives. The stepper must leave the page's own gradients as they were.
"""
import html as htmllib
import io
import json
import math
import re

import pytest
from pytest_codeblocks.main import extract_from_buffer

import graphsvg
import pagecode
import stepper
from conftest import ROOT
from micrograd import Value
from micrograd.engine import topological_sort

PAGES = sorted(p for p in (ROOT / "docs").glob("*.md")
               if any(b.syntax == "backprop" for b in extract_from_buffer(io.StringIO(p.read_text(encoding="utf-8")))))
EXPECTED_PAGES = {"manual-backprop-expression.md", "manual-backprop-neuron.md", "backward-whole-graph.md",
                  "multiple-use-bug.md", "breaking-up-tanh.md"}


def problems(ob):
    """Every way the observed steps disagree with the engine's graph; empty if none."""
    found = []
    if any(g != 0.0 for g in ob.steps[0].grads):
        found.append("step 0 does not have every gradient at 0")
    for i, step in enumerate(ob.steps[2:], start=2):
        v = ob.nodes[step.node]
        for p in step.pushes:
            child = getattr(v, p.slot)
            local = closure_local(v, child) if v._closure is not None else getattr(v, "_d" + p.slot[1])
            if ob.nodes[p.to] is not child or p.local != local:
                found.append(f"step {i}: push to {p.to} is not {ob.names[step.node]}'s {p.slot} "
                             f"with its local derivative")
            if p.upstream != ob.steps[i - 1].grads[step.node]:
                found.append(f"step {i}: upstream {p.upstream} is not {ob.names[step.node]}.grad")
            if p.after != step.grads[p.to] and len(step.pushes) == len({q.to for q in step.pushes}):
                found.append(f"step {i}: after {p.after} is not the gradient {ob.names[p.to]} has after the step")
            exact = p.after == p.before + local * p.upstream
            if not (exact or v._closure is not None and p.after == pytest.approx(p.before + local * p.upstream,
                                                                                   rel=1e-12, abs=1e-300)):
                found.append(f"step {i}: {p.before} + {local} × {p.upstream} != {p.after}")
    return found


def closure_local(v, child):
    """What the closure of a node made the lecture's way adds to `child`'s gradient per unit of v.grad."""
    saved = (v.grad, [u.grad for u in v._prev])
    for u in v._prev:
        u.grad = 0.0
    v.grad = 1.0
    v._backward()
    local = child.grad
    v.grad = saved[0]
    for u, g in zip(v._prev, saved[1]):
        u.grad = g
    return local


def run_backprops(path):
    """(observation, root, page grads before, page grads after) for each ```backprop block of a page."""
    seen = []

    def draw(run):
        if run.block.syntax == "backprop":
            nodes = topological_sort(run.value)
            before = [v.grad for v in nodes]
            ob = stepper.observe(run.value)
            seen.append((ob, run.value, before, [v.grad for v in nodes]))
        return ""

    pagecode.run_page(path.read_text(encoding="utf-8"), page=path.name, draw=draw)
    return seen


def test_the_chapters_that_teach_backprop_have_a_stepper():
    assert EXPECTED_PAGES <= {p.name for p in PAGES}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_steps_match_the_engine(path):
    runs = run_backprops(path)
    assert runs
    for ob, root, before, after in runs:
        assert problems(ob) == []
        assert after == before, "the stepper changed the page's gradients"
        for v in ob.nodes:  # the engine's own answer, from scratch
            v.grad = 0.0
        root.backward()
        assert ob.steps[-1].grads == [v.grad for v in ob.nodes] == ob.final
        for v, g in zip(ob.nodes, before):
            v.grad = g
        assert [s.node for s in ob.steps[2:]] == list(range(len(ob.nodes)))[::-1]


def test_the_checker_catches_a_wrong_contribution():
    a = Value(3.0, label="a")
    b = a * a
    ob = stepper.observe(b)
    assert problems(ob) == []
    ob.steps[2].pushes[1].after += 1.0  # as if the second contribution had been assigned, not added
    assert problems(ob)


def test_a_used_twice_value_shows_the_running_sum():
    a = Value(3.0, label="a")
    b = a + a
    ob = stepper.observe(b)
    (first, second), = [s.pushes for s in ob.steps if s.pushes]
    assert (first.before, first.after, second.before, second.after) == (0.0, 1.0, 1.0, 2.0)
    assert (first.nth, first.of, second.nth, second.of) == (1, 2, 2, 2)
    html = stepper.stepper_html(b, "t-backprop0", "test")
    assert "contribution 2 of 2 to a: += adds it to the 1.0000 already there" in html
    assert "with = it would overwrite that and leave 1.0000" in html


def test_a_rewritten_backward_stops_the_build(monkeypatch):
    def backward(self):  # the same gradients, but not the loop the stepper explains
        from micrograd.engine import topological_sort
        self.grad = 1.0
        for v in reversed(topological_sort(self)):
            for child, local in ((v._a, v._da), (v._b, v._db)):
                if child is not None:
                    child.grad += local * v.grad

    monkeypatch.setattr(Value, "backward", backward)
    with pytest.raises(RuntimeError, match="no longer reads"):
        stepper.observe(Value(2.0) * Value(3.0))


def test_html_has_a_step_table_and_the_data_to_replay_it():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    html = stepper.stepper_html(c, "t-backprop0", "test")
    assert html == stepper.stepper_html(c, "t-backprop0", "test"), "not deterministic"
    data = json.loads(htmllib.unescape(re.search(r'data-mg-data="([^"]*)"', html).group(1)))
    assert "<script" not in html, "Material's instant navigation would run it as JavaScript"
    steps = data["steps"]
    assert len(steps) == len(re.findall(r"<tr data-mg-step=", html)) == 5  # forward, base, c, b, a
    assert steps[0]["grads"] == ["0.0000"] * 3 and steps[-1]["grads"] == ["-3.0000", "2.0000", "1.0000"]
    assert steps[2] == {"node": 2, "to": [0, 1], "grads": ["-3.0000", "2.0000", "1.0000"],
                        "say": steps[2]["say"]}
    assert len(re.findall(r'data-mg-node="\d"', html)) == 3 and 'data-mg-op="2"' in html
    assert 'data-mg-edge="0-2"' in html and 'data-mg-opedge="2"' in html
    assert html.count('class="mg-grad"') == 3
    assert "<details" in html and " open>" in html, "without JavaScript the table is shown"
    assert 'aria-live="polite"' in html


def test_a_backprop_block_must_end_in_a_value():
    with pytest.raises(pagecode.PageCodeError, match="```backprop block must end in a Value"):
        pagecode.run_page("```backprop\n1 + 1\n```\n", draw=lambda run: stepper.stepper_html(run.value, "k", "p"))


def test_graph_layout_fits_the_column():
    """Left to right when that fits at readable size, else top to bottom, else a full-size view."""
    def chain(n):
        v = Value(1.0, label="x")
        for i in range(n):
            v = v + 1.0
            v.label = f"v{i}"
        return v

    small, zoom_small = graphsvg.graph_svg(chain(1), "k", "l")
    long_, zoom_long = graphsvg.graph_svg(chain(8), "k", "l")
    assert not zoom_small and not zoom_long
    width = lambda svg: float(re.search(r'style="width:(\d+)px', svg).group(1))  # noqa: E731
    assert width(small) * graphsvg.MIN_SCALE <= graphsvg.COLUMN_PX
    assert width(long_) * graphsvg.MIN_SCALE <= graphsvg.COLUMN_PX, "a long chain goes top to bottom"
    wide = sum((Value(float(i), label=f"leaf{i}") for i in range(14)), Value(0.0))
    svg, zoom = graphsvg.graph_svg(wide, "k", "l")
    assert zoom and "min-width" not in svg.split(">")[0]


def test_graphs_a_notebook_draws_itself_are_fitted_too():
    from micrograd import draw_dot

    small = draw_dot(Value(1.0, label="x") * 2).pipe(format="svg", encoding="utf-8")
    wide = draw_dot(sum((Value(float(i)) for i in range(12)), Value(0.0))).pipe(format="svg", encoding="utf-8")
    page = "".join(f'<figure class="mg-graph"><div class="mg-scroll">{s[s.index("<svg"):]}\n</div></figure>'
                   for s in (small, wide))
    out = graphsvg.fit_figures(page, "nb")
    first, second = out.split("</figure>")[:2]
    assert 'id="nb-nbgraph1"' in first and "min-width:" in first and "data-mg-zoom" not in first
    assert 'id="nb-nbgraph2"' in second and "min-width:" not in second and 'data-mg-zoom="nb-nbgraph2"' in second
    assert graphsvg.fit_figures(out, "nb") == out, "fitting twice changes nothing"


def lecture_node(data, children, op, backward):
    """A node made the lecture's way: `Value(data, children, op)` and its closure."""
    out = Value(data, children, op)
    out._backward = lambda: backward(out)
    return out


def test_a_node_made_the_lectures_way_is_stepped_like_a_built_in_one():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"

    def exp_backward(out):
        e.grad += out.data * out.grad

    x = lecture_node(math.exp(e.data), (e,), "exp", exp_backward)  # closure node, between built-in ones
    x.label = "x"
    y = x * a  # a is used twice: by e and by y
    y.label = "y"
    built_in = e.exp() * a
    ob, ref = stepper.observe(y), stepper.observe(built_in)
    assert problems(ob) == []
    assert [v.grad for v in (a, b, e, x, y)] == [0.0] * 5, "the stepper changed the page's gradients"
    assert ob.final == ref.final  # same gradients as the built-in exp, node for node
    assert [[(p.to, p.local, p.before, p.after) for p in s.pushes] for s in ob.steps] == \
        [[(p.to, p.local, p.before, p.after) for p in s.pushes] for s in ref.steps]
    (push,) = ob.steps[3].pushes  # x = exp(e) passes its gradient to e through the closure
    assert (ob.names[ob.steps[3].node], ob.names[push.to], push.local) == ("x", "e", x.data)
    html = stepper.stepper_html(y, "t-backprop0", "test")
    assert f"x = exp(e) passes its gradient {a.data:.4f} back: e.grad = 0.0000 + {x.data:.4f} × 2.0000" in html


def test_a_closure_that_assigns_is_shown_assigning():
    a = Value(3.0, label="a")

    def assign(out):  # the lecture's closures until 1:22:28: = where += belongs
        a.grad = 1.0 * out.grad

    b = lecture_node(a.data + 1.0, (a,), "+1", assign)
    c = b * a
    c.label = "c"
    ob = stepper.observe(c)
    said = " ".join(stepper._say(ob, s, i) for i, s in enumerate(ob.steps))
    assert "a.grad = 1.0000 × 3.0000 = 3.0000, assigned with =: the 4.0000 it held is lost" in said
    assert ob.final[0] == 3.0  # a.grad: the 4.0 from c = b * a is overwritten by b's 1 × 3, not 7.0
    sums = " ".join(stepper._row(ob, s, i, "") for i, s in enumerate(ob.steps))  # the table's running sums
    assert "a.grad = 1.0000 × 3.0000 = 3.0000, assigned with =: the 4.0000 it held is lost" in sums


def test_a_backward_that_skips_closures_stops_the_build(monkeypatch):
    def backward(self):  # the built-in nodes' loop only: a closure node would pass nothing back
        from micrograd.engine import topological_sort
        self.grad = 1.0
        for v in reversed(topological_sort(self)):
            if v._da is not None:
                v._a.grad += v._da * v.grad
                if v._b is not None:
                    v._b.grad += v._db * v.grad

    a = Value(2.0)
    y = lecture_node(2 * a.data, (a,), "2*", lambda out: setattr(a, "grad", a.grad + 2 * out.grad)) * 3
    stepper.observe(y)  # the engine's own backward(): fine
    monkeypatch.setattr(Value, "backward", backward)
    with pytest.raises(RuntimeError, match=r"pushed along \[\], not \['_a'\]"):
        stepper.observe(y)


NUM = r"(-?\d+\.\d{4})"


def shown_problems(ob, fig_html):
    """Every way a stepper's figure (its replay data, live caption and table) disagrees with the
    observed pass, each step recomputed from the one before it: a push reads the node's gradient
    (upstream) and the input's running gradient (before), and leaves before + local × upstream
    (after). Empty if none."""
    f = stepper._f
    data = json.loads(htmllib.unescape(re.search(r'data-mg-data="([^"]*)"', fig_html).group(1)))
    rows = re.findall(r'<tr data-mg-step="(\d+)"><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>(.*?)</td>'
                      r'<td>(.*?)</td></tr>', fig_html)
    last = len(ob.steps) - 1
    found = []
    if [int(r[0]) for r in rows] != list(range(last + 1)) or len(data["steps"]) != last + 1:
        return [f"{len(rows)} table rows and {len(data['steps'])} replay steps for {last + 1} steps"]
    caption = htmllib.unescape(re.search(r'class="mg-step-say"[^>]*>(.*?)</p>', fig_html).group(1))
    if caption != f"Step {last} of {last}: {htmllib.unescape(rows[-1][3])}":
        found.append(f"the caption without JavaScript {caption!r} is not the last row's")
    grads = [0.0] * len(ob.nodes)
    for i, (step, shown, row) in enumerate(zip(ob.steps, data["steps"], rows)):
        say = htmllib.unescape(row[3])
        if shown["say"] != say:
            found.append(f"step {i}: the live caption {shown['say']!r} is not the table's {say!r}")
        if i == 1:
            grads[step.node] = 1.0
        node = ob.names[step.node] if step.node >= 0 else "all"
        if htmllib.unescape(row[2]) != node or shown["node"] != step.node:
            found.append(f"step {i}: node {row[2]!r} / {shown['node']}, not {node}")
        chain = [htmllib.unescape(c) for c in row[4].split("<br>")] if step.pushes else []
        sums = [htmllib.unescape(c) for c in row[5].split("<br>")] if step.pushes else []
        said = re.findall(rf"(.+?)\.grad = {NUM} \+ {NUM} × {NUM} = {NUM}(?:; |\.$)", say.partition(" back: ")[2])
        if len(chain) != len(step.pushes) or len(sums) != len(step.pushes) or len(said) != len(step.pushes):
            found.append(f"step {i}: {len(step.pushes)} pushes, but the caption tells {len(said)}, "
                         f"the table {len(chain)} products and {len(sums)} sums")
            continue
        for p, c, s, t in zip(step.pushes, chain, sums, said):
            to, upstream, before = ob.names[p.to], grads[step.node], grads[p.to]
            product = p.local * upstream
            after = grads[p.to] = before + product
            if (p.upstream, p.before, p.after) != (upstream, before, after):
                found.append(f"step {i}: observed {p.before} + {p.local} × {p.upstream} = {p.after}, "
                             f"recomputed {before} + {p.local} × {upstream} = {after}")
            if t != (to, f(before), f(p.local), f(upstream), f(after)):
                found.append(f"step {i}: the caption says {to}.grad = {' + '.join(t[1:3])} × {t[3]} = {t[4]}, "
                             f"not {f(before)} + {f(p.local)} × {f(upstream)} = {f(after)}")
            m = re.fullmatch(rf"d(.+)/d(.+) = {NUM} × (.+)\.grad {NUM} = {NUM}", c)
            if not m or m.groups() != (node, to, f(p.local), node, f(upstream), f(product)):
                found.append(f"step {i}: chain rule cell {c!r}, not local {f(p.local)} × upstream "
                             f"{f(upstream)} = {f(product)}")
            m = re.match(rf"(.+)\.grad: {NUM} \+ {NUM} = {NUM}(?: \(contribution (\d+) of (\d+) to |$)", s)
            if not m or m.groups()[:4] != (to, f(before), f(product), f(after)):
                found.append(f"step {i}: running sum cell {s!r}, not {to}.grad: {f(before)} + "
                             f"{f(product)} = {f(after)}")
        if step.grads != grads or shown["grads"] != [f(g) for g in grads]:
            found.append(f"step {i}: gradients {shown['grads']}, recomputed {[f(g) for g in grads]}")
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_step_shown_is_the_observed_pass_recomputed(path):
    """Every stepper of the page, as the build writes it: at every step, its live caption, its replay
    data and its table row say before + local × upstream = after with the numbers of the engine's
    pass, recomputed here step by step from the gradients at step 0."""
    figures = []

    def draw(run):
        if run.block.syntax == "backprop":
            figures.append((stepper.observe(run.value), stepper.stepper_html(run.value, "t", path.name)))
        return ""

    pagecode.run_page(path.read_text(encoding="utf-8"), page=path.name, draw=draw)
    assert figures
    for ob, fig_html in figures:
        assert sum(len(s.pushes) for s in ob.steps) >= 2
        assert shown_problems(ob, fig_html) == []


def test_the_shown_steps_checker_catches_each_wrong_figure():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b + a) * 3
    c.label = "c"
    ob, fig = stepper.observe(c), stepper.stepper_html(c, "t", "test")
    assert shown_problems(ob, fig) == []
    wrong = {
        "after = before in the caption": ("a.grad = 3.0000 + -3.0000 × 3.0000 = -6.0000",
                                          "a.grad = 3.0000 + -3.0000 × 3.0000 = 3.0000"),
        "the local derivative for the product": ("-3.0000 × #2.grad 3.0000 = -9.0000", "-3.0000 × #2.grad 3.0000 = -3.0000"),
        "a wrong running sum": ("a.grad: 3.0000 + -9.0000 = -6.0000", "a.grad: 0.0000 + -9.0000 = -9.0000"),
        "a replayed step one step late": ('[0,1],&quot;grads&quot;:[&quot;-6.0000&quot;,&quot;6.0000&quot;',
                                          '[0,1],&quot;grads&quot;:[&quot;3.0000&quot;,&quot;0.0000&quot;'),
    }
    for what, (right, bad) in wrong.items():
        assert fig.count(right) == 1, what
        assert shown_problems(ob, fig.replace(right, bad)), what


# The words of a stepper and of a graph's table on the Chinese edition (mkdocs.zh.yml): every word
# is Chinese, and everything else (the graph, every number, name and formula) is the English figure's.
ENGLISH_WORDS = re.compile(r"\b(Reset|Previous|Next|Play|Step|step|node|what happens|chain rule|running sum|"
                           r"backward pass|table|forward pass|base case|input|passes|gradient|contribution|"
                           r"assigned|went from|value|made by|from|full size|all)\b")


def _words(fig):
    """The figure's own text (controls, caption, table, each step's sentence), its SVG left out; the
    formulas' `name.grad` and `d` parts and the table's data/grad headers are not words."""
    fig = re.sub(r"<svg\b.*?</svg>", "", fig, flags=re.S)
    data = json.loads(htmllib.unescape(re.search(r'data-mg-data="([^"]*)"', fig).group(1))) if "data-mg-data" in fig else {}
    texts = [htmllib.unescape(t) for t in re.findall(r">([^<>]+)<", fig)]
    texts += [htmllib.unescape(a) for a in re.findall(r'aria-label="([^"]*)"', fig)]
    texts += [s["say"] for s in data.get("steps", [])]
    return [re.sub(r"\b\w+\.grad\b|\bgrad\b|\bdata\b", "", t) for t in texts]


def english_left(fig):
    """The texts of a Chinese figure that still hold an English word."""
    return [t for t in _words(fig) if ENGLISH_WORDS.search(t)]


def _figure_parts(fig):
    """What must be the same in both editions: the SVG, and every number in the figure."""
    return re.findall(r"<svg\b.*?</svg>", fig, flags=re.S), re.findall(r"-?\d+\.\d{4}", fig)


def _cases():
    a = Value(3.0, label="a")
    b = a + a  # a value used twice: the running sum's words
    b.label = "b"
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    n = x1 * w1
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    wide = sum((Value(float(i), label=f"leaf{i}") for i in range(14)), Value(0.0))  # a full-size view
    y = Value(3.0, label="y")
    plus1 = lecture_node(y.data + 1.0, (y,), "+1", lambda out: setattr(y, "grad", 1.0 * out.grad))  # = not +=
    assigned = plus1 * y
    assigned.label = "c"
    return {"used twice": b, "neuron": o, "wide": wide, "assigning closure": assigned}


@pytest.mark.parametrize("case", ["used twice", "neuron", "wide", "assigning closure"])
def test_the_chinese_stepper_is_the_english_one_in_chinese_words(case):
    root = _cases()[case]
    figs = stepper.stepper_figures(root, "t-backprop0", "test", ("en", "zh"))
    assert figs["en"] == stepper.stepper_html(root, "t-backprop0", "test"), "English is not the default"
    assert figs["zh"] == stepper.stepper_html(root, "t-backprop0", "test", "zh")
    assert _figure_parts(figs["zh"]) == _figure_parts(figs["en"]), "the graph or a number differs"
    assert english_left(figs["zh"]) == []
    assert english_left(figs["en"]), "the check finds nothing even in English"
    for word in ("重置", "上一步", "下一步", "播放", "逐步演示反向传播", "第 "):
        assert word in figs["zh"], word


def test_the_chinese_graph_table_is_the_english_one_in_chinese_words():
    import graphs

    for name, root in _cases().items():
        figs = graphs._graph_html(root, "t-graph0", "test")
        assert set(figs) == set(graphs.LANGS)
        assert _figure_parts(figs["zh"]) == _figure_parts(figs["en"]), name
        assert english_left(figs["zh"]) == [], name
        assert "<summary>The graph as a table</summary>" in figs["en"]
        assert "<summary>这张图，列成表格</summary>" in figs["zh"] and "<td>输入</td>" in figs["zh"]
    wide = graphs._graph_html(_cases()["wide"], "t-graph0", "test")
    assert 'data-mg-zoom="t-graph0" hidden>Open the graph at full size</button>' in wide["en"]
    assert 'data-mg-zoom="t-graph0" hidden>查看原尺寸的图</button>' in wide["zh"]


def test_the_check_for_english_words_catches_one_left_in_a_chinese_figure():
    """The check above is the guard: one English word left in the Chinese words is found."""
    zh = stepper.stepper_html(_cases()["used twice"], "t-backprop0", "test", "zh")
    for chinese, english in (("下一步", "Next"), ("发生了什么", "what happens"), ("基本情形", "the base case"),
                             ("份贡献", "contribution")):
        planted = zh.replace(chinese, english, 1)
        assert planted != zh and english_left(planted), f"{english!r} instead of {chinese!r} was not caught"
