"""The printable course (print_page/, mkdocs-print-site-plugin): every chapter of docs/chapters.yml
on one page, in order, with its graphs and its math; the notebooks too; and the version on its cover."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest
import yaml

import cite
from conftest import ROOT

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chapters():
    data = yaml.safe_load((ROOT / "docs" / "chapters.yml").read_text(encoding="utf-8"))
    return [ch for part in data["parts"] for ch in part["chapters"]]


def _print_page(site):
    page = site / "print_page" / "index.html"
    assert page.is_file(), "the build has no print_page/"
    return page.read_text(encoding="utf-8")


def _page_key(url):
    """The id mkdocs-print-site gives a page's section: its URL with '/' as '-' (`index` for home)."""
    return url.strip("/").replace("/", "-").lower().lstrip(".") or "index"


def _sections(text):
    """{page key: (start, end)} of each page's section on the print page."""
    starts = [(m.start(), m[1]) for m in re.finditer(r'<section class="print-page" id="([^"]+)"', text)]
    return {key: (s, starts[i + 1][0] if i + 1 < len(starts) else len(text)) for i, (s, key) in enumerate(starts)}


def test_print_site_is_the_last_plugin():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTag)
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert names[-1] == "print-site", f"print-site must be the last plugin: {names}"


def test_every_chapter_is_on_the_print_page_in_order(built_site):
    site, _ = built_site
    text = _print_page(site)
    sections = _sections(text)
    chapters = _chapters()
    missing = [f"{ch['id']} ({'not in the nav' if (ROOT / 'docs' / (ch['id'] + '.md')).is_file() else 'no page yet'})"
               for ch in chapters if ch["id"] not in sections]
    assert not missing, f"chapters missing from the print page: {missing}"
    order = [sections[ch["id"]][0] for ch in chapters]
    assert order == sorted(order), "the print page does not follow the chapters' order"
    for ch in chapters:  # each section is the whole chapter: its title and all its sections
        start, end = sections[ch["id"]]
        own = (site / ch["id"] / "index.html").read_text(encoding="utf-8")
        own = own[own.index("<article"): own.index("</article>")]
        title = re.search(r"<h1[^>]*>(.*?)<", own)[1]
        h1 = re.search(r"<h1[^>]*>(.*?)<", text[start:end])
        assert h1 and h1[1] == title, f"{ch['id']}: its section's title is {h1 and h1[1]!r}, not {title!r}"
        assert text[start:end].count("<h2") == own.count("<h2"), f"{ch['id']}: sections missing"


def test_graphs_and_math_of_every_page_are_on_the_print_page(built_site):
    site, _ = built_site
    text = _print_page(site)
    sections = _sections(text)
    graphs = math = 0
    pages = {_page_key(p.parent.relative_to(site).as_posix()): p for p in site.rglob("index.html")}
    for key, (start, end) in sections.items():
        page = pages[key]
        own = page.read_text(encoding="utf-8")
        part = text[start:end]
        figures = re.findall(r'<figure class="mg-(?:graph|plot)" id="([^"]+)"', own)
        assert figures == re.findall(r'<figure class="mg-(?:graph|plot)" id="([^"]+)"', part), (
            f"{key}: the print page does not have the page's graphs and plots")
        n_math = own.count('class="arithmatex"')
        assert part.count('class="arithmatex"') == n_math, f"{key}: the print page lost some math"
        graphs += len(figures)
        math += n_math
    assert graphs and math, f"the print page has {graphs} graphs and {math} formulas"
    # Graph ids are prefixed per page by the build, so that on one page they stay unique and each
    # graph's internal references (markers, gradients) point into that same graph.
    ids = re.findall(r'<figure class="mg-(?:graph|plot)" id="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "two graphs share an id on the print page"
    for fig in re.finditer(r'<figure class="mg-(?:graph|plot)" id="([^"]+)".*?</figure>', text, re.S):
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', fig[0]))
        own_ids = set(re.findall(r'\sid="([^"]+)"', fig[0]))
        assert refs <= own_ids, f"{fig[1]}: references outside its own graph: {refs - own_ids}"
    scripts = re.findall(r'<script src="([^"]+)"', text)
    for needed in ("katex.min.js", "auto-render.min.js", "math.js"):
        assert any(s.endswith(needed) for s in scripts), f"the print page does not load {needed}"


def test_notebooks_are_on_the_print_page(built_site):
    site, _ = built_site
    text = _print_page(site)
    sections = _sections(text)
    for nb in sorted((ROOT / "examples").glob("*.ipynb")):
        key = f"examples-{nb.stem}"
        if not (site / "examples" / nb.stem / "index.html").is_file():
            continue  # not in the nav: test_build's business
        assert key in sections, f"{nb.name} is not on the print page"
        start, end = sections[key]
        assert "jp-Cell" in text[start:end], f"{nb.name}: its cells are not on the print page"


def test_the_print_page_links_its_stylesheets_instead_of_inlining_them(built_site):
    """Notebook pages link one shared JupyterLab stylesheet (docs/hooks/notebooks.py); the print
    page gets that HTML too (docs/hooks/printpage.py), with the link made relative to print_page/."""
    site, _ = built_site
    text = _print_page(site)
    inline = sum(len(m) for m in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S))
    assert inline < 100_000, f"the print page inlines {inline // 1000} KB of CSS"
    hrefs = re.findall(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"', text)
    broken = [h for h in hrefs if not (site / "print_page" / h.split("#")[0]).resolve().is_file()]
    assert hrefs and not broken, f"stylesheets the print page cannot load: {broken}"


def test_the_print_page_names_its_version(built_site):
    site, _ = built_site
    text = _print_page(site)
    cff = cite.load_cff(ROOT / "CITATION.cff")
    cover = re.search(r'<div class="mg-print-cover">(.*?)</div>', text, re.S)
    assert cover, "the print page has no cover"
    assert f"Version {cff['version']} ({cff['date-released']})" in cover[1], cover[1]


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed (./scripts/setup.sh test installs it)")
def test_math_is_rendered_on_the_print_page_in_a_browser(site_url):
    """KaTeX runs on the print page as on every page: after load, no formula is left as TeX."""
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                              "--dump-dom", f"{site_url}print_page/"],
                             capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": profile}).stdout
    assert "print-site-page" in dom, "chromium did not load the print page"
    rendered = len(re.findall(r'class="katex"', dom))
    formulas = len(re.findall(r'class="arithmatex"', dom))
    assert formulas and rendered >= formulas, f"{rendered} of {formulas} formulas rendered by KaTeX"


class _AnyTag(yaml.SafeLoader):
    pass


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)
