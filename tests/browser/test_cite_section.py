"""Cite this section (docs/hooks/cite.py, docs/assets/cite.js), in Chromium with the real clipboard.

Every section heading (h2/h3 with an id) of every chapter page and every page of the track has,
beside its ¶, a button whose menu copies the section's link pinned to this version and a BibTeX and
an APA citation of it. What the tests expect is worked out here from the sources the site is
built from (CITATION.cff, pyproject.toml, docs/chapters.yml, buildit's steps) and from the page as
the browser shows it (the heading's text, the first video link inside the section), not read back
from the attributes under test. Every section of every page is checked in the built HTML; in the
browser, every page is visited and a sample of its sections copied (first, middle, last), and every
section of one page; copying is done with the mouse and with the keyboard, is announced in a
status region, and moves nothing on the page; axe finds nothing wrong with the open menu; the
print page carries none of it and print CSS hides it on a printed chapter.
"""
import re
import sys
import tomllib

import pytest
import yaml
from playwright.sync_api import expect

from browsing import AXE, chapter_ids, watch_errors
from sitebuild import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SITE = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["url"].rstrip("/") + "/"
DATA = yaml.safe_load((ROOT / "docs" / "chapters.yml").read_text(encoding="utf-8"))
CHAPTERS = {c["id"]: (n, c) for n, c in enumerate((c for p in DATA["parts"] for c in p["chapters"]), start=1)}
TRACK = sorted(p.stem for p in (ROOT / "docs" / "build-it").glob("*.md"))
PAGES = [f"{c}/" for c in chapter_ids()] + [f"build-it/{s}/" if s != "index" else "build-it/" for s in TRACK]
ALL_OF_ONE = "multiple-use-bug/"  # every section of this page is copied in the browser

# The sections of the page as the reader sees them: id, text, and the first video second inside
# each (to the next heading of the same or a higher level), read from the DOM.
SECTIONS_JS = """() => {
  const hs = [...document.querySelectorAll('article h2[id], article h3[id]')];
  const all = [...document.querySelectorAll('article h1, article h2, article h3')];
  return hs.map((h) => {
    const level = +h.tagName[1];
    const next = all.slice(all.indexOf(h) + 1).find((x) => +x.tagName[1] <= level);
    let moment = null;
    for (const a of document.querySelectorAll('article a[href*="youtube.com/watch"]')) {
      const after = h.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING;
      const before = !next || (next.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING);
      const t = /[?&]t=(\\d+)s/.exec(a.getAttribute('href'));
      if (after && before && t) { moment = +t[1]; break; }
    }
    const clone = h.cloneNode(true);
    clone.querySelectorAll('.headerlink, .mg-seccite').forEach((x) => x.remove());
    return {id: h.id, text: clone.textContent.replace(/\\s+/g, ' ').trim(), moment};
  });
}"""


def tex(text):
    """BibTeX's special characters escaped."""
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def within(path, page_title):
    """(BibTeX phrase, APA phrase, start second) of what a page's sections are cited within."""
    if path.startswith("build-it/"):
        import buildit

        stem = path[len("build-it/"):].strip("/") or "index"
        if stem == "index":
            return "the track \\emph{Build it yourself}", "Build it yourself", None
        n = [s.id for s in buildit.STEPS].index(stem) + 1
        return (f"step {n}, ``{tex(page_title)}'', of the track \\emph{{Build it yourself}}",
                f"{page_title} (Build it yourself, step {n})", buildit.get(stem).video)
    n, ch = CHAPTERS[path.strip("/")]
    return f"chapter {n}, ``{tex(ch['title'])}''", f"{ch['title']} (Chapter {n})", ch["start"]


