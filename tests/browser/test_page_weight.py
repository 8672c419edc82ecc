"""Page weight: what a reader downloads, with budgets per type of page that keep the site light.

A first view with an empty cache downloads every response the page asks for: its HTML, the
stylesheets, scripts, fonts and the search index. Each response's body is counted as a static host
that gzips text would send it (browsing.body_sizes: gzip level 6 for text formats, fonts and images
as they are), so the figures are what a reader's connection carries. Every page of the sitemap is
measured by the browser sweep, and the pages outside it (the print page) by a visit of their own.
"""
import gzip
import re
import statistics

from browsing import ZH, Visit, body_sizes, chapter_ids, page_file, report, response_sizes, weigh
from sitebuild import FIGURES

KB = 1024
MB = 1024 * KB
# Raw HTML on disk. "Cite this section" (docs/hooks/cite.py) writes each heading's link, BibTeX and
# APA texts into the page: +22 KB raw on the median chapter (138 -> 160 KB on 2026-12-02), but only
# +1.4 KB gzipped, as a static host sends it (the texts repeat, and gzip folds the repeats).
MEDIAN_CHAPTER_HTML = 180 * KB
MAX_PAGE_HTML = 400 * KB  # notebook pages included; the print page has its own budget below
MAX_SEARCH_INDEX = 1.5 * MB
# What one first view may download (gzipped), per type of page. Measured 2026-11-30 (the figures are
# printed at the end of every browser run): about 285 KB of it is shared by every page (Material's
# JS and CSS, KaTeX, fonts, the search index; 1.05 MB raw); the heaviest first views were home 287 KB,
# chapter 371 KB (code-walkthrough), notebook 468 KB (moons), source 291 KB, other 288 KB, print 870 KB.
# The budgets leave about a third more than that. A page of the Build-it-yourself track opens with
# its code editor (the CodeMirror bundle, about 120 KB gzipped), which is that page's content: 476 KB
# at most on 2026-11-30.
FIRST_VIEW = {
    "track": 620 * KB,
    "playground": 620 * KB,  # opens with its editor too (the playground, issue 22), but never Pyodide
    "home": 400 * KB,
    "chapter": 500 * KB,
    "notebook": 620 * KB,
    "source": 400 * KB,
    "other": 400 * KB,
    "print": 1.2 * MB,
}
PRINT_HTML = 3.5 * MB  # the whole site on one page, uncompressed (2.86 MB on 2026-11-30)


def page_type(path, visit=None):
    path = path.removeprefix(ZH)  # a page of the Chinese edition has the budget of its English page
    if path.startswith("print_page"):
        return "print"
    if path == "":
        return "home"
    if path.rstrip("/") in chapter_ids():
        return "chapter"
    if path.startswith("source/"):
        return "source"
    if path.startswith("build-it/") and path != "build-it/":
        return "track"
    if path == "playground/":
        return "playground"
    if visit is not None and (visit.facts or {}).get("notebook"):
        return "notebook"
    return "other"


def _kb(n):
    return f"{n / KB:,.0f} KB"


def unlisted_pages(site, visits):
    listed = {page_file(site, v.path) for v in visits}
    return sorted(f"{p.parent.relative_to(site)}/" for p in site.rglob("index.html") if p not in listed)


def budget_problems(visits):
    """One line per page over its budgets (HTML on disk, first view gzipped), or nothing measured."""
    problems = []
    for v in visits:
        kind = page_type(v.path, v)
        html_budget = PRINT_HTML if kind == "print" else MAX_PAGE_HTML
        if v.html_bytes > html_budget:
            problems.append(f"/{v.path}: HTML {_kb(v.html_bytes)} > {_kb(html_budget)}")
        if v.transferred > FIRST_VIEW[kind]:
            problems.append(f"/{v.path} ({kind}): first view downloads {_kb(v.transferred)} > {_kb(FIRST_VIEW[kind])}")
        if not v.html_bytes or not v.transferred:
            problems.append(f"/{v.path}: nothing measured")
        problems += [f"/{v.path}: {f}" for f in v.failed if "no such file" in f]
        # No Pyodide, page data or worker before a Run; a track page and the playground open with
        # their editor (see above)
        problems += [f"/{v.path}: loads {url} before any Run" for url, *_ in v.responses
                     if re.search(r"/assets/run/(vendor|pages)/|/assets/run/worker\.mjs", url)
                     and not (kind in ("track", "playground")
                              and url.split("?")[0].endswith("/assets/run/vendor/editor.mjs"))]
        problems += [f"/{v.path}: request to another host {u}" for u in v.outside]
    return problems


