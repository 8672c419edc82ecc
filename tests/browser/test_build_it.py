"""Build it yourself in the page (docs/assets/buildit.js): a step's Check runs buildit/checks.py in
the in-page Python on the reader's code, with the keyboard only; the code and the progress stay in
localStorage across a reload and an instant navigation; a step and the whole track can be reset.
"""
from playwright.sync_api import expect

from browsing import AXE, watch_errors
from sitebuild import ROOT

CHECK_TIMEOUT = 90_000  # ms: the first Check starts Pyodide (~10 s cold on 2 cores)
STEP = "build-it/closures/"
SOLUTION = (ROOT / "buildit" / "solutions" / "closures.py").read_text(encoding="utf-8")
WRONG = (ROOT / "tests" / "buildit" / "wrong" / "closures--stores-none.py").read_text(encoding="utf-8")


def _has_runner(site):
    return (site / "assets" / "run" / "run.js").is_file()


def _type_code(page, code, label="Your code for step 6, editable"):
    """Replace the editor's text from the keyboard: focus it with Tab, select all, insert."""
    editor = page.get_by_label(label)
    editor.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def _check_with_keyboard(page):
    """Tab from the editor to Check, press Enter, wait for the verdict; return the status text."""
    out = page.locator(".mg-buildit-out")
    out.evaluate("(o) => { delete o.dataset.state; }")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator('.mg-buildit-out[data-state="pass"], .mg-buildit-out[data-state="fail"], '
                 '.mg-buildit-out[data-state="error"]').wait_for(timeout=CHECK_TIMEOUT)
    return out.get_attribute("data-state"), out.text_content()


def test_check_in_the_page_with_the_keyboard(built_site, new_context):
    assert _has_runner(built_site[0]), "the site has no in-page Python (docs/assets/run/run.js)"
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(STEP)
    page.get_by_label("Your code for step 6, editable").wait_for()
    # The editor starts from the step's starter: the reference solution of step 5.
    starter = (ROOT / "buildit" / "solutions" / "by-hand.py").read_text(encoding="utf-8")
    assert "def backprop_neuron" in page.get_by_label("Your code for step 6, editable").text_content()
    assert "def backprop_neuron" in starter

    _type_code(page, WRONG)
    state, text = _check_with_keyboard(page)
    assert state == "fail", text
    assert "you stored the *result* of calling the closure" in text
    # Between the failure and the answer: the failing check's hint; the solution is one click further.
    import buildit
    hint = buildit.check("closures", WRONG).hint
    assert hint and page.locator(".mg-buildit-out .mg-buildit-hint").text_content() == f"Hint: {hint}"
    fold = page.locator("details", has=page.locator(".filename", has_text="buildit/solutions/closures.py"))
    assert fold.evaluate("(d) => d.open") is False
    page.get_by_role("button", name="Show the reference solution").focus()
    page.keyboard.press("Enter")
    assert fold.evaluate("(d) => d.open") is True
    expect(fold.locator("summary")).to_be_focused()

    _type_code(page, SOLUTION)
    state, text = _check_with_keyboard(page)
    assert state == "pass", text
    assert "Step 6 passes: all 11 checks." in text

    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run()).violations"
                          ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)")
    assert not found, found

    # A reload keeps the code and the progress.
    page.reload()
    page.get_by_label("Your code for step 6, editable").wait_for()
    assert "out._backward = _backward\n" in page.evaluate("localStorage.getItem('mg-buildit:code:closures')")
    expect(page.get_by_label("Your code for step 6, editable")).to_contain_text("self._backward = lambda: None")

    # Instant navigation to the track's first page: step 6 is marked done, the others not.
    page.evaluate("window.__same_document = true")
    page.locator(".mg-chapter-meta a", has_text="Build it yourself").click()
    page.wait_for_url("**/build-it/")
    assert page.evaluate("window.__same_document") is True, "the navigation was not instant"
    expect(page.locator('li.mg-buildit-done .mg-buildit-mark[data-step="closures"]')).to_have_count(1)
    assert page.locator("li.mg-buildit-done").count() == 1

    # The next step starts from the reader's own step 6 code, carried forward.
    page.goto("build-it/backward/")
    expect(page.get_by_label("Your code for step 7, editable")).to_contain_text("self._backward = lambda: None")

    # Reset of the whole track (confirmed), then the marks are gone.
    page.goto("build-it/")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Erase my code and progress").focus()
    page.keyboard.press("Enter")
    expect(page.locator("li.mg-buildit-done")).to_have_count(0)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('mg-buildit:')).length") == 0
    assert not errors, errors


def test_reset_of_one_step(built_site, new_context):
    assert _has_runner(built_site[0]), "the site has no in-page Python (docs/assets/run/run.js)"
    page = new_context().new_page()
    page.goto(STEP)
    page.get_by_label("Your code for step 6, editable").wait_for()
    _type_code(page, "x = 1\n")
    assert page.evaluate("localStorage.getItem('mg-buildit:code:closures')") == "x = 1\n"
    page.get_by_role("button", name="Reset this step").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your code for step 6, editable")).to_contain_text("def backprop_neuron")
    assert page.evaluate("localStorage.getItem('mg-buildit:code:closures')") is None


