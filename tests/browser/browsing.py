"""The browser side of the browser tests: how a page is visited and what is recorded about it.

Every page of the sitemap is visited once per colour scheme, in one browser context per scheme
whose route aborts and records any request that is not for the site's own origin (routing also
disables the HTTP cache, so every visit is a first view with an empty cache). A visit records
everything the tests ask about: console errors, failed and outside requests, bytes transferred,
formulas, graphs and plots, notebook outputs, and axe-core's accessibility violations. The tests
only read those records, so a new check costs no page load.
"""
import functools
import gzip
import posixpath
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitebuild import FIGURES, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}  # Playwright's color_scheme -> Material's data-md-color-scheme
VIEWPORT = {"width": 1280, "height": 900}  # wide enough for both sidebars
PHONE = {"width": 390, "height": 844}
ZH = "zh/"  # where the Chinese edition is built, inside the site (tests/conftest.py, scripts/build)
SHOTS = ROOT / "test-output" / "screenshots"
PREFERRED_CHAPTERS = ("value-object/", "overview/")  # photographed if they have a graph and math
# What a static host that gzips (GitHub Pages, nginx with gzip on) compresses: text formats. Fonts
# (woff2) and images are sent as they are.
GZIPPED = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map", ".ipynb", ".py",
           ".md", ".wasm", ".csv"}


