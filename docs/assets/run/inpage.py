"""The Python side of the in-page runner, loaded by worker.mjs into Pyodide (never by the build).

One call does everything: `run(source, filename, ns, fresh, graph)` runs `source` in the namespace
called `ns` (made empty first if `fresh`, or if it does not exist yet) and returns, as JSON, what
it printed, the exception it raised (as a traceback whose frames are the reader's code and the
engine, never this module) and, for a graph block, the DOT source of its final Value's graph.
A block runs the way hooks/pagecode.py runs it at build time: one namespace per page named
`__page__`, a graph block's final line evaluated as the Value to draw.
"""
import ast
import contextlib
import gc
import io
import json
import linecache
import traceback

_spaces = {}


def reset(ns=None):
    """Forget the namespace `ns`, or all of them."""
    if ns is None:
        _spaces.clear()
    else:
        _spaces.pop(ns, None)
    gc.collect()  # now, not inside a later page's block that calls gc.collect() itself


def run(source, filename="<block>", ns="page", fresh=False, graph=False):
    if fresh or ns not in _spaces:
        _spaces[ns] = {"__name__": "__page__"}
    namespace = _spaces[ns]
    # Tracebacks quote the reader's lines: linecache is where traceback looks them up.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    out, err = io.StringIO(), io.StringIO()
    result = {"ok": True, "stdout": "", "stderr": "", "error": None, "dot": None, "label": None}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            value = _exec(source, namespace, filename, graph)
            if graph:
                result["dot"], result["label"] = _dot(value)
    except BaseException as e:  # noqa: BLE001  (SystemExit and KeyboardInterrupt are the reader's too)
        result["ok"] = False
        result["error"] = _error(e, filename)
    result["stdout"], result["stderr"] = out.getvalue(), err.getvalue()
    return json.dumps(result)


def _exec(source, ns, filename, want_value):
    """As hooks/pagecode.py's `_exec`: with `want_value`, return the final expression's value."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body else None
    if not want_value:
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
