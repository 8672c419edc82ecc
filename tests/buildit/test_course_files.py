"""The course set-ups on "Teaching with this site" (docs/teaching.md) do what the page says.

The files the page shows (by inclusion, docs/hooks/track.py's `buildit:file` marker) are run as a
course would run them: the GitHub Classroom workflow's commands in a copy of its template
repository, Gradescope's run_autograder in a copy of its /autograder folder, each on a reference
solution and on known-wrong programs, and the outcome (points, messages) is checked.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

import buildit
from buildit import checks
from buildit.steps import STEPS
from conftest import ROOT
from test_report import GRADESCOPE

TEACHING = ROOT / "docs" / "teaching"
CLASSROOM = TEACHING / "classroom" / "classroom.yml"
GRADESCOPE_DIR = TEACHING / "gradescope"
WRONG = ROOT / "tests" / "buildit" / "wrong"
IDS = [s.id for s in STEPS]


def _expect(path):
    return re.search(r"^# expect: (.*)$", path.read_text(encoding="utf-8"), re.M)[1]


def _graders():
    """The workflow's autograding tests: [(id, test name, command, max score)], in order."""
    flow = yaml.safe_load(CLASSROOM.read_text(encoding="utf-8"))
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    graders = [(s["id"], s["with"]["test-name"], s["with"]["command"], s["with"]["max-score"])
               for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader@")]
    reporter = next(s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-grading-reporter@"))
    return graders, reporter


def test_the_classroom_workflow_reports_every_test_it_runs():
    graders, reporter = _graders()
    ids = [g[0] for g in graders]
    assert len(ids) == len(IDS)
    # The reporter reads each runner's result from the variable <ID upper-cased>_RESULTS; its
    # runners must be letters and digits (its own check).
    assert reporter["with"]["runners"].split(",") == ids
    assert all(re.fullmatch(r"[A-Za-z0-9]+", i) for i in ids)
    assert reporter["env"] == {f"{i.upper()}_RESULTS": f"${{{{steps.{i}.outputs.result}}}}" for i in ids}
    assert [g[2] for g in graders] == [f"python3 -m buildit grade mycode.py --upto {s}" for s in IDS]


def _template_repo(tmp_path, code):
    """The assignment's template repository, as the workflow sees it after checkout."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "buildit", repo / "buildit", ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "mycode.py").write_text(code, encoding="utf-8")
    return repo


def _classroom_points(tmp_path, code):
    """{test name: passed} from running every command of the workflow, as the grader action does
    (a shell in the repository; exit status 0 passes)."""
    repo = _template_repo(tmp_path, code)
    graders, _ = _graders()
    return {name: subprocess.run(command, shell=True, cwd=repo, capture_output=True, timeout=120).returncode == 0
            for _, name, command, _ in graders}


def test_classroom_gives_every_point_to_the_finished_track(tmp_path):
    points = _classroom_points(tmp_path, buildit.solution("training"))
    assert all(points.values()), points


@pytest.mark.parametrize("name", ["backward--no-seed.py", "by-hand--tanh-of-input.py", "training--uphill.py"])
def test_classroom_gives_the_points_of_the_steps_before_a_mistake(tmp_path, name):
    step = name.split("--")[0]
    points = _classroom_points(tmp_path, (WRONG / name).read_text(encoding="utf-8"))
    i = IDS.index(step)
    assert list(points.values()) == [True] * i + [False] * (len(IDS) - i), points


def test_classroom_gives_a_reference_solution_the_steps_up_to_its_own(tmp_path):
    points = _classroom_points(tmp_path, buildit.solution("closures"))
    n = IDS.index("closures") + 1
    assert list(points.values()) == [True] * n + [False] * (len(IDS) - n), points


def _autograder(tmp_path, code, last_step=None):
    """Gradescope's /autograder, laid out as its specification says; run run_autograder; results."""
    root = tmp_path / "autograder"
    source = root / "source"
    shutil.copytree(ROOT / "buildit", source / "buildit", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.sh", "run_autograder"):
        shutil.copy2(GRADESCOPE_DIR / name, source / name)
    (root / "submission").mkdir()
    if code is not None:
        (root / "submission" / "mycode.py").write_text(code, encoding="utf-8")
    env = {**os.environ, "AUTOGRADER": str(root)}
    if last_step:
        env["LAST_STEP"] = last_step
    r = subprocess.run(["bash", str(source / "run_autograder")], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE)
    return results


def test_gradescope_gives_every_point_to_the_finished_track(tmp_path):
    results = _autograder(tmp_path, buildit.solution("training"))
    total = sum(len(checks.CHECKS[s]) for s in IDS)
    assert results["score"] == total == sum(t["max_score"] for t in results["tests"])


@pytest.mark.parametrize("name", ["backward--no-seed.py", "more-ops--no-rmul.py", "graph--add-in-place.py"])
def test_gradescope_scores_a_wrong_program_and_says_why(tmp_path, name):
    step = name.split("--")[0]
    results = _autograder(tmp_path, (WRONG / name).read_text(encoding="utf-8"))
    before = sum(len(checks.CHECKS[s]) for s in IDS[: IDS.index(step)])
    failed = [t for t in results["tests"] if t["status"] == "failed" and _expect(WRONG / name) in t["output"]]
    assert len(failed) == 1 and failed[0]["name"].startswith(f"Step {IDS.index(step) + 1} ({step}): ")
    assert before <= results["score"] < before + len(checks.CHECKS[step])


def test_gradescope_last_step_ends_the_assignment(tmp_path):
    results = _autograder(tmp_path, buildit.solution("backward"), last_step="backward")
    total = sum(len(checks.CHECKS[s]) for s in IDS[: IDS.index("backward") + 1])
    assert results["score"] == total == sum(t["max_score"] for t in results["tests"])


def test_gradescope_without_the_file_says_what_to_submit(tmp_path):
    results = _autograder(tmp_path, None)
    assert results["score"] == 0 and "submit your code as mycode.py" in results["output"]


def test_gradescope_setup_is_a_valid_script_that_stops_on_errors():
    """setup.sh installs Python with apt-get in Gradescope's image (root, network): not run here."""
    text = (GRADESCOPE_DIR / "setup.sh").read_text(encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(GRADESCOPE_DIR / "setup.sh")]).returncode == 0
    assert "set -euo pipefail" in text and "apt-get install -y --no-install-recommends python3" in text
    for name in ("setup.sh", "run_autograder"):
        assert os.access(GRADESCOPE_DIR / name, os.X_OK), f"{name} must be executable"


def test_the_page_shows_the_files_themselves():
    """The page includes them by name (never a copy): the marker, and no hand-written copy."""
    page = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    for path in (CLASSROOM, GRADESCOPE_DIR / "setup.sh", GRADESCOPE_DIR / "run_autograder"):
        rel = path.relative_to(ROOT).as_posix()
        assert f"<!-- buildit:file {rel} -->" in page
        longest = max(path.read_text(encoding="utf-8").splitlines(), key=len)
        assert longest.strip() not in page