def open_context(browser, base_url, scheme="light"):
    """A browser context in `scheme` that aborts every request outside `base_url`'s origin and
    records it in `context.outside`."""
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORT, base_url=base_url,
                                  service_workers="block")
    context.outside = []
    origin = urlsplit(base_url).netloc

    def guard(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and url.netloc == origin:
            route.continue_()
        else:
            context.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context


def watch_errors(page):
    """A list that fills with `page`'s console errors and uncaught exceptions."""
    errors = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return errors


def report(problems, what):
    """Fail with one line per problem (each naming its page and scheme), or pass."""
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


def chapter_ids():
    """The chapter ids, in order, from docs/chapters.yml (the one source of the chapter list)."""
    text = (ROOT / "docs" / "chapters.yml").read_text(encoding="utf-8")
    return re.findall(r"\{\s*id:\s*([\w-]+)", text)


def site_pages(site):
    """Every page of the built site, from its sitemap.xml, as paths relative to the root."""
    locs = [e.text.strip() for e in ET.parse(site / "sitemap.xml").iter() if e.tag.endswith("loc")]
    return [urlsplit(loc).path.lstrip("/") for loc in locs]


def chinese_pages(site):
    """Every page of the Chinese edition, from its own sitemap (zh/sitemap.xml), as paths relative to
    the site's root ("zh/overview/"); [] if the site was built without it."""
    if not (site / ZH / "sitemap.xml").is_file():
        return []
    pages = site_pages(site / ZH)
    assert all(p.startswith(ZH) for p in pages), f"the Chinese sitemap names pages outside /{ZH}: {pages[:3]}"
    return pages


def page_file(site, path):
    return site / path / "index.html" if not path.endswith(".html") else site / path


@dataclass
class Visit:
    path: str  # relative to the site's root, e.g. "overview/" ("" is the home page)
    scheme: str
    html_bytes: int = 0
    responses: list = field(default_factory=list)  # (url, status, body bytes)
    console: list = field(default_factory=list)  # console errors and uncaught exceptions
    failed: list = field(default_factory=list)  # requests that failed or were answered >= 400
    outside: list = field(default_factory=list)  # requests to any other origin (aborted)
    facts: dict = field(default_factory=dict)  # what FACTS_JS found on the page
    axe: list = field(default_factory=list)  # axe-core's violations
    load_seconds: float = 0.0  # from the request to the page shown, Material started, facts read

    @property
    def name(self):
        return f"/{self.path} ({self.scheme})"

    @property
    def transferred(self):
        """What the reader downloads: every response's body, gzipped as a static host serves it."""
        return sum(gz for _, _, _, gz in self.responses)

    @property
    def raw(self):
        """The same bodies, uncompressed."""
        return sum(size for _, _, size, _ in self.responses)


@functools.lru_cache(maxsize=None)
def body_sizes(file):
    """(bytes, bytes as served by a gzip-ing static host) of the file a response's body is."""
    data = Path(file).read_bytes()
    if Path(file).suffix.lower() not in GZIPPED:
        return len(data), len(data)
    return len(data), min(len(data), len(gzip.compress(data, compresslevel=6, mtime=0)))


def response_sizes(site, base_url, url, status):
    """The body sizes of the response for `url`: its file in the built `site` (the test server sends
    the file's bytes); (0, 0) for a response without a body (an error, a redirect); None if the
    server answered 200 for a file that is not in the site."""
    path = unquote(urlsplit(url).path)
    base = urlsplit(base_url).path
    if status != 200 or not path.startswith(base):
        return 0, 0
    rel = path[len(base):]
    file = site / rel / "index.html" if rel.endswith("/") or rel == "" else site / rel
    return body_sizes(str(file)) if file.is_file() else None


# Runs in the page once it has loaded and Material has started (the search index was fetched).
FACTS_JS = r"""async () => {
  await document.fonts.ready;
  const parse = (s) => {
    const m = /rgba?\(([^)]+)\)/.exec(s || "");
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const backdrop = (el) => {  // the first opaque background behind an element
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const opaqueFill = (el) => { const c = parse(getComputedStyle(el).fill); return c && c[3] > 0.5 ? c : null; };
  const worst = (items) => items.reduce((w, x) => (w === null || x.ratio < w.ratio ? x : w), null);

  const figures = [...document.querySelectorAll("figure.mg-graph, figure.mg-plot")].map((fig) => {
    const kind = fig.classList.contains("mg-graph") ? "graph" : "plot";
    const svg = fig.querySelector("svg");
    if (!svg) return { kind, id: fig.id, svg: false };
    const box = svg.getBoundingClientRect();
    const page = backdrop(svg);
    const texts = [], lines = [];
    if (kind === "graph") {
      for (const t of svg.querySelectorAll("text")) {
        const fill = opaqueFill(t);
        if (!fill) { texts.push({ ratio: 1, what: t.textContent.trim(), fill: getComputedStyle(t).fill, back: page }); continue; }
        // A filled shape in the same node is the text's backdrop; otherwise the page is.
        const shape = [...t.parentElement.children].find((s) => s.tagName !== "text" && opaqueFill(s));
        const back = shape ? opaqueFill(shape) : page;
        texts.push({ ratio: ratio(fill, back), what: t.textContent.trim(), fill, back });
      }
      for (const s of svg.querySelectorAll("g.edge path, g.edge polygon, g.node polygon, g.node ellipse")) {
        const c = parse(getComputedStyle(s).stroke);
        if (c && c[3] > 0.5) lines.push({ ratio: ratio(c, page), what: s.tagName, fill: c, back: page });
      }
    } else {
      const patch = svg.querySelector('[id$="-patch_1"] path');
      const back = (patch && opaqueFill(patch)) || page;
      for (const t of svg.querySelectorAll('[id*="-text_"] use, [id*="-text_"] path, [id*="-text_"] text')) {
        const fill = opaqueFill(t);
        if (fill) texts.push({ ratio: ratio(fill, back), what: "plot text", fill, back });
      }
    }
    // Fit: does the graph's own box scroll, how large is its smallest text, is there a full-size view?
    const scroller = fig.querySelector(".mg-scroll");
    const view = svg.viewBox && svg.viewBox.baseVal;
    const scale = view && view.width ? box.width / view.width : 1;
    const sizes = [...svg.querySelectorAll("text[font-size]")].map((t) => parseFloat(t.getAttribute("font-size")) * scale);
    const zoom = fig.querySelector("button[data-mg-zoom]");
    // Plots: opaque light fills on their patches (figure, axes, legend) are white boxes in dark mode.
    const lightBoxes = kind === "plot" ? [...svg.querySelectorAll('[id*="-patch_"] path')]
      .map(opaqueFill).filter((c) => c && lum(c) > 0.6).length : 0;
    return { kind, id: fig.id, svg: true, width: box.width, height: box.height,
             label: (svg.getAttribute("aria-label") || "").trim(), role: svg.getAttribute("role"),
             text: worst(texts), texts: texts.length, line: worst(lines),
             scrolls: !!scroller && scroller.scrollWidth > scroller.clientWidth + 1,
             smallestText: sizes.length ? Math.min(...sizes) : null,
             zoom: !!zoom && !zoom.hidden, backdropLum: lum(page), lightBoxes };
  });

  const formulas = [...document.querySelectorAll(".arithmatex")];
  const math = {
    formulas: formulas.length,
    unrendered: formulas.filter((f) => !f.querySelector(".katex")).map((f) => f.textContent.trim().slice(0, 80)),
    errors: [...document.querySelectorAll(".katex-error")].map((e) => e.textContent.trim().slice(0, 80)),
    rendered: document.querySelectorAll(".katex").length,
  };
  // Notebook Markdown has no .arithmatex: look for TeX left as plain text instead.
  for (const cell of document.querySelectorAll(".jp-RenderedMarkdown")) {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll("code, pre, .katex").forEach((e) => e.remove());
    for (const m of copy.textContent.matchAll(/\$\$[^$]+\$\$|\$[^$\s][^$]*\$|\\\(.+?\\\)|\\\[.+?\\\]/g)) {
      math.unrendered.push(m[0].slice(0, 80));
    }
  }

  const wrapper = document.querySelector(".jupyter-wrapper");
  let notebook = null;
  if (wrapper) {
    const outputs = [...wrapper.querySelectorAll(".jp-OutputArea-output")];
    notebook = {
      cells: wrapper.querySelectorAll(".jp-CodeCell").length,
      outputs: outputs.length,
      empty: outputs.filter((o) => { const r = o.getBoundingClientRect(); return !r.width || !r.height; }).length,
      brokenImages: [...wrapper.querySelectorAll("img")].filter((i) => !i.complete || !i.naturalWidth).length,
      styled: getComputedStyle(wrapper).getPropertyValue("--jp-cell-padding").trim() !== "",
      worstText: worst(outputs.flatMap((o) => [...o.querySelectorAll("pre")]).map((pre) => ({
        ratio: ratio(parse(getComputedStyle(pre).color), backdrop(pre)), what: pre.textContent.trim().slice(0, 60),
        fill: parse(getComputedStyle(pre).color), back: backdrop(pre) }))),
    };
  }
  const ui = (sel, attr) => { const e = document.querySelector(sel); return e ? (attr ? e.getAttribute(attr) : e.textContent.trim()) : null; };
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    title: document.title,
    lang: document.documentElement.getAttribute("lang"),
    // Some of Material's interface strings, in the page's language (theme.language)
    ui: { search: ui("input.md-search__input", "placeholder"), skip: ui("a.md-skip"),
          toc: ui("nav.md-nav--secondary > label.md-nav__title") },
    fonts: [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.replace(/["']/g, "")),
    chapter: !!document.querySelector(".mg-chapter-meta"),
    graphs: figures.filter((f) => f.kind === "graph").length,
    plots: figures.filter((f) => f.kind === "plot").length,
    figures, math, notebook,
    // How far the page itself scrolls sideways, and the text column's width
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    column: (document.querySelector(".md-content__inner") || document.body).clientWidth,
  };
}"""

# After the window was made phone-wide: how far the page scrolls sideways, and the graph boxes past
# the screen's right edge (read after two frames, once scripts that watch the size have run).
PHONE_JS = r"""() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done({
  sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  past: [...document.querySelectorAll("figure.mg-graph .mg-scroll")]
    .filter((s) => s.getBoundingClientRect().right > window.innerWidth).map((s) => s.closest("figure").id),
}))))"""

# Sets axe-core running on the page; `window.__mgAxe` is the promise of its violations.
AXE_START_JS = r"""() => {
  window.__mgAxe = axe.run(document, { resultTypes: ["violations"] }).then((result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 300)),
  })));
}"""


class PageVisitor:
    """One browser tab that records Visits. `start` loads a page, records what is on it, takes its
    screenshot and sets axe-core running in the page; `finish` collects axe's answer. Between the
    two, the caller can start other tabs: axe runs in each tab's own renderer, in parallel."""

    def __init__(self, context, site, base_url):
        self.context, self.site, self.page = context, site, context.new_page()
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.visit, self._mine, self._start = None, set(), 0.0
        for event in ("request", "response", "requestfailed", "console", "pageerror"):
            self.page.on(event, getattr(self, "_on_" + event))

    def _on_request(self, request):
        self._mine.add(request)
        url = urlsplit(request.url)
        if self.visit and url.scheme not in ("data", "blob", "about") and url.netloc != self.origin:
            self.visit.outside.append(request.url)  # the context's route aborts it

    def _on_response(self, response):
        if self.visit and response.request in self._mine:
            sizes = response_sizes(self.site, self.base_url, response.url, response.status)
            if sizes is None:
                self.visit.failed.append(f"HTTP {response.status} but no such file in the site: {response.url}")
            self.visit.responses.append((response.url, response.status, *(sizes or (0, 0))))
            if response.status >= 400:
                self.visit.failed.append(f"HTTP {response.status} {response.url}")

    def _on_requestfailed(self, request):
        if self.visit and request in self._mine and request.url not in self.visit.outside:
            self.visit.failed.append(f"{request.failure} {request.url}")

    def _on_console(self, message):
        if self.visit and message.type == "error":
            self.visit.console.append(f"console: {message.text}")

    def _on_pageerror(self, error):
        if self.visit:
            self.visit.console.append(f"uncaught: {error}")

    def start(self, path, scheme, screenshot=None, phone=False):
        """Load `path` as a first view (routing keeps the cache empty) and start checking it; with
        `phone`, also narrow the window to a phone's width for a moment and see what scrolls sideways."""
        self.visit, self._mine, self._start = Visit(path, scheme), set(), time.perf_counter()
        file = page_file(self.site, path)
        self.visit.html_bytes = file.stat().st_size if file.is_file() else 0
        try:
            with self.page.expect_response(lambda r: r.url.endswith("/search_index.json"), timeout=15_000):
                self.page.goto(path, wait_until="load")
            # Everything the first view fetches by itself, not only what it fetched by the load event
            self.page.wait_for_load_state("networkidle")
        except Exception as e:  # noqa: BLE001  (a page where Material never starts is a finding)
            self.visit.console.append(f"did not load, or never fetched the search index: {e}")
        self.visit.facts = self.page.evaluate(FACTS_JS)
        self.visit.load_seconds = time.perf_counter() - self._start
        if screenshot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"{screenshot}-{scheme}.png"), full_page=True)
        if phone:
            self.page.set_viewport_size(PHONE)
            self.visit.facts["phone"] = self.page.evaluate(PHONE_JS)
            self.page.set_viewport_size(VIEWPORT)
        self.page.add_script_tag(path=str(AXE))
        self.page.evaluate(AXE_START_JS)

    def finish(self):
        visit, self.visit = self.visit, None
        visit.axe = self.page.evaluate("() => window.__mgAxe")
        return visit


