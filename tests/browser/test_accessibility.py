"""Accessibility, checked by axe-core on every page in light and in dark.

axe-core is pinned in tests/browser/package-lock.json and injected by the test into each page it
checks, never shipped with the site. A serious or critical violation fails; the others are listed
in the figures at the end of the run.
"""
from browsing import AXE, report
from sitebuild import FIGURES

FAILING_IMPACTS = ("serious", "critical")


def test_no_serious_or_critical_violation(visits):
    problems, minor = [], {}
    for v in visits:
        for violation in v.axe:
            if violation["impact"] in FAILING_IMPACTS:
                nodes = "\n      ".join(violation["nodes"])
                problems.append(f"{v.name}: {violation['impact']} {violation['id']} ({violation['help']}), "
                                f"{violation['count']} elements:\n      {nodes}")
            else:
                minor.setdefault(f"{violation['impact']} {violation['id']}", set()).add(v.path)
    if minor:
        scheme = visits[0].scheme
        FIGURES[f"axe, minor findings ({scheme})"] = "; ".join(f"{k} on {len(p)} pages" for k, p in sorted(minor.items()))
    report(problems, "serious or critical accessibility violations")


def test_axe_finds_a_planted_violation(new_context):
    """The check can fail: on a page with an unlabelled image and an unlabelled button, axe reports
    both (so an empty list above means the pages are clean, not that axe did not run)."""
    page = new_context().new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"><button></button></main></html>')
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
    assert {"image-alt", "button-name"} <= set(found)
