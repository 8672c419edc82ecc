"""What running code in the page costs a reader: a benchmark script, not a test (it asserts nothing).

    .venv/bin/python benchmarks/browser.py                 # builds the site first (~2 min)
    .venv/bin/python benchmarks/browser.py --site DIR      # an existing build of this checkout

It serves the built site with the test server (tests/sitebuild.py), drives Debian's chromium with
Playwright (as tests/browser does) and prints:

- the extra weight of a page's first view (run.js, run.css and the markers the build adds);
- the bytes the first Run transfers, as served (uncompressed) and gzipped (what a host that
  compresses sends; this test server does not compress);
- the time from clicking Run to the first output: cold (new browser context, empty HTTP cache),
  warm (same context, cache filled, page loaded again, so Pyodide starts again), and a rerun (the
  worker alive; running a block replays the blocks before it);
- one step of the moons demo (MLP(2, [16, 16, 1]), 100 points, hinge loss, backward, update) in
  the browser and in this machine's CPython, with the same pure-Python code (no numpy in the page);
- the playground (issue 22): a 50-node expression drawn with its live stepper, from Run to the
  stepper in place, with Python already started (target <= 1 s); and the time per training step of
  its "Watch it learn" (docs/assets/run/moons.py, the notebook's points) in the page and in CPython.

Targets (issue 13): first output cold <= 10 s, rerun <= 300 ms, extra first-view weight <= 15 KB.
"""
import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from sitebuild import mkdocs_build, serve  # noqa: E402

PAGE = "value-object/"
CHROMIUM = "/usr/bin/chromium"

MOONS = r'''
import math, random, time
from micrograd import Value
from micrograd.nn import MLP

def make_moons(n, noise, rng):
    """scikit-learn's make_moons, in pure Python (the page has no numpy): two interleaved half circles."""
    half = n // 2
    X, y = [], []
    for i in range(half):
        t = math.pi * i / (half - 1)
        X.append((math.cos(t) + rng.gauss(0, noise), math.sin(t) + rng.gauss(0, noise))); y.append(-1)
        X.append((1 - math.cos(t) + rng.gauss(0, noise), 1 - math.sin(t) - 0.5 + rng.gauss(0, noise))); y.append(1)
    return X, y

rng = random.Random(1337)
random.seed(1337)
X, y = make_moons(100, 0.1, rng)
model = MLP(2, [16, 16, 1])

def step(k):
    scores = [model([Value(a), Value(b)]) for a, b in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
    loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data

times = []
for k in range(STEPS):
    t0 = time.perf_counter()
    last = step(k)
    times.append(time.perf_counter() - t0)
print(sorted(times)[len(times) // 2], last)
'''


def cpython_moons(steps):
    out = subprocess.run([sys.executable, "-c", MOONS.replace("STEPS", str(steps))], capture_output=True,
                         text=True, check=True, cwd=REPO).stdout.split()
    return float(out[0]), float(out[1])


# 50 values: 12 inputs times 12 weights, summed with a bias, through tanh (a neuron of 12 inputs).
FIFTY = """from micrograd import Value
xs = [Value(0.1 * i, label=f'x{i}') for i in range(12)]
ws = [Value(0.5 - 0.1 * i, label=f'w{i}') for i in range(12)]
n = xs[0] * ws[0]
for x, w in zip(xs[1:], ws[1:]):
    n = n + x * w
n = n + Value(0.3, label='b')
o = n.tanh(); o.label = 'o'
o
"""


def playground(page, url, repeats=4, steps=3):
    """([seconds from Run to the 50-node stepper in place], nodes, ms per moons step in the page)."""
    page.goto(url + "playground/", wait_until="load")
    page.wait_for_function("document.getElementById('mg-playground')?.dataset.ready === ''", timeout=60_000)
    page.evaluate("() => mgPython.start()")
    root = page.locator("#mg-playground")
    root.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(FIFTY)
    times = []
    for _ in range(repeats):
        page.evaluate("() => document.querySelector('#mg-playground .mg-pg-graph').replaceChildren()")
        t0 = time.perf_counter()
        root.get_by_role("button", name="Run").click()
        page.wait_for_function("document.querySelector('#mg-playground figure.mg-stepper[data-mg-step]')", timeout=120_000)
        times.append(time.perf_counter() - t0)
    nodes = len(page.evaluate("JSON.parse(document.querySelector('#mg-playground figure.mg-stepper').dataset.mgData).names"))
    moons = page.locator("#mg-moons")
    moons.get_by_label("Steps", exact=True).fill(str(steps))
    moons.get_by_role("button", name="Train").click()
    page.wait_for_function("document.getElementById('mg-moons').dataset.state", timeout=600_000)
    return times, nodes, float(moons.get_attribute("data-ms-per-step"))


