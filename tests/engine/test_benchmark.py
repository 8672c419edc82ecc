"""The published benchmark figures (benchmarks/results.json) belong to this engine and this script,
keep every run and the machine's load, agree with what the code walkthrough says about them, and
the benchmark refuses to publish bad figures or figures of another engine than the one it meant.

Nothing here times anything: the figures are what `benchmarks/engine.py --save` recorded. When the
engine or the script changes, the record must be measured again (on an idle machine): the failure
message names the command.
"""
import hashlib
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RECORD = REPO / "benchmarks" / "results.json"
PAGE = REPO / "docs" / "code-walkthrough.md"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("benchmark_engine", REPO / "benchmarks" / "engine.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def record():
    return json.loads(RECORD.read_text(encoding="utf-8"))


def rerun(bench, why):
    return f"{why}: run `{bench.SAVE_COMMAND}` on an idle machine (about 3 minutes) and commit the record"


def test_the_published_figures_were_measured_on_this_engine(bench, record):
    assert record.get("engine_sha256") == bench.engine_hash(), rerun(
        bench, "micrograd/ changed since benchmarks/results.json was measured")


def test_the_published_figures_were_measured_by_this_script(bench, record):
    digest = hashlib.sha256((REPO / "benchmarks" / "engine.py").read_bytes()).hexdigest()
    assert bench.script_hash() == digest
    assert record.get("script_sha256") == digest, rerun(
        bench, "benchmarks/engine.py changed since benchmarks/results.json was measured")


def record_problems(bench, record):
    """What a saved record lacks or gets wrong (empty: nothing)."""
    problems = [f"no {k}" for k in ("engine_sha256", "script_sha256", "engines", "repeats", "load_at_start",
                                    "load_at_end", "other_cores_max") if k not in record]
    engines = record.get("engines", {})
    if engines.get("original", {}).get("files") != bench.ORIGINAL_FILES_SHA256:
        problems.append("engines.original.files are not micrograd 0.1.0's files")
    if engines.get("ours", {}).get("path") != "micrograd":
        problems.append("engines.ours.path is not micrograd")
    if engines.get("original", {}).get("path") != "build/bench-cache/micrograd-0.1.0/micrograd":
        problems.append("engines.original.path is not the installed original's")
    others = []
    for mode, workloads in record.get("results", {}).items():
        for name, by_engine in workloads.items():
            for engine, e in by_engine.items():
                where = f"results.{mode}.{name}.{engine}"
                runs = e.get("runs_s")
                if not isinstance(runs, list) or len(runs) != record.get("repeats"):
                    problems.append(f"{where}: not every run's time (runs_s: {runs!r})")
                elif e["median_s"] != statistics.median(runs):
                    problems.append(f"{where}: median_s {e['median_s']} is not the median of runs_s {runs}")
                for k in ("other_cores", "load_after"):
                    if len(e.get(k) or []) != record.get("repeats"):
                        problems.append(f"{where}: not every run's {k}")
                others += e.get("other_cores") or []
    if others and record.get("other_cores_max") != round(max(others), 3):
        problems.append(f"other_cores_max {record.get('other_cores_max')} is not the most of the runs' {max(others)}")
    return problems


def test_the_record_keeps_what_it_measured_and_how(bench, record):
    problems = record_problems(bench, record)
    shown = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
    assert not problems, rerun(bench, f"benchmarks/results.json is not what benchmarks/engine.py records: {shown}")
    assert record["engines"]["ours"]["files"] == bench.file_hashes(REPO)


def test_the_pinned_original_files_are_the_vendored_original(bench):
    # tests/engine/test_vendored_original.py pins these files to micrograd 0.1.0's sdist.
    assert bench.ORIGINAL_FILES_SHA256 == bench.file_hashes(REPO / "third_party" / "micrograd-0.1.0")


def test_a_worker_that_imported_another_engine_is_refused(bench):
    """A cached copy of the original lives under the repository (build/bench-cache/): a path-prefix
    check of "ours" would take it for this engine. The check is exact, on path and content."""
    ours = bench.file_hashes(REPO)
    good = {"micrograd": str(REPO / "micrograd"),
            "files": {str(REPO / name): digest for name, digest in ours.items()}}
    assert bench.import_problems(good, REPO, ours) == []
    original = REPO / "build" / "bench-cache" / "micrograd-0.1.0" / "micrograd"
    cached = {"micrograd": str(original), "files": {str(original / "engine.py"): bench.ORIGINAL_FILES_SHA256[
        "micrograd/engine.py"]}}
    assert bench.import_problems(cached, REPO, ours), "the original's cached copy passed for this engine"
    elsewhere = {"micrograd": str(REPO / "micrograd-copy"),
                 "files": {str(REPO / "micrograd-copy" / "engine.py"): ours["micrograd/engine.py"]}}
    assert bench.import_problems(elsewhere, REPO, ours), "a copy of this engine at another path passed"
    edited = {**good, "files": {**good["files"], str(REPO / "micrograd" / "engine.py"): "0" * 64}}
    assert bench.import_problems(edited, REPO, ours), "an engine file with another hash passed"


def _original_copy(tmp_path):
    """A copy of the original laid out as the benchmark installs it (pip --target)."""
    root = tmp_path / "micrograd-0.1.0"
    shutil.copytree(REPO / "third_party" / "micrograd-0.1.0" / "micrograd", root / "micrograd")
    (root / "micrograd-0.1.0.dist-info").mkdir()
    return root


def test_a_changed_copy_of_the_original_is_refused_on_every_run(bench, tmp_path):
    root = _original_copy(tmp_path)
    expected = bench.ORIGINAL_FILES_SHA256
    spec = {"workload": "chain", "mode": "time", "gc": "default", "override": {"chains": 1, "depth": 10}}
    assert "seconds" in bench.run_worker("original", spec, expected, root=root)
    engine = root / "micrograd" / "engine.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    (problem,) = bench.original_problems(root)
    assert problem.startswith("micrograd/engine.py has sha256"), problem
    with pytest.raises(RuntimeError, match="ran the wrong engine.*engine.py"):
        bench.run_worker("original", spec, expected, root=root)


def test_a_changed_cached_original_is_not_reused(bench, tmp_path, monkeypatch):
    """ensure_original checks the cached copy's files every time; one that differs is installed
    again (here pip may not reach an index, so installing fails: the point is that it is tried)."""
    root = _original_copy(tmp_path)
    assert bench.ensure_original(root) == "reused, files verified"
    (root / "micrograd" / "nn.py").write_text("# not the original\n", encoding="utf-8")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    with pytest.raises(SystemExit, match="could not install"):
        bench.ensure_original(root)
    assert not (root / "micrograd" / "nn.py").exists(), "the changed copy was kept"


def test_the_engine_hash_sees_any_change_to_the_engine(bench, tmp_path):
    copy = tmp_path / "micrograd"
    shutil.copytree(REPO / "micrograd", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert bench.engine_hash(copy) == bench.engine_hash()
    engine = copy / "engine.py"
    engine.write_text(engine.read_text(encoding="utf-8").replace("1 - t**2", "1 - t*t"), encoding="utf-8")
    assert bench.engine_hash(copy) != bench.engine_hash()


def ratios(record, mode):
    return {name: e["original"]["median_s"] / e["ours"]["median_s"]
            for name, e in record["results"][mode].items() if "original" in e}


def test_the_page_prints_its_figures_from_the_record():
    # The block that shows the timings reads results.json (and the page tests check that what it
    # prints is what the page shows), so no figure on the page is typed in by hand.
    text = PAGE.read_text(encoding="utf-8")
    assert '"benchmarks" / "results.json"' in text
    section = text[text.index("{ #no-cycles }"):text.index("{ #nn-differences }")]
    prose = re.sub(r"^(`{3,}).*?^\1", "", section, flags=re.M | re.S)  # prose only, code and outputs out
    typed = re.findall(r"\d+(?:\.\d+)?\s*(?:x|×|s\b|MB|%)", prose)
    assert not typed, f"timings typed into the prose instead of printed from results.json: {typed}"


def test_the_gc_off_gap_claim_matches_the_figures(record):
    # The page: "With the collector off the gap narrows to what the engine's own work costs", and
    # "the original spends most of each step in Python's cyclic garbage collector" (moons).
    on, off = ratios(record, "default"), ratios(record, "disabled")
    assert on and on.keys() == off.keys()
    narrower = {name: (round(on[name], 2), round(off[name], 2)) for name in on}
    assert all(off[n] < on[n] for n in on), f"(GC on, GC off) speed-ups: {narrower}"
    assert all(r > 1 for r in off.values()), f"this engine is not faster with the collector off: {off}"
    # "the original spends most of each step in Python's cyclic garbage collector" (moons):
    moons = record["results"]
    assert moons["disabled"]["moons"]["original"]["median_s"] < 0.5 * moons["default"]["moons"]["original"]["median_s"]


# --- the benchmark refuses to publish ------------------------------------------------------------

def test_a_loss_mismatch_is_refused(bench):
    ours = {"result": {"losses": [bench.MOONS_STEP0, 0.5]}}
    same = {"result": {"losses": [bench.MOONS_STEP0, 0.5]}}
    assert bench.compare("moons", {"ours": [ours], "original": [same]}).endswith("(OK)")
    for other in ([bench.MOONS_STEP0 + 1e-16, 0.5], [bench.MOONS_STEP0, 0.5 * (1 + 1e-11)]):
        verdict = bench.compare("moons", {"ours": [ours], "original": [{"result": {"losses": other}}]})
        assert "MISMATCH" in verdict, verdict
        assert bench.refusals([f"  moons: {verdict}"], [0.0]), verdict
    verdict = bench.compare("wide", {"ours": [{"result": {"value": 1.0}}], "original": [{"result": {"value": 1.1}}]})
    assert "MISMATCH" in verdict and bench.refusals([verdict], [0.0])


def test_a_busy_machine_is_refused(bench):
    assert bench.refusals(["  moons: ... (OK)"], [0.0, 0.1, 0.25]) == []
    (why,) = bench.refusals(["  moons: ... (OK)"], [0.0, 0.26, 0.1])
    assert "busy" in why and "0.26" in why


def run_chain(tmp_path, repeats, max_other_cores):
    """benchmarks/engine.py on its smallest workload, saving to a file: (process, that file)."""
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "engine.py"), "--only", "chain",
                           "--repeats", str(repeats), "--gc", "default", "--max-other-cores", str(max_other_cores),
                           "--save", str(out)], capture_output=True, text=True, timeout=600)
    if "could not install" in proc.stderr + proc.stdout:
        pytest.skip("micrograd 0.1.0 is not installed (no access to PyPI)")
    return proc, out


def test_the_script_exits_non_zero_and_writes_nothing_when_refusing(tmp_path):
    # End to end, on the smallest workload: a threshold no machine can meet stands in for a busy one.
    proc, out = run_chain(tmp_path, 1, -1)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "NOT PUBLISHED" in proc.stderr and "busy" in proc.stderr, proc.stderr
    assert "bit-identical (OK)" in proc.stdout, proc.stdout  # the engines did agree
    assert not out.exists()


def test_the_script_saves_the_record_the_tests_read(bench, tmp_path):
    # End to end, on the smallest workload, with a threshold any machine meets: the record the
    # script writes has everything these tests check (so the lead's re-run will pass them).
    proc, out = run_chain(tmp_path, 2, 1e9)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert record_problems(bench, saved) == []
    assert saved["engine_sha256"] == bench.engine_hash() and saved["script_sha256"] == bench.script_hash()
    assert saved["engines"]["ours"]["files"] == bench.file_hashes(REPO)
