"""The Python side of the in-page runner, loaded by worker.mjs into Pyodide (never by the build).

One call does everything: `run(source, filename, ns, fresh, graph)` runs `source` in the namespace
called `ns` (made empty first if `fresh`, or if it does not exist yet) and returns, as JSON, what
it printed, the exception it raised (as a traceback whose frames are the reader's code and the
engine, never this module) and, for a graph block, the DOT source of its final Value's graph.
A block runs the way hooks/pagecode.py runs it at build time: one namespace per page named
`__page__`, a graph block's final line evaluated as the Value to draw.

A ```backprop block's final Value becomes a live stepper: `run(..., stepper=KEY)` returns the
figure docs/hooks/stepper.py makes at build time (shipped unchanged in python.zip), its graph laid
out by @viz-js/viz through `set_renderer` instead of graphviz's `dot` process, which the in-page
Python cannot start. A graph of more than STEP_LIMIT values is drawn without the stepper, with a
sentence saying why.
"""
import ast
import contextlib
import gc
import io
import json
import linecache
import traceback

_spaces = {}
_render = None  # DOT source -> SVG text: @viz-js/viz, given by worker.mjs (set_renderer)
STEP_LIMIT = 300  # values; a stepper of more steps than this is too long to step through usefully
TOO_LARGE = ("This graph has {n} values, more than the {limit} a stepper can usefully show one step at "
             "a time, so it is drawn without the stepper. Its gradients after backward() are shown; "
             "a smaller expression gets the stepper.")
TOO_LARGE_ZH = ("这张图有 {n} 个值，超过了单步演示器一步一步能有效展示的 {limit} 个，所以画出来时不带单步演示器。"
                "图中显示的是 backward() 之后的梯度；小一些的表达式会有单步演示器。")


def set_renderer(render):
    """Lay out graphviz's graphs with `render(dot_source) -> svg` (the browser has no `dot` process):
    graphviz's pipe(format="svg") is what hooks/graphsvg.py calls."""
    import graphviz

    global _render
    _render = render

    def pipe(self, format=None, *args, encoding=None, **kwargs):
        if (format or self.format) != "svg":
            raise ValueError(f"the in-page graphviz renders SVG only, not {format!r}")
        svg = str(_render(self.source))
        return svg if encoding else svg.encode()

    graphviz.Digraph.pipe = pipe


def reset(ns=None):
    """Forget the namespace `ns`, or all of them."""
    if ns is None:
        _spaces.clear()
    else:
        _spaces.pop(ns, None)
    gc.collect()  # now, not inside a later page's block that calls gc.collect() itself


def run(source, filename="<block>", ns="page", fresh=False, graph=False, stepper=None, optional=False, lang="en"):
    """Run `source` as the module's docstring says; with `optional` (the playground), code that
    does not end in a Value draws nothing instead of failing. `lang` is the page's edition ("en" or
    "zh"): the words of a stepper and of the note on a graph too large to step through."""
    if fresh or ns not in _spaces:
        _spaces[ns] = {"__name__": "__page__"}
    namespace = _spaces[ns]
    # Tracebacks quote the reader's lines: linecache is where traceback looks them up.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    out, err = io.StringIO(), io.StringIO()
    result = {"ok": True, "stdout": "", "stderr": "", "error": None, "dot": None, "label": None}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            value = _exec(source, namespace, filename, graph or bool(stepper), optional)
            if graph:
                result["dot"], result["label"] = _dot(value)
            if stepper and not (optional and not _is_value(value)):
                result.update(_stepper(value, stepper, filename, lang))
    except BaseException as e:  # noqa: BLE001  (SystemExit and KeyboardInterrupt are the reader's too)
        result["ok"] = False
        result["error"] = _error(e, filename)
    result["stdout"], result["stderr"] = out.getvalue(), err.getvalue()
    return json.dumps(result)


def _is_value(x):
    from micrograd import Value

    return isinstance(x, Value)


def _exec(source, ns, filename, want_value, optional=False):
    """As hooks/pagecode.py's `_exec`: with `want_value`, return the final expression's value
    (`optional`: None when the code does not end in an expression)."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body else None
    if not want_value or (optional and not isinstance(last, ast.Expr)):
        exec(compile(tree, filename, "exec"), ns)
        return None
    if not isinstance(last, ast.Expr):
        raise ValueError("a graph block must end in an expression: the Value to draw")
    exec(compile(ast.Module(tree.body[:-1], type_ignores=[]), filename, "exec"), ns)
    return eval(compile(ast.Expression(last.value), filename, "eval"), ns)


def _dot(root):
    """The DOT source of `root`'s graph, drawn as hooks/graphs.py draws it, and its text alternative."""
    from micrograd import Value, draw_dot, trace

    if not isinstance(root, Value):
        raise TypeError(f"a graph block must end in a Value, not {type(root).__name__}")
    nodes, _ = trace(root)
    ops = sum(1 for v in nodes if v._op)
    what = f"{root.label} = {root.data:.4f}" if root.label else f"a value of {root.data:.4f}"
    dot = draw_dot(root)
    dot.node_attr.update(fontname="Helvetica", fontsize="11")  # as hooks/graphs.py
    dot.edge_attr.update(arrowsize="0.7")
    dot.graph_attr.update(nodesep="0.15", ranksep="0.3")
    return dot.source, f"Expression graph of {what}: {len(nodes)} values and {ops} operations, inputs on the left."


def _stepper(root, key, filename, lang="en"):
    """{"stepper": the figure hooks/stepper.py makes} or, for a graph too large to step through,
    {"dot", "label", "note"}: the graph after backward() and the sentence that says why."""
    import stepper
    from micrograd import Value, trace

    if not isinstance(root, Value):
        raise TypeError(f"a ```backprop block must end in a micrograd Value, not {type(root).__name__}")
    nodes, _ = trace(root)
    if len(nodes) > STEP_LIMIT:
        saved = [v.grad for v in nodes]
        try:
            ob = stepper.observe(root)  # the engine's backward(); it puts the page's gradients back
            for v, g in zip(ob.nodes, ob.final):
                v.grad = g  # drawn at the end of the pass, as the build's stepper graph is
            dot, label = _dot(root)
        finally:
            for v, g in zip(nodes, saved):
                v.grad = g
        note = TOO_LARGE_ZH if lang == "zh" else TOO_LARGE
        return {"dot": dot, "label": label, "note": note.format(n=len(nodes), limit=STEP_LIMIT)}
    return {"stepper": stepper.stepper_html(root, key, filename, lang)}


def _error(e, filename):
    """The exception as Python prints it, without this module's frames; and the reader's line."""
    tb = traceback.TracebackException.from_exception(e)
    here = __file__
    for part in _chain(tb):
        part.stack = traceback.StackSummary.from_list([f for f in part.stack if f.filename != here])
    line = None
    if isinstance(e, SyntaxError) and e.filename == filename:
        line = e.lineno
    for frame in tb.stack:
        if frame.filename == filename:
            line = frame.lineno
    return {"type": type(e).__name__, "message": str(e), "line": line, "traceback": "".join(tb.format())}


def _chain(tb):
    seen = []
    while tb is not None and tb not in seen:
        seen.append(tb)
        tb = tb.__cause__ or tb.__context__
    return seen
