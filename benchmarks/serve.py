"""How fast `./scripts/serve` keeps up: prints the figures, asserts nothing.

Runs the real `mkdocs serve` (as ./scripts/serve does: build cache in a folder of its own) on a
throw-away copy of the project, so the edits below never touch this working tree, and measures

1. first build: serve started with an empty cache, until the home page is served;
2. rebuild after editing one chapter page (a line of prose appended);
3. rebuild after editing the engine (a comment appended to micrograd/engine.py), which must re-run
   every page's code and every notebook;
4. warm restart: serve stopped and started again with nothing changed, until the home page is served.

Each is measured `--repeats` times (default 3); the table shows the median and every run. For the
rebuilds it shows MkDocs' own "Documentation built in" figure and the wall time from saving the file
to the edited page being served. The machine's load average is printed before and after: on a
shared machine the figures are only as good as the quiet they were taken in.

    .venv/bin/python benchmarks/serve.py [--repeats 3] [--page docs/value-object.md]
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from sitebuild import copy_project  # noqa: E402
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`mkdocs serve` on the copy, its log read line by line in a thread."""

    def __init__(self, project, cache):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "BUILD_CACHE": str(cache), "NO_MKDOCS_2_WARNING": "1",
               "PYTHONPATH": str(project)}  # the copy's engine, for the page code and the notebook kernels
        env.pop("BUILD_CACHE_FRESH", None)
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines, self.builds = [], []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                m = BUILT.search(line)
                if m:
                    self.builds.append(float(m[1]))
                self.cond.notify_all()

    def wait_build(self, count, timeout=600):
        """MkDocs' time for build number `count` (1 = the first), once it is logged."""
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.builds) >= count or self.proc.poll() is not None, timeout)
            if not ok or len(self.builds) < count:
                raise RuntimeError("mkdocs serve did not finish a build:\n" + "".join(self.lines[-40:]))
            return self.builds[count - 1]

    def wait_page(self, path, needle=None, timeout=600):
        """Seconds since `self.start` until `path` is served (containing `needle`, if given)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mkdocs serve stopped:\n" + "".join(self.lines[-40:]))
            try:
                with urllib.request.urlopen(self.url + path, timeout=60) as r:
                    if r.status == 200 and (needle is None or needle in r.read().decode()):
                        return time.perf_counter() - self.start
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{path} was not served in {timeout} s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def edit(path, text):
    """Append `text` to `path`; return the moment it was saved."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)
    return time.perf_counter()


def one_round(project, cache, page, n):
    out = {}
    serve = Serve(project, cache)
    try:
        out["first build: home page served"] = serve.wait_page("")
        out["first build: MkDocs' figure"] = serve.wait_build(1)
        slug = Path(page).stem + "/"
        marker = f"Benchmark edit {n}."
        saved = edit(project / page, f"\n{marker}\n")
        out["page edit: MkDocs' figure"] = serve.wait_build(2)
        out["page edit: edited page served"] = serve.wait_page(slug, marker) - (saved - serve.start)
        saved = edit(project / "micrograd" / "engine.py", f"\n# benchmark edit {n}\n")
        out["engine edit: MkDocs' figure"] = serve.wait_build(3)
        out["engine edit: source page served"] = (serve.wait_page("source/engine/", f"benchmark edit {n}")
                                                  - (saved - serve.start))
    finally:
        serve.stop()
    serve = Serve(project, cache)  # nothing changed since the last build
    try:
        out["warm restart: home page served"] = serve.wait_page("")
        out["warm restart: MkDocs' figure"] = serve.wait_build(1)
    finally:
        serve.stop()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--page", default="docs/value-object.md", help="the chapter page to edit")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} CPUs", flush=True)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        for n in range(args.repeats):
            project, cache = Path(tmp) / f"project{n}", Path(tmp) / f"cache{n}"  # cache starts empty
            copy_project(project)
            rounds.append(one_round(project, cache, args.page, n))
            print(f"round {n + 1}: " + ", ".join(f"{k} {v:.1f} s" for k, v in rounds[-1].items()), flush=True)
    print(f"load average after: {os.getloadavg()}")
    print(f"\n{'measure (page edited: ' + args.page + ')':<48} {'median':>8}   runs")
    for name in rounds[0]:
        values = [r[name] for r in rounds]
        print(f"{name:<48} {statistics.median(values):>7.1f}s   " + " ".join(f"{v:.1f}" for v in values))


if __name__ == "__main__":
    main()
