"""The lecture's code lives in one place, buildit/solutions/: a page shows and runs it by name with a
```lecture block (docs/hooks/lecture.py), never as a hand copy in its own code.

Two checks on the code a page runs (```python, ```graph, ```backprop and ```plot blocks, solutions
included), each proven by injecting the fault into a copy of a real page:

- no page defines a class named like a class a step's solution defines (`Value`, `Neuron`, ...);
- no page defines a function or method that is a step's function or method renamed: the same code
  once the class names are brought back (`LectureValue` -> `Value`) and the first parameter is
  called `self` (a `def lecture_backward(root)` copied from `Value.backward` is caught too). A
  closure inside a function is not compared: a page may show the lecture's slip as a small edit
  of one method, whose closure is the lecture's.
"""
import ast
import re

import pytest
from conftest import ROOT

import pagecode

SOLUTIONS = sorted((ROOT / "buildit" / "solutions").glob("*.py"))
PAGES = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "build-it").glob("*.md"))


def lecture_classes():
    """{class name: solution files} of every class a step's solution defines at top level."""
    names = {}
    for path in SOLUTIONS:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                names.setdefault(node.name, []).append(path.name)
    return names


def _normalised(fn, classes):
    """A function's code, comparable across copies: class names ending in a lecture class name are
    that name (LectureValue, SlipValue -> Value), the first parameter is `self`, the name is dropped."""
    fn = ast.parse(ast.unparse(fn)).body[0]  # a copy
    first = fn.args.args[0].arg if fn.args.args else None
    for node in ast.walk(fn):
        if isinstance(node, ast.Name):
            node.id = next((c for c in classes if node.id.endswith(c)), node.id)
            if node.id == first:
                node.id = "self"
        elif isinstance(node, ast.arg) and node.arg == first:
            node.arg = "self"
    fn.name = "f"
    fn.decorator_list = []
    return ast.dump(ast.Module(fn.body, []), include_attributes=False), ast.dump(fn.args)


def _functions(tree):
    """(owner, function) for every function defined at a module's or a class's top level: not the
    closures inside a method, which a page may repeat in a small edit of the lecture's method."""
    return [(node, item) for node in ast.walk(tree) if isinstance(node, (ast.Module, ast.ClassDef))
            for item in node.body if isinstance(item, ast.FunctionDef)]


def lecture_functions(classes):
    """{normalised code: 'file: qualified name'} of every function and method of the solutions with
    two statements or more (a one-line `return self * other` is no copy worth a test)."""
    found = {}
    for path in SOLUTIONS:
        for node, fn in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            if len(fn.body) >= 2:
                where = f"{node.name}.{fn.name}" if isinstance(node, ast.ClassDef) else fn.name
                found.setdefault(_normalised(fn, classes), f"buildit/solutions/{path.name}: {where}")
    return found


def copies(text, page):
    """What page code `text` copies of the lecture's code: one line per class or function."""
    classes = lecture_classes()
    functions = lecture_functions(classes)
    problems = []
    for block in pagecode.check_fences(text, page):
        if block.syntax not in pagecode.RUNNABLE:
            continue
        tree = ast.parse(block.code)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                problems.append(f"{page}, block at line {block.lineno}: class {node.name}, which "
                                f"{', '.join(classes[node.name])} defines: show it with a ```lecture block")
        for _, fn in _functions(tree):
            if _normalised(fn, classes) in functions:
                problems.append(f"{page}, block at line {block.lineno}: def {fn.name} is a copy of "
                                f"{functions[_normalised(fn, classes)]}: show it with a ```lecture block")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_no_page_holds_a_copy_of_the_lectures_code(page):
    problems = copies(page.read_text(encoding="utf-8"), page.name)
    assert not problems, "\n".join(problems)


def test_the_lecture_classes_are_the_solutions():
    assert {"Value", "Neuron", "Layer", "MLP"} <= set(lecture_classes())


COPIES = {
    "a class named like the lecture's": "```python\nclass Neuron:\n    pass\n```\n",
    "a class named like the lecture's, in a solution": (
        '??? success "Solution"\n\n    ```python\n    def make():\n        class Value:\n'
        "            pass\n        return Value\n    ```\n"),
    "a method copied into a renamed class": (
        "```python\nclass MyValue:\n    def __add__(self, other):\n"
        '        out = MyValue(self.data + other.data, (self, other), "+")\n\n'
        "        def _backward():\n            self.grad += 1.0 * out.grad\n"
        "            other.grad += 1.0 * out.grad\n\n        out._backward = _backward\n        return out\n```\n"),
    "backward() copied as a function": (
        "```python\ndef lecture_backward(root):\n    topo = []\n    visited = set()\n\n"
        "    def build_topo(v):\n        if v not in visited:\n            visited.add(v)\n"
        "            for child in v._prev:\n                build_topo(child)\n            topo.append(v)\n\n"
        "    build_topo(root)\n    root.grad = 1.0\n    for node in reversed(topo):\n        node._backward()\n```\n"),
}


@pytest.mark.parametrize("name", COPIES)
def test_a_copy_injected_into_a_page_is_caught(name):
    page = ROOT / "docs" / "derivative-one-input.md"
    clean = page.read_text(encoding="utf-8")
    assert not copies(clean, page.name)
    problems = copies(clean + "\n" + COPIES[name], page.name)
    assert problems and all("show it with a ```lecture block" in p for p in problems), problems


def test_a_lecture_block_is_no_copy():
    text = "```lecture\nclosures\n```\n\n```python\nv = Value(2.0)\n```\n"
    assert not copies(text, "page.md")


def test_the_page_runner_runs_a_whole_step_or_class_and_only_shows_a_method():
    text = ("```lecture\naccumulate\n```\n\n```lecture\nmore-ops:Value.__pow__\n```\n\n"
            "```python\na = Value(3.0)\n(a * a).backward()\nprint(a, a.grad, hasattr(Value, '__pow__'))\n```\n")
    runs = pagecode.run_page(text, page="page.md")
    assert [r.block.syntax for r in runs] == ["python", "python"], "the method alone is not run"
    assert runs[0].block.code == (ROOT / "buildit" / "solutions" / "accumulate.py").read_text(encoding="utf-8")
    assert runs[1].output == "Value(data=3.0) 6.0 False\n", "the page's Value is the step's (its repr, its +=), without **"


@pytest.mark.parametrize("ref, message", [
    ("closure", "'closure': there is no step 'closure'; the steps are: value, graph"),
    ("closures:Neuron", "'closures:Neuron': buildit/solutions/closures.py has no Neuron"),
    ("closures:Value.__pow__", "buildit/solutions/closures.py has no Value.__pow__"),
    ("closures Value", "is not of the form STEP, STEP:Name or STEP:Class.method"),
])
def test_a_lecture_reference_that_does_not_resolve_fails_naming_page_and_line(ref, message):
    with pytest.raises(pagecode.PageCodeError, match=r"page\.md, line 3 \(```lecture block\): .*" + re.escape(message)):
        pagecode.run_page(f"# A page\n\n```lecture\n{ref}\n```\n", page="page.md")
