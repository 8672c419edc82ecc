"""Which blocks a reader can run in the page (docs/hooks/runner.py), decided without a browser:
the same blocks as the build runs, in the same order, minus solutions, and the ones that need
what the in-page Python lacks marked with why."""
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "docs" / "hooks"))
import runner  # noqa: E402

PAGE = '''\
# A page

```python
from micrograd import Value
a = Value(2.0)
print(a.data)
```

<!--pytest-codeblocks:expected-output-->
```text
2.0
```

```source
micrograd.engine.Value.__add__
```

```plot
# alt: a line
import matplotlib.pyplot as plt
xs = [1, 2]
plt.plot(xs)
```

```python
def double(v):
    xs = [v, v]  # the function's own xs, not the plot's
    return xs[0] * 2
print(double(a).data)
```

```python
print(len(xs))
```

<!--pytest.mark.skip(reason="shown, never run")-->
```python
raise SystemExit
```

??? success "Solution"
    ```python
    print(a.data + 1)
    ```

```python
import sys
try:
    build(v)
except RecursionError:
    pass
```
'''


def test_blocks_are_the_builds_in_page_order_with_solutions_and_local_ones_marked():
    blocks = runner.page_blocks(PAGE)
    assert [b["syntax"] for b in blocks] == ["python", "plot", "python", "python", "python", "python", "python"]
    assert blocks[0]["expected"] == "2.0\n" and not blocks[0]["local"]
    assert blocks[1]["local"] == runner.NEEDS.format("matplotlib")
    assert not blocks[2]["local"], "a function's own local `xs` is not the plot block's `xs`"
    assert blocks[3]["local"] == runner.NEEDS.format("matplotlib"), "reads the plot block's `xs`"
    assert blocks[4]["skip"] == "shown, never run"
    assert blocks[5]["solution"] and not blocks[0]["solution"]
    assert blocks[6]["local"] == runner.RECURSES


def test_the_markers_go_under_the_blocks_a_reader_may_run():
    class Page:
        class file:
            src_uri = "a.md"
        url = "a/"

    out = runner.on_page_markdown(PAGE, Page, None, None)
    marked = [int(line.split('data-block="')[1].split('"')[0]) for line in out.splitlines() if 'class="mg-run"' in line]
    assert marked == [0, 1, 2, 3, 6], "no marker under the skipped block or the solution"
    assert 'data-local="needs matplotlib' in out


def test_the_browser_gets_what_the_build_printed_for_every_block(built_site):
    """assets/run/pages/*.json carries, for every block, what the build's Python printed (None for a
    skipped block): what the browser tests compare the browser's output with, shown output or not."""
    import json

    site, _ = built_site
    blocks = [b for f in sorted((site / "assets" / "run" / "pages").glob("*.json"))
              for b in json.loads(f.read_text(encoding="utf-8"))["blocks"]]
    assert blocks
    for b in blocks:
        assert (b["printed"] is None) == bool(b["skip"]), b
        if b["expected"] is not None:
            assert b["printed"] == b["expected"], b
    # the blocks that show no output are compared too: with what they printed, mostly nothing
    assert sum(b["expected"] is None and b["printed"] is not None for b in blocks) >= 20
