"""The local command, `python -m buildit check STEP FILE`: the same messages, and an exit status
a script can use (0 pass, 1 fail, 2 wrong command)."""
import subprocess
import sys

from conftest import ROOT

WRONG = ROOT / "tests" / "buildit" / "wrong"


def run(*args):
    return subprocess.run([sys.executable, "-m", "buildit", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_a_passing_step_exits_0(tmp_path):
    mine = tmp_path / "mycode.py"
    mine.write_text((ROOT / "buildit" / "solutions" / "backward.py").read_text())
    r = run("check", "backward", str(mine))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.rstrip().endswith("Step 'backward' passes: all 12 checks.")


def test_a_failing_step_exits_1_with_the_message():
    r = run("check", "backward", str(WRONG / "backward--no-seed.py"))
    assert r.returncode == 1
    assert "✗ after `o.backward()` on the neuron, `o.grad` should be 1.0" in r.stdout
    # the failing check's hint, on the line under the failure
    lines = r.stdout.rstrip("\n").splitlines()
    assert lines[-2].startswith("✗ after `o.backward()`")
    assert lines[-1].startswith("  Hint: `backward()` does what you did by hand")


def test_a_wrong_command_exits_2_and_says_why(tmp_path):
    r = run("check", "nope", str(WRONG / "backward--no-seed.py"))
    assert r.returncode == 2 and "there is no step 'nope'; the steps are: value, graph" in r.stderr
    r = run("check", "value", str(tmp_path / "missing.py"))
    assert r.returncode == 2 and "cannot read" in r.stderr and "missing.py" in r.stderr


def test_list_and_starter():
    r = run("list")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith(" 1. value")
    r = run("starter", "closures")
    assert r.returncode == 0 and r.stdout == (ROOT / "buildit" / "solutions" / "by-hand.py").read_text()


def test_a_report_is_the_same_in_every_process():
    """The reader's graph keeps its children in a set (the lecture's `_prev`), whose order changes
    with the hash seed of each process: a message must not depend on it (it named another record of
    the drawing from run to run)."""
    import os

    for wrong in sorted(WRONG.glob("draw--*.py")) + [WRONG / "backward--no-seed.py"]:
        step = wrong.stem.split("--")[0]
        outputs = set()
        for seed in ("1", "2", "3", "4"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            r = subprocess.run([sys.executable, "-m", "buildit", "check", step, str(wrong)], cwd=ROOT,
                               capture_output=True, text=True, timeout=60, env=env)
            outputs.add(r.stdout)
        assert len(outputs) == 1, f"{wrong.name}: the report changes with the hash seed"