def moons_py_step(site, steps=3):
    """Seconds per step of docs/assets/run/moons.py in this CPython, on the site's points."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("moons_bench", REPO / "docs" / "assets" / "run" / "moons.py")
    moons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(moons)
    moons.setup((site / "assets" / "run" / "moons.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    for k in range(steps):
        moons.step(k, steps)
    return (time.perf_counter() - t0) / steps


def first_view_weight(site):
    """Bytes a first view gains: run.js + run.css + the markers in the page's HTML."""
    html = (site / PAGE / "index.html").read_text(encoding="utf-8")
    markers = sum(len(m) for m in re.findall(r'<p><span class="mg-run"[^>]*></span></p>|<div class="mg-run-page"[^>]*></div>', html))
    files = [site / "assets" / "run" / n for n in ("run.js", "run.css")]
    raw = sum(f.stat().st_size for f in files) + markers
    gz = sum(len(gzip.compress(f.read_bytes())) for f in files) + markers
    return raw, gz, markers


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, help="an existing build (built for any URL); default: build one")
    ap.add_argument("--steps", type=int, default=5, help="moons steps timed in each interpreter (median shown)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = None
    if args.site:
        site = args.site
        server = serve(site)
    else:
        tmp = tempfile.TemporaryDirectory()
        site = Path(tmp.name)
        server = serve(site)
        print("building the site ...", flush=True)
        code, log, seconds = mkdocs_build(REPO / "mkdocs.yml", site, env={"NOTEBOOK_CACHE": "true", "SITE_URL": server.url})
        if code:
            sys.exit(f"the site does not build:\n{log}")
    url = server.url
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    raw, gz, markers = first_view_weight(site)
    print(f"extra first-view weight of /{PAGE}: {raw / 1024:.1f} KB as served, {gz / 1024:.1f} KB gzipped "
          f"(run.js + run.css + {markers} bytes of markers; target <= 15 KB)")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        context = browser.new_context(service_workers="block")
        bodies = {}  # URL -> the served file's bytes (read from the site folder: the server sends them as they are)

        def seen(request):
            path = request.url.split("?")[0].split("#")[0]
            f = site / path[len(url):] if path.startswith(url) else None
            if f is not None and f.is_dir():
                f = f / "index.html"
            bodies.setdefault(request.url, f.read_bytes() if f is not None and f.is_file() else b"")
        context.on("requestfinished", seen)

        def first_output(page):
            bar = page.locator('div.mg-run[data-block="0"]')
            t0 = time.perf_counter()
            bar.get_by_role("button", name="Run").click()
            bar.locator(".mg-run-out[data-state]").wait_for(timeout=120_000)
            return time.perf_counter() - t0

        page = context.new_page()
        page.goto(url + PAGE, wait_until="load")
        page.wait_for_timeout(500)
        before = set(bodies)
        cold = first_output(page)
        page.wait_for_timeout(500)
        first_run = {u: b for u, b in bodies.items() if u not in before and u.startswith(url)}
        outside = [u for u in bodies if not u.startswith(url) and not u.startswith(("blob:", "data:"))]
        raw_bytes = sum(len(b) for b in first_run.values())
        gz_bytes = sum(len(gzip.compress(b, 6)) for b in first_run.values())
        print(f"first Run transfers {raw_bytes / 2**20:.2f} MB as served, {gz_bytes / 2**20:.2f} MB gzipped, "
              f"in {len(first_run)} requests; requests to other hosts: {len(outside)}")
        for u, b in sorted(first_run.items(), key=lambda x: -len(x[1]))[:6]:
            print(f"    {len(b) / 1024:>9,.0f} KB  {u[len(url):]}")

        reruns = []
        for _ in range(5):
            reruns.append(first_output(page))
        k = page.locator("div.mg-run[data-block] button:text-is('Run')").count()
        last = page.locator("div.mg-run[data-block]").nth(k - 1)
        t0 = time.perf_counter()
        last.get_by_role("button", name="Run").click()
        last.locator(".mg-run-out[data-state]").wait_for(timeout=120_000)
        replay_last = time.perf_counter() - t0

        page.reload(wait_until="load")
        warm = first_output(page)

        moons = page.evaluate("async (src) => (await mgPython.exec(src, {fresh: true, ns: 'bench'}))",
                              MOONS.replace("STEPS", str(args.steps)))
        if not moons.get("ok"):
            sys.exit(f"moons failed in the browser: {moons.get('error')}")
        browser_step, browser_loss = map(float, moons["stdout"].split())
        stepper_times, nodes, page_step = playground(context.new_page(), url)
        browser.close()

    cpython_step, cpython_loss = cpython_moons(args.steps)
    print(f"time to first output: cold {cold:.2f} s (target <= 10 s), warm HTTP cache {warm:.2f} s")
    print(f"rerun of block 1 (worker alive): median {statistics.median(reruns) * 1000:.0f} ms "
          f"(runs {', '.join(f'{r * 1000:.0f}' for r in reruns)} ms; target <= 300 ms); "
          f"the page's last runnable block, replaying all {k - 1} before it: {replay_last * 1000:.0f} ms")
    print(f"moons step (MLP(2, [16, 16, 1]), 100 points), median of {args.steps}: browser {browser_step * 1000:.0f} ms, "
          f"CPython {sys.version.split()[0]} {cpython_step * 1000:.0f} ms, ratio {browser_step / cpython_step:.2f}; "
          f"loss after the last step: browser {browser_loss!r}, CPython {cpython_loss!r}")
    print(f"playground: a {nodes}-node expression drawn with its stepper, Python started: "
          f"{stepper_times[0] * 1000:.0f} ms the first time (loads Graphviz), then "
          f"{', '.join(f'{t * 1000:.0f}' for t in stepper_times[1:])} ms (target <= 1 s)")
    print(f"playground: a moons training step in the page {page_step:.0f} ms, in CPython "
          f"{moons_py_step(site) * 1000:.0f} ms (docs/assets/run/moons.py, the notebook's points)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    server.shutdown()
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
