"""What "Teaching with this site" (docs/teaching.md) says about printing and about running the site
offline, checked in Chromium on the built site: opened from a folder (file://), served by Python's
own static server (`python3 -m http.server`), and served over plain http to another machine's
address (not a secure context: the copy buttons fall back to the older way of copying).
Each claim is checked next to its opposite, so that a test cannot pass on a page that did nothing.
"""
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from browsing import CHROMIUM_ARGS, open_context  # noqa: F401 (CHROMIUM_ARGS: how the browser runs)

PAGE = "value-object/"  # formulas, graphs and runnable code from its first screen
CITED = "multiple-use-bug/"

# Start a module worker from the site's own worker script; "refused" if the browser will not load it.
WORKER_JS = """(url) => new Promise((resolve) => {
  let w;
  try { w = new Worker(new URL(url, location.href), {type: "module"}); }
  catch (e) { resolve("refused: " + e.name); return; }
  w.onerror = () => { resolve("refused"); w.terminate(); };
  setTimeout(() => { resolve("started"); w.terminate(); }, 4000);
})"""


def _search(page, query, expect_results):
    """Type `query` into Material's search as a reader would. With `expect_results`, wait for a
    result and return how many; without, give the index time to load and return how many there
    are (0 also when the search box is not even shown)."""
    search = page.locator("input.md-search__input")
    if not search.is_visible():
        return 0
    search.click()
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item")
    if expect_results:
        results.first.wait_for(timeout=15_000)
    else:
        page.wait_for_timeout(4000)
    return results.count()


def _free_port(host):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _python_server(site, host="127.0.0.1"):
    """`python3 -m http.server --directory site PORT`, as the page says, bound to `host`."""
    port = _free_port(host)
    proc = subprocess.Popen([sys.executable, "-m", "http.server", "--directory", str(site), "--bind", host, str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{host}:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"python -m http.server did not start on {url}")


def test_opened_from_a_folder_pages_show_but_links_search_and_python_need_a_server(browser, built_site, site_url):
    site = built_site[0]
    context = browser.new_context()  # not the guarded one: it aborts every file:// load
    page = context.new_page()
    page.goto((site / PAGE / "index.html").as_uri())
    # What shows: the text, the build's graphs and plots, code and outputs; formulas as TeX source.
    assert page.locator("article .mg-graph svg").count() > 0
    assert page.locator("article pre code").count() > 0
    page.wait_for_timeout(2000)
    assert page.locator("article .katex").count() == 0
    assert "\\(" in page.locator("article .arithmatex").first.text_content()
    # The in-page Python: the browser refuses a module worker from a file, not from a server.
    assert page.evaluate(WORKER_JS, "../assets/run/worker.mjs").startswith("refused")
    # Search: no results from a file.
    assert _search(page, "backpropagation", expect_results=False) == 0
    # The links lead to folders: the next page's link opens a directory listing, not a page.
    page.goto((site / PAGE / "index.html").as_uri())
    page.locator("a.md-footer__link--next").click()
    page.wait_for_load_state()
    assert page.url.endswith("/") and page.locator("article").count() == 0
    assert "Index of" in page.title()
    context.close()

    # The same page over http: the worker starts, search finds, the next link leads to a page.
    context = open_context(browser, site_url)
    page = context.new_page()
    page.goto(PAGE)
    expect(page.locator("article .katex").first).to_be_attached()  # typeset over http
    assert page.evaluate(WORKER_JS, "../assets/run/worker.mjs") == "started"
    assert _search(page, "backpropagation", expect_results=True) > 0
    page.goto(PAGE)
    page.locator("a.md-footer__link--next").click()
    page.wait_for_load_state()
    expect(page.locator("article h1")).to_be_visible()
    assert not context.outside
    context.close()


def test_pythons_own_static_server_runs_the_in_page_python(browser, built_site):
    proc, url = _python_server(built_site[0])
    try:
        context = open_context(browser, url)
        page = context.new_page()
        page.goto(PAGE)
        bar = page.locator('div.mg-run[data-block="0"]')
        bar.get_by_role("button", name="Run").click()
        bar.locator(".mg-run-out[data-state]").wait_for(timeout=120_000)
        assert bar.locator(".mg-run-out").get_attribute("data-state") == "done"
        assert bar.locator("pre.mg-run-stdout").text_content().strip()
        assert _search(page, "backpropagation", expect_results=True) > 0
        assert not context.outside
        context.close()
    finally:
        proc.kill()
        proc.wait()


def _other_address():
    """This machine's first address that is not loopback, or None."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout.split()
    except OSError:
        return None
    return next((a for a in out if "." in a and not a.startswith("127.")), None)


def test_over_plain_http_to_another_machine_copying_still_works(browser, built_site):
    address = _other_address()
    if address is None:
        pytest.skip("this machine has no address but loopback to serve the site on")
    proc, url = _python_server(built_site[0], host=address)
    try:
        context = open_context(browser, url)
        page = context.new_page()
        page.goto(CITED)
        assert page.evaluate("() => window.isSecureContext") is False
        assert page.evaluate("() => typeof navigator.clipboard") == "undefined"
        heading = page.locator("article h2[id]").first
        heading.hover()
        heading.locator(".mg-seccite__toggle").click()
        heading.locator(".mg-seccite__copy[data-mg-what='link']").click()
        expect(page.get_by_role("status")).to_have_text("Copied the link to this section.")
        # Read the clipboard back from a page the browser trusts (loopback), in the same browser.
        local = _python_server(built_site[0])
        try:
            context2 = open_context(browser, local[1])
            context2.grant_permissions(["clipboard-read"], origin=local[1].rstrip("/"))
            reader = context2.new_page()
            reader.goto(CITED)
            copied = reader.evaluate("() => navigator.clipboard.readText()")
            want = heading.locator(".mg-seccite__copy[data-mg-what='link']").get_attribute("data-mg-copy")
            assert copied == want
            context2.close()
        finally:
            local[0].kill()
            local[0].wait()
        context.close()
    finally:
        proc.kill()
        proc.wait()


def test_a_printed_chapter_leaves_out_the_navigation_and_the_controls(new_context, built_site):
    page = new_context().new_page()
    page.goto(CITED)
    hidden = """() => [...document.querySelectorAll(
        '.md-header, .md-sidebar, .md-footer, .mg-seccite, .mg-run')].filter((e) => getComputedStyle(e).display !== 'none').length"""
    assert page.evaluate(hidden) > 0
    page.emulate_media(media="print")
    assert page.evaluate(hidden) == 0
    expect(page.locator("article h1")).to_be_visible()
