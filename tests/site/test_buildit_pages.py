"""The "Build it yourself" pages (docs/build-it/) show code from buildit/, never a copy, and the build
refuses a reference solution that fails its own step's checks (docs/hooks/track.py). In the Chinese
edition the words the hook writes (steps' titles and goals, checks' descriptions and hints) come from
zh/buildit.yml, and a step or check without Chinese text stops the build."""
import dataclasses
import html
import json
import re
import types

import pytest
import yaml
from conftest import ROOT
from mkdocs.exceptions import PluginError

import track as hook  # docs/hooks/track.py (tests/site/conftest.py puts docs/hooks on sys.path)

TRACK = ROOT / "docs" / "build-it"
ZH_TRACK = ROOT / "zh" / "docs" / "build-it"


def _config(language="en"):
    return types.SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), docs_dir=str(ROOT / "docs"),
                                 theme={"language": language})


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


# --- the Chinese edition ------------------------------------------------------------------------

@pytest.fixture
def chinese(package):
    """The hook as the Chinese build configures it; the English one again afterwards."""
    hook.on_config(_config("zh"))
    import buildit
    yield buildit
    hook.on_config(_config())


def _zh_texts():
    return yaml.safe_load((ROOT / "zh" / "buildit.yml").read_text(encoding="utf-8"))


def test_the_step_list_and_the_checks_read_in_chinese(chinese):
    texts = _zh_texts()
    out = _render("<!-- buildit:steps -->\n", "build-it/index.md")
    for i, s in enumerate(chinese.STEPS, start=1):
        zh = texts["steps"][s.id]
        assert f'{i}. <span class="mg-buildit-mark" data-step="{s.id}"></span>[{zh["title"]}]({s.id}.md)——{zh["goal"]}（视频 ' in out
        assert s.goal not in out
    assert "第 4 章《[从核心 Value 对象及其可视化开始](../value-object.md)》）" in out
    assert "(video " not in out and "chapter " not in out
    for step_id, group in texts["checks"].items():
        out = _render(f"<!-- buildit:checks {step_id} -->\n", "build-it/index.md")
        assert out == "\n".join(f"- {e['does']}" for e in group.values()) + "\n"


def test_the_chinese_editor_carries_its_checks_texts(chinese):
    """A step's editor carries the Chinese description and hint of every check the step runs (the
    carried checks of the steps before, then its own), keyed by what the checks report in English."""
    from buildit import checks
    out = _render("<!-- buildit:editor accumulate -->\n", "build-it/index.md")
    texts = json.loads(html.unescape(re.search(r' data-texts="([^"]*)"', out)[1]))
    run = checks.checks_for("accumulate")
    assert list(texts) == [fn.__doc__ for fn in run] and len(run) > len(checks.CHECKS["accumulate"])
    zh = {name: e for group in _zh_texts()["checks"].values() for name, e in group.items()}
    assert all(texts[fn.__doc__] == [zh[fn.__name__]["does"], zh[fn.__name__]["hint"]] for fn in run)


def test_the_english_editor_carries_no_translation(package):
    out = _render("<!-- buildit:editor accumulate -->\n", "build-it/index.md")
    assert "data-texts" not in out and out.endswith('"></div>\n')


def test_a_step_without_chinese_text_stops_the_chinese_build(package, tmp_path):
    """A new step in buildit/steps.py, not yet in zh/buildit.yml: the Chinese build stops and names it
    (a copy of the repository's buildit/ and zh/buildit.yml, with one more step)."""
    import shutil
    import sys
    shutil.copytree(ROOT / "buildit", tmp_path / "buildit", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "zh").mkdir()
    shutil.copy(ROOT / "zh" / "buildit.yml", tmp_path / "zh" / "buildit.yml")
    with (tmp_path / "buildit" / "steps.py").open("a", encoding="utf-8") as f:
        f.write('STEPS.append(Step("adam", "An Adam optimizer", "training", 7272, "`Adam`"))\n')
    config = _config("zh")
    config.config_file_path = str(tmp_path / "mkdocs.yml")
    try:
        hook.on_config(_config("zh"))  # the repository's own: every step has its Chinese text
        with pytest.raises(PluginError, match=r"zh/buildit.yml has no Chinese title for the step 'adam' "
                                              r"of buildit/steps.py \('An Adam optimizer'\)"):
            hook.on_config(config)
    finally:
        sys.path.remove(str(tmp_path))
        hook.on_config(_config())
    import buildit
    assert [s.id for s in buildit.STEPS][-1] == "training", "the test's copy of buildit/ is still imported"


def _load(tmp_path, text):
    from buildit import checks
    import buildit
    path = tmp_path / "buildit.yml"
    path.write_text(text, encoding="utf-8")
    return hook.load_chinese(path, buildit.STEPS, checks.CHECKS)


