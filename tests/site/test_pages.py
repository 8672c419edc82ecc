"""Every page's code runs, in page order, and prints exactly the output the page shows.

This is the same runner the build uses (docs/hooks/pagecode.py); here it reports per page.
"""
import re
import warnings

import pytest
from ci_skips import in_ci, is_missing_dependency
from conftest import ROOT

import pagecode

PAGES = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "build-it").glob("*.md"))
WITH_CODE = PAGES + [ROOT / "README.md"]  # the README's example runs too


def _id(page):
    return f"build-it/{page.name}" if page.parent.name == "build-it" else page.name


@pytest.mark.parametrize("page", WITH_CODE, ids=_id)
def test_page_code_runs_and_prints_what_the_page_shows(page):
    import matplotlib

    matplotlib.use("Agg")
    runs = pagecode.run_page(page.read_text(encoding="utf-8"), page=page.name)
    report_skipped(page.name, runs)


def report_skipped(name, runs):
    """Say loudly which blocks did not run (the others did run and pass); in CI, where every
    dependency is installed, a block skipped for a missing module fails (tests/ci_skips.py)."""
    skipped = [f"line {r.block.lineno}: {r.skipped}" for r in runs if r.skipped]
    missing = [s for s in skipped if is_missing_dependency(s)]
    if missing and in_ci():
        pytest.fail(f"{name}: CI is set, yet blocks were skipped for a missing dependency: {'; '.join(missing)}")
    if skipped:
        warnings.warn(f"{name}: blocks not run: {'; '.join(skipped)}")


@pytest.mark.parametrize("ci", ["true", ""])
def test_in_ci_a_page_block_skipped_for_a_missing_module_fails(monkeypatch, ci):
    text = "<!--pytest-codeblocks:importorskip(no_such_module_for_micrograd_tests)-->\n```python\nx = 1\n```\n"
    runs = pagecode.run_page(text, page="page.md")
    assert runs[0].skipped == "needs no_such_module_for_micrograd_tests, which is not installed"
    monkeypatch.setenv("CI", ci)
    if ci:
        with pytest.raises(pytest.fail.Exception, match="page.md: CI is set, yet blocks were skipped"):
            report_skipped("page.md", runs)
    else:
        with pytest.warns(UserWarning, match="blocks not run"):
            report_skipped("page.md", runs)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_heading_has_an_explicit_id(page):
    text = re.sub(r"^(`{3,}).*?^\1", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    headings = [line for line in text.splitlines() if re.match(r"#{1,6} ", line)]
    missing = [h for h in headings if not re.search(r"\{[^}]*#[\w-]+[^}]*\}\s*$", h)]
    assert not missing, f"headings without an explicit id: {missing}"
