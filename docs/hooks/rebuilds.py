"""Fast `mkdocs serve` rebuilds: slow steps that redo the same work for every unchanged page keep
their results in memory between the rebuilds of one serve process.

MkDocs rebuilds the whole site on every change. After hooks/cache.py has made each page's code and
each notebook a lookup, most of a rebuild is spent in four steps, each a function of its input:

- MkDocs converts every page's Markdown to HTML (Pygments highlighting most of the time);
- Material's search plugin parses every page's HTML into index entries;
- mkdocs-print-site rewrites every page's HTML for the print page (its id rewriting is quadratic
  on long pages: about as slow as all the rest of the rebuild);
- MkDocs makes new Jinja environments (for the pages, the print page, the search plugin's
  translations) on every build, and each compiles the theme's templates again.

Here each remembers its output under a hash of its complete input (the page's final Markdown, its
URL, the Markdown extensions' settings and the site's list of files; the page's HTML, URL, title,
table of contents and metadata; the template's source), so a result is reused only for identical
input and a rebuild writes the same bytes as a clean build (tests/site/test_cache.py builds
repeatedly in one process, as serve does, and compares). A single `mkdocs build` never reuses
anything. What the last BUILDS builds used is kept, so undoing an edit (to a page, or to the
engine, which changes the pages that show its numbers) finds the pages from before it.

A remembered conversion gives back everything MkDocs' own conversion sets on the page (HTML, table
of contents, title, anchors, links to check) and logs again what the conversion logged, so a
broken link is reported on every rebuild, and registers again the anchors that autorefs' Markdown
extension registered. Pages that mkdocstrings renders (a `:::` line) are always converted:
mkdocstrings records what it renders while converting.

So a page's HTML must be a function of its final Markdown: a custom fence whose HTML comes from
elsewhere must carry a hash of that HTML in its body, as hooks/graphs.py's pictures do.

Why not `mkdocs serve --dirty`, which rebuilds only the pages whose file changed: an engine edit
changes no page file, so it would rebuild nothing and leave stale numbers; the other pages would
keep stale navigation and titles; the print page and Material's search index would hold only the
rebuilt page (or the old copies); and with `strict: true` the warning MkDocs logs for every dirty
build aborts it.
"""
import copy
import hashlib
import logging
import re

import jinja2
from material.plugins.search import plugin as search_plugin
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.theme import Theme
from mkdocs_print_site_plugin import renderer as print_renderer

BUILDS = 3  # builds whose results are kept: an undo finds the build before its edit (and one more)
_memo = {"render": {}, "search": {}, "print": {}}
_used = {"render": set(), "search": set(), "print": set()}
_history = []  # what each of the last BUILDS builds used, the last one last
AUTODOC = re.compile(r"^#{0,6} *::: ?\S", re.M)  # mkdocstrings' syntax


def _digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def _lookup(kind, key, compute):
    _used[kind].add(key)
    if key not in _memo[kind]:
        _memo[kind][key] = compute()
    return _memo[kind][key]


def _toc(items):
    return [(a.title, a.id, a.level, _toc(a.children)) for a in items]


_render = Page.render
_add_entry = search_plugin.SearchIndex.add_entry_from_context
_fix_links = print_renderer.fix_internal_links


_LOGGERS = ("", "mkdocs")


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if not any(r is record for r in self.records):  # seen by both loggers when `mkdocs` propagates
            self.records.append(record)


