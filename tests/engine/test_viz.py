"""draw_dot: a graphviz picture of the expression graph, identical in every process.

One record `label | data | grad` per value and a small node per operation, as in the lecture; node
names come from the traversal order (never `id()`), so the DOT source is byte-identical across
runs. These tests check the DOT text; only one renders it, and only if `dot` is installed.
"""
import re
import shutil
import subprocess
import sys
import textwrap

import graphviz
import pytest

from micrograd import Value, draw_dot, trace


def lecture_expression():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L


def test_draw_dot_returns_a_graphviz_digraph():
    assert isinstance(draw_dot(lecture_expression()), graphviz.Digraph)


def test_each_value_is_a_record_with_label_data_and_grad():
    L = lecture_expression()
    L.backward()
    source = draw_dot(L).source
    for line in ['label="{ a | data 2.0000 | grad 6.0000 }" shape=record',
                 'label="{ b | data -3.0000 | grad -4.0000 }" shape=record',
                 'label="{ e | data -6.0000 | grad -2.0000 }" shape=record',
                 'label="{ L | data -8.0000 | grad 1.0000 }" shape=record']:
        assert line in source
    assert len(re.findall(r"shape=record", source)) == 7


def test_each_operation_is_a_small_node_between_its_inputs_and_its_output():
    source = draw_dot(lecture_expression()).source
    assert re.findall(r'(n\d+op) \[label="([^"]*)"\]', source) == [("n2op", "*"), ("n4op", "+"), ("n6op", "*")]
    edges = re.findall(r"(n\d+(?:op)?) -> (n\d+(?:op)?)", source)
    assert ("n2op", "n2") in edges and ("n0", "n2op") in edges and ("n1", "n2op") in edges
    assert len(edges) == 3 + 6  # one op -> output edge per op, one edge per input


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_rankdir_left_to_right_or_top_to_bottom(rankdir):
    assert f"graph [rankdir={rankdir}]" in draw_dot(lecture_expression(), rankdir=rankdir).source


def test_default_rankdir_is_left_to_right_and_format_svg():
    dot = draw_dot(lecture_expression())
    assert "rankdir=LR" in dot.source and dot.format == "svg"
    assert draw_dot(lecture_expression(), format="png").format == "png"


def test_unknown_rankdir_is_a_value_error():
    with pytest.raises(ValueError, match=r"rankdir must be 'LR' or 'TB', got 'RL'"):
        draw_dot(lecture_expression(), rankdir="RL")


def test_node_names_come_from_traversal_order_never_id():
    L = lecture_expression()
    nodes, _ = trace(L)
    source = draw_dot(L).source
    names = re.findall(r"^\t(n\d+(?:op)?) \[", source, flags=re.M)
    assert [n for n in names if not n.endswith("op")] == [f"n{i}" for i in range(len(nodes))]
    for v in nodes:
        assert str(id(v)) not in source


def test_record_characters_in_labels_are_escaped():
    v = Value(1.0, label="a|b {c} <d>")
    assert r'label="{ a\|b \{c\} \<d\> | data 1.0000 | grad 0.0000 }"' in draw_dot(v).source


def test_trace_lists_nodes_inputs_first_and_every_edge():
    L = lecture_expression()
    nodes, edges = trace(L)
    assert [v.label for v in nodes] == ["a", "b", "e", "c", "d", "f", "L"]
    assert [(c.label, v.label) for c, v in edges] == [("a", "e"), ("b", "e"), ("e", "d"), ("c", "d"),
                                                      ("d", "L"), ("f", "L")]


GRAPH_SCRIPT = textwrap.dedent("""
    from micrograd import MLP, Value, draw_dot
    import random
    a, b = Value(-4.0, label="a"), Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    random.seed(1)
    n = MLP(2, [2, 1], act="tanh")([a, b])
    n.backward()
    print(draw_dot(g).source + draw_dot(n, rankdir="TB").source, end="")
""")


def test_dot_source_is_byte_identical_in_two_fresh_processes(child_env):
    outputs = []
    for hash_seed in ["1", "2"]:  # different string hashing, different addresses
        env = dict(child_env, PYTHONHASHSEED=hash_seed)
        result = subprocess.run([sys.executable, "-c", GRAPH_SCRIPT], env=env, capture_output=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr.decode()
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"digraph {") == 2


def test_a_deep_chain_builds_its_dot_source_without_recursion_errors():
    x = Value(0.5, label="x")
    v = x
    for _ in range(5_000):
        v = v.tanh()
    v.backward()
    source = draw_dot(v).source
    assert source.count("shape=record") == 5_001
    assert "n5000op -> n5000" in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` executable not installed")
def test_dot_renders_the_lecture_expression_to_svg():
    L = lecture_expression()
    L.backward()
    svg = draw_dot(L).pipe(format="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "data &#45;8.0000" in svg or "data -8.0000" in svg


def test_a_value_used_twice_by_one_op_gets_one_edge_per_use():
    # x * x has inputs (x, x): unlike the lecture's set of children, both uses are drawn.
    x = Value(3.0, label="x")
    source = draw_dot(x * x).source
    assert source.count("n0 -> n1op") == 2
