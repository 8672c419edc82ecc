"""Graphs a reader can work with: the backward-pass steppers, the full-size view, phones.

The steppers (docs/hooks/stepper.py, docs/assets/graphs.js) are driven with the keyboard alone, to
the last step, whose gradients must be the page's checked output and the graph drawn for readers
without JavaScript. Every page is also loaded at 390 px: it must not scroll sideways.
"""
import html as htmllib
import re

import pytest

from browsing import AXE, AXE_START_JS, page_file, report, watch_errors
from sitebuild import FIGURES

PHONE = {"width": 390, "height": 844}


def _stepper_pages(built, site):
    pages = [b.path for b in built if 'class="mg-graph mg-stepper"' in page_file(site, b.path).read_text(encoding="utf-8")]
    if not pages:
        pytest.fail("no page has a backward-pass stepper")
    return pages


def _checked_grads(text):
    """{name: value} of `name.grad = x`, `name grad = x` and `name: x` in checked outputs."""
    found = {}
    for m in re.finditer(r"(?m)(?:^|(?<=\s\s))([^\s:=][^:=\n]*?)(?:\.grad\s*=|\s+grad\s*=|:)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\b",
                         text):
        found[m.group(1).strip()] = float(m.group(2))
    return found


def _static_grads(fig_html):
    """The gradients in the SVG as built: what a reader without JavaScript sees."""
    return {int(i): htmllib.unescape(g) for i, g in re.findall(
        r'data-mg-node="(\d+)">.*?class="mg-grad"[^>]*>grad ([^<]+)<', fig_html, re.S)}


STATE_JS = """(fig) => ({
  step: Number(fig.dataset.mgStep),
  say: fig.querySelector('.mg-step-say').textContent,
  now: [...fig.querySelectorAll('svg .mg-now[data-mg-node]')].map(e => e.dataset.mgNode),
  marked: [...fig.querySelectorAll('svg .mg-now, svg .mg-to, svg .mg-push')].map(e => e.getAttribute('data-mg-node') + e.getAttribute('data-mg-op') + e.getAttribute('data-mg-edge') + e.getAttribute('data-mg-opedge') + e.className.baseVal).sort().join(' '),
  grads: [...fig.querySelectorAll('svg [data-mg-node]')].map(g => [g.dataset.mgNode, g.querySelector('text.mg-grad').textContent.replace('grad ', '').replace('\u2212', '-')]),
  focus: document.activeElement && document.activeElement.dataset.mgDo,
})"""


def _step_shown(where, i, state, step, say, last):
    """What is wrong with step i as the browser shows it: every node's gradient in the graph, and
    the caption, must be that step's (not the step before's, not only at either end)."""
    found = []
    shown = [g for _, g in sorted(state["grads"], key=lambda x: int(x[0]))]
    if shown != step["grads"]:
        found.append(f"{where}: step {i} shows the gradients {shown}, not {step['grads']}")
    if state["say"] != f"Step {i} of {last}: {say}":
        found.append(f"{where}: step {i} says {state['say']!r}, the table {say!r}")
    return found


