"""Notebook pages share one stylesheet instead of carrying 600 KB of CSS each.

mkdocs-jupyter puts the whole JupyterLab theme (≈ 590 KB) and the notebook's Pygments rules into
<style> blocks inside every notebook page. This hook takes them out of each notebook page's
content, writes them once to `assets/jupyter.<hash>.css`, and puts a <link> to that file where
the first block was, so the rules keep their order in the cascade and the browser caches them once
for all notebook pages. The hash in the name changes whenever the CSS does (e.g. on an upgrade of
mkdocs-jupyter), so a reader's cache never serves stale rules.

One block mkdocs-jupyter writes is a Python list printed into a <style> (`['pre { ... }']`): a
browser reads it as a single invalid rule and ignores it, so it is dropped rather than copied,
where it could swallow the rule that follows it in the shared file.

It drops printed-text outputs that hold only whitespace: the kernel sends a long-running cell's
printed text in pieces, as it happens to flush, and a piece that is a bare newline would show as an
empty box (in a different place on every run).

nbconvert's own warnings while it converts a notebook (it logs them on the `traitlets` logger,
which MkDocs does not watch, so they never failed a strict build) stop the build, naming the
notebook: "Alternative text is missing on 2 image(s)" means a figure a screen reader cannot
describe (nbconvert then puts "No description has been provided for this image" in its place).

It also makes each code cell and inline graph box focusable (tabindex="0"): one wider than the
page scrolls sideways, and a keyboard can only scroll what it can focus.
"""
import hashlib
import logging
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

STYLE = re.compile(r"<style[^>]*>(?P<css>.*?)</style>\s*", re.S)
# Boxes that scroll sideways when wider than the page: code cells, and graphs drawn like the build's.
SCROLLING = re.compile(r'<div class="(?:highlight-ipynb|mg-scroll)\b[^"]*"(?![^>]*tabindex)')
# A stream output holding only whitespace (a bare newline flushed on its own): an empty box.
BLANK_OUTPUT = re.compile(
    r'<div class="jp-OutputArea-child">\s*<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>\s*'
    r'<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"[^>]*>\s*'
    r"<pre>\s*</pre>\s*</div>\s*</div>\s*")
_sheets = {}  # file name under assets/ -> CSS, written once after the build


class _Warnings(logging.Handler):
    """What nbconvert warned since the last notebook page."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = []

    def emit(self, record):
        self.seen.append(record.getMessage())


NBCONVERT = logging.getLogger("traitlets")  # nbconvert's exporters log here outside a Jupyter application
_warned = next((h for h in NBCONVERT.handlers if type(h).__name__ == "_Warnings"), None) or _Warnings()


def on_config(config):
    # mkdocs-jupyter logs lines per notebook ("Converting notebook", "Copied jupyter file") that
    # nobody acts on; they bury what matters in the build log. Its warnings and errors still show.
    for name in ("mkdocs.mkdocs-jupyter", "mkdocs.plugins.mkdocs_jupyter"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if _warned not in NBCONVERT.handlers:
        NBCONVERT.addHandler(_warned)
    _warned.seen.clear()
    return config


def on_pre_build(config):
    _sheets.clear()


def on_page_content(html, page, config, files):
    said, _warned.seen[:] = list(_warned.seen), []
    if page.file.src_uri.endswith(".ipynb") and said:
        raise PluginError(f"{page.file.src_uri}: nbconvert warned while converting it: {'; '.join(said)}"
                          + (" Give each figure a text alternative (an <img alt=...> in a text/html output)."
                             if any("Alternative text" in w for w in said) else ""))
    start = html.find('<div class="jupyter-wrapper"')
    if not page.file.src_uri.endswith(".ipynb") or start < 0:
        return html
    # Only the template's blocks, before the notebook itself: a cell's own output keeps its styles.
    template, notebook = html[:start], html[start:]
    blocks = list(STYLE.finditer(template))
    css = "\n\n".join(m["css"].strip() for m in blocks if not _is_list(m["css"]))
    css = '@charset "UTF-8";\n' + css.replace('@charset "UTF-8";', "") + "\n"  # only first counts
    notebook = STYLE.sub(lambda m: "" if _is_list(m["css"]) else m[0], notebook)
    notebook = SCROLLING.sub(r'\g<0> tabindex="0"', notebook)  # a keyboard scrolls what it can focus
    notebook = BLANK_OUTPUT.sub("", notebook)
    if not blocks:
        return template + notebook
    name = f"assets/jupyter.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    _sheets[name] = css
    link = f'<link rel="stylesheet" href="{get_relative_url(name, page.url)}">\n'
    first = blocks[0].start()
    return template[:first] + link + STYLE.sub("", template[first:]) + notebook


def _is_list(css):
    return css.strip().startswith("['")


def on_post_build(config):
    for name, css in _sheets.items():
        path = Path(config.site_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(css, encoding="utf-8")
