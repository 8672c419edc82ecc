"""Shared fixtures for the notebook tests: each notebook in examples/ runs once per test session.

A notebook runs in a fresh `python3` kernel with the repository root as its working directory,
the way a reader runs it after cloning. How long each one took is printed at the end of the run.
"""
import os
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TIMEOUT = 300  # seconds per cell; the slowest cell (the moons training loop) takes about 20
SECONDS = {}  # notebook name -> seconds to execute it, printed in the terminal summary


def _execute(path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    # The site build runs notebooks from a process that sets MPLBACKEND=Agg (docs/hooks/graphs.py),
    # and the kernel inherits it; run them the same way, so a notebook whose plots would vanish
    # from the site fails here.
    env = {**os.environ, "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    try:
        client.execute(env=env)
    finally:
        SECONDS[path.name] = time.perf_counter() - start
    return nb


@pytest.fixture(scope="session")
def executed():
    """`executed(name)`: the notebook examples/<name>, executed top to bottom (once per session)."""
    cache = {}

    def get(name):
        if name not in cache:
            try:
                cache[name] = _execute(EXAMPLES / name)
            except Exception as e:  # remember the failure: one run per notebook, even when it fails
                cache[name] = e
        if isinstance(cache[name], Exception):
            pytest.fail(f"{name} does not run top to bottom:\n{cache[name]}", pytrace=False)
        return cache[name]

    return get


def pytest_terminal_summary(terminalreporter):
    if SECONDS:
        terminalreporter.section("notebook execution times")
        for name, seconds in SECONDS.items():
            terminalreporter.write_line(f"{name}: {seconds:.1f} s")
        terminalreporter.write_line(f"total: {sum(SECONDS.values()):.1f} s")
