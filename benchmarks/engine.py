"""Benchmark this engine against the original micrograd 0.1.0 from PyPI, side by side.

    .venv/bin/python benchmarks/engine.py            # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/engine.py --repeats 5 --gc disabled

The original is installed once with `pip install --require-hashes --no-deps --target
build/bench-cache/micrograd-0.1.0` (pinned by version and by the sha256 of PyPI's files) and reused;
tests/engine/test_compat.py uses the same installer. The reused copy is checked on every run: its
micrograd/*.py must be exactly the files of PyPI's micrograd 0.1.0 (ORIGINAL_FILES_SHA256, the
sdist's files, which its wheel installs; a copy that differs is installed again). Every measurement
runs in its own fresh subprocess (this script in `--worker` mode) whose PYTHONPATH points at one
engine only, so neither shadows the other and each run starts cold. Each worker reports the file
and sha256 of every micrograd module it imported: the driver refuses the run unless that is exactly
the engine it meant (this repository's micrograd/ as hashed when the benchmark started, or the
original's files), at exactly the path it meant.

Workloads (identical code for both engines):
  moons   the repository demo as written: make_moons(100, noise 0.1), MLP(2, [16, 16, 1]), 20 steps
          of mean hinge loss + 1e-4 L2, zero_grad, backward, lr = 1.0 - 0.9 k / 100. Its inputs are
          numpy floats, which the original keeps as numpy scalars all through the graph
  moons_float  the same with the inputs and labels turned into plain Python floats and ints first
  chain   200 chains of depth 500 (v = v * a, v = v + b alternately, a and b shared), each
          forward + backward: 100,000 ops; the original's recursive topological sort cannot go
          much deeper (Python's default recursion limit is 1,000)
  chain1M one chain of depth 1,000,000, forward + backward (this engine only; the original is
          shown failing at depth 2,000)
  wide    sum of 100,000 products w_i * x_i, added as a balanced tree (depth 17: a deep
          left-to-right sum would hit the original's recursion limit), forward + backward

Reported per workload and engine: the median wall time of the runs (measured inside the worker,
excluding interpreter start and imports), the ratio original / ours, the peak RSS of the worker
(getrusage ru_maxrss), the bytes per graph node (tracemalloc: memory still allocated after one
graph's forward + backward, divided by the number of nodes in that graph, measured in a separate
worker), and whether the results of the two engines agree. Everything runs twice: with Python's
default GC settings and with gc.disable() in the worker. The two engines' runs alternate (original,
ours, ours, original, ...), so a change in the machine's load hits both alike.

The script refuses to publish: it exits non-zero, and writes no --save file, when the engines'
results disagree, or when the machine was busier than its threshold: during every timed run it
measures, from /proc/stat, the CPU time the whole machine used minus what the worker itself used
(getrusage of the child); more than --max-other-cores (default 0.25) cores on average, in any
run, means other processes were competing for the CPU and the timings are not worth publishing.
The record (--save) names what it measured and how: the sha256 of micrograd/*.py (engine_sha256,
hashed again at the end: an engine edited during the benchmark is refused), of this script
(script_sha256), and of each engine's files with their paths (engines); and it keeps every timed
run: its seconds (runs_s, whose median is median_s), the cores other processes used meanwhile
(other_cores) and the 1-minute load average after it (load_after), besides the load averages at
the start and the end. tests/engine/test_benchmark.py checks the record against the current files.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORIGINAL_DIR = REPO / "build" / "bench-cache" / "micrograd-0.1.0"
ORIGINAL_SPEC = "micrograd==0.1.0"
ORIGINAL_SHA256 = ("47d756d92043c7d7ef55372640dc1549780a8c22806b3a11cb3d4efc5937a4ae",  # the wheel on PyPI
                   "81797b796bef809fb1ac3fd83a7e01e007aecb8d056fba07c0e24931e043845d")  # the sdist
# The original's files, as in PyPI's sdist (and wheel); third_party/micrograd-0.1.0/ holds the same.
ORIGINAL_FILES_SHA256 = {
    "micrograd/__init__.py": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "micrograd/engine.py": "95f19fa3734458d868e067d770f0773027763a2f654900bfbc1df8c5413acf84",
    "micrograd/nn.py": "f54453501abc4fd38ae724a8b378d6a5d23bfdd0a49c77e619b95f86ad16594d",
}
SAVE_COMMAND = ".venv/bin/python benchmarks/engine.py --save benchmarks/results.json"
MAX_OTHER_CORES = 0.25  # CPU used by other processes during a timed run, in cores, above which we refuse
MOONS_STEP0 = 0.8958441028683222

WORKLOADS = {
    # name: (label, engines, args)
    "moons": ("moons demo, 20 steps", ("original", "ours"), {"steps": 20}),
    "moons_float": ("moons demo, floats, 20 steps", ("original", "ours"), {"steps": 20, "floats": True}),
    "chain": ("chain 200 x depth 500", ("original", "ours"), {"chains": 200, "depth": 500}),
    "chain1M": ("chain 1 x depth 1,000,000", ("ours",), {"chains": 1, "depth": 1_000_000}),
    "wide": ("wide sum of 100,000 products", ("original", "ours"), {"n": 100_000}),
}


# =================================================================================================
# Worker: runs inside a fresh subprocess with one engine on PYTHONPATH.
# =================================================================================================

def _count_nodes(root):
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    return len(seen)


def _pairwise_sum(values):
    while len(values) > 1:
        pairs = [values[i] + values[i + 1] for i in range(0, len(values) - 1, 2)]
        values = pairs + ([values[-1]] if len(values) % 2 else [])
    return values[0]


def _moons_setup(floats=False):
    import random

    import numpy as np
    from sklearn.datasets import make_moons

    from micrograd.engine import Value
    from micrograd.nn import MLP

    random.seed(1337)
    np.random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    if floats:  # plain Python numbers: no numpy scalar anywhere in the graph
        X, y = X.tolist(), [int(v) for v in y]
    model = MLP(2, [16, 16, 1])

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    return model, loss


def _moons(steps, floats=False):
    model, loss = _moons_setup(floats)
    start = time.perf_counter()
    losses, nodes = [], 0
    for k in range(steps):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
        if k == 0:
            t = time.perf_counter()
            nodes = _count_nodes(total_loss)
            start += time.perf_counter() - t  # counting is not part of the workload
    seconds = time.perf_counter() - start
    return seconds, {"losses": losses, "accuracy": acc}, nodes


def _chain_one(Value, depth):
    x, a, b = Value(0.5), Value(1.00001), Value(0.001)
    v = x
    for i in range(depth):
        v = v * a if i % 2 == 0 else v + b
    v.backward()
    return v, x, a, b


def _chain(chains, depth):
    from micrograd.engine import Value

    start = time.perf_counter()
    for _ in range(chains):
        v, x, a, b = _chain_one(Value, depth)
        result = {"value": v.data, "x.grad": x.grad, "a.grad": a.grad, "b.grad": b.grad}
        nodes = depth + 3
        del v, x, a, b
    return time.perf_counter() - start, result, nodes


def _wide(n):
    import random

    from micrograd.engine import Value

    rng = random.Random(42)
    data = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)]
    start = time.perf_counter()
    ws = [Value(w) for w, _ in data]
    xs = [Value(x) for _, x in data]
    root = _pairwise_sum([w * x for w, x in zip(ws, xs)])
    root.backward()
    seconds = time.perf_counter() - start
    result = {"value": root.data, "sum of x grads": sum(x.grad for x in xs),
              "sum of w grads": sum(w.grad for w in ws)}
    return seconds, result, 4 * n - 1


def _memory(name, args):
    """Bytes per node of one graph, by tracemalloc: what is still allocated after forward and
    backward of one graph (the graph itself), over the number of its nodes."""
    import tracemalloc

    from micrograd.engine import Value

    if name in ("moons", "moons_float"):
        model, loss = _moons_setup(floats=args.get("floats", False))
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        total_loss, _ = loss()
        model.zero_grad()
        total_loss.backward()
        graph = total_loss
    elif name in ("chain", "chain1M"):
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        graph = _chain_one(Value, min(args["depth"], 100_000))[0]
    elif name == "wide":
        import random

        rng = random.Random(42)
        data = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(args["n"])]
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        ws = [Value(w) for w, _ in data]
        xs = [Value(x) for _, x in data]
        graph = _pairwise_sum([w * x for w, x in zip(ws, xs)])
        graph.backward()
        del ws, xs
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    nodes = _count_nodes(graph)
    return {"bytes_per_node": used / nodes, "nodes": nodes}


def _rss_kb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def worker(spec):
    import gc

    import micrograd

    out = {"micrograd": str(Path(micrograd.__file__).resolve().parent)}
    name, args = spec["workload"], WORKLOADS[spec["workload"]][2]
    if spec["mode"] == "memory":
        out.update(_memory(name, args))
    else:
        if name.startswith("moons"):  # import numpy and scikit-learn before the baseline
            import numpy  # noqa: F401
            import sklearn.datasets  # noqa: F401
        out["rss_before_kb"] = _rss_kb()
        if spec["gc"] == "disabled":
            gc.disable()
        args = dict(args, **spec.get("override", {}))
        try:
            run = {"moons": _moons, "moons_float": _moons, "chain": _chain, "chain1M": _chain, "wide": _wide}[name]
            out["seconds"], out["result"], out["nodes"] = run(**args)
        except RecursionError:
            out["error"] = "RecursionError (maximum recursion depth exceeded)"
        out["peak_rss_kb"] = _rss_kb()
    out["files"] = imported_files()  # after the workload: every module it imported
    print(json.dumps(out))


# =================================================================================================
# Driver
# =================================================================================================

def imported_files():
    """{path: sha256} of every file of a `micrograd` module this process imported (resolved paths)."""
    mods = [m for n, m in sorted(sys.modules.items()) if n == "micrograd" or n.startswith("micrograd.")]
    paths = {str(Path(m.__file__).resolve()) for m in mods if getattr(m, "__file__", None)}
    return {path: hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in sorted(paths)}


def file_hashes(root):
    """{"micrograd/<name>.py": sha256} of the engine under `root` (a folder holding micrograd/)."""
    return {f"micrograd/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((Path(root) / "micrograd").glob("*.py"))}


def original_problems(root=ORIGINAL_DIR):
    """How the copy of the original under `root` differs from PyPI's micrograd 0.1.0 (empty: it does not)."""
    found, problems = file_hashes(root), []
    for name in sorted(found.keys() | ORIGINAL_FILES_SHA256.keys()):
        if name not in found:
            problems.append(f"{name} is missing")
        elif name not in ORIGINAL_FILES_SHA256:
            problems.append(f"{name} is not a file of micrograd 0.1.0")
        elif found[name] != ORIGINAL_FILES_SHA256[name]:
            problems.append(f"{name} has sha256 {found[name]}, not {ORIGINAL_FILES_SHA256[name]}")
    return problems


