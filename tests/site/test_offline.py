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
    "cdnjs.cloudflare.com": "the inline script nbconvert's notebook template adds imports Mermaid from it only "
                            "when a notebook output holds a Mermaid diagram (.jp-Mermaid); none does (checked below)",
    "cdn.jsdelivr.net": "Pyodide's default source of Python packages: the in-page Python loads none (micrograd "
                        "and graphviz come from this site's python.zip); tests/browser/test_run_in_page.py "
                        "proves that running code asks no other host for anything, the worker included",
}
# http(s), WebSocket (ws, wss) and protocol-relative (//host) addresses of another host
EXTERNAL = r"(?:(?:https?|wss?):)?//(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}"
# In script code: an absolute address, or a string that starts with // (protocol-relative)
SCRIPT_HOST = re.compile(r"(?:(?:https?|wss?)://|[\"'`]//)([a-z0-9.-]+\.[a-z]{2,})", re.I)
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


def script_hosts(code):
    """The hosts a script's code (comments removed) names by address: http(s), ws(s), //host."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    code = re.sub(r"(?m)^\s*//.*$", "", code)  # licence headers and comments name many hosts
    return [m.group(1).lower() for m in SCRIPT_HOST.finditer(code) if m.group(1).lower() not in ("127.0.0.1", "localhost")]


def test_scripts_name_only_hosts_they_never_load(built_site):
    """Script files, and the inline <script>s of every page."""
    site, _ = built_site
    hosts = {}
    for p in _files(site, ".js", ".mjs"):
        for host in script_hosts(p.read_text(encoding="utf-8", errors="replace")):
            hosts.setdefault(host, p.relative_to(site))
    for p in _files(site, ".html"):
        html = p.read_text(encoding="utf-8")
        assert 'class="jp-Mermaid"' not in html, f"{p.relative_to(site)}: a Mermaid diagram loads Mermaid from cdnjs"
        for code in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S | re.I):
            for host in script_hosts(code):
                hosts.setdefault(host, p.relative_to(site))
    unknown = {h: str(p) for h, p in hosts.items() if h not in JS_HOSTS_NEVER_LOADED}
    assert not unknown, f"scripts name hosts not known to be unused: {unknown}"


def test_nothing_turns_on_what_the_script_hosts_are_for():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^repo_url:", config, re.M), "repo_url makes Material call api.github.com"
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    assert "```mermaid" not in pages, "Mermaid diagrams make Material load Mermaid from unpkg.com"


@pytest.mark.parametrize("address", ["wss://live.example.com/socket", "ws://live.example.com/socket",
                                     "//cdn.example.com/x.js", "https://cdn.example.com/x.js"])
def test_the_scanners_catch_every_kind_of_address(address):
    """Each kind of address to another host, planted where a page or script would load it."""
    tags = [f'<script src="{address}"></script>', f'<img src="{address}">', f'<link rel="preload" href="{address}">',
            f'<style>@import url("{address}");</style>']
    for tag in tags:
        assert any(re.search(rx, tag, re.I) for rx in HTML_LOADS), tag
    assert any(re.search(rx, f"a {{ background: url({address}) }}", re.I) for rx in CSS_LOADS)
    for code in (f'new WebSocket("{address}")', f"fetch('{address}')", f"import(`{address}`)"):
        assert script_hosts(code) == ["cdn.example.com" if "cdn" in address else "live.example.com"], code
    assert script_hosts(f"// see {address}\nconst x = 1;") == []  # a comment names it, nothing loads it
    assert script_hosts('fetch("//127.0.0.1:8000/x")') == []


def test_the_scanner_catches_external_loads():
    page = '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"><script src="//cdn.example.com/x.js"></script>'
    assert sum(bool(re.search(rx, page, re.I)) for rx in HTML_LOADS) == 2
    assert re.search(CSS_LOADS[0], "src: url(https://fonts.gstatic.com/x.woff2)")
    assert not any(re.search(rx, '<a href="https://www.youtube.com/watch?v=x">', re.I) for rx in HTML_LOADS)