def test_steppers_reach_the_checked_gradients_by_keyboard(new_context, built, built_site):
    site = built_site[0]
    page = new_context("dark").new_page()
    errors = watch_errors(page)
    problems, steppers, steps_total = [], 0, 0
    for path in _stepper_pages(built, site):
        source = page_file(site, path).read_text(encoding="utf-8")
        page.goto(path)
        figs = page.locator("figure.mg-stepper")
        page.wait_for_function("document.querySelectorAll('figure.mg-stepper[data-mg-step]').length > 0")
        for k in range(figs.count()):
            steppers += 1
            fig = figs.nth(k)
            fid = fig.get_attribute("id")
            where = f"/{path} #{fid}"
            fig_html = source[source.index(f'id="{fid}"'):]
            fig_html = fig_html[:fig_html.index("</figure>")]
            last = int(fig.get_attribute("data-mg-steps")) - 1
            names = [htmllib.unescape(n) for n in re.findall(r"<tr data-mg-step=\"\d+\"><td>\d+</td><td>([^<]*)</td>", fig_html)]
            # What each step must show: the build's replay data, which tests/site/test_stepper.py
            # recomputes from the engine's pass, and the table row's sentence.
            steps = fig.evaluate("f => JSON.parse(f.dataset.mgData).steps")
            says = [htmllib.unescape(t) for t in re.findall(
                r"<tr data-mg-step=\"\d+\"><td>\d+</td><td>[^<]*</td><td>([^<]*)</td>", fig_html)]
            state = fig.evaluate(STATE_JS)
            problems += _step_shown(where, 0, state, steps[0], says[0], last)
            if state["step"] != 0 or any(g != "0.0000" for _, g in state["grads"]) or state["now"]:
                problems.append(f"{where}: does not start at step 0 with every gradient 0: {state}")
            fig.locator('[data-mg-do="next"]').focus()
            seen = [state["marked"]]
            for i in range(1, last + 1):
                page.keyboard.press("Enter")  # the focused Next button
                state = fig.evaluate(STATE_JS)
                if state["step"] != i or not state["say"].startswith(f"Step {i} of {last}:"):
                    problems.append(f"{where}: Enter on Next gave step {state['step']} ({state['say'][:40]!r}), not {i}")
                    break
                if state["marked"] == seen[-1] or not state["now"]:
                    problems.append(f"{where}: step {i} highlights the same as step {i - 1}, or no node")
                if i >= 2 and names[i] != "all" and state["now"] != [str(steps[i]["node"])]:
                    problems.append(f"{where}: step {i} highlights {state['now']}")
                problems += _step_shown(where, i, state, steps[i], says[i], last)
                seen.append(state["marked"])
            steps_total += last
            if state["focus"] != "next":
                problems.append(f"{where}: the keyboard focus left the Next button ({state['focus']!r})")
            final = dict(state["grads"])
            static = {str(i): g for i, g in _static_grads(fig_html).items()}
            if final != static:
                problems.append(f"{where}: last step {final} differs from the graph drawn without JavaScript {static}")
            label = {str(i): n for i, n in enumerate(
                htmllib.unescape(n) for n in re.findall(r'&quot;names&quot;:(\[.*?\])', fig_html)[0].replace("&quot;", '"').strip("[]").replace('"', "").split(","))}
            # Every named input (a node that passes nothing back) is printed, not just one, by the
            # nearest checked output before the stepper that prints them all (a page need not print
            # them again just before it).
            inputs = {label[str(i)] for i in range(len(steps[0]["grads"]))} - {label[str(s["node"])] for s in steps if s["to"]}
            named = {n for n in inputs if not n.startswith("#")}
            outputs = re.findall(r'<code>(.*?)</code></pre>', source[:source.index(f'id="{fid}"')], re.S)
            checked = {}
            for output in reversed(outputs):
                found = _checked_grads(htmllib.unescape(re.sub(r"<[^>]+>", "", output)))
                if named <= set(found):
                    checked = found
                    break
            matched = [(label[i], g, checked[label[i]]) for i, g in final.items() if label[i] in checked]
            unprinted = sorted(n for n in named if n not in checked)
            if not matched or unprinted:
                problems.append(f"{where}: the output before it ({sorted(checked)}) does not print the "
                                f"gradients of the inputs {unprinted or sorted(inputs)} to compare with")
            problems += [f"{where}: {n}.grad is {g} after the last step, the page prints {c}"
                         for n, g, c in matched if abs(float(g) - c) > 5e-5]
            # Arrow keys, Home and End work from the controls; Play advances on its own.
            page.keyboard.press("ArrowLeft")
            if fig.evaluate(STATE_JS)["step"] != last - 1:
                problems.append(f"{where}: ArrowLeft did not step back")
            page.keyboard.press("Home")
            if fig.evaluate(STATE_JS)["step"] != 0:
                problems.append(f"{where}: Home did not reset")
            page.keyboard.press("End")
            if fig.evaluate(STATE_JS)["step"] != last:
                problems.append(f"{where}: End did not go to the last step")
        if path == _stepper_pages(built, site)[0]:
            figs.first.locator('[data-mg-do="play"]').click()  # from the last step, Play starts over
            page.wait_for_function("f => Number(f.dataset.mgStep) >= 1", arg=figs.first.element_handle(), timeout=5000)
            assert figs.first.locator('[data-mg-do="play"]').get_attribute("aria-pressed") == "true"
            figs.first.locator('[data-mg-do="play"]').click()
            assert figs.first.locator('[data-mg-do="play"]').get_attribute("aria-pressed") == "false"
            # axe on a stepper mid-way, highlights and all (the sweep checks every page at step 0)
            figs.first.locator('[data-mg-do="next"]').click()
            page.add_script_tag(path=str(AXE))
            page.evaluate(AXE_START_JS)
            bad = [v for v in page.evaluate("() => window.__mgAxe") if v["impact"] in ("serious", "critical")]
            problems += [f"/{path} mid-step: axe {v['id']}: {v['nodes']}" for v in bad]
    FIGURES["backward-pass steppers"] = f"{steppers} steppers, {steps_total} steps, stepped by keyboard"
    report(problems + errors, "stepper problems")