def test_every_step_in_the_page_passes_its_reference_and_fails_each_known_wrong_program(built_site, new_context):
    """The same programs as tests/buildit, run through each step's page: the Check button's verdict and
    message in the browser are those of the checks in Python."""
    import re

    import buildit
    from buildit.steps import STEPS

    page = new_context().new_page()
    errors = watch_errors(page)
    ran = 0
    for number, step in enumerate(STEPS, start=1):
        page.goto(f"build-it/{step.id}/")
        label = f"Your code for step {number}, editable"
        page.get_by_label(label).wait_for()
        wrongs = sorted((ROOT / "tests" / "buildit" / "wrong").glob(f"{step.id}--*.py"))
        assert wrongs, f"no known-wrong program for step {step.id}"
        for path in wrongs:
            code = path.read_text(encoding="utf-8")
            expected = re.search(r"^# expect: (.*)$", code, re.M)[1]
            _type_code(page, code, label)
            state, text = _check_with_keyboard(page)
            assert state == "fail", f"{path.name}: {state}: {text}"
            assert expected in text, f"{path.name}: the page says {text!r}, not {expected!r}"
            hint = buildit.check(step.id, code).hint
            assert f"Hint: {hint}" in text, f"{path.name}: the page shows no hint {hint!r}"
            ran += 1
        _type_code(page, (ROOT / "buildit" / "solutions" / f"{step.id}.py").read_text(encoding="utf-8"), label)
        state, text = _check_with_keyboard(page)
        assert state == "pass", f"{step.id} reference: {state}: {text}"
        assert f"Step {number} passes" in text, text
        ran += 1
    assert ran == len(STEPS) + len(list((ROOT / "tests" / "buildit" / "wrong").glob("*.py")))
    assert not errors, errors


def test_a_chinese_step_checks_and_reports_in_chinese(built_site, new_context):
    """On /zh/build-it/closures/ the Check button runs the same checks and reports in Chinese: the
    interface's words, the checks' descriptions and the failing check's hint (zh/buildit.yml); the
    checks' messages stay as the checks print them."""
    import yaml

    import buildit
    from buildit import checks

    assert _has_runner(built_site[0]), "the site has no in-page Python (docs/assets/run/run.js)"
    zh = {name: e for group in yaml.safe_load((ROOT / "zh" / "buildit.yml").read_text(encoding="utf-8"))["checks"].values()
          for name, e in group.items()}
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto("zh/build-it/closures/")
    label = "你第 6 步的代码，可编辑"
    page.get_by_label(label).wait_for()
    assert page.locator(".mg-buildit-note").text_content().startswith("在这里写第 6 步。")
    expect(page.get_by_role("button", name="重置这一步")).to_be_visible()

    _type_code(page, WRONG, label)
    out = page.locator(".mg-buildit-out")
    out.evaluate("(o) => { delete o.dataset.state; }")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="检查", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    page.locator('.mg-buildit-out[data-state="fail"]').wait_for(timeout=CHECK_TIMEOUT)
    result = buildit.check("closures", WRONG)
    failed = next(fn for fn in checks.checks_for("closures") if fn.__doc__ == result.failed)
    assert page.locator(".mg-buildit-verdict").text_content() == f"还没通过：{result.message}"
    assert page.locator(".mg-buildit-hint").text_content() == f"提示：{zh[failed.__name__]['hint']}"
    passed = [zh[fn.__name__]["does"] for fn in checks.checks_for("closures") if fn.__doc__ in result.passed]
    assert passed and page.locator(".mg-buildit-report").text_content() == "\n".join(
        [f"✓ {d}" for d in passed] + [f"✗ {result.message}"])
    expect(page.get_by_role("button", name="查看参考答案")).to_be_visible()

    _type_code(page, SOLUTION, label)
    out.evaluate("(o) => { delete o.dataset.state; }")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator('.mg-buildit-out[data-state="pass"]').wait_for(timeout=CHECK_TIMEOUT)
    run = checks.checks_for("closures")
    assert page.locator(".mg-buildit-verdict").text_content() == f"第 6 步通过：{len(run)} 项检查全部通过。"
    assert page.locator(".mg-buildit-report").text_content() == "\n".join(f"✓ {zh[fn.__name__]['does']}" for fn in run)

    # The track's first page: its note, its erase button and the step's mark, in Chinese.
    page.goto("zh/build-it/")
    expect(page.get_by_role("button", name="清除我的代码和进度")).to_be_visible()
    expect(page.locator('li.mg-buildit-done .mg-buildit-mark[data-step="closures"]')).to_have_attribute(
        "title", "已在这个浏览器里通过检查")
    assert not errors, errors
