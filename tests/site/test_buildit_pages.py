"""The "Build it yourself" pages (docs/build-it/) show code from buildit/, never a copy, and the build
refuses a reference solution that fails its own step's checks (docs/hooks/track.py)."""
import re
import types

import pytest
import yaml
from conftest import ROOT
from mkdocs.exceptions import PluginError

import track as hook  # docs/hooks/track.py (tests/site/conftest.py puts docs/hooks on sys.path)

TRACK = ROOT / "docs" / "build-it"


def _config():
    return types.SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), docs_dir=str(ROOT / "docs"))


def _render(text, src_uri="build-it/closures.md"):
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri=src_uri))
    return hook.on_page_markdown(text, page, _config(), None)


@pytest.fixture(scope="module")
def package():
    hook.on_config(_config())
    import importlib
    return importlib.import_module("buildit")  # the track's package (repository root), not the hook


def test_every_step_has_a_page_in_the_nav_in_order(package):
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["nav"]
    track = next(item["Build it yourself"] for item in nav if "Build it yourself" in item)
    assert track == ["build-it/index.md"] + [f"build-it/{s.id}.md" for s in package.STEPS]
    for s in package.STEPS:
        text = (TRACK / f"{s.id}.md").read_text(encoding="utf-8")
        for what in ("step", "starter", "command", "checks", "solution"):
            assert f"<!-- buildit:{what} {s.id} -->" in text, f"{s.id}.md lacks its {what}"


def test_the_page_shows_the_solution_from_the_one_source(package):
    out = _render('??? success "Reference solution"\n\n    <!-- buildit:solution closures -->\n')
    body = "\n".join("    " + line if line else "" for line in package.solution("closures").rstrip().split("\n"))
    assert body in out
    assert '    ```python title="buildit/solutions/closures.py"' in out


def test_the_build_refuses_a_solution_that_fails_its_checks(package, monkeypatch):
    wrong = (ROOT / "tests" / "buildit" / "wrong" / "closures--stores-none.py").read_text(encoding="utf-8")
    monkeypatch.setattr(package, "solution", lambda step: wrong)
    with pytest.raises(PluginError, match=r"build-it/closures.md: the reference solution of step "
                                          r"'closures' fails its checks: .*you stored the \*result\*"):
        _render("<!-- buildit:solution closures -->\n")


def test_an_unknown_step_stops_the_build(package):
    with pytest.raises(PluginError, match=r"there is no step 'closure'; the steps are: value"):
        _render("<!-- buildit:starter closure -->\n")


def test_the_example_report_is_the_real_one(package):
    out = _render("<!-- buildit:example accumulate -->\n", "build-it/index.md")
    report = package.check("accumulate", package.starter("accumulate"), "mycode.py").report()
    assert out == f"```text\n{report}\n```\n"
    assert re.search(r"✗ after `b = a \+ a; b.backward\(\)`", out)


def test_each_page_names_its_place_in_the_track(package):
    """A step page's title says its number, and its starter is 'your step N-1 code': both follow
    buildit/steps.py when a step is inserted."""
    for i, s in enumerate(package.STEPS, start=1):
        text = (TRACK / f"{s.id}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# Step {i}: "), f"{s.id}.md should be titled 'Step {i}: ...'"
        if i > 1:
            assert f"Your step {i - 1} code:" in text, f"{s.id}.md should start from 'Your step {i - 1} code'"
        nxt = package.STEPS[i].id if i < len(package.STEPS) else None
        if nxt:
            assert re.search(rf"^Next: \[[^\]]+\]\({nxt}\.md\)\.$", text, re.M), f"{s.id}.md: Next should be {nxt}.md"
