"""Expression graphs as inline SVG that fit the page (used by hooks/graphs.py and hooks/stepper.py).

A graph is laid out left to right, as in the lecture, when that fits the text column with its text
at a readable size; otherwise top to bottom. A graph too wide either way is shown shrunk to the
column, with a "full size" view (assets/graphs.js). The SVG's own CSS size does the rest:
`max-width: 100%` shrinks it to the column, `min-width` stops it below MIN_SCALE, so on a narrow
phone it scrolls inside its box (`.mg-scroll`) and never makes the page scroll.
"""
import html
import re

COLUMN_PX = 680  # the text column of a 1280-px window (Material, both sidebars); measured in tests/browser
FONT_PT = 11  # graphviz font size of every graph's text
MIN_SCALE = 0.7  # 11 pt = 14.7 CSS px at full size, 10.3 px at this scale: the smallest text we allow
MIN_TEXT_PX = 10.3  # the same bound for graphs drawn with other fonts (fit_figures)
PX_PER_PT = 4 / 3
ZOOM = {"en": "Open the graph at full size", "zh": "查看原尺寸的图"}  # the button, in each edition


def graph_svg(root, key, label, annotate=None):
    """(svg, zoom): `root`'s graph drawn by micrograd.draw_dot, cleaned and sized to fit; `zoom` is
    True when even the narrower layout is too wide to show at MIN_SCALE and needs a full-size view.
    `annotate(svg)`, if given, may edit graphviz's SVG while it still has its <title>s (node names)."""
    from micrograd import draw_dot

    best = None
    for rankdir in ("LR", "TB"):
        d = draw_dot(root, rankdir=rankdir)
        d.node_attr.update(fontname="Helvetica", fontsize=str(FONT_PT))  # not graphviz's 14pt Times
        d.edge_attr.update(arrowsize="0.7")
        d.graph_attr.update(nodesep="0.15", ranksep="0.3")
        svg = d.pipe(format="svg", encoding="utf-8")
        svg = annotate(svg) if annotate else svg
        width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1)) * PX_PER_PT
        if width * MIN_SCALE <= COLUMN_PX:
            return _sized(svg, key, label, width, zoom=False), False
        if best is None or width < best[1]:
            best = (svg, width)
    return _sized(best[0], key, label, best[1], zoom=True), True


def _sized(svg, key, label, width, zoom):
    svg = clean_svg(svg, key, label)
    # Full size at most, the column at least down to MIN_SCALE; a zoomable graph shrinks further.
    low = "" if zoom else f"min-width:{width * MIN_SCALE:.0f}px;"
    return svg.replace("<svg", f'<svg style="width:{width:.0f}px;{low}"', 1)


def clean_svg(svg, prefix, label):
    """An SVG fit to inline: no XML prolog, ids unique on the page, a text alternative."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)', rf"\g<1>{prefix}-\2", svg)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{html.escape(label)}"', 1)
    return svg.strip()


def zoom_button(key, lang="en"):
    """The button that opens a too-wide graph at full size (hidden until assets/graphs.js runs)."""
    return (f'<button type="button" class="mg-btn mg-zoom" data-mg-zoom="{key}" hidden>'
            f"{ZOOM[lang]}</button>")


_DRAWN_ELSEWHERE = re.compile(
    r'<figure class="mg-graph"><div class="mg-scroll"(?: tabindex="0")?>(<svg\b[^>]*?\bwidth="([\d.]+)pt".*?</svg>)\s*'
    r"</div>\s*</figure>", re.S)


def fit_figures(html, prefix, lang="en"):
    """Size the graphs a notebook draws itself (`<figure class="mg-graph">` with a bare graphviz SVG,
    examples/graph-gallery.ipynb) like the build's: shrink to the column while the text stays
    >= MIN_TEXT_PX, else a full-size view. Their layout is the notebook's own, so there is no TB
    fallback here."""
    count = iter(range(1, 10_000))

    def fit(m):
        svg, width = m.group(1), float(m.group(2)) * PX_PER_PT
        sizes = [float(s) for s in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)] or [FONT_PT]
        low = MIN_TEXT_PX / (min(sizes) * PX_PER_PT)  # the smallest scale with readable text
        key = f"{prefix}-nbgraph{next(count)}"
        zoom = width * low > COLUMN_PX
        style = f"width:{width:.0f}px;" + ("" if zoom else f"min-width:{width * low:.0f}px;")
        return (f'<figure class="mg-graph" id="{key}"><div class="mg-scroll" tabindex="0">'
                f'{svg.replace("<svg", f"<svg style={chr(34)}{style}{chr(34)}", 1)}</div>'
                + (zoom_button(key, lang) if zoom else "") + "</figure>")

    return _DRAWN_ELSEWHERE.sub(fit, html)
