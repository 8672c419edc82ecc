"""Results a grading system reads: `check ... --format json|junit|gradescope` and `grade`.

Every reference solution and every known-wrong program (tests/buildit/wrong/) goes through the real
command, in every format: the JSON validates against buildit/results.schema.json, the JUnit XML is
read back with junitparser (a JUnit-reading library), the Gradescope file has the fields of
Gradescope's autograder specification; a wrong program fails in each of them with the message that
names its mistake, and the exit status is the same in every format.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import buildit
from buildit import checks, report
from buildit.steps import STEPS
from conftest import ROOT

WRONG = sorted((Path(__file__).parent / "wrong").glob("*.py"))
IDS = [s.id for s in STEPS]
SCHEMA = json.loads((ROOT / "buildit" / "results.schema.json").read_text(encoding="utf-8"))
# Gradescope's results.json, as its autograder specification describes it (the fields used here).
GRADESCOPE = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["name", "score", "max_score", "output"],
            "properties": {"name": {"type": "string"}, "number": {"type": "string"},
                           "score": {"type": "number"}, "max_score": {"type": "number"},
                           "status": {"enum": ["passed", "failed"]}, "output": {"type": "string"}}}},
    },
}


def run(*args):
    return subprocess.run([sys.executable, "-m", "buildit", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def expected_message(path):
    return re.search(r"^# expect: (.*)$", path.read_text(encoding="utf-8"), re.M)[1]


def junit(text):
    junitparser = pytest.importorskip(
        "junitparser", reason="junitparser is not installed (requirements/test.txt pins it)")
    return junitparser.JUnitXml.fromstring(text.encode("utf-8"))


def cases(xml):
    """(suite name, case) of every test case of a JUnitXml."""
    return [(suite.name, case) for suite in xml for case in suite]


# --- json ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", IDS)
def test_json_of_a_reference_solution_passes_every_check(step, tmp_path):
    mine = tmp_path / "mycode.py"
    mine.write_text(buildit.solution(step), encoding="utf-8")
    r = run("check", step, str(mine), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    names = [c["name"] for c in data["steps"][0]["checks"]]
    assert names == [report.LOADS] + [fn.__doc__ for fn in checks.checks_for(step)]
    assert data["passed"] and all(c["passed"] for c in data["steps"][0]["checks"])


@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.stem)
def test_a_wrong_program_fails_in_every_format_with_its_message(path):
    step, expected = path.stem.split("--")[0], expected_message(path)

    r = run("check", step, str(path), "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    failed = [c for c in data["steps"][0]["checks"] if c["status"] == "failed"]
    assert len(failed) == 1 and expected in failed[0]["message"]
    assert not data["passed"]
    after = data["steps"][0]["checks"][data["steps"][0]["checks"].index(failed[0]) + 1:]
    assert all(c["status"] == "not run" for c in after)

    r = run("check", step, str(path), "--format", "gradescope")
    assert r.returncode == 1, r.stderr
    gs = json.loads(r.stdout)
    jsonschema.validate(gs, GRADESCOPE)
    bad = [t for t in gs["tests"] if t["status"] == "failed" and expected in t["output"]]
    assert len(bad) == 1
    assert gs["score"] == sum(t["score"] for t in gs["tests"]) < sum(t["max_score"] for t in gs["tests"])

    r = run("check", step, str(path))  # the human output is unchanged, and --format text is it
    assert r.returncode == 1 and "\n✗ " in "\n" + r.stdout and expected in r.stdout
    same = run("check", step, str(path), "--format", "text")
    assert same.returncode == 1 and re.sub(r"0x[0-9a-f]+", "0x", same.stdout) == re.sub(r"0x[0-9a-f]+", "0x", r.stdout)


@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.stem)
def test_junit_of_a_wrong_program_read_back(path):
    step, expected = path.stem.split("--")[0], expected_message(path)
    r = run("check", step, str(path), "--format", "junit")
    assert r.returncode == 1, r.stderr
    xml = junit(r.stdout)
    failures = [(case.name, res.message) for _, case in cases(xml) for res in case.result
                if type(res).__name__ == "Failure"]
    assert len(failures) == 1 and expected in failures[0][1]
    names = [case.name for _, case in cases(xml)]
    assert names == [report.LOADS] + [fn.__doc__ for fn in checks.checks_for(step)]
    assert xml.failures == 1 and xml.tests == len(names)


def _raises_at_a_line(tmp_path):
    """A backward-step file whose `*` closure raises AttributeError, and the line it raises at."""
    src = buildit.solution("backward").replace("self.grad += other.data * out.grad",
                                               "self.grad += other.dta * out.grad", 1)
    src = src.replace("self.grad = other.data * out.grad", "self.grad = other.dta * out.grad", 1)
    mine = tmp_path / "mine.py"
    mine.write_text(src, encoding="utf-8")
    line = next(i for i, text in enumerate(src.splitlines(), start=1) if "other.dta" in text)
    return mine, line


def test_the_line_of_the_readers_file(tmp_path):
    mine, line = _raises_at_a_line(tmp_path)
    data = json.loads(run("check", "backward", str(mine), "--format", "json").stdout)
    jsonschema.validate(data, SCHEMA)
    failed = [c for c in data["steps"][0]["checks"] if c["status"] == "failed"]
    assert failed[0]["line"] == line and "AttributeError" in failed[0]["message"]
    assert all(c["line"] is None for c in data["steps"][0]["checks"] if c["status"] != "failed")


def test_the_line_in_junit(tmp_path):
    mine, line = _raises_at_a_line(tmp_path)
    xml = junit(run("check", "backward", str(mine), "--format", "junit").stdout)
    lines = [case._elem.get("line") for _, case in cases(xml)
             if any(type(res).__name__ == "Failure" for res in case.result)]
    assert lines == [str(line)]


def test_a_syntax_error_fails_the_pseudo_check_your_file_runs(tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text("class Value:\n    def __init__(self, data)\n        pass\n", encoding="utf-8")
    for fmt in ("json", "junit", "gradescope", "text"):
        r = run("grade", str(mine), "--format", fmt)
        assert r.returncode == 1, (fmt, r.stderr)
    data = json.loads(run("grade", str(mine), "--format", "json").stdout)
    jsonschema.validate(data, SCHEMA)
    first = data["steps"][0]["checks"][0]
    assert first["name"] == report.LOADS and first["status"] == "failed" and first["line"] == 2
    assert [s["status"] for s in data["steps"]] == ["failed"] + ["not reached"] * (len(IDS) - 1)
    assert data["checks_passed"] == 0


# --- grade ---------------------------------------------------------------------------------------

def test_grade_of_the_finished_track_gets_every_point(tmp_path):
    mine = tmp_path / "mycode.py"
    mine.write_text(buildit.solution("training"), encoding="utf-8")
    gs = json.loads(run("grade", str(mine), "--format", "gradescope").stdout)
    jsonschema.validate(gs, GRADESCOPE)
    total = sum(len(checks.CHECKS[s]) for s in IDS)
    assert gs["score"] == total == sum(t["max_score"] for t in gs["tests"])
    # Step 3's function is gone from the finished code: its one-off check is replaced, not failed.
    replaced = [t["name"] for t in gs["tests"] if "replaced by step" in t["output"]]
    one_off = [f"Step {IDS.index(s) + 1} ({s}): {fn.__doc__}" for s in IDS for fn in checks.CHECKS[s] if not fn.carried]
    by_hand = next(fn.__doc__ for fn in checks.CHECKS["by-hand"] if not fn.carried)
    assert f"Step {IDS.index('by-hand') + 1} (by-hand): {by_hand}" in replaced
    assert set(replaced) <= set(one_off)
    r = run("grade", str(mine))
    n = len(IDS)
    assert r.returncode == 0 and r.stdout.rstrip().endswith(f"{n} of {n} steps pass ({total + 1} of {total + 1} checks).")


@pytest.mark.parametrize("step", IDS)
def test_grade_upto_a_step_passes_its_reference_and_not_the_one_before(step, tmp_path):
    mine = tmp_path / "mycode.py"
    mine.write_text(buildit.solution(step), encoding="utf-8")
    r = run("grade", str(mine), "--upto", step, "--format", "json")
    assert r.returncode == 0, r.stdout
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    assert [s["step"] for s in data["steps"]] == IDS[: IDS.index(step) + 1]
    mine.write_text(buildit.starter(step), encoding="utf-8")
    r = run("grade", str(mine), "--upto", step, "--format", "json")
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["steps"][-1]["status"] == "failed"
    assert all(s["passed"] for s in data["steps"][:-1])


# A known-wrong program is named after the step whose `check` it fails; `grade` stops at the first
# failing step of the track, which is earlier where an earlier step already catches the slip.
GRADE_FAILS_AT = {"training--pow-assigns": "more-ops"}  # more-ops's `a**2 + a` check comes first


def failing_step(path):
    return GRADE_FAILS_AT.get(path.stem, path.stem.split("--")[0])


@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.stem)
def test_grade_stops_at_the_step_a_wrong_program_gets_wrong(path):
    step, expected = failing_step(path), expected_message(path)
    r = run("grade", str(path), "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    i = IDS.index(step)
    assert [s["status"] for s in data["steps"]] == ["passed"] * i + ["failed"] + ["not reached"] * (len(IDS) - i - 1)
    assert expected in data["steps"][i]["message"]
    assert all(c["status"] == "not run" for s in data["steps"][i + 1:] for c in s["checks"])
    # The same verdict in the other formats.
    gs = json.loads(run("grade", str(path), "--format", "gradescope").stdout)
    jsonschema.validate(gs, GRADESCOPE)
    assert gs["score"] == sum(c["passed"] for s in data["steps"] for c in s["checks"] if c["name"] != report.LOADS)
    text = run("grade", str(path)).stdout
    assert f"Step {i + 1} ({step}): {data['steps'][i]['title']}: failed" in text and expected in text


@pytest.mark.parametrize("path", WRONG[::4], ids=lambda p: p.stem)
def test_grade_in_junit_read_back(path):
    step = failing_step(path)
    i = IDS.index(step)
    data = json.loads(run("grade", str(path), "--format", "json").stdout)
    r = run("grade", str(path), "--format", "junit")
    assert r.returncode == 1
    xml = junit(r.stdout)
    assert len(list(xml)) == len(IDS)
    failed = [(suite, case) for suite, case in cases(xml) for res in case.result if type(res).__name__ == "Failure"]
    assert len(failed) == 1 and failed[0][0].startswith(f"step {i + 1}: {step} ")
    skipped = [case for _, case in cases(xml) for res in case.result if type(res).__name__ == "Skipped"]
    assert len(skipped) == sum(c["status"] == "not run" for s in data["steps"] for c in s["checks"])


def test_a_wrong_command_still_exits_2(tmp_path):
    r = run("grade", str(WRONG[0]), "--upto", "nope")
    assert r.returncode == 2 and "there is no step 'nope'" in r.stderr
    r = run("check", "value", str(WRONG[0]), "--format", "xml")
    assert r.returncode == 2 and "invalid choice: 'xml'" in r.stderr
    r = run("grade", str(tmp_path / "missing.py"))
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_the_schema_rejects_what_it_should():
    """The schema is a guard: a report with a failed check that passed, or no message, is invalid."""
    data = report.results("check", ["value"], buildit.solution("graph"), "x.py")
    jsonschema.validate(data, SCHEMA)
    broken = json.loads(json.dumps(data))
    broken["steps"][0]["checks"][1]["status"] = "failed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
    broken = json.loads(json.dumps(data))
    del broken["steps"][0]["checks"][1]["line"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


@pytest.mark.parametrize("step", IDS)
def test_a_file_past_the_assignment_still_reaches_every_step_of_it(step, tmp_path):
    """`grade --upto STEP` on the finished track's code: 0 for every STEP (step 3's one-off
    `backprop_neuron`, gone from that code, is replaced by the later steps', outside the assignment)."""
    mine = tmp_path / "mycode.py"
    mine.write_text(buildit.solution("training"), encoding="utf-8")
    r = run("grade", str(mine), "--upto", step)
    assert r.returncode == 0, r.stdout
