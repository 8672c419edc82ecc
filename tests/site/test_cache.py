"""What ./scripts/serve reuses never changes what a build produces.

docs/hooks/cache.py keeps page-code results and executed notebooks on disk; docs/hooks/rebuilds.py
keeps unchanged pages' search entries, print-page HTML and compiled templates in memory between
the rebuilds of one serve process. These tests build the way serve does (several builds in one
process, tests/site/rebuild.py) and compare every output file, byte for byte (build dates removed),
with a cold build: after a page edit, and after an engine edit.

Every cache read here was written in this run: by the session's clean build (`built_site`, which
starts from an empty cache folder) or by an earlier build in the same test.
"""
import base64
import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, mkdocs_build
from test_guards import GOOD_PAGE, make_site

from sitebuild import build_env, copy_project

REUSED = re.compile(r"Build cache .*: (\d+) results reused, (\d+) computed")
PAGE = "docs/value-object.md"  # a chapter with code, graphs and engine excerpts
EDIT = ('\n```python\nprint("an edit made by test_cache")\n```\n\n'
        '<!--pytest-codeblocks:expected-output-->\n```text\nan edit made by test_cache\n```\n')


def site_files(site):
    """Every file of a built site -> its bytes, with only the build dates removed (sitemap)."""
    out = {}
    for path in sorted(p for p in Path(site).rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == "sitemap.xml.gz":
            data = gzip.decompress(data)  # its header holds the build time
        if path.name.startswith("sitemap.xml"):
            data = re.sub(rb"<lastmod>[^<]*</lastmod>", b"", data)
        out[path.relative_to(site).as_posix()] = data
    return out


def differences(a, b):
    """What differs between two built sites, in words (empty when they are equal)."""
    a, b = site_files(a), site_files(b)
    problems = [f"only in the cold build: {n}" for n in sorted(a.keys() - b.keys())]
    problems += [f"only in the warm build: {n}" for n in sorted(b.keys() - a.keys())]
    problems += [f"differs: {n}" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    return problems


def reused(log):
    """(results reused, results computed) from a build's log."""
    m = REUSED.search(log)
    assert m, f"the build did not report its use of the cache:\n{log}"
    return int(m[1]), int(m[2])


def rebuild(tmp_path, config, steps, env):
    """Run tests/site/rebuild.py on `steps`; return the log of each step (asserting all built)."""
    spec = tmp_path / "steps.json"
    spec.write_text(json.dumps({"config": str(config), "steps": steps}), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("rebuild.py")), str(spec)],
                          capture_output=True, text=True, env=build_env(env), cwd=Path(config).parent)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"a rebuild failed:\n{log}"
    logs = re.split(r"^=== step \d+ ===$", log, flags=re.M)[1:]
    assert len(logs) == len(steps), log
    return logs


def test_the_clean_build_reads_no_cache(built_site):
    _, log = built_site
    assert reused(log)[0] == 0, "the session's clean build reused cached results"


