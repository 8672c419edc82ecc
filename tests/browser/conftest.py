"""What a reader sees, proven in a real browser: the fixtures of the browser tests.

One headless Debian chromium per test session, driven by Playwright (never `playwright install`:
the browser comes from apt, see scripts/setup.sh), and axe-core from npm (tests/browser/
package-lock.json, installed by the same script), injected into the pages by the tests only.
The site is the session's clean strict build (tests/conftest.py), built for and served at a local
URL so that instant navigation really runs. How pages are visited: browsing.py.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browsing import AXE, CHROMIUM, CHROMIUM_ARGS, SCHEMES, Sweep, built_pages, open_context  # noqa: E402


def pytest_collection_modifyitems(items):
    """Run the browser tests last: a quick failure elsewhere shows before the browser starts."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    for need, what in ((CHROMIUM, "Debian's chromium"), (AXE, "axe-core")):
        if not Path(need).exists():
            pytest.fail(f"{need} is missing: `source scripts/setup.sh test` installs {what}", pytrace=False)
    # launch() gives the browser a fresh temporary profile (user-data dir), removed on close.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def sweep(browser, built_site, site_url):
    """Every page of the site, visited on first use once per colour scheme."""
    return Sweep(browser, built_site[0], site_url)


@pytest.fixture(scope="session")
def built(built_site):
    """What each page of the built site holds, read from its HTML (browsing.Built), in sitemap order."""
    return built_pages(built_site[0])


@pytest.fixture(params=list(SCHEMES))
def visits(request, sweep):
    """The visits of every page in one colour scheme: a test using it runs once per scheme."""
    return sweep(request.param)


@pytest.fixture
def new_context(browser, site_url):
    """`new_context(scheme)` opens a fresh guarded browser context. At the end of the test every
    context is closed, and the test fails if any of them asked another host for anything."""
    opened = []

    def make(scheme="light"):
        opened.append(open_context(browser, site_url, scheme))
        return opened[-1]

    yield make
    for context in opened:
        context.close()
    outside = [url for context in opened for url in context.outside]
    assert not outside, f"requests to other hosts: {outside}"
