"""The printable course (print_page/) gets every page's final HTML. Register this hook last.

mkdocs-print-site-plugin copies each page's HTML (`page.html`) in its own on_page_content, which
MkDocs runs before any hook's: what a hook changes there would be missing from the print page
(notebooks.py's shared stylesheet, for one: the print page would carry each notebook's 600 KB of
inline CSS). This hook refreshes that copy after all the others. print-site rewrites the copy's
<a href> and <img src> for its page, but not <link href>: this hook does, so a stylesheet a page
links to (relative to the page) still resolves from print_page/, under any version path.
"""
import logging
import posixpath
import re

LINK = re.compile(r'(<link\b[^>]*?\bhref=")([^"#?:]+)(")')
UNRECOGNIZED = re.compile(r"Doc file '(?P<src>[^']+)' contains an unrecognized relative link '(?P<link>[^']+)'")


class _PrintPageLinks(logging.Filter):
    """Drops MkDocs' note about a link to the print page, which print-site writes after MkDocs has
    checked the links (so MkDocs cannot know it), when the link really leads there from its page.
    Every other link, and a link that misses the print page, is still reported."""

    def filter(self, record):
        m = UNRECOGNIZED.match(record.getMessage())
        return not (m and leads_to_print_page(m["src"], m["link"]))


_filter = _PrintPageLinks()


def on_config(config):
    logger = logging.getLogger("mkdocs.structure.pages")
    if _filter not in logger.filters:  # once, across serve rebuilds
        logger.addFilter(_filter)
    return config


def leads_to_print_page(src, link):
    """Whether `link`, written on the page built from `src` (directory URLs), is print_page/."""
    stem = src[: -len(".md")] if src.endswith(".md") else src
    folder = stem.removesuffix("index").rstrip("/") if stem == "index" or stem.endswith("/index") else stem
    return posixpath.normpath(posixpath.join("/" + folder, link)) == "/print_page"


def on_page_content(html, page, config, files):
    if not hasattr(page, "html"):  # not copied for the print page (print-site off, or excluded)
        return html
    plugin = config.plugins.get("print-site")
    target = plugin.print_file.url if plugin is not None and hasattr(plugin, "print_file") else None
    if target is None:
        return html
    page.html = LINK.sub(lambda m: m[1] + rebase(m[2], page.url, target) + m[3], html)
    return html


def rebase(url, from_page, to_page):
    """`url`, written relative to page `from_page`, made relative to page `to_page` (site URLs)."""
    if url.startswith("/"):
        return url
    return posixpath.relpath(posixpath.normpath(posixpath.join(_folder(from_page), url)), _folder(to_page))


def _folder(page_url):
    path = "/" + page_url
    return path if path.endswith("/") else posixpath.dirname(path)
