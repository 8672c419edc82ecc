"""The published benchmark figures (benchmarks/results.json) belong to this engine, agree with what
the code walkthrough says about them, and the benchmark refuses to publish bad figures.

Nothing here times anything: the figures are what `benchmarks/engine.py --save` recorded.
"""
import importlib.util
import json
import re
import shutil
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


def test_the_published_figures_were_measured_on_this_engine(bench, record):
    assert record.get("engine_sha256") == bench.engine_hash(), (
        "micrograd/ changed since benchmarks/results.json was measured: rerun "
        "`python benchmarks/engine.py --save benchmarks/results.json` on an idle machine")


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


def test_the_script_exits_non_zero_and_writes_nothing_when_refusing(tmp_path):
    # End to end, on the smallest workload: a threshold no machine can meet stands in for a busy one.
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "engine.py"), "--only", "chain",
                           "--repeats", "1", "--gc", "default", "--max-other-cores", "-1", "--save", str(out)],
                          capture_output=True, text=True, timeout=600)
    if "could not install" in proc.stderr + proc.stdout:
        pytest.skip("micrograd 0.1.0 is not installed (no access to PyPI)")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "NOT PUBLISHED" in proc.stderr and "busy" in proc.stderr, proc.stderr
    assert "bit-identical (OK)" in proc.stdout, proc.stdout  # the engines did agree
    assert not out.exists()
