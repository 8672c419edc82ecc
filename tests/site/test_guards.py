"""Each guard of the build really fires: a small copy of the site with one deliberate break must
fail to build, with a message that names the broken page.

The copy uses the real hooks, plugins and theme (the real mkdocs.yml with a shorter nav), so these
tests exercise the same machinery as the real build, only on one page at a time.
"""
import shutil
import textwrap

import pytest
import yaml
from conftest import ROOT, mkdocs_build

GOOD_PAGE = """\
# A page { #a-page }

```source
original.engine.Value.relu
```

```python
from micrograd import Value
x = Value(3.0, label="x")
y = x * x
y.label = "y"
print(y.data)
```

<!--pytest-codeblocks:expected-output-->
```text
9.0
```
"""

BREAKS = {
    "a broken include": (
        "```source\nmicrograd.engine.Value.__no_such_method__\n```\n",
        "__no_such_method__",
    ),
    "a broken include of the original": (
        "```source\noriginal.engine.Value.tanh\n```\n",  # the original has relu, not tanh
        "third_party/micrograd-0.1.0/micrograd/engine.py has no Value.tanh",
    ),
    "an include of neither codebase": (
        "```source\nmicrograd_original.engine\n```\n",
        "is not of the form micrograd.module[.name] or original.module[.name]",
    ),
    "a failing graph block": (
        "```graph\nx * undefined_name\n```\n",
        "NameError",
    ),
    "a graph block that draws no Value": (
        "```graph\n42\n```\n",
        "must end in a Value",
    ),
    "an output the code does not print": (
        '```python\nprint(y.data + 1)\n```\n\n<!--pytest-codeblocks:expected-output-->\n```text\n9.0\n```\n',
        "does not print",
    ),
    "a plot without a text alternative": (
        "```plot\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\n```\n",
        "# alt:",
    ),
    "a mistyped fence before a wrong shown output": (
        '```py\nprint(7.4)\n```\n\n<!--pytest-codeblocks:expected-output-->\n```text\n26.1\n```\n',
        "fence language 'py' is not one of",
    ),
    # Engine excerpts link to their lines on the generated source pages, as links MkDocs checks:
    "a link to a line the source page does not have": (
        "[line](source/engine.md#__codelineno-0-99999)\n",
        "does not contain an anchor '#__codelineno-0-99999'",
    ),
    "a link to a source page that does not exist": (
        "[line](source/no_such_module.md#__codelineno-0-1)\n",
        "source/no_such_module.md",
    ),
    "a lecture reference to a step that does not exist": (
        "```lecture\nclosure:Value\n```\n",  # the step is `closures`
        "'closure:Value': there is no step 'closure'",
    ),
    "a lecture reference to a method the step does not have": (
        "```lecture\nclosures:Value.__pow__\n```\n",  # ** comes with step more-ops
        "'closures:Value.__pow__': buildit/solutions/closures.py has no Value.__pow__",
    ),
    "a wrong shown output after a skipped block": (
        '<!--pytest.mark.skip(reason="shown, never run")-->\n```python\nprint(7.4)\n```\n\n'
        '<!--pytest-codeblocks:expected-output-->\n```text\n26.1\n```\n',
        "broken.md, line 21: an expected output follows a block marked skip",
    ),
    "a failing block inside a solution": (
        '??? success "Solution"\n\n    ```python\n    1 / 0\n    ```\n',
        "ZeroDivisionError",
    ),
}


def make_site(tmp_path, page_text, notebook=None):
    """A copy of the site's config and hooks with one page (and optionally one notebook)."""
    docs = tmp_path / "docs"
    # Everything the build needs (hooks, theme overrides, assets, metadata), but none of the pages.
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("*.md", "examples"))
    # the engine, the track's checks (hooks/track.py), the original (`original.` includes)
    for package in ("micrograd", "buildit", "third_party"):
        shutil.copytree(ROOT / package, tmp_path / package)
    for name in ("CITATION.cff", "pyproject.toml"):  # docs/hooks/cite.py's metadata, beside mkdocs.yml
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "web").symlink_to(ROOT / "web", target_is_directory=True)  # the in-page Python (hooks/runner.py)
    (docs / "broken.md").write_text(page_text, encoding="utf-8")
    nav = [{"Broken": "broken.md"}]
    if notebook:
        (docs / "examples").mkdir()
        shutil.copy(notebook, docs / "examples" / notebook.name)
        nav.append({"Notebook": f"examples/{notebook.name}"})
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    config["nav"] = nav
    config.pop("watch", None)
    (tmp_path / "mkdocs.yml").write_text(yaml.dump(config, sort_keys=False), encoding="utf-8")
    return tmp_path / "mkdocs.yml"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml's !ENV and !relative tags as their default values."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1]
                        if isinstance(node, yaml.SequenceNode) else None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)


def test_the_good_page_builds(tmp_path):
    code, log, _ = mkdocs_build(make_site(tmp_path, GOOD_PAGE), tmp_path / "site")
    assert code == 0, log