def test_a_full_size_view_opens_by_keyboard_and_closes_with_escape(new_context, built, built_site):
    """A graph too wide for the column (graphsvg.py marks it) has a button that opens it at full
    size; Escape closes the view. If no page has one, one is marked in a page, as the build would."""
    zoomed = [b.path for b in built if "data-mg-zoom=" in page_file(built_site[0], b.path).read_text(encoding="utf-8")]
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(zoomed[0] if zoomed else _stepper_pages(built, built_site[0])[0])
    FIGURES["full-size graph views"] = f"on {len(zoomed)} pages: {', '.join(zoomed) or 'none (one planted)'}"
    page.evaluate("""() => {
        if (document.querySelector('button[data-mg-zoom]')) return;
        const fig = document.querySelector('figure.mg-graph:not(.mg-stepper)') || document.querySelector('figure.mg-graph');
        fig.querySelector('svg').style.minWidth = '0';
        fig.querySelector('.mg-scroll').insertAdjacentHTML('afterend',
            `<button type="button" class="md-button mg-zoom" data-mg-zoom="${fig.id}" hidden>Open</button>`);
        document$.next(document);  // Material's page-view signal: what instant navigation sends
    }""")
    button = page.locator("button[data-mg-zoom]").first
    assert button.is_visible(), "graphs.js did not show the full-size button"
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.mg-zoom-view")
    dialog.wait_for()
    assert dialog.evaluate("d => d.open && !d.querySelector('[id]') && d.querySelector('svg').getBoundingClientRect().width > 0")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert page.evaluate("document.activeElement.dataset.mgZoom") is not None, "focus did not return to the button"
    if zoomed:  # the shrunk graph itself fits its column
        assert not page.evaluate("""() => { const s = document.querySelector('button[data-mg-zoom]')
            .closest('figure').querySelector('.mg-scroll'); return s.scrollWidth > s.clientWidth + 1; }""")
    assert not errors, errors


def test_no_page_scrolls_sideways_on_a_phone(new_context, built):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    problems, boxed = [], 0
    for b in built:
        page.goto(b.path, wait_until="load")
        state = page.evaluate("""() => ({
            sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            graphs: [...document.querySelectorAll('figure.mg-graph .mg-scroll')].map(s => [
                s.closest('figure').id, s.getBoundingClientRect().right, s.scrollWidth > s.clientWidth]),
        })""")
        if state["sideways"] > 0:
            problems.append(f"/{b.path}: scrolls {state['sideways']} px sideways at {PHONE['width']} px")
        for fid, right, scrolls in state["graphs"]:
            boxed += scrolls
            if right > PHONE["width"]:
                problems.append(f"/{b.path} #{fid}: its box ends at {right:.0f} px, past the screen")
    FIGURES["phone, 390 px"] = f"{len(built)} pages, none scrolls sideways; {boxed} graph boxes scroll inside themselves"
    report(problems, "pages too wide for a phone")


def test_a_stepper_works_after_instant_navigation(new_context, built, built_site):
    """Material swaps the page in without re-running scripts; graphs.js binds again on document$."""
    target = _stepper_pages(built, built_site[0])[0]
    before = next(b.path for b in built if any(link == target for link in b.links) and b.path != target)
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(before)
    page.evaluate("window.__mgNoReload = 'still here'")
    page.locator(f'a[href$="{target.rstrip("/").split("/")[-1]}/"]').first.click()
    page.wait_for_url(lambda url: url.split("#")[0].endswith("/" + target))
    fig = page.locator("figure.mg-stepper").first
    page.wait_for_function("document.querySelector('figure.mg-stepper[data-mg-step]') !== null")
    assert page.evaluate("window.__mgNoReload") == "still here", "the link reloaded the whole page"
    fig.locator('[data-mg-do="next"]').click()
    assert fig.get_attribute("data-mg-step") == "1"
    assert not errors, errors
