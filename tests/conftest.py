"""Session fixtures shared by tests/site and tests/browser: one clean strict build of the real site,
served over HTTP at the URL it was built for, and the figures printed at the end of the run."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitebuild import BUILD_LOGS, FIGURES, ROOT, mkdocs_build, serve  # noqa: E402
from ci_skips import pytest_runtest_makereport  # noqa: E402,F401  (in CI, a missing dependency fails)


@pytest.fixture(scope="session")
def site_server(tmp_path_factory):
    """An HTTP server on 127.0.0.1 for the (still empty) site folder: (folder, base URL)."""
    site = tmp_path_factory.mktemp("site")
    server = serve(site)
    yield site, server.url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory):
    """The build cache folder (docs/hooks/cache.py) that `built_site` fills. It is empty when that
    build starts, so the build reads nothing from it; only tests/site/test_cache.py reads it."""
    return tmp_path_factory.mktemp("build-cache")


@pytest.fixture(scope="session")
def built_site(site_server, build_cache):
    """The whole site, built from scratch the way CI builds it: strict, notebooks executed, nothing
    read from a cache, with `site_url` set to the test server's URL so that instant navigation
    really runs. It stores its page-code results and notebooks in the empty `build_cache`, for
    tests/site/test_cache.py to compare warm builds with it."""
    site, url = site_server
    code, log, seconds = mkdocs_build(ROOT / "mkdocs.yml", site, env={"SITE_URL": url, "BUILD_CACHE": str(build_cache)})
    FIGURES["clean strict build of the whole site"] = f"{seconds:.1f} s"
    assert code == 0, f"the site does not build:\n{log}"
    # The Chinese edition, after the English one as scripts/build builds it: into zh/, from the same
    # cache, so that it runs no page code and no notebook of its own (tests/site/test_translation.py).
    code, zh_log, zh_seconds = mkdocs_build(ROOT / "mkdocs.zh.yml", site / "zh", env={
        "SITE_URL": url, "SITE_URL_ZH": f"{url}zh/", "BUILD_CACHE": str(build_cache)})
    FIGURES["strict build of the Chinese edition after it"] = (
        f"{zh_seconds:.1f} s (both: {(seconds + zh_seconds) / seconds:.2f} × the English alone)")
    assert code == 0, f"the Chinese edition does not build:\n{zh_log}"
    BUILD_LOGS["zh"] = zh_log
    return site, log


@pytest.fixture(scope="session")
def site_url(built_site, site_server):
    """The base URL of the built site, served over HTTP (ends in '/')."""
    return site_server[1]


def pytest_collectstart(collector):
    """`from conftest import X` in a test module means its own folder's conftest.py, whatever folders
    pytest was given: pytest imports every conftest.py as the one module name `conftest`."""
    if isinstance(collector, pytest.Module):
        own = str(collector.path.parent / "conftest.py")
        for plugin in collector.config.pluginmanager.get_plugins():
            if getattr(plugin, "__file__", None) == own:
                sys.modules["conftest"] = plugin
                break


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