def test_rebuilds_after_a_page_edit_equal_the_cold_build(built_site, build_cache, site_server, tmp_path):
    """On a copy of the project, as one serve process: start with the cache the clean build wrote,
    edit one page, undo the edit. Each warm build must equal the cold one; the edited build must
    re-run that page only, and show the edit."""
    cold, _ = built_site
    shutil.copytree(build_cache, tmp_path / "cache")  # these builds prune the copy, not the original
    project = copy_project(tmp_path / "project")
    page = project / PAGE
    original = page.read_text(encoding="utf-8")
    steps = [{"site": str(tmp_path / "start")},
             {"site": str(tmp_path / "edited"), "write": {str(page): original + EDIT}},
             {"site": str(tmp_path / "undone"), "write": {str(page): original}}]
    env = {"SITE_URL": site_server[1], "BUILD_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(project)}
    start, edited, undone = rebuild(tmp_path, project / "mkdocs.yml", steps, env)

    hits, misses = reused(start)
    assert hits > 0 and misses == 0, f"a restart should reuse every result:\n{start}"
    assert reused(edited) == (hits - 1, 1), f"an edit to one page should re-run that page only:\n{edited}"
    assert "an edit made by test_cache" in (tmp_path / "edited" / "value-object" / "index.html").read_text(), \
        "the edited page was built from the cache without its edit"
    assert reused(undone) == (hits - 1, 1), undone
    for name in ("start", "undone"):
        problems = differences(cold, tmp_path / name)
        assert not problems, f"the warm build '{name}' differs from the cold one:\n" + "\n".join(problems)


NOTEBOOK_CELLS = ["from micrograd import Value, draw_dot",
                  "x = Value(2.0, label='x')\ny = x * x\ny.backward()\ndraw_dot(y)"]
GRAPH = '```graph\nfrom micrograd import Value\nx = Value(2.0, label="x")\nx * x\n```\n'
MARK = "#0b0c0d"  # the engine edit: draw_dot outlines every value's box in this colour


def drawn(page):
    """A page's HTML with its base64 SVG images decoded (a notebook shows a graph as one)."""
    html = page.read_text(encoding="utf-8")
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    return html + "".join(base64.b64decode(b).decode("utf-8") for b in images)


def test_a_rebuild_after_an_engine_edit_equals_the_cold_build(tmp_path):
    """A small copy of the site (real hooks, plugins, theme) with a graph on a page and in a
    notebook, as one serve process: build, edit micrograd/viz.py, rebuild; compare with a cold
    build of the edited project."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Graph"), *map(nbformat.v4.new_code_cell, NOTEBOOK_CELLS)]
    nbformat.write(nb, tmp_path / "graph.ipynb")
    config = make_site(tmp_path / "s", GOOD_PAGE + "\n" + GRAPH, notebook=tmp_path / "graph.ipynb")
    viz = config.parent / "micrograd" / "viz.py"
    text = viz.read_text(encoding="utf-8")
    assert text.count('shape="record")') == 1, "the engine edit below no longer applies to micrograd/viz.py"
    steps = [{"site": str(tmp_path / "before")},
             {"site": str(tmp_path / "warm"),
              "write": {str(viz): text.replace('shape="record")', f'shape="record", color="{MARK}")')}}]
    # The copy's engine, not the installed one, in the page code and in the notebook's kernel.
    env = {"BUILD_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(config.parent)}
    before, warm = rebuild(tmp_path, config, steps, env)

    hits, misses = reused(before)
    assert hits == 0 and misses >= 2, before  # the page's code (and the source pages'), the notebook
    assert reused(warm) == (0, misses), f"results made with the old engine were reused:\n{warm}"
    code, log, _ = mkdocs_build(config, tmp_path / "cold", env={"PYTHONPATH": str(config.parent)}, cwd=config.parent)
    assert code == 0, log
    for page in ("broken/index.html", "examples/graph/index.html"):
        assert MARK not in drawn(tmp_path / "before" / page), page
        assert MARK in drawn(tmp_path / "cold" / page), f"the engine edit does not show on {page}"
    problems = differences(tmp_path / "cold", tmp_path / "warm")
    assert not problems, "the rebuild differs from the cold build:\n" + "\n".join(problems)


def test_serve_fresh_empties_the_cache(tmp_path):
    """BUILD_CACHE_FRESH (./scripts/serve --fresh) deletes the cache's entries before building."""
    config = make_site(tmp_path / "s", "# A page { #a-page }\n\n```python\nprint(1)\n```\n")
    env = {"BUILD_CACHE": str(tmp_path / "cache")}
    code, log, _ = mkdocs_build(config, tmp_path / "one", env=env)
    assert code == 0, log
    stored = list((tmp_path / "cache").rglob("*.json"))
    assert stored and reused(log)[0] == 0, log
    code, log, _ = mkdocs_build(config, tmp_path / "two", env={**env, "BUILD_CACHE_FRESH": "1"})
    assert code == 0, log
    assert reused(log) == (0, len(stored)), log


def test_the_cache_folder_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".cache/" in ignored, "scripts/serve's cache (.cache/build/) must not be committed"


def test_the_shared_key_covers_everything_page_code_reads(tmp_path):
    """Page code runs the engine, the vendored original and the track's checks, and prints the
    benchmark record: an edit to any of them must change every key (else serve shows a stale number)."""
    import cache

    for rel in ("micrograd/engine.py", "third_party/micrograd-0.1.0/micrograd/engine.py",
                "buildit/checks.py", "benchmarks/results.json", "docs/hooks/graphs.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("one\n", encoding="utf-8")
    before = cache.dependencies(tmp_path)
    assert cache.dependencies(tmp_path) == before
    for rel in ("micrograd/engine.py", "third_party/micrograd-0.1.0/micrograd/engine.py",
                "buildit/checks.py", "benchmarks/results.json", "docs/hooks/graphs.py"):
        (tmp_path / rel).write_text("two\n", encoding="utf-8")
        after = cache.dependencies(tmp_path)
        assert after != before, f"an edit to {rel} leaves the cache keys unchanged"
        before = after
