"""Draw a `Value`'s expression graph with graphviz, the same way in every process."""
import graphviz

from micrograd.engine import topological_sort

__all__ = ["trace", "draw_dot"]


def trace(root):
    """All nodes and edges of the graph behind `root`, in a fixed order (inputs first): one edge
    per use of an input, so `x * x` has two edges from `x`."""
    nodes = topological_sort(root)
    edges = [(child, v) for v in nodes for child in (v._a, v._b) if child is not None]
    return nodes, edges


def draw_dot(root, format="svg", rankdir="LR"):
    """A `graphviz.Digraph` of `root`'s graph: one record `label | data | grad` per value and a
    small node for each operation. Nodes are named by their place in the trace, never by id(),
    so the DOT source is identical in every run."""
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"draw_dot: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    nodes, edges = trace(root)
    name = {v: f"n{i}" for i, v in enumerate(nodes)}
    dot = graphviz.Digraph(format=format, graph_attr={"rankdir": rankdir})
    for v in nodes:
        dot.node(name[v], label=f"{{ {_escape(v.label)} | data {v.data:.4f} | grad {v.grad:.4f} }}",
                 shape="record")
        if v._op:
            dot.node(name[v] + "op", label=_escape(v._op))
            dot.edge(name[v] + "op", name[v])
    for child, v in edges:
        dot.edge(name[child], name[v] + "op")
    return dot


def _escape(text):
    """Escape the characters that mean something inside a graphviz record label."""
    return "".join("\\" + c if c in '{}|<>"\\' else c for c in text)