def test_page_weight_report_and_budgets(sweep, built_site, browser, site_url):
    site, _ = built_site
    visits = list(sweep("light"))
    extra = unlisted_pages(site, visits)
    assert "print_page/" in extra, f"the print page is missing, or now in the sitemap: {extra}"
    visits += [weigh(browser, site, site_url, path) for path in extra]

    width = max(len(v.path) for v in visits) + 2
    lines = [f"{'page':<{width}} {'type':<9} {'HTML':>9} {'first view':>11} {'(raw)':>9} {'requests':>9}"]
    lines += [f"{'/' + v.path:<{width}} {page_type(v.path, v):<9} {_kb(v.html_bytes):>9} {_kb(v.transferred):>11} "
              f"{_kb(v.raw):>9} {len(v.responses):>9}" for v in visits]
    index = (site / "search" / "search_index.json").stat().st_size
    # The Chinese edition's own index (its words joined by U+200B: jieba's segmentation, bigger)
    zh_index = (site / ZH / "search" / "search_index.json").stat().st_size
    chapters = [v for v in visits if page_type(v.path, v) == "chapter"]
    median = statistics.median(v.html_bytes for v in chapters) if chapters else 0
    lines.append(f"median chapter HTML {_kb(median)} over {len(chapters)} chapters; search index {_kb(index)}, "
                 f"Chinese {_kb(zh_index)}")
    for kind in FIRST_VIEW:
        of_kind = [v.transferred for v in visits if page_type(v.path, v) == kind]
        if of_kind:
            lines.append(f"{kind}: heaviest first view {_kb(max(of_kind))} of {_kb(FIRST_VIEW[kind])} budget "
                         f"({len(of_kind)} pages)")
    FIGURES["page weight (HTML on disk; a first view with an empty cache, gzipped as served, and raw)"] = \
        "\n" + "\n".join(lines)

    problems = budget_problems(visits)
    if median > MEDIAN_CHAPTER_HTML:
        problems.append(f"median chapter HTML {_kb(median)} > {_kb(MEDIAN_CHAPTER_HTML)}")
    if index > MAX_SEARCH_INDEX:
        problems.append(f"search index {_kb(index)} > {_kb(MAX_SEARCH_INDEX)}")
    if zh_index > MAX_SEARCH_INDEX:
        problems.append(f"Chinese search index {_kb(zh_index)} > {_kb(MAX_SEARCH_INDEX)}")
    report(problems, "page weight budgets exceeded")
    assert chapters, "no chapter page found to measure"


# --- how a body is counted (no browser) ------------------------------------------------------------

def test_bodies_are_counted_gzipped_as_a_static_host_serves_them(tmp_path):
    html = ("<p>" + "the same words again " * 500 + "</p>").encode()
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_bytes(html)
    (tmp_path / "font.woff2").write_bytes(html)  # already compressed formats are sent as they are
    raw, gz = response_sizes(tmp_path, "http://h/", "http://h/page/?x=1", 200)
    assert raw == len(html) and gz == len(gzip.compress(html, compresslevel=6, mtime=0)) and gz < raw / 10
    assert body_sizes(str(tmp_path / "font.woff2")) == (len(html), len(html))
    assert response_sizes(tmp_path, "http://h/", "http://h/page/", 404) == (0, 0)
    assert response_sizes(tmp_path, "http://h/", "http://h/nothing.js", 200) is None


def test_the_budgets_catch_a_heavy_page():
    def visit(path, html, *bodies):
        return Visit(path, "light", html_bytes=html, responses=[(f"u{i}", 200, 4 * b, b) for i, b in enumerate(bodies)])

    light = [visit("print_page/", 2 * MB, 800 * KB), visit("overview/", 100 * KB, 300 * KB)]
    assert budget_problems(light) == []
    heavy = [visit("print_page/", 2 * MB, 800 * KB, 500 * KB),  # e.g. a large script on the print page
             visit("overview/", 100 * KB, 300 * KB, 250 * KB),
             visit("print_page/", 3.6 * MB, 800 * KB),
             visit("reference/", 50 * KB)]
    heavy[1].responses.append(("http://h/assets/run/vendor/pyodide/pyodide.mjs", 200, 4 * KB, KB))
    track = visit("build-it/value/", 50 * KB, 300 * KB)
    track.responses.append(("http://h/assets/run/vendor/editor.mjs", 200, 4 * KB, KB))
    assert budget_problems([track]) == [], "a track page opens with its editor"
    track.responses.append(("http://h/assets/run/pages/build-it_value.json", 200, 4 * KB, KB))
    assert budget_problems([track]) == ["/build-it/value/: loads http://h/assets/run/pages/build-it_value.json before any Run"]
    found = budget_problems(heavy)
    assert [line.split(":")[0] for line in found] == [
        "/print_page/ (print)", "/overview/ (chapter)", "/overview/", "/print_page/", "/reference/"], found
    assert "loads http://h/assets/run/vendor/pyodide/pyodide.mjs before any Run" in found[2]
