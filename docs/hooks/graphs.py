"""Build-time pictures from a page's own code.

On every page the build runs the code blocks in order (hooks/pagecode.py), which also checks that
each shown output is what its block prints. Then

- a ```graph block, whose code ends in a `Value`, becomes that value's expression graph, drawn by
  `micrograd.draw_dot` with the real graphviz `dot`, inlined as SVG with a table of its nodes;
- a ```backprop block, whose code also ends in a `Value`, becomes a step-through of that value's
  backward pass, observed from the engine (hooks/stepper.py);
- a ```plot block, whose first line is `# alt: <text alternative>`, becomes the matplotlib figure
  it draws, inlined as SVG, in the colours of the reader's light or dark scheme.

Graphs are sized to fit the text column (hooks/graphsvg.py).

Any failure stops the build with a message that names the page and the line.

A graph's table and a stepper's controls, caption and table are in the words of the build's edition
(English, or Chinese for mkdocs.zh.yml: `theme.language: zh`); the pictures themselves are the same.
Each picture is made in both editions' words at once and cached so: the Chinese build reuses the
English build's run of the same code (hooks/cache.py), and shows its own words.
"""
import html
import io
import itertools
import logging
import os
import re
import sys
import time

from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

sys.path.insert(0, os.path.dirname(__file__))
import cache  # noqa: E402  (the cache.py hook, registered before this one)
import graphsvg  # noqa: E402  (sibling modules; MkDocs loads hooks by path)
import pagecode  # noqa: E402
import stepper  # noqa: E402
from translation import edition  # noqa: E402

log = logging.getLogger("mkdocs.hooks.graphs")
FENCES = ("graph", "backprop", "plot")
_html = {}  # placeholder key -> rendered HTML, filled per page, read by the fence formatter
LANGS = ("en", "zh")  # the editions; every picture is made in the words of each
_lang = {"now": "en"}  # the edition this build makes, from theme.language (on_config)
TEXT = {  # the words of a graph's table, in each edition
    "en": {"summary": "The graph as a table", "head": ("value", "data", "grad", "made by", "from"),
           "input": "input"},
    "zh": {"summary": "这张图，列成表格", "head": ("值", "data", "grad", "运算", "来自"), "input": "输入"},
}
_stats = {"graphs": 0, "backprops": 0, "plots": 0, "pages": 0, "seconds": 0.0, "cached": 0}


def on_config(config):
    _lang["now"] = edition(config)
    # A fresh engine for every build, so that `mkdocs serve` shows edits to micrograd/.
    for name in [m for m in sys.modules if m == "micrograd" or m.startswith("micrograd.")]:
        del sys.modules[name]
    os.environ["MPLBACKEND"] = "Agg"
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    for name in FENCES:
        if not any(f.get("name") == name for f in fences):  # idempotent across serve rebuilds
            fences.append({"name": name, "class": name, "format": _format})
    return config


def on_pre_build(config):
    _stats.update(graphs=0, backprops=0, plots=0, pages=0, seconds=0.0, cached=0)
    pagecode.PRINTED.clear()


def on_page_markdown(markdown, page, config, files):
    if "```" not in markdown or page.file.generated_by:  # generated pages (source/*.md) hold no page code
        return markdown
    start = time.perf_counter()
    where = page.file.src_uri
    # Keyed on the page's code alone, not its prose: a prose edit, or the Chinese page around the
    # same code (hooks/translation.py), reuses the run.
    cache_key = cache.key("pagecode", where, _code_of(page.file.content_string, where))
    hit = cache.load("pagecode", cache_key)
    lang = _lang["now"]
    if hit is not None and "pictures" in hit and lang in hit.get("html", {}):  # this code already ran
        openers = [b.lineno for b in pagecode.extract_from_buffer(io.StringIO(markdown)) if b.syntax in FENCES]
        if len(openers) == len(hit["pictures"]):
            _html.update(hit["html"][lang])
            pagecode.PRINTED[where] = hit["printed"]
            _stats["cached"] += 1
            return _replace_bodies(markdown, {n: f"{k} {cache.digest(_html[k])}"
                                              for n, k in zip(openers, hit["pictures"]) if k})
    counter = itertools.count()

    def draw(run):
        key = f"{_slug(where)}-{run.block.syntax}{next(counter)}"
        at = f"{where}, line {run.block.lineno}"
        _stats[run.block.syntax + "s"] += 1
        if run.block.syntax == "graph":
            return key, _graph_html(run.value, key, at)
        if run.block.syntax == "backprop":
            return key, stepper.stepper_figures(run.value, key, at, LANGS)
        return key, dict.fromkeys(LANGS, _plot_html(run.block.code, key, at))  # a plot has no words of ours

    try:
        # The page as written, not `markdown` (which includes and chapter headers have already
        # lengthened): errors then name the line of the source file.
        runs = pagecode.run_page(page.file.content_string, page=where, draw=draw)
        pictures = [run for run in runs if run.block.syntax in FENCES]
        openers = [b.lineno for b in pagecode.extract_from_buffer(io.StringIO(markdown)) if b.syntax in FENCES]
        if len(openers) != len(pictures):
            raise ValueError(f"the page has {len(pictures)} ```graph and ```plot blocks, but "
                             f"{len(openers)} after the other hooks ran")
        keys, order, drawn = {}, [], {lang: {} for lang in LANGS}
        for lineno, run in zip(openers, pictures):
            order.append(None)
            if run.picture:
                key, by_lang = run.picture
                _html[key] = by_lang[lang]
                for each in LANGS:
                    drawn[each][key] = by_lang[each]
                keys[lineno] = order[-1] = key
    except pagecode.PageCodeError as e:
        raise PluginError(f"Page code failed: {e}") from e
    except Exception as e:
        raise PluginError(f"{where}: {type(e).__name__}: {e}") from e
    _stats["pages"] += 1
    _stats["seconds"] += time.perf_counter() - start
    # Each fence keeps its key and a hash of its picture: the Markdown changes whenever a picture
    # does (docs/hooks/rebuilds.py reuses a page's HTML only for the same Markdown).
    out = _replace_bodies(markdown, {n: f"{k} {cache.digest(_html[k])}" for n, k in keys.items()})
    printed = pagecode.PRINTED[where] = [None if run.skipped else run.output for run in runs]
    cache.store("pagecode", cache_key, {"pictures": order, "html": drawn, "printed": printed})
    return out


