"""Every page of both editions (the English site and the Chinese one under /zh/), in light and in
dark: it loads cleanly, offline, and shows what it promises.

Each test reads the records of one sweep over all pages (browsing.py) and runs once per colour
scheme; a failure lists every page that breaks the rule, not just the first one.
"""
from pathlib import Path

from browsing import SCHEMES, ZH, report
from sitebuild import FIGURES, ROOT

MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text
MIN_LINE_CONTRAST = 3.0  # WCAG 1.4.11 for the lines of a graphic
MIN_GRAPH_TEXT_PX = 10  # issue 14: graph text at 1280 px renders at >= 10 CSS px


def test_the_sweep_covers_every_page(sweep):
    pages = set(sweep.pages)
    expected = {""} | {p.stem + "/" for p in (ROOT / "docs").glob("*.md") if p.stem != "index"}
    expected |= {f"examples/{nb.stem}/" for nb in (ROOT / "examples").glob("*.ipynb")}
    # The Chinese edition: every page written in zh/ (zh/docs/*.md, zh/examples/*.md for the notebooks)
    zh = ROOT / "zh"
    for p in (zh / "docs").rglob("*.md"):
        rel = p.relative_to(zh / "docs").with_suffix("").as_posix()
        expected.add(ZH + ("" if rel == "index" else rel.removesuffix("/index") + "/"))
    expected |= {f"{ZH}examples/{p.stem}/" for p in (zh / "examples").glob("*.md")}
    missing = sorted(expected - pages)
    assert not missing, f"pages missing from the sitemaps, so from the browser tests: {missing}"
    assert any(Path(p).parts[:1] == ("examples",) for p in pages), "no notebook page is tested"
    assert sweep.chinese and all(p.startswith(ZH) for p in sweep.chinese), "the Chinese edition is not swept"


def test_pages_load_without_errors(visits):
    report([f"{v.name}: {e}" for v in visits for e in v.console + v.failed],
           "console errors or failed requests")


def test_pages_ask_no_other_host(visits, sweep):
    report([f"{v.name}: {url}" for v in visits for url in v.outside]
           + [f"(no page known): {url}" for url in sweep.outside], "requests to other hosts")


def test_pages_follow_the_colour_scheme(visits):
    report([f"{v.name}: data-md-color-scheme is {v.facts.get('scheme')!r}, not {SCHEMES[v.scheme]!r}"
            for v in visits if v.facts.get("scheme") != SCHEMES[v.scheme]], "pages in the wrong scheme")


def test_every_formula_is_rendered(visits):
    problems = []
    for v in visits:
        math = v.facts["math"]
        problems += [f"{v.name}: not rendered: {m!r}" for m in math["unrendered"]]
        problems += [f"{v.name}: KaTeX error: {m!r}" for m in math["errors"]]
    report(problems, "formulas not rendered")
    assert sum(v.facts["math"]["rendered"] for v in visits), "no page has any rendered formula at all"


def test_graphs_and_plots_are_drawn_with_a_text_alternative(visits):
    problems = []
    for v in visits:
        for f in v.facts["figures"]:
            where = f"{v.name} {f['kind']} #{f['id']}"
            if not f["svg"]:
                problems.append(f"{where}: no <svg>")
                continue
            if not (f["width"] > 0 and f["height"] > 0):
                problems.append(f"{where}: drawn at {f['width']}x{f['height']} px")
            if not f["label"] or f["role"] != "img":
                problems.append(f"{where}: no text alternative (role={f['role']!r}, aria-label={f['label']!r})")
    report(problems, "graphs or plots not shown or not described")
    assert sum(v.facts["graphs"] for v in visits), "no page has a build-time graph"


