"""How fast `./scripts/serve` keeps up: prints the figures, asserts nothing.

Runs the real `mkdocs serve` (as ./scripts/serve does: build cache in a folder of its own) on a
throw-away copy of the project, so the edits below never touch this working tree, and measures

1. first build: serve started with an empty cache, until the home page is served;
2. rebuild after editing one chapter page (a line of prose appended);
3. rebuild after editing the engine (a comment appended to micrograd/engine.py), which must re-run
   every page's code and every notebook;
4. rebuild after undoing the engine edit (the file written back as it was), which must reuse the
   results from before the edit (docs/hooks/cache.py keeps the last few per page);
5. rebuild after undoing the page edit;
6. warm restart: serve stopped and started again with nothing changed, until the home page is served.

Each is measured `--repeats` times (default 3); the table shows the median and every run. For the
rebuilds it shows MkDocs' own "Documentation built in" figure, the wall time from saving the file
to the edited page being served (for an undo: served without the edit), the CPU time the serve
process used meanwhile (on a busy machine, closer than the wall time to what an idle one takes),
and what the build cache says it reused and computed. It prints every WARNING line of every serve
session (there should be none). The machine's load average is printed before and after each
round: on a shared machine the figures are only as good as the quiet they were taken in.

    .venv/bin/python benchmarks/serve.py [--repeats 3] [--page docs/value-object.md]
    .venv/bin/python benchmarks/serve.py --zh      # the Chinese edition's serve (scripts/serve's second)

With --zh it measures the Chinese edition's `mkdocs serve` (mkdocs.zh.yml, served under /zh/): an
edit of a Chinese page (zh/docs/value-object.md) and its undo; the engine steps are left out.
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
REUSED = re.compile(r"Build cache .*: (\d+) results reused, (\d+) computed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`mkdocs serve` on the copy, its log read line by line in a thread."""

    def __init__(self, project, cache, zh=False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/" + ("zh/" if zh else "")
        env = {**os.environ, "BUILD_CACHE": str(cache), "NO_MKDOCS_2_WARNING": "1", "SITE_URL_ZH": self.url,
               "PYTHONPATH": str(project)}  # the copy's engine, for the page code and the notebook kernels
        env.pop("BUILD_CACHE_FRESH", None)
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", "mkdocs.zh.yml" if zh else "mkdocs.yml",
             "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines, self.builds, self.reuse = [], [], []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                m = BUILT.search(line)
                if m:
                    self.builds.append(float(m[1]))
                m = REUSED.search(line)
                if m:
                    self.reuse.append(f"{m[1]} reused, {m[2]} computed")
                self.cond.notify_all()

    def wait_build(self, count, timeout=600):
        """MkDocs' time for build number `count` (1 = the first), once it is logged."""
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.builds) >= count or self.proc.poll() is not None, timeout)
            if not ok or len(self.builds) < count:
                raise RuntimeError("mkdocs serve did not finish a build:\n" + "".join(self.lines[-40:]))
            return self.builds[count - 1]

    def wait_page(self, path, needle=None, timeout=600, absent=False):
        """Seconds since `self.start` until `path` is served containing `needle` (if given; not
        containing it, if `absent`)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mkdocs serve stopped:\n" + "".join(self.lines[-40:]))
            try:
                with urllib.request.urlopen(self.url + path, timeout=60) as r:
                    if r.status == 200 and (needle is None or (needle in r.read().decode()) != absent):
                        return time.perf_counter() - self.start
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{path} was not served in {timeout} s")

    def cpu(self):
        """CPU seconds the serve process (and the children it waited for) has used: unlike the wall
        time, nearly what the same work takes on an idle machine."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime

    def warnings(self):
        with self.cond:
            # MkDocs' own ("WARNING -  ..."), other loggers' ("WARNING:traitlets:...") and the notebook
            # kernels' ("[IPKernelApp] WARNING | ...")
            return [line.rstrip() for line in self.lines if re.search(r"\bWARNING\b", line)]

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