def _code_of(text, where):
    """Everything of a page that its code run depends on: each block's language, code, shown output
    and marks, in order (not its prose, nor its line numbers)."""
    try:
        blocks = pagecode.check_fences(text, where)
    except pagecode.PageCodeError:
        return text  # run_page reports it, naming the line
    return repr([(b.syntax, b.code, b.expected_output, list(b.marks), b.importorskip) for b in blocks])


def on_page_content(html, page, config, files):
    return graphsvg.fit_figures(html, _slug(page.file.src_uri), _lang["now"])  # graphs a notebook draws itself


def on_post_build(config):
    reused = f"; {_stats['cached']} pages' results from the build cache" if _stats["cached"] else ""
    log.info("Ran the code of %d pages and rendered %d graphs, %d backward-pass steppers and %d plots "
             "in %.2f s%s", _stats["pages"], _stats["graphs"], _stats["backprops"], _stats["plots"],
             _stats["seconds"], reused)


def _format(source, language, css_class, options, md, **kwargs):
    key = source.split()[0] if source.strip() else ""  # the fence holds "<key> <hash of its picture>"
    if key not in _html:
        raise SuperFencesException(f"```{language} block was not rendered by the build: {key[:60]!r}")
    return _html[key]


def _replace_bodies(markdown, keys):
    """Swap the code inside each rendered fence (found by its opening line) for its key."""
    lines = markdown.splitlines(keepends=True)
    for lineno in sorted(keys, reverse=True):
        opener = lines[lineno - 1]
        indent = opener[: len(opener) - len(opener.lstrip())]
        ticks = re.match(r"`+", opener.lstrip()).group()
        end = lineno
        while not lines[end].lstrip().startswith(ticks):
            end += 1
        lines[lineno:end] = [f"{indent}{keys[lineno]}\n"]
    return "".join(lines)


def _graph_html(root, key, at):
    """{lang: the figure, its table in that edition's words}: one drawing for all editions."""
    from micrograd import trace  # pagecode checked that `root` is a Value

    nodes, _ = trace(root)
    names = {v: v.label or f"#{i}" for i, v in enumerate(nodes)}
    ops = sum(1 for v in nodes if v._op)
    what = f"{root.label} = {root.data:.4f}" if root.label else f"a value of {root.data:.4f}"
    label = (f"Expression graph of {what}: {len(nodes)} values and {ops} operations, "
             f"inputs first. The same graph follows as a table.")
    svg, zoom = graphsvg.graph_svg(root, key, label)

    def figure(lang):
        t = TEXT[lang]
        rows = "".join(
            f"<tr><td>{html.escape(names[v])}</td><td>{v.data:.4f}</td><td>{v.grad:.4f}</td>"
            f"<td>{html.escape(v._op) or t['input']}</td>"
            f"<td>{', '.join(html.escape(names[c]) for c in v._prev)}</td></tr>"
            for v in nodes
        )
        return (
            f'<figure class="mg-graph" id="{key}">'
            f'<div class="mg-scroll" tabindex="0">{svg}</div>'  # focusable: keyboards can scroll it
            + (graphsvg.zoom_button(key, lang) if zoom else "") +
            f"<details class=\"mg-graph-table\"><summary>{t['summary']}</summary>"
            f"<table><thead><tr>{''.join(f'<th>{h}</th>' for h in t['head'])}"
            f"</tr></thead><tbody>{rows}</tbody></table></details></figure>"
        )

    return {lang: figure(lang) for lang in LANGS}


def _plot_html(code, key, at):
    import matplotlib.pyplot as plt

    alt = pagecode.plot_alt(code, at)
    out = io.StringIO()
    with plt.rc_context({"svg.hashsalt": key, "svg.fonttype": "path"}):
        plt.gcf().savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None}, transparent=True)
    plt.close("all")
    return f'<figure class="mg-plot" id="{key}">{graphsvg.clean_svg(_themed(out.getvalue()), key, alt)}</figure>'


def _themed(svg):
    """A transparent matplotlib SVG in the page's colours: its black (text, axes, "k" markers) becomes
    the theme's text colour and its white (legend boxes) the theme's background (assets/site.css)."""
    svg = re.sub(r"#000000\b", "currentColor", svg)
    return re.sub(r"#ffffff\b", "var(--md-default-bg-color)", svg)


def _slug(path):
    return re.sub(r"[^a-z0-9]+", "-", path.lower().removesuffix(".md")).strip("-")