def expected(path, section, page_title):
    """What the three copy buttons of `section` must copy: (link, pieces of BibTeX, pieces of APA)."""
    bib_within, apa_within, start = within(path, page_title)
    moment = section["moment"] if section["moment"] is not None else start
    link = f"{SITE}{VERSION}/{path}#{section['id']}"
    bib = [f"title        = {{{{{tex(section['text'])}}}}}", f"url          = {{{link}}}",
           f"version      = {{{VERSION}}}",
           f"howpublished = {{Section of {bib_within}, of \\emph{{micrograd, spelled out}}, version {VERSION}}}"]
    apa = [f". {section['text']}. In {apa_within}. In micrograd, spelled out (Version {VERSION}). {link}"]
    if moment is not None:
        at = f"https://www.youtube.com/watch?v={DATA['video']}&t={moment}s"
        stamp = f"{moment // 3600}:{moment // 60 % 60:02d}:{moment % 60:02d}"
        bib.append(f"(2022), at {stamp}, \\url{{{at}}}")
        apa.append(f"[Video], {stamp}. {at}")
    return link, bib, apa


def _open(new_context, site_url):
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    return page


def _copy(page, heading_id, what):
    """Open the heading's menu with the mouse, click `what` (link, bibtex, apa); the clipboard text."""
    heading = page.locator(f"article [id='{heading_id}']")
    heading.hover()
    toggle = heading.locator(".mg-seccite__toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    item = heading.locator(f".mg-seccite__copy[data-mg-what='{what}']")
    page.evaluate("() => navigator.clipboard.writeText('')")
    item.click()
    expect(page.locator(".mg-seccite-status")).to_have_text(re.compile(r"^Copied "))
    return page.evaluate("() => navigator.clipboard.readText()")


def _check_section(page, path, section, title):
    link, bib, apa = expected(path, section, title)
    got = _copy(page, section["id"], "link")
    assert got == link, f"/{path}#{section['id']}: link"
    got = _copy(page, section["id"], "bibtex")
    missing = [piece for piece in bib if piece not in got]
    assert not missing, f"/{path}#{section['id']}: BibTeX lacks {missing}:\n{got}"
    assert got.startswith(f"@misc{{micrograd-spelled-out:") and got.rstrip().endswith("}")
    got = _copy(page, section["id"], "apa")
    missing = [piece for piece in apa if piece not in got]
    assert not missing, f"/{path}#{section['id']}: APA lacks {missing}:\n{got}"
    page.keyboard.press("Escape")


def test_every_section_of_every_chapter_and_track_page_copies_its_link_and_citations(new_context, site_url, built_site):
    page = _open(new_context, site_url)
    errors = watch_errors(page)
    checked = 0
    for path in PAGES:
        page.goto(path)
        sections = page.evaluate(SECTIONS_JS)
        assert sections, f"/{path} has no sections"
        # Every section has its control, in the built HTML.
        assert page.locator("article :is(h2, h3)[id] > .mg-seccite").count() == len(sections), path
        title = page.locator("article h1").first.evaluate(
            "(h) => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach((x) => x.remove());"
            " return c.textContent.trim(); }")
        sample = sections if path == ALL_OF_ONE else [sections[0], sections[len(sections) // 2], sections[-1]]
        for section in {s["id"]: s for s in sample}.values():
            _check_section(page, path, section, title)
            checked += 1
    assert checked > 3 * len(CHAPTERS)
    assert not errors, errors


def test_every_section_in_the_built_html(built_site):
    """All sections of all pages, from the HTML files: the pinned link of each is its own."""
    site = built_site[0]
    for path in PAGES:
        html = (site / path / "index.html").read_text(encoding="utf-8")
        ids = re.findall(r'<h[23] id="([^"]+)"', html)
        links = re.findall(r'data-mg-what="link" data-mg-copy="([^"]+)"', html)
        assert links == [f"{SITE}{VERSION}/{path}#{i}" for i in ids], path
        assert html.count('class="mg-seccite-status" role="status" aria-live="polite"') == 1, path


def test_keyboard_only_and_announced(new_context, site_url, built_site):
    page = _open(new_context, site_url)
    page.goto(ALL_OF_ONE)
    first = page.evaluate(SECTIONS_JS)[0]
    heading = page.locator(f"article [id='{first['id']}']")
    heading.locator(".headerlink").focus()
    page.keyboard.press("Tab")
    toggle = heading.locator(".mg-seccite__toggle")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_accessible_name("Cite this section")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    items = heading.locator(".mg-seccite__copy")
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_have_text("Copied the link to this section.")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{SITE}{VERSION}/{ALL_OF_ONE}#{first['id']}"
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("Space")
    expect(status).to_have_text("Copied the BibTeX citation.")
    assert page.evaluate("() => navigator.clipboard.readText()").startswith("@misc{")
    page.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(heading.locator(".mg-seccite__menu")).to_be_hidden()


def test_nothing_moves_when_the_menu_opens_or_copies(new_context, site_url, built_site):
    page = _open(new_context, site_url)
    page.goto(ALL_OF_ONE)
    sections = page.evaluate(SECTIONS_JS)
    # Where every element of the article sits on the page (a box of no size, like a tooltip's
    # anchor that Material adds on hover, moves nothing).
    box = """() => [...document.querySelectorAll('article > *')].map((e) => {
        const r = e.getBoundingClientRect();
        return r.width * r.height ? [r.x + scrollX, r.y + scrollY, r.width, r.height].map(Math.round).join() : '-'; })"""
    before = page.evaluate(box)
    for section in sections[:3]:
        _copy(page, section["id"], "apa")
        assert page.evaluate(box) == before, f"opening the menu of #{section['id']} moved the page"
        page.keyboard.press("Escape")
    assert page.evaluate(box) == before


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_menu_passes_axe(new_context, site_url, built_site, scheme):
    context = new_context(scheme)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    page.goto(ALL_OF_ONE)
    sid = page.evaluate(SECTIONS_JS)[0]["id"]
    _copy(page, sid, "link")  # the menu open, one item marked as copied
    page.add_script_tag(path=str(AXE))
    # Serious or critical findings fail (as in test_accessibility.py); inside the menu, any finding.
    found = page.evaluate("""async () => (await axe.run(document.querySelector('article'),
        {resultTypes: ['violations']})).violations.map((v) => ({id: v.id, impact: v.impact,
          nodes: v.nodes.map((n) => n.target.join(' '))}))""")
    bad = [v for v in found if v["impact"] in ("serious", "critical")
           or any("mg-seccite" in n for n in v["nodes"])]
    assert not bad, bad


def test_it_works_after_instant_navigation(new_context, site_url, built_site):
    page = _open(new_context, site_url)
    page.goto("value-object/")
    page.evaluate("() => { window.mgNoReload = 1; }")
    page.locator(f"nav.md-nav a[href$='{ALL_OF_ONE}']").first.click()
    page.wait_for_url(f"**/{ALL_OF_ONE}")
    page.wait_for_function("() => document.querySelector('article .mg-seccite')")
    assert page.evaluate("() => window.mgNoReload") == 1, "the click reloaded the page: no instant navigation"
    sid = page.evaluate(SECTIONS_JS)[-1]["id"]
    assert _copy(page, sid, "link") == f"{SITE}{VERSION}/{ALL_OF_ONE}#{sid}"


def test_the_print_page_and_printed_chapters_have_none_of_it(new_context, site_url, built_site):
    html = (built_site[0] / "print_page" / "index.html").read_text(encoding="utf-8")
    assert "mg-seccite" not in html.split("<article", 1)[1]
    page = _open(new_context, site_url)
    page.goto(ALL_OF_ONE)
    assert page.locator(".mg-seccite").count() > 0
    page.emulate_media(media="print")
    assert page.evaluate("() => [...document.querySelectorAll('.mg-seccite, .mg-seccite-status')]"
                         ".every((e) => getComputedStyle(e).display === 'none')")


@pytest.mark.parametrize("path", ["", "changelog/", "contributing/"])
def test_other_pages_have_no_section_citations(built_site, path):
    assert "mg-seccite" not in (built_site[0] / path / "index.html").read_text(encoding="utf-8")
