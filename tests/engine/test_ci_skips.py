"""In CI (the variable CI set), a skip for a missing dependency fails the run (tests/ci_skips.py).

Proven on a throwaway test file run by a child pytest with and without CI set."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SAMPLE = '''
import pytest

def test_needs_a_module_that_is_missing():
    pytest.importorskip("no_such_module_for_micrograd_tests")

def test_needs_a_module_with_a_reason():
    pytest.importorskip("no_such_module_for_micrograd_tests", reason="PyTorch is not installed")

@pytest.mark.skipif(True, reason="graphviz `dot` executable not installed")
def test_needs_a_program():
    pass

@pytest.fixture
def torch():
    return pytest.importorskip("no_such_module_for_micrograd_tests")

def test_needs_a_fixture_that_skips(torch):
    pass

def test_skipped_for_content():
    pytest.skip("no page has three linked headings yet")

@pytest.mark.xfail(reason="not installed, but expected to fail")
def test_an_expected_failure():
    assert False
'''


def run(tmp_path, ci):
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(TESTS)
    if ci is not None:
        env["CI"] = ci
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "ci_skips", "-p", "no:cacheprovider", "-q",
                           "-rfsx", "test_sample.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    return proc.returncode, proc.stdout.strip().splitlines()[-1], proc.stdout


def test_in_ci_a_skip_for_a_missing_dependency_fails(tmp_path):
    code, summary, out = run(tmp_path, "true")
    assert code == 1, out
    assert "2 failed, 1 skipped, 1 xfailed, 2 errors" in summary, out  # setup-time skips become errors
    assert "a skip for a missing dependency is a failure" in out


def test_outside_ci_it_is_a_skip(tmp_path):
    code, summary, out = run(tmp_path, None)
    assert code == 0, out
    assert "5 skipped, 1 xfailed" in summary, out


@pytest.mark.parametrize("value, ci", [("true", True), ("1", True), ("yes", True), ("", False), ("false", False),
                                       ("0", False), (None, False)])
def test_what_counts_as_ci(monkeypatch, value, ci):
    import ci_skips

    monkeypatch.delenv("CI", raising=False)
    if value is not None:
        monkeypatch.setenv("CI", value)
    assert ci_skips.in_ci() is ci
