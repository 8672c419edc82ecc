"""Shared fixtures for the engine tests.

The tests import `micrograd` from this checkout (the repository root is put on `sys.path`), so
`pytest tests/engine` works from any directory without installing the package. PyTorch and
scikit-learn are optional: the tests that compare with them are skipped when they are absent.
"""
import os
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def torch():
    """PyTorch, or a skip: the comparisons with PyTorch need it, nothing else does."""
    return pytest.importorskip("torch", reason="PyTorch is not installed: comparisons with PyTorch skipped")


@pytest.fixture(scope="session")
def child_env():
    """Environment for a fresh `python` subprocess that imports micrograd from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.pop("PYTHONHASHSEED", None)  # let each child pick its own hash seed, as a real run does
    return env
