"""Build-time pictures show the page's objects as they are at the picture's place in the page."""
import re
from types import SimpleNamespace

import graphs

PAGE = '''# T { #t }

```python
from micrograd import Value
a = Value(2.0, label="a")
b = a * 3
b.label = "b"
```

```graph
b
```

```python
b.backward()
```

```graph
b
```

```plot
# alt: a rising line
import matplotlib.pyplot as plt
plt.plot([1, 2], [1, 2])
```

```plot
# alt: a falling line
import matplotlib.pyplot as plt
plt.plot([1, 2], [2, 1])
plt.plot([1, 2], [1, 1])
```
'''


def render(text, name="pictures.md"):
    page = SimpleNamespace(file=SimpleNamespace(src_uri=name, generated_by=None, content_string=text))
    markdown = graphs.on_page_markdown(text, page, None, None)
    # Each rendered fence now holds "<key> <hash of its picture>".
    keys = [line.split()[0] for line in markdown.splitlines() if line.startswith("pictures-")]
    return [graphs._html[k] for k in keys]


def test_a_graph_is_drawn_before_later_blocks_change_it():
    before, after, *_ = render(PAGE)
    assert "grad 0.0000" in before and "grad 3.0000" not in before
    assert "grad 3.0000" in after


def test_each_plot_block_draws_only_its_own_figure():
    *_, first, second = render(PAGE)
    lines = lambda svg: len(re.findall(r'id="[^"]*line2d_', svg))  # ticks and plotted lines
    assert 'aria-label="a rising line"' in first and 'aria-label="a falling line"' in second
    assert lines(second) - lines(first) == 1, "the second plot drew one more line than the first"


def test_graph_ids_are_unique_on_the_page():
    pictures = render(PAGE)
    ids = [i for svg in pictures for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("pictures-") for i in ids)


def test_a_graph_has_a_text_alternative_and_a_table():
    before, *_ = render(PAGE)
    assert 'role="img" aria-label="Expression graph of b = 6.0000: 3 values and 1 operations' in before
    assert "<table>" in before and "<td>a</td>" in before