@pytest.mark.parametrize("name", BREAKS)
def test_the_build_fails_on(name, tmp_path):
    broken, message = BREAKS[name]
    code, log, _ = mkdocs_build(make_site(tmp_path, GOOD_PAGE + "\n" + broken), tmp_path / "site")
    assert code != 0, f"the build passed with {name}:\n{log}"
    assert "broken.md" in log, f"the error does not name the page:\n{log}"
    assert message in log, f"the error does not say {message!r}:\n{log}"


def test_the_build_fails_on_a_failing_notebook(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Breaks"),
                nbformat.v4.new_code_cell("from micrograd import Value\nValue(1.0) / 0")]
    path = tmp_path / "breaks.ipynb"
    nbformat.write(nb, path)
    code, log, _ = mkdocs_build(make_site(tmp_path / "s", GOOD_PAGE, notebook=path), tmp_path / "site")
    assert code != 0, f"the build passed with a failing notebook:\n{log}"
    assert "breaks.ipynb" in log and "ZeroDivisionError" in log, log


def test_the_build_fails_on_a_notebook_picture_without_alt_text(tmp_path):
    """nbconvert only warns ("Alternative text is missing on 1 image(s)"), on a logger MkDocs does
    not watch; docs/hooks/notebooks.py makes that stop the build, naming the notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    nb.cells = [nbformat.v4.new_markdown_cell("# No alt"),
                nbformat.v4.new_code_cell(f"from IPython.display import display\n"
                                          f"display({{'image/png': '{pixel}'}}, raw=True)")]
    path = tmp_path / "no-alt.ipynb"
    nbformat.write(nb, path)
    code, log, _ = mkdocs_build(make_site(tmp_path / "s", GOOD_PAGE, notebook=path), tmp_path / "site")
    assert code != 0, f"the build passed with a picture without alt text:\n{log}"
    assert "examples/no-alt.ipynb: nbconvert warned while converting it: Alternative text is missing on 1 image(s)" in log, log


def test_the_build_names_the_source_line_below_an_include(tmp_path):
    # The include above the failing block is expanded into ~15 lines before the page code runs;
    # the error must still name the line of the failing block in the page as written.
    page = GOOD_PAGE + "\n```source\nmicrograd.engine.Value.__mul__\n```\n\n```python\n1 / 0\n```\n"
    line = page.splitlines().index("1 / 0")  # the fence's line, counted from 1
    code, log, _ = mkdocs_build(make_site(tmp_path, page), tmp_path / "site")
    assert code != 0, log
    assert f"broken.md, line {line} (```python block) raised ZeroDivisionError" in log, log


def test_a_source_block_shown_as_markdown_is_left_as_written(tmp_path):
    """docs/contributing.md shows how to write a ```source block inside a ````markdown fence: that
    example is text, so even a reference that does not resolve must not be included (or fail)."""
    example = "````markdown\n```source\nmicrograd.engine.Value.__an_example__\n```\n````\n"
    code, log, _ = mkdocs_build(make_site(tmp_path, GOOD_PAGE + "\n" + example), tmp_path / "site")
    assert code == 0, log
    html = (tmp_path / "site" / "broken" / "index.html").read_text(encoding="utf-8")
    assert "micrograd.engine.Value.__an_example__" in html


LECTURE_PAGE = """\
# A page { #a-page }

```lecture
closures
```

```python
a, b = Value(2.0), Value(-3.0)
c = a * b
c.grad = 1.0
c._backward()
print(c, a.grad, b.grad)
```

<!--pytest-codeblocks:expected-output-->
```text
Value(data=-6.0) -3.0 2.0
```

```lecture
more-ops:Value.__pow__
```
"""


def test_a_lecture_block_shows_and_runs_the_steps_code(tmp_path):
    """```lecture closures shows buildit/solutions/closures.py and runs it where it stands (the
    lecture's repr, without grad, proves that the page's Value is now the lecture's); a method
    alone is shown, titled, and not run; each links to its step and its moment of the video."""
    import json

    config = make_site(tmp_path, LECTURE_PAGE)
    for step in ("closures", "more-ops"):  # the steps' pages the captions link to (a strict build checks links)
        (tmp_path / "docs" / "build-it").mkdir(exist_ok=True)
        (tmp_path / "docs" / "build-it" / f"{step}.md").write_text(f"# {step} {{ #{step} }}\n")
    code, log, _ = mkdocs_build(config, tmp_path / "site")
    assert code == 0, log
    html = (tmp_path / "site" / "broken" / "index.html").read_text(encoding="utf-8")
    assert html.count('href="../build-it/closures/"') == 1 and 'href="../build-it/more-ops/"' in html
    assert "youtube.com/watch?v=" in html and "&amp;t=4142s" in html  # the step's second, from buildit/steps.py
    assert "lines 39–47" in html and '<span class="filename">Value.__pow__</span>' in html
    assert html.count('<p class="mg-lecture-source">') == 2
    blocks = json.loads((tmp_path / "site" / "assets" / "run" / "pages" / "broken.json").read_text())["blocks"]
    solution = (ROOT / "buildit" / "solutions" / "closures.py").read_text(encoding="utf-8")
    assert [b["code"] for b in blocks][0] == solution, "the browser runs exactly the file shown"
    assert len(blocks) == 2, "the method alone is not run"