@dataclass
class Built:
    """What a built page holds, read from its HTML file (no browser needed)."""
    path: str
    chapter: bool
    graphs: int
    formulas: int
    notebook: bool
    headings: list  # ids of h2/h3 headings with a permalink
    links: set  # pages it links to, relative to the site's root

    @classmethod
    def read(cls, site, path):
        html = page_file(site, path).read_text(encoding="utf-8")
        content = html[max(0, html.find('<article class="md-content__inner')):]
        links = set()
        for href in re.findall(r'<a[^>]*\shref="([^"#?]*)', html):
            if not re.match(r"[a-z]+:|//", href):
                target = posixpath.normpath(posixpath.join("/" + path, href)).lstrip("/")
                directory = href.endswith("/") or href in ("", ".", "..")
                links.add("" if target in (".", "") else target + ("/" if directory else ""))
        return cls(path, 'class="mg-chapter-meta"' in html, html.count('<figure class="mg-graph"'),
                   html.count('class="arithmatex"'), 'class="jupyter-wrapper"' in html,
                   re.findall(r'<h[23] id="([^"]+)"[^>]*>(?:(?!</h[23]>).)*class="headerlink"', content, re.S), links)


def built_pages(site):
    return [Built.read(site, p) for p in site_pages(site) if page_file(site, p).is_file()]