def ensure_original(root=ORIGINAL_DIR):
    """Install the original into `root` (once), pinned by version and hash, without deps; check its
    files against PyPI's on every call (a copy that differs is installed again)."""
    import shutil

    if (root / "micrograd" / "engine.py").exists() and (root / "micrograd-0.1.0.dist-info").is_dir():
        problems = original_problems(root)
        if not problems:
            return "reused, files verified"
        print(f"{root} is not micrograd 0.1.0 ({'; '.join(problems)}): installing it again", file=sys.stderr)
        shutil.rmtree(root)
    tmp = root.with_name(root.name + f".partial-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    requirements = tmp.with_name(tmp.name + ".txt")
    requirements.write_text(ORIGINAL_SPEC + "".join(f" --hash=sha256:{h}" for h in ORIGINAL_SHA256) + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--no-deps", "--require-hashes", "--target", str(tmp), "-r", str(requirements)],
                          capture_output=True, text=True)
    requirements.unlink()
    if proc.returncode != 0:
        sys.exit(f"could not install {ORIGINAL_SPEC} into {tmp}:\n{proc.stdout}{proc.stderr}")
    problems = original_problems(tmp)
    if problems:
        sys.exit(f"{ORIGINAL_SPEC} as pip installed it is not the original's files: {'; '.join(problems)}")
    if (root / "micrograd" / "engine.py").exists() and not original_problems(root):  # another process finished first
        shutil.rmtree(tmp)
        return "reused, files verified"
    if root.exists():  # a stale, incomplete copy
        shutil.rmtree(root)
    tmp.replace(root)
    return "installed, files verified"


def engine_hash(package_dir=REPO / "micrograd"):
    """sha256 of this engine's source: every micrograd/*.py, by name and content, in name order."""
    h = hashlib.sha256()
    for path in sorted(Path(package_dir).glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def script_hash(path=Path(__file__)):
    """sha256 of this script (what it measures, and how, is in its code)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def engine_roots():
    """Where each engine is imported from: the folder put on a worker's PYTHONPATH."""
    return {"original": ORIGINAL_DIR, "ours": REPO}


def import_problems(out, root, expected):
    """Why a worker's imports are not the engine meant (an empty list: they are). `root` is the
    folder that was on its PYTHONPATH; `expected` {"micrograd/<name>.py": sha256} that engine's files."""
    problems = []
    if out["micrograd"] != str(Path(root).resolve() / "micrograd"):
        problems.append(f"imported micrograd from {out['micrograd']}, not {Path(root).resolve() / 'micrograd'}")
    base = Path(root).resolve()
    for path, digest in out.get("files", {}).items():
        name = Path(path).relative_to(base).as_posix() if Path(path).is_relative_to(base) else path
        if expected.get(name) != digest:
            problems.append(f"imported {path} (sha256 {digest}), which is not {name} of the engine meant"
                            + (f" (sha256 {expected[name]})" if name in expected else ""))
    if not out.get("files"):
        problems.append("reported no imported micrograd file")
    return problems


def _cpu_busy_seconds():
    """CPU seconds the whole machine has spent not idle since boot (all cores, from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds():
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_worker(engine, spec, expected, root=None):
    """One fresh worker process with `engine` alone on its PYTHONPATH (`root`, by default where that
    engine lives); refused unless it imported exactly `expected` ({"micrograd/<name>.py": sha256})."""
    root = engine_roots()[engine] if root is None else Path(root)
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    env["PYTHONPATH"] = str(root)
    busy0, own0, t0 = _cpu_busy_seconds(), _children_cpu_seconds(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-s", __file__, "--worker", json.dumps(spec)], env=env,
                          capture_output=True, text=True)
    busy1, own1, t1 = _cpu_busy_seconds(), _children_cpu_seconds(), time.perf_counter()
    if proc.returncode != 0:
        raise RuntimeError(f"worker {engine} {spec} failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    problems = import_problems(out, root, expected)
    if problems:
        raise RuntimeError(f"the {engine} worker ran the wrong engine: " + "; ".join(problems))
    # Cores' worth of CPU that other processes used while this worker ran (clock ticks: ±0.01 s).
    out["other_cores"] = max(0.0, (busy1 - busy0) - (own1 - own0)) / (t1 - t0)
    out["load_after"] = os.getloadavg()[0]
    return out


def refusals(verdicts, other_cores, max_other_cores=MAX_OTHER_CORES):
    """Why these figures must not be published (an empty list: they may be)."""
    why = [f"the engines disagree: {v.strip()}" for v in verdicts if "MISMATCH" in v or "DISAGREE" in v]
    if other_cores and max(other_cores) > max_other_cores:
        why.append(f"the machine was busy: other processes used up to {max(other_cores):.2f} cores during a "
                   f"timed run (threshold {max_other_cores}); rerun on an idle machine")
    return why


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rel_diff(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def compare(name, res):
    """How well the two engines agree on one workload: a short verdict."""
    ours = [r["result"] for r in res["ours"]]
    orig = [r["result"] for r in res.get("original", []) if "result" in r]
    if name.startswith("moons"):
        step0 = [r["losses"][0] for r in ours + orig]
        worst = max((rel_diff(o, p) for a in orig for b in ours
                     for o, p in zip(a["losses"][1:], b["losses"][1:])), default=0.0)
        exact0 = all(s == MOONS_STEP0 for s in step0)
        return (f"step-0 loss {'==' if exact0 else '!='} {MOONS_STEP0!r} in all "
                f"{len(step0)} runs; steps 1-19 max rel. diff {worst:.1e} "
                f"({'OK' if exact0 and worst <= 1e-12 else 'MISMATCH'})")
    if not orig:
        ok = all(r == ours[0] for r in ours)
        shown = ", ".join(f"{k} {v!r}" for k, v in ours[0].items())
        return f"{shown} ({'identical in all runs' if ok else 'RUNS DISAGREE'})"
    worst = max(rel_diff(a[k], b[k]) for a in orig for b in ours for k in a)
    identical = all(a == b for a in orig for b in ours)
    return ("bit-identical" if identical else f"max rel. diff {worst:.1e}") + (
        " (OK)" if worst <= 1e-12 else " (MISMATCH)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement (default 3)")
    parser.add_argument("--gc", choices=["default", "disabled", "both"], default="both")
    parser.add_argument("--only", nargs="*", choices=list(WORKLOADS), help="run only these workloads")
    parser.add_argument("--save", metavar="JSON", help="also write the figures to this file "
                        "(benchmarks/results.json is the one the code-walkthrough page shows)")
    parser.add_argument("--max-other-cores", type=float, default=MAX_OTHER_CORES,
                        help="refuse (exit 3) when other processes used more CPU than this, in cores, during "
                             f"any timed run (default {MAX_OTHER_CORES})")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.worker:
        return worker(json.loads(opts.worker))

    t0 = time.perf_counter()
    how = ensure_original()
    expected = {"original": dict(ORIGINAL_FILES_SHA256), "ours": file_hashes(REPO)}
    ours_sha256 = engine_hash()
    names = opts.only or list(WORKLOADS)
    gc_modes = ["default", "disabled"] if opts.gc == "both" else [opts.gc]
    print(f"micrograd benchmark: this engine ({REPO / 'micrograd'}) vs {ORIGINAL_SPEC} "
          f"({ORIGINAL_DIR}, {how})")
    print(f"Python {platform.python_version()} ({sys.executable}), {platform.machine()}, "
          f"{os.cpu_count()} CPUs; {opts.repeats} runs per timing, each in a fresh process; "
          f"times exclude interpreter start and imports")
    print(f"load average at start: {_load()}")
    saved = {"date": time.strftime("%Y-%m-%d"), "engine_sha256": ours_sha256, "script_sha256": script_hash(),
             "engines": {e: {"path": engine_roots()[e].relative_to(REPO).joinpath("micrograd").as_posix(),
                             "files": expected[e]} for e in ("ours", "original")},
             "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
             "repeats": opts.repeats, "load_at_start": _load(), "results": {}}

    memory, verdicts, other_cores = {}, [], []
    for name in names:
        for engine in WORKLOADS[name][1]:
            memory[name, engine] = run_worker(engine, {"workload": name, "mode": "memory"}, expected[engine])

    for mode in gc_modes:
        print()
        print(f"== GC {'default settings' if mode == 'default' else 'disabled (gc.disable() in the worker)'} ==")
        header = (f"{'workload':<30} {'engine':<9} {'median s':>9} {'runs s':<22} {'orig/ours':>9} "
                  f"{'peak RSS MB':>11} {'(work) MB':>9} {'B/node':>7} {'nodes/graph':>11}")
        print(header)
        print("-" * len(header))
        for name in names:
            label, engines, _ = WORKLOADS[name]
            res = {e: [] for e in engines}
            for r in range(opts.repeats):  # alternate: original, ours, ours, original, ...
                for e in (engines if r % 2 == 0 else engines[::-1]):
                    res[e].append(run_worker(e, {"workload": name, "mode": "time", "gc": mode}, expected[e]))
                    other_cores.append(res[e][-1]["other_cores"])
            med = {e: statistics.median(r["seconds"] for r in runs) for e, runs in res.items()}
            for e in engines:
                runs = res[e]
                ratio = f"{med['original'] / med['ours']:.2f}x" if "original" in med and e == "ours" else ""
                times = " ".join(f"{r['seconds']:.3f}" for r in runs)
                rss = statistics.median(r["peak_rss_kb"] for r in runs) / 1024
                drss = statistics.median(r["peak_rss_kb"] - r["rss_before_kb"] for r in runs) / 1024
                saved["results"].setdefault(mode, {}).setdefault(name, {})[e] = {
                    "label": label, "median_s": med[e], "peak_rss_mb": rss, "nodes": runs[0]["nodes"],
                    "bytes_per_node": memory[name, e]["bytes_per_node"],
                    "runs_s": [r["seconds"] for r in runs], "other_cores": [round(r["other_cores"], 3) for r in runs],
                    "load_after": [round(r["load_after"], 2) for r in runs]}
                print(f"{label if e == engines[0] else '':<30} {e:<9} {med[e]:>9.3f} {times:<22} "
                      f"{ratio:>9} {rss:>11.0f} {drss:>9.0f} "
                      f"{memory[name, e]['bytes_per_node']:>7.0f} {runs[0]['nodes']:>11,}")
            if name == "chain1M":
                fail = run_worker("original", {"workload": "chain", "mode": "time", "gc": mode,
                                               "override": {"chains": 1, "depth": 2_000}}, expected["original"])
                print(f"{'':<30} {'original':<9} depth 2,000: {fail.get('error', 'no error')}")
            verdicts.append(f"  {label} (GC {mode}): {compare(name, res)}")
        print("agreement between the engines:")
        print("\n".join(v for v in verdicts if f"(GC {mode})" in v))
    print()
    print("B/node: tracemalloc, bytes still allocated after one graph's forward + backward / its nodes "
          "(chain1M measured on a depth-100,000 chain); peak RSS: getrusage ru_maxrss of the worker, "
          "median of runs, including the interpreter (and numpy + scikit-learn for moons); (work): "
          "peak RSS minus the RSS before the workload started")
    busy = os.getloadavg()[1] > (os.cpu_count() or 1)
    print(f"load average at end: {_load()}"
          + (" (above the CPU count: other processes slowed these timings)" if busy else ""))
    print(f"other processes used up to {max(other_cores, default=0):.2f} cores during a timed run "
          f"(median {statistics.median(other_cores or [0]):.2f}; threshold {opts.max_other_cores})")
    print(f"total benchmark time {time.perf_counter() - t0:.0f} s")
    why = refusals(verdicts, other_cores, opts.max_other_cores)
    if engine_hash() != ours_sha256:
        why.append("micrograd/ changed while the benchmark ran")
    if original_problems():
        why.append(f"the original changed while the benchmark ran: {'; '.join(original_problems())}")
    if why:
        print("NOT PUBLISHED" + (f" (nothing written to {opts.save})" if opts.save else "") + ":\n  "
              + "\n  ".join(why), file=sys.stderr)
        sys.exit(3 if all("busy" in w for w in why) else 1)
    if opts.save:
        saved["load_at_end"] = _load()
        saved["other_cores_max"] = round(max(other_cores, default=0), 3)
        Path(opts.save).write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {opts.save}")


if __name__ == "__main__":
    main()