def undo(path, text):
    """Write `path` back as `text` (what it held before an edit); return the moment it was saved."""
    Path(path).write_text(text, encoding="utf-8")
    return time.perf_counter()


def one_round(project, cache, page, n, zh=False):
    """The figures of one round, and the WARNING lines its serve sessions logged."""
    out, warned = {}, []
    engine = project / "micrograd" / "engine.py"
    page_text, engine_text = (project / page).read_text(encoding="utf-8"), engine.read_text(encoding="utf-8")
    serve = Serve(project, cache, zh)
    try:
        out["first build: home page served"] = serve.wait_page("")
        out["first build: MkDocs' figure"] = serve.wait_build(1)
        slug = Path(page).stem + "/"
        marker, comment = f"Benchmark edit {n}.", f"benchmark edit {n}"
        steps = [("page edit", lambda: edit(project / page, f"\n{marker}\n"), slug, marker, False),
                 ("engine edit", lambda: edit(engine, f"\n# {comment}\n"), "source/engine/", comment, False),
                 ("engine undo", lambda: undo(engine, engine_text), "source/engine/", comment, True),
                 ("page undo", lambda: undo(project / page, page_text), slug, marker, True)]
        if zh:
            steps = [steps[0], steps[3]]
        for build, (name, act, path, needle, absent) in enumerate(steps, start=2):
            cpu = serve.cpu()
            saved = act()
            out[f"{name}: MkDocs' figure"] = serve.wait_build(build)
            what = "edited page served" if not absent else "page served without the edit"
            out[f"{name}: {what}"] = serve.wait_page(path, needle, absent=absent) - (saved - serve.start)
            out[f"{name}: serve's CPU time"] = serve.cpu() - cpu
            out[f"{name}: build cache"] = serve.reuse[build - 1]
    finally:
        serve.stop()
        warned += serve.warnings()
    serve = Serve(project, cache, zh)  # nothing changed since the last build
    try:
        out["warm restart: home page served"] = serve.wait_page("")
        out["warm restart: MkDocs' figure"] = serve.wait_build(1)
        out["warm restart: build cache"] = serve.reuse[0]
    finally:
        serve.stop()
        warned += serve.warnings()
    return out, warned


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--page", help="the chapter page to edit (default docs/value-object.md; "
                                   "with --zh, zh/docs/value-object.md)")
    ap.add_argument("--zh", action="store_true", help="the Chinese edition's serve")
    args = ap.parse_args()
    args.page = args.page or ("zh/docs/value-object.md" if args.zh else "docs/value-object.md")
    print(f"load average before: {_load()}, {os.cpu_count()} CPUs", flush=True)
    rounds, warned = [], []
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        for n in range(args.repeats):
            project, cache = Path(tmp) / f"project{n}", Path(tmp) / f"cache{n}"  # cache starts empty
            copy_project(project)
            figures, warnings = one_round(project, cache, args.page, n, args.zh)
            rounds.append(figures)
            warned += warnings
            print(f"round {n + 1}: " + ", ".join(f"{k} {_show(v)}" for k, v in figures.items())
                  + f"; load average now {_load()}", flush=True)
    print(f"load average after: {_load()}")
    print(f"\n{'measure (page edited: ' + args.page + ')':<52} {'median':>8}   runs")
    for name in rounds[0]:
        values = [r[name] for r in rounds]
        if isinstance(values[0], str):  # what the build cache reused and computed
            print(f"{name:<52} {'':>8}   " + " | ".join(values))
        else:
            print(f"{name:<52} {statistics.median(values):>7.1f}s   " + " ".join(f"{v:.1f}" for v in values))
    print(f"\nWARNING lines logged by serve: {len(warned)}" + "".join(f"\n  {w}" for w in warned))


def _show(value):
    return value if isinstance(value, str) else f"{value:.1f} s"


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