def render(self, config, files):
    """Page.render, remembered."""
    if AUTODOC.search(self.markdown or ""):
        return _render(self, config, files)
    key = _digest(self.file.src_uri, self.url, self.markdown, _settings(config), _files_signature(files))
    _used["render"].add(key)
    hit = _memo["render"].get(key)
    autorefs = config.plugins.get("autorefs")
    if hit is None:
        recorder, anchors = _Recorder(), []
        for logger in _LOGGERS:  # `mkdocs` does not pass its records on to the root logger
            logging.getLogger(logger).addHandler(recorder)
        if autorefs is not None:  # anchors that autorefs' Markdown extension registers while converting
            register = autorefs.register_anchor
            autorefs.register_anchor = lambda page, *a, **k: (anchors.append((a, k)), register(page, *a, **k))[1]
        try:
            _render(self, config, files)
        finally:
            for logger in _LOGGERS:
                logging.getLogger(logger).removeHandler(recorder)
            if autorefs is not None:
                del autorefs.register_anchor
        links = self.links_to_anchors
        _memo["render"][key] = {
            "content": self.content, "toc": [_token(a) for a in self.toc], "title": self._title_from_render,
            "anchors": set(self.present_anchor_ids or ()),
            "links": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
            "log": recorder.records, "autorefs": anchors,
        }
        return
    for record in hit["log"]:  # what the conversion logged, e.g. a broken link: said again
        logging.getLogger(record.name).handle(record)
    for args, kwargs in hit["autorefs"]:
        autorefs.register_anchor(self, *args, **kwargs)
    self.content, self.toc, self._title_from_render = hit["content"], get_toc(hit["toc"]), hit["title"]
    self.present_anchor_ids = set(hit["anchors"])
    self.links_to_anchors = None if hit["links"] is None else {
        files.get_file_from_path(uri): dict(v) for uri, v in hit["links"].items()}


def _settings(config):
    """What Markdown conversion depends on besides the page: the extensions (an extension object
    by its class; its settings come from mkdocs.yml, which is hashed too) and their settings."""
    names = [e if isinstance(e, str) else f"{type(e).__module__}.{type(e).__qualname__}"
             for e in config["markdown_extensions"]]
    with open(config.config_file_path, "rb") as f:
        return _digest(names, sorted(config["mdx_configs"].items()), f.read())


def _token(anchor):
    return {"level": anchor.level, "id": anchor.id, "name": anchor.title,
            "children": [_token(c) for c in anchor.children]}


_signatures = {}


def _files_signature(files):
    """The site's files and their URLs: where a page's links lead (one per build)."""
    if _signatures.get("of") is not files:
        _signatures.update(of=files, value=_digest(sorted((f.src_uri, f.url) for f in files)))
    return _signatures["value"]


def add_entry_from_context(self, page):
    """SearchIndex.add_entry_from_context, remembered: the entries it appends for this page."""
    key = _digest(sorted(self.config.items()), page.url, page.title, sorted(page.meta.items()),
                  _toc(page.toc or []), page.content)
    _used["search"].add(key)
    if key in _memo["search"]:
        self.entries.extend(copy.deepcopy(_memo["search"][key]))
        return
    start = len(self.entries)
    _add_entry(self, page)
    _memo["search"][key] = copy.deepcopy(self.entries[start:])


def fix_internal_links(page_html, page_url, directory_urls, heading_number):
    """print-site's per-page rewrite, remembered (it is a function of its arguments only)."""
    key = _digest(page_url, directory_urls, heading_number, page_html)
    return _lookup("print", key, lambda: _fix_links(page_html, page_url, directory_urls, heading_number))


Page.render = render
search_plugin.SearchIndex.add_entry_from_context = add_entry_from_context
print_renderer.fix_internal_links = fix_internal_links


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja's own cache of compiled templates, kept in memory; Jinja checks each entry against a
    checksum of the template's source, so an edited override is compiled again."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_bytecode = _MemoryBytecodeCache()
_get_env = Theme.get_env


def get_env(self):
    """Theme.get_env, with the compiled templates shared by every environment it makes."""
    env = _get_env(self)
    env.bytecode_cache = _bytecode
    return env


Theme.get_env = get_env


def on_pre_build(config):
    for kind in _used:
        _used[kind].clear()


def on_post_build(config):
    _history[:] = [*_history[-(BUILDS - 1):], {kind: set(used) for kind, used in _used.items()}]
    for kind in _memo:
        keep = set().union(*(used[kind] for used in _history))
        _memo[kind] = {k: v for k, v in _memo[kind].items() if k in keep}
