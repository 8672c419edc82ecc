"""In CI, a test skipped for a missing dependency is a failure (a pytest plugin; tests/conftest.py uses it).

CI installs everything: PyTorch, numpy, scikit-learn, graphviz's `dot`, Chromium. A skip there means
the set-up broke, and a skipped test can hide a failure. So when the environment variable `CI` is
set (GitHub Actions sets CI=true), a skip whose reason says something is missing (pytest.importorskip's
"could not import", or a reason with "not installed") is reported as a failure. Other skips (a page
has no such content yet) and expected failures stay what they are. Without CI, nothing changes: a
reader without PyTorch still gets a green run, with the skips listed.
"""
import os
import re

import pytest

MISSING = re.compile(r"not installed|could not import|No module named", re.I)


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def is_missing_dependency(reason):
    return bool(MISSING.search(reason or ""))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if is_missing_dependency(reason):
        report.outcome = "failed"
        report.longrepr = f"CI is set, so a skip for a missing dependency is a failure: {reason}"
