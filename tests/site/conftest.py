"""Shared fixtures for the site tests: one clean strict build of the real site per test session."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "hooks"))
FIGURES = {}  # name -> text, printed at the end of the run


def mkdocs_build(config, site_dir, env=None):
    """Run `mkdocs build --strict` on `config`; return (exit code, combined log, seconds)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(site_dir)],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The whole site, built from scratch the way CI builds it: strict, notebooks executed, no cache."""
    site = tmp_path_factory.mktemp("site")
    code, log, seconds = mkdocs_build(ROOT / "mkdocs.yml", site, env={"NOTEBOOK_CACHE": "false"})
    FIGURES["clean strict build of the whole site"] = f"{seconds:.1f} s"
    assert code == 0, f"the site does not build:\n{log}"
    return site, log


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
