"""Page weight: what a reader downloads, with budgets that keep the site light as it grows.

The report (printed at the end of the run) lists each page's HTML size and everything its first
view transfers with an empty cache (the sum of the response bodies, including the stylesheets,
scripts, fonts and the search index), as measured by the browser sweep in light mode.
"""
import statistics

from browsing import chapter_ids, report
from sitebuild import FIGURES

KB = 1024
MEDIAN_CHAPTER_HTML = 150 * KB
MAX_PAGE_HTML = 400 * KB  # notebook pages included
MAX_SEARCH_INDEX = 1.5 * 1024 * KB


def _kb(n):
    return f"{n / KB:,.0f} KB"


def test_page_weight_report_and_budgets(sweep, built_site):
    site, _ = built_site
    visits = sweep("light")
    width = max(len(v.path) for v in visits) + 2
    lines = [f"{'page':<{width}} {'HTML':>9} {'first view':>11} {'requests':>9}"]
    lines += [f"{'/' + v.path:<{width}} {_kb(v.html_bytes):>9} {_kb(v.transferred):>11} {len(v.responses):>9}"
              for v in visits]
    index = (site / "search" / "search_index.json").stat().st_size
    chapters = [v for v in visits if v.path.rstrip("/") in chapter_ids()]
    median = statistics.median(v.html_bytes for v in chapters) if chapters else 0
    lines.append(f"median chapter HTML {_kb(median)} over {len(chapters)} chapters; search index {_kb(index)}")
    listed = {site / v.path / "index.html" for v in visits}
    unlisted = sorted(p for p in site.rglob("index.html") if p not in listed)
    lines += [f"not in the sitemap, so neither swept nor budgeted: /{p.parent.relative_to(site)}/ "
              f"HTML {_kb(p.stat().st_size)}" for p in unlisted]
    FIGURES["page weight (HTML, and all a first view transfers with an empty cache)"] = "\n" + "\n".join(lines)

    problems = [f"/{v.path}: HTML {_kb(v.html_bytes)} > {_kb(MAX_PAGE_HTML)}" for v in visits
                if v.html_bytes > MAX_PAGE_HTML]
    if median > MEDIAN_CHAPTER_HTML:
        problems.append(f"median chapter HTML {_kb(median)} > {_kb(MEDIAN_CHAPTER_HTML)}")
    if index > MAX_SEARCH_INDEX:
        problems.append(f"search index {_kb(index)} > {_kb(MAX_SEARCH_INDEX)}")
    problems += [f"/{v.path}: no HTML measured" for v in visits if not v.html_bytes]
    report(problems, "page weight budgets exceeded")
    assert chapters, "no chapter page found to measure"