def test_a_check_without_chinese_text_is_named(package, tmp_path):
    real = (ROOT / "zh" / "buildit.yml").read_text(encoding="utf-8")
    assert _load(tmp_path, real)["checks"]["used_twice_mul"]["does"]
    no_hint = re.sub(r"(    used_twice_mul:\n(      en: .*\n)?      does: .*\n)      hint: .*\n", r"\1", real)
    assert no_hint != real
    with pytest.raises(PluginError, match=r"zh/buildit.yml has no Chinese hint for the check 'used_twice_mul' "
                                          r"of step 'accumulate' in buildit/checks.py \(“`b = a \* a"):
        _load(tmp_path, no_hint)
    no_check = re.sub(r"    used_twice_mul:\n(      .*\n)+?(?=    \w)", "", real)
    with pytest.raises(PluginError, match=r"no Chinese does for the check 'used_twice_mul'"):
        _load(tmp_path, no_check)
    no_goal = real.replace("    goal: 用 `+=` 累加的梯度", "    gaol: 用 `+=` 累加的梯度")
    with pytest.raises(PluginError, match=r"no Chinese goal for the step 'accumulate'"):
        _load(tmp_path, no_goal)
    renamed = real.replace("    used_twice_add:\n", "    used_twice_plus:\n")
    with pytest.raises(PluginError, match=r"no Chinese does for the check 'used_twice_add'"):
        _load(tmp_path, renamed)
    left_over = real + "    used_thrice:\n      does: 三次\n      hint: 三次\n"
    with pytest.raises(PluginError, match=r"translates what buildit/ does not have .*checks: training: used_thrice"):
        _load(tmp_path, left_over)


def test_the_chinese_step_titles_are_the_pages_titles(chinese):
    """zh/buildit.yml's title of step N is its Chinese page's title after `第 N 步：`, and the text of
    the link to it from the step before."""
    texts = _zh_texts()
    for i, s in enumerate(chinese.STEPS, start=1):
        title = texts["steps"][s.id]["title"]
        text = (ZH_TRACK / f"{s.id}.md").read_text(encoding="utf-8")
        assert text.split("\n")[0] == f"# 第 {i} 步：{title} {{ #{s.id} }}", f"zh/docs/build-it/{s.id}.md"
        if i < len(chinese.STEPS):
            nxt = chinese.STEPS[i].id
            assert f"\n下一步：[{texts['steps'][nxt]['title']}]({nxt}.md)。\n" in text, f"{s.id}.md: its Next link"
    # and the build holds a Chinese step page to it
    _render("# 第 6 步：每种运算一个反向闭包 { #closures }\n\n<!-- buildit:step closures -->\n")
    with pytest.raises(PluginError, match=r"build-it/closures.md: the title '# 第 6 步：反向闭包' is not the "
                                          r"step's, '# 第 6 步：每种运算一个反向闭包'"):
        _render("# 第 6 步：反向闭包 { #closures }\n\n<!-- buildit:step closures -->\n")


def test_no_chinese_track_text_is_stale(package):
    """Every entry of zh/buildit.yml translates today's English (`python docs/hooks/track.py` lists none)."""
    import buildit
    from buildit import checks
    assert hook.load_chinese(ROOT / "zh" / "buildit.yml", buildit.STEPS, checks.CHECKS)["stale"] == []


def test_an_english_edit_shows_beside_the_stale_chinese(chinese, tmp_path, monkeypatch):
    """A check's description and a step's goal edited in English: the Chinese build still builds, and
    shows today's English beside the Chinese that translates the old; the editor's report falls back
    to the English for that check. Stamping (after the Chinese is brought up to date) clears it."""
    from buildit import checks
    old = checks.CHECKS["accumulate"][1]

    def used_twice_mul(code):
        """`b = a * a; b.backward()` gives a.grad 6.0 with a = 3.0, from both uses"""
    used_twice_mul.hint, used_twice_mul.carried = old.hint, old.carried
    edited = {k: [used_twice_mul if fn is old else fn for fn in v] for k, v in checks.CHECKS.items()}
    steps = [dataclasses.replace(s, goal=s.goal + " and more") if s.id == "more-ops" else s for s in chinese.STEPS]
    path = tmp_path / "buildit.yml"
    path.write_text((ROOT / "zh" / "buildit.yml").read_text(encoding="utf-8"), encoding="utf-8")
    texts = hook.load_chinese(path, steps, edited)
    assert texts["stale"] == ["steps: more-ops", "checks: accumulate: used_twice_mul"]
    monkeypatch.setattr(checks, "CHECKS", edited)
    monkeypatch.setattr(chinese, "STEPS", steps)
    monkeypatch.setitem(hook._zh, "steps", texts["steps"])
    monkeypatch.setitem(hook._zh, "checks", texts["checks"])
    listed = _render("<!-- buildit:checks accumulate -->\n", "build-it/index.md")
    zh = _zh_texts()["checks"]["accumulate"]
    assert f"- {zh['used_twice_mul']['does']}（英文原文已更新：{used_twice_mul.__doc__}）" in listed
    assert f"- {zh['used_twice_add']['does']}\n" in listed
    steps_list = _render("<!-- buildit:steps -->\n", "build-it/index.md")
    assert "（英文原文已更新：More operations: numbers on either side" in steps_list and "and more）（视频 " in steps_list
    editor = _render("<!-- buildit:editor accumulate -->\n", "build-it/index.md")
    carried = json.loads(html.unescape(re.search(r' data-texts="([^"]*)"', editor)[1]))
    assert old.__doc__ not in carried and used_twice_mul.__doc__ not in carried
    assert checks.CHECKS["accumulate"][0].__doc__ in carried
    hook.stamp_chinese(path, steps, edited)
    assert hook.load_chinese(path, steps, edited)["stale"] == []
    assert path.read_text(encoding="utf-8").count("\n    en: ") == len(steps)