def screenshot_pages(built):
    """{path: name} of the pages to photograph: the home page, a chapter with a graph and math
    (value-object or overview if they have both), and the first notebook page."""
    by_path = {b.path: b for b in built}
    order = [by_path[p] for p in PREFERRED_CHAPTERS if p in by_path] + built
    chapter = next((b.path for b in order if b.chapter and b.graphs and b.formulas), None)
    notebook = next((b.path for b in built if b.notebook), None)
    return {p: name for name, p in (("notebook", notebook), ("chapter", chapter), ("home", "")) if p is not None}


class Sweep:
    """Every page of both editions, visited once per colour scheme, in sitemap order (the English
    pages, then the Chinese ones). The first use sweeps both schemes at once, one tab each,
    interleaved: while axe checks a page in one tab, the next page loads in the other, which keeps
    two CPU cores busy. A Chinese page is also narrowed to a phone's width for a moment, in light
    (the English pages are loaded at that width by test_graphs.py)."""

    def __init__(self, browser, site, base_url):
        self.browser, self.site, self.base_url = browser, site, base_url
        self.english = site_pages(site)
        self.chinese = chinese_pages(site)
        self.pages = self.english + self.chinese
        self.shots = screenshot_pages(built_pages(site))
        self.outside = []  # requests the guard aborted that no visit saw (there should be none)
        self._visits = {}

    def __call__(self, scheme):
        if not self._visits:
            self._sweep()
        return self._visits[scheme]

    def _sweep(self):
        start = time.perf_counter()
        contexts = {s: open_context(self.browser, self.base_url, s) for s in SCHEMES}
        visits = {s: [] for s in SCHEMES}
        try:
            tabs = {s: PageVisitor(contexts[s], self.site, self.base_url) for s in SCHEMES}
            for path in self.pages:
                if path == (self.chinese or [None])[0]:
                    english_seconds = time.perf_counter() - start
                for scheme, tab in tabs.items():
                    if tab.visit is not None:
                        visits[scheme].append(tab.finish())
                    tab.start(path, scheme, self.shots.get(path), phone=path.startswith(ZH) and scheme == "light")
            for scheme, tab in tabs.items():
                visits[scheme].append(tab.finish())
        finally:
            for context in contexts.values():
                context.close()
        seen = {u for vs in visits.values() for v in vs for u in v.outside}
        self.outside = sorted({u for c in contexts.values() for u in c.outside} - seen)
        self._visits = visits
        slowest = max((v for vs in visits.values() for v in vs), key=lambda v: v.load_seconds)
        seconds = time.perf_counter() - start
        zh = (f"; of it the {len(self.chinese)} Chinese pages {seconds - english_seconds:.1f} s"
              if self.chinese else "")
        FIGURES["browser sweep"] = (f"{len(self.pages)} pages x {len(SCHEMES)} schemes in {seconds:.1f} s{zh} "
                                    f"(slowest load: {slowest.name}, {slowest.load_seconds:.1f} s)")


def weigh(browser, site, base_url, path):
    """A Visit of `path` that records only what a first view downloads: for pages too big to check in
    the sweep (the print page), which is not in the sitemap."""
    context = open_context(browser, base_url)
    try:
        tab = PageVisitor(context, site, base_url)
        tab.visit = Visit(path, "light")
        file = page_file(site, path)
        tab.visit.html_bytes = file.stat().st_size if file.is_file() else 0
        start = time.perf_counter()
        tab.page.goto(path, wait_until="load")
        tab.page.wait_for_load_state("networkidle")
        tab.visit.load_seconds = time.perf_counter() - start
        tab.visit.outside = list(context.outside)
        return tab.visit
    finally:
        context.close()
