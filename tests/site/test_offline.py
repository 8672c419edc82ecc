"""The built site loads nothing from any other host: no web fonts, no CDN scripts or styles.

Links to other sites (<a href>) are fine: following one is the reader's choice. Loads are not.
JavaScript bundles are checked too: a URL literal in a script is a possible load, so every such
host must be on the short list below, each with the reason it is never fetched by this site.
"""
import re

import pytest

from conftest import ROOT

# Hosts named in code (not comments) of the shipped JavaScript, none of which this site contacts.
JS_HOSTS_NEVER_LOADED = {
    "unpkg.com": "Material fetches Mermaid from it only for pages with Mermaid diagrams (there are "
                 "none), and a ResizeObserver polyfill only in browsers that lack ResizeObserver",
    "api.github.com": "Material asks it for repository facts only when repo_url is set; it is not",
    "bit.ly": "a link inside a console message of the search worker",
    "www.w3.org": "KaTeX's, Viz.js's and CodeMirror's SVG and MathML namespace names, which are never fetched",
    "cdn.jsdelivr.net": "Pyodide's default source of Python packages: the in-page Python loads none (micrograd "
                        "and graphviz come from this site's python.zip); tests/browser/test_run_in_page.py "
                        "proves that running code asks no other host for anything, the worker included",
}
EXTERNAL = r"(?:https?:)?//(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}"
HTML_LOADS = [
    rf"<(?:script|img|iframe|audio|video|source|embed|track|input)\b[^>]*\s(?:src|srcset|poster)=[\"']{EXTERNAL}",
    rf"<(?:image|use|feImage)\b[^>]*\s(?:xlink:)?href=[\"']{EXTERNAL}",
    rf"<link\b(?=[^>]*\brel=[\"']?(?:stylesheet|preload|prefetch|preconnect|dns-prefetch|icon|modulepreload|manifest))[^>]*\bhref=[\"']{EXTERNAL}",
    rf"url\(\s*[\"']?{EXTERNAL}",
    rf"@import\s+(?:url\()?[\"']?{EXTERNAL}",
    rf"<object\b[^>]*\sdata=[\"']{EXTERNAL}",
]
CSS_LOADS = [rf"url\(\s*[\"']?{EXTERNAL}", rf"@import\s+(?:url\()?[\"']?{EXTERNAL}"]


def _files(site, *suffixes):
    return [p for p in site.rglob("*") if p.suffix in suffixes]


@pytest.mark.parametrize("suffix, patterns", [(".html", HTML_LOADS), (".css", CSS_LOADS)], ids=["html", "css"])
def test_pages_and_styles_load_nothing_from_other_hosts(built_site, suffix, patterns):
    site, _ = built_site
    found = [f"{p.relative_to(site)}: {m.group(0)[:120]}"
             for p in _files(site, suffix) for rx in patterns
             for m in re.finditer(rx, p.read_text(encoding="utf-8"), re.I)]
    assert not found, "\n".join(found)


def test_scripts_name_only_hosts_they_never_load(built_site):
    site, _ = built_site
    hosts = {}
    for p in _files(site, ".js", ".mjs"):
        code = re.sub(r"/\*.*?\*/", "", p.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        code = re.sub(r"(?m)^\s*//.*$", "", code)  # licence headers and comments name many hosts
        for m in re.finditer(r"https?://([a-z0-9.-]+\.[a-z]{2,})", code, re.I):
            hosts.setdefault(m.group(1).lower(), p.relative_to(site))
    unknown = {h: str(p) for h, p in hosts.items() if h not in JS_HOSTS_NEVER_LOADED}
    assert not unknown, f"scripts name hosts not known to be unused: {unknown}"


def test_nothing_turns_on_what_the_script_hosts_are_for():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^repo_url:", config, re.M), "repo_url makes Material call api.github.com"
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    assert "```mermaid" not in pages, "Mermaid diagrams make Material load Mermaid from unpkg.com"


def test_the_scanner_catches_external_loads():
    page = '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"><script src="//cdn.example.com/x.js"></script>'
    assert sum(bool(re.search(rx, page, re.I)) for rx in HTML_LOADS) == 2
    assert re.search(CSS_LOADS[0], "src: url(https://fonts.gstatic.com/x.woff2)")
    assert not any(re.search(rx, '<a href="https://www.youtube.com/watch?v=x">', re.I) for rx in HTML_LOADS)
