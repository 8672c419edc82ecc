"""Every page's code runs, in page order, and prints exactly the output the page shows.

This is the same runner the build uses (docs/hooks/pagecode.py); here it reports per page.
"""
import re
import warnings

import pytest
from conftest import ROOT

import pagecode

PAGES = sorted((ROOT / "docs").glob("*.md"))
WITH_CODE = PAGES + [ROOT / "README.md"]  # the README's example runs too


@pytest.mark.parametrize("page", WITH_CODE, ids=lambda p: p.name)
def test_page_code_runs_and_prints_what_the_page_shows(page):
    import matplotlib

    matplotlib.use("Agg")
    runs = pagecode.run_page(page.read_text(encoding="utf-8"), page=page.name)
    skipped = [f"line {r.block.lineno}: {r.skipped}" for r in runs if r.skipped]
    if skipped:  # the other blocks did run and pass; say loudly which did not
        warnings.warn(f"{page.name}: blocks not run: {'; '.join(skipped)}")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_heading_has_an_explicit_id(page):
    text = re.sub(r"^(`{3,}).*?^\1", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    headings = [line for line in text.splitlines() if re.match(r"#{1,6} ", line)]
    missing = [h for h in headings if not re.search(r"\{[^}]*#[\w-]+[^}]*\}\s*$", h)]
    assert not missing, f"headings without an explicit id: {missing}"