def test_graph_and_plot_colours_are_readable(visits):
    problems = []
    for v in visits:
        for f in v.facts["figures"]:
            where = f"{v.name} {f['kind']} #{f['id']}"
            if f.get("svg") and not f["texts"]:
                problems.append(f"{where}: no visible text found to check")
            text, line = f.get("text"), f.get("line")
            if text and text["ratio"] < MIN_TEXT_CONTRAST:
                problems.append(f"{where}: text {text['what']!r} in {text['fill']} on {text['back']}: "
                                f"contrast {text['ratio']:.2f} < {MIN_TEXT_CONTRAST}")
            if line and line["ratio"] < MIN_LINE_CONTRAST:
                problems.append(f"{where}: {line['what']} lines in {line['fill']} on {line['back']}: "
                                f"contrast {line['ratio']:.2f} < {MIN_LINE_CONTRAST}")
    report(problems, "unreadable colours in graphs or plots")


def test_notebook_outputs_are_shown(visits):
    notebooks = [v for v in visits if v.facts["notebook"] is not None]
    assert notebooks, "no notebook page found"
    problems = []
    for v in notebooks:
        nb = v.facts["notebook"]
        if not nb["styled"]:
            problems.append(f"{v.name}: the JupyterLab stylesheet is not applied")
        if not nb["outputs"]:
            problems.append(f"{v.name}: {nb['cells']} code cells and no output at all")
        if nb["empty"]:
            problems.append(f"{v.name}: {nb['empty']} of {nb['outputs']} outputs take no space")
        if nb["brokenImages"]:
            problems.append(f"{v.name}: {nb['brokenImages']} images in outputs did not load")
        text = nb["worstText"]
        if text and text["ratio"] < MIN_TEXT_CONTRAST:
            problems.append(f"{v.name}: output {text['what']!r} in {text['fill']} on {text['back']}: "
                            f"contrast {text['ratio']:.2f} < {MIN_TEXT_CONTRAST}")
    report(problems, "notebook pages with missing or unreadable outputs")


def test_no_page_scrolls_sideways(visits):
    report([f"{v.name}: the page scrolls {v.facts['sideways']} px sideways" for v in visits if v.facts["sideways"] > 0],
           "pages wider than the window at 1280 px")


def test_graphs_fit_the_column_with_readable_text(visits):
    """At 1280 px no graph scrolls and its text is >= 10 px, or it is shrunk to fit and has a
    full-size view (docs/hooks/graphsvg.py)."""
    problems, widest, smallest = [], 0.0, None
    for v in visits:
        for f in v.facts["figures"]:
            if f["kind"] != "graph" or not f.get("svg"):
                continue
            where = f"{v.name} graph #{f['id']}"
            widest = max(widest, f["width"] / v.facts["column"])
            if f["zoom"]:
                continue  # too wide to read in the column: its full-size view is tested in test_graphs.py
            smallest = f["smallestText"] if smallest is None else min(smallest, f["smallestText"])
            if f["scrolls"]:
                problems.append(f"{where}: {f['width']:.0f} px wide, scrolls inside a {v.facts['column']} px column")
            if f["smallestText"] < MIN_GRAPH_TEXT_PX:
                problems.append(f"{where}: text at {f['smallestText']:.1f} px < {MIN_GRAPH_TEXT_PX} px, no full-size view")
    FIGURES[f"graphs at 1280 px ({visits[0].scheme})"] = (f"widest {widest:.0%} of the column, smallest text "
                                                          f"{smallest or 0:.1f} px")
    report(problems, "graphs that do not fit the column readably")


def test_plots_follow_the_colour_scheme(visits):
    problems = []
    for v in visits:
        for f in v.facts["figures"]:
            if f["kind"] != "plot" or not f.get("svg"):
                continue
            if v.scheme == "dark" and f["lightBoxes"]:
                problems.append(f"{v.name} plot #{f['id']}: {f['lightBoxes']} opaque light boxes in dark mode")
            if v.scheme == "dark" and f["backdropLum"] > 0.2:
                problems.append(f"{v.name} plot #{f['id']}: on a light background in dark mode")
    report(problems, "plots out of the colour scheme")
    assert sum(v.facts["plots"] for v in visits), "no page has a plot"
