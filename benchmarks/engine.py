"""Benchmark this engine against the original micrograd 0.1.0 from PyPI, side by side.

    .venv/bin/python benchmarks/engine.py            # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/engine.py --repeats 5 --gc disabled

The original is installed once with `pip install --target build/bench-cache/micrograd-0.1.0` and
reused. Every measurement runs in its own fresh subprocess (this script in `--worker` mode) whose
PYTHONPATH points at one engine only, so neither shadows the other and each run starts cold.

Workloads (identical code for both engines):
  moons   the repository demo: make_moons(100, noise 0.1), MLP(2, [16, 16, 1]), 20 steps of mean
          hinge loss + 1e-4 L2, zero_grad, backward, lr = 1.0 - 0.9 k / 100
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
default GC settings and with gc.disable() in the worker.
"""
import argparse
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
MOONS_STEP0 = 0.8958441028683222

WORKLOADS = {
    # name: (label, engines, args)
    "moons": ("moons demo, 20 steps", ("original", "ours"), {"steps": 20}),
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


def _moons_setup():
    import random

    import numpy as np
    from sklearn.datasets import make_moons

    from micrograd.engine import Value
    from micrograd.nn import MLP

    random.seed(1337)
    np.random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
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


def _moons(steps):
    model, loss = _moons_setup()
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

    if name == "moons":
        model, loss = _moons_setup()
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
        if name == "moons":  # import numpy and scikit-learn before the baseline
            import numpy  # noqa: F401
            import sklearn.datasets  # noqa: F401
        out["rss_before_kb"] = _rss_kb()
        if spec["gc"] == "disabled":
            gc.disable()
        args = dict(args, **spec.get("override", {}))
        try:
            run = {"moons": _moons, "chain": _chain, "chain1M": _chain, "wide": _wide}[name]
            out["seconds"], out["result"], out["nodes"] = run(**args)
        except RecursionError:
            out["error"] = "RecursionError (maximum recursion depth exceeded)"
        out["peak_rss_kb"] = _rss_kb()
    print(json.dumps(out))


# =================================================================================================
# Driver
# =================================================================================================

def ensure_original():
    if (ORIGINAL_DIR / "micrograd" / "engine.py").exists():
        return "reused"
    tmp = ORIGINAL_DIR.with_name(ORIGINAL_DIR.name + ".partial")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--no-deps", "--target", str(tmp), ORIGINAL_SPEC], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"could not install {ORIGINAL_SPEC} into {tmp}:\n{proc.stdout}{proc.stderr}")
    tmp.replace(ORIGINAL_DIR)
    return "installed"


def run_worker(engine, spec):
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    env["PYTHONPATH"] = str(ORIGINAL_DIR if engine == "original" else REPO)
    proc = subprocess.run([sys.executable, "-s", __file__, "--worker", json.dumps(spec)], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {engine} {spec} failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    expected = ORIGINAL_DIR if engine == "original" else REPO
    if not out["micrograd"].startswith(str(expected)):
        raise RuntimeError(f"{engine} worker imported micrograd from {out['micrograd']}")
    return out


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rel_diff(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def compare(name, res):
    """How well the two engines agree on one workload: a short verdict."""
    ours = [r["result"] for r in res["ours"]]
    orig = [r["result"] for r in res.get("original", []) if "result" in r]
    if name == "moons":
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
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.worker:
        return worker(json.loads(opts.worker))

    t0 = time.perf_counter()
    how = ensure_original()
    names = opts.only or list(WORKLOADS)
    gc_modes = ["default", "disabled"] if opts.gc == "both" else [opts.gc]
    print(f"micrograd benchmark: this engine ({REPO / 'micrograd'}) vs {ORIGINAL_SPEC} "
          f"({ORIGINAL_DIR}, {how})")
    print(f"Python {platform.python_version()} ({sys.executable}), {platform.machine()}, "
          f"{os.cpu_count()} CPUs; {opts.repeats} runs per timing, each in a fresh process; "
          f"times exclude interpreter start and imports")
    print(f"load average at start: {_load()}")
    saved = {"date": time.strftime("%Y-%m-%d"), "python": platform.python_version(),
             "machine": platform.machine(), "cpus": os.cpu_count(), "repeats": opts.repeats,
             "load_at_start": _load(), "results": {}}

    memory = {}
    for name in names:
        for engine in WORKLOADS[name][1]:
            memory[name, engine] = run_worker(engine, {"workload": name, "mode": "memory"})

    for mode in gc_modes:
        print()
        print(f"== GC {'default settings' if mode == 'default' else 'disabled (gc.disable() in the worker)'} ==")
        header = (f"{'workload':<30} {'engine':<9} {'median s':>9} {'runs s':<22} {'orig/ours':>9} "
                  f"{'peak RSS MB':>11} {'(work) MB':>9} {'B/node':>7} {'nodes/graph':>11}")
        print(header)
        print("-" * len(header))
        verdicts = []
        for name in names:
            label, engines, _ = WORKLOADS[name]
            res = {e: [run_worker(e, {"workload": name, "mode": "time", "gc": mode})
                       for _ in range(opts.repeats)] for e in engines}
            med = {e: statistics.median(r["seconds"] for r in runs) for e, runs in res.items()}
            for e in engines:
                runs = res[e]
                ratio = f"{med['original'] / med['ours']:.2f}x" if "original" in med and e == "ours" else ""
                times = " ".join(f"{r['seconds']:.3f}" for r in runs)
                rss = statistics.median(r["peak_rss_kb"] for r in runs) / 1024
                drss = statistics.median(r["peak_rss_kb"] - r["rss_before_kb"] for r in runs) / 1024
                saved["results"].setdefault(mode, {}).setdefault(name, {})[e] = {
                    "label": label, "median_s": med[e], "peak_rss_mb": rss, "nodes": runs[0]["nodes"],
                    "bytes_per_node": memory[name, e]["bytes_per_node"]}
                print(f"{label if e == engines[0] else '':<30} {e:<9} {med[e]:>9.3f} {times:<22} "
                      f"{ratio:>9} {rss:>11.0f} {drss:>9.0f} "
                      f"{memory[name, e]['bytes_per_node']:>7.0f} {runs[0]['nodes']:>11,}")
            if name == "chain1M":
                fail = run_worker("original", {"workload": "chain", "mode": "time", "gc": mode,
                                               "override": {"chains": 1, "depth": 2_000}})
                print(f"{'':<30} {'original':<9} depth 2,000: {fail.get('error', 'no error')}")
            verdicts.append(f"  {label}: {compare(name, res)}")
        print("agreement between the engines:")
        print("\n".join(verdicts))
    print()
    print("B/node: tracemalloc, bytes still allocated after one graph's forward + backward / its nodes "
          "(chain1M measured on a depth-100,000 chain); peak RSS: getrusage ru_maxrss of the worker, "
          "median of runs, including the interpreter (and numpy + scikit-learn for moons); (work): "
          "peak RSS minus the RSS before the workload started")
    busy = os.getloadavg()[1] > (os.cpu_count() or 1)
    print(f"load average at end: {_load()}"
          + (" (above the CPU count: other processes slowed these timings)" if busy else ""))
    print(f"total benchmark time {time.perf_counter() - t0:.0f} s")
    if opts.save:
        saved["load_at_end"] = _load()
        Path(opts.save).write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {opts.save}")


if __name__ == "__main__":
    main()
