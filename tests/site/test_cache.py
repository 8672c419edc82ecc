"""What ./scripts/serve reuses never changes what a build produces.

docs/hooks/cache.py keeps page-code results and executed notebooks on disk; docs/hooks/rebuilds.py
keeps unchanged pages' search entries, print-page HTML and compiled templates in memory between
the rebuilds of one serve process. These tests build the way serve does (several builds in one
process, tests/site/rebuild.py) and compare every output file, byte for byte (build dates removed),
with a cold build: after a page edit, an engine edit, a hook edit and a restart, and after undoing
each edit (which must reuse the results from before it, not compute them again).

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
    """What differs between two built sites, in words (empty when they are equal). The session's
    build holds the Chinese edition in zh/, built by another configuration: left out."""
    a, b = ({n: v for n, v in site_files(x).items() if not n.startswith("zh/")} for x in (a, b))
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
    re-run that page only, and show the edit; the undo must re-run nothing."""
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
    assert reused(undone) == (hits, 0), f"undoing the edit should reuse the result from before it:\n{undone}"
    for name in ("start", "undone"):
        problems = differences(cold, tmp_path / name)
        assert not problems, f"the warm build '{name}' differs from the cold one:\n" + "\n".join(problems)


NOTEBOOK_CELLS = [  # the graph as an image with alt text (nbconvert warns about an image without)
    "import base64\nfrom IPython.display import display\nfrom micrograd import Value, draw_dot",
    "x = Value(2.0, label='x')\ny = x * x\ny.backward()\nsvg = draw_dot(y).pipe(format='svg')\n"
    "src = 'data:image/svg+xml;base64,' + base64.b64encode(svg).decode()\n"
    "display({'text/html': f'<img src=\"{src}\" alt=\"The graph of y = x * x\">'}, raw=True)"]
GRAPH = '```graph\nfrom micrograd import Value\nx = Value(2.0, label="x")\nx * x\n```\n'
MARK = "#0b0c0d"  # the engine edit: draw_dot outlines every value's box in this colour


def drawn(page):
    """A page's HTML with its base64 SVG images decoded (a notebook shows a graph as one)."""
    html = page.read_text(encoding="utf-8")
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    return html + "".join(base64.b64decode(b).decode("utf-8") for b in images)


def notebook_site(tmp_path):
    """A small copy of the site (real hooks, plugins, theme) with a graph on a page and in a notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Graph"), *map(nbformat.v4.new_code_cell, NOTEBOOK_CELLS)]
    nbformat.write(nb, tmp_path / "graph.ipynb")
    return make_site(tmp_path / "s", GOOD_PAGE + "\n" + GRAPH, notebook=tmp_path / "graph.ipynb")


def warnings(log):
    """MkDocs' warnings ("WARNING -  ..."), other loggers' and the notebook kernels' ("[IPKernelApp]
    WARNING | ..."): every line of the log that says WARNING."""
    return [line for line in log.splitlines() if re.search(r"\bWARNING\b", line)]


def test_edits_to_a_page_and_the_engine_and_their_undos_equal_cold_builds(tmp_path):
    """As one serve process on a small copy of the site: edit the page, then the engine
    (micrograd/viz.py), undo the engine edit, undo the page edit. The engine edit re-runs every
    result and equals a cold build of the edited project; each undo re-runs nothing (the results
    from before the edit are kept) and equals the build from before the edit, which read no cache.
    No build logs a warning."""
    config = notebook_site(tmp_path)
    page, viz = config.parent / "docs" / "broken.md", config.parent / "micrograd" / "viz.py"
    text, page_text = viz.read_text(encoding="utf-8"), page.read_text(encoding="utf-8")
    assert text.count('shape="record")') == 1, "the engine edit below no longer applies to micrograd/viz.py"
    edited = text.replace('shape="record")', f'shape="record", color="{MARK}")')
    names = ["before", "page", "engine", "engine-undone", "page-undone"]
    writes = [{}, {str(page): page_text + EDIT}, {str(viz): edited}, {str(viz): text}, {str(page): page_text}]
    steps = [{"site": str(tmp_path / name), "write": write} for name, write in zip(names, writes)]
    # The copy's engine, not the installed one, in the page code and in the notebook's kernel.
    env = {"BUILD_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(config.parent)}
    logs = dict(zip(names, rebuild(tmp_path, config, steps, env)))

    # Three results: the page's code run, the notebook's page, and (looked up only when that page is
    # not reused) the notebook's execution.
    assert reused(logs["before"]) == (0, 3), logs["before"]
    assert reused(logs["page"]) == (1, 1), f"a page edit should re-run that page only:\n{logs['page']}"
    assert "an edit made by test_cache" in (tmp_path / "page" / "broken" / "index.html").read_text()
    assert reused(logs["engine"]) == (0, 3), f"results made with the old engine were reused:\n{logs['engine']}"
    for name in ("engine-undone", "page-undone"):
        assert reused(logs[name]) == (2, 0), f"the undo ({name}) computed again:\n{logs[name]}"
    for name, log in logs.items():
        assert not warnings(log), f"the build '{name}' logged warnings:\n" + "\n".join(warnings(log))

    viz.write_text(edited, encoding="utf-8")
    page.write_text(page_text + EDIT, encoding="utf-8")
    code, log, _ = mkdocs_build(config, tmp_path / "cold", env={"PYTHONPATH": str(config.parent)}, cwd=config.parent)
    assert code == 0, log
    for name in ("broken/index.html", "examples/graph/index.html"):
        assert MARK not in drawn(tmp_path / "before" / name), name
        assert MARK in drawn(tmp_path / "cold" / name), f"the engine edit does not show on {name}"
    for warm, cold in (("engine", "cold"), ("engine-undone", "page"), ("page-undone", "before")):
        problems = differences(tmp_path / cold, tmp_path / warm)
        assert not problems, f"the build '{warm}' differs from '{cold}':\n" + "\n".join(problems)


HOOK_EDIT = ("The graph as a table", "The graph, as an edited hook lists it")


def test_a_restart_after_a_hook_edit_equals_the_cold_build(tmp_path):
    """MkDocs keeps the hooks it loaded: after an edit to a hook, serve's rebuilds still run the old
    code. Whatever they store must not pass for the new code's results: the restart the README asks
    for must show the edit, and equal a cold build of the edited project."""
    config = make_site(tmp_path / "s", GOOD_PAGE + "\n" + GRAPH)
    hook = config.parent / "docs" / "hooks" / "graphs.py"
    text = hook.read_text(encoding="utf-8")
    assert text.count(HOOK_EDIT[0]) == 1, "the hook edit below no longer applies to docs/hooks/graphs.py"
    steps = [{"site": str(tmp_path / "before")},
             {"site": str(tmp_path / "edited"), "write": {str(hook): text.replace(*HOOK_EDIT)}}]
    env = {"BUILD_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(config.parent)}
    before, edited = rebuild(tmp_path, config, steps, env)
    hits, misses = reused(before)
    assert hits == 0 and misses >= 1, before
    assert "restart to use the edit" in edited and "graphs.py" in edited, edited  # serve says why

    code, restart, _ = mkdocs_build(config, tmp_path / "restart", env=env, cwd=config.parent)
    assert code == 0, restart
    assert reused(restart) == (0, misses), f"the restart reused what the old hook made:\n{restart}"
    code, log, _ = mkdocs_build(config, tmp_path / "cold", env={"PYTHONPATH": str(config.parent)}, cwd=config.parent)
    assert code == 0, log
    assert HOOK_EDIT[1] in (tmp_path / "cold" / "broken" / "index.html").read_text(encoding="utf-8")
    problems = differences(tmp_path / "cold", tmp_path / "restart")
    assert not problems, "the restart differs from the cold build:\n" + "\n".join(problems)


ENGINE_EDIT_DURING_BUILD = """\
# A page { #a-page }

```python
from pathlib import Path

import micrograd

engine = Path(micrograd.__file__).with_name("engine.py")
engine.write_text(engine.read_text(encoding="utf-8") + "\\n# edited while the build ran\\n", encoding="utf-8")
```
"""


def test_results_of_a_build_during_which_the_engine_changed_are_not_kept(tmp_path):
    """The shared inputs are hashed when a build starts and again when it ends: a page whose code
    edits the engine stands in for an edit saved while the build ran. Its results may mix the two
    engines: after the edit is undone, the next build must compute them again."""
    config = make_site(tmp_path / "s", ENGINE_EDIT_DURING_BUILD + "\n" + GRAPH)
    engine = config.parent / "micrograd" / "engine.py"
    text = engine.read_text(encoding="utf-8")
    env = {"BUILD_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(config.parent)}
    code, log, _ = mkdocs_build(config, tmp_path / "one", env=env, cwd=config.parent)
    assert code == 0, log
    hits, misses = reused(log)
    assert hits == 0 and misses >= 1, log
    assert "changed while this build ran" in log, log
    assert engine.read_text(encoding="utf-8") != text, "the page did not edit the engine"
    engine.write_text(text, encoding="utf-8")  # undone: the inputs the first build started from
    code, log, _ = mkdocs_build(config, tmp_path / "two", env=env, cwd=config.parent)
    assert code == 0, log
    assert reused(log) == (0, misses), f"results of a build during which the engine changed were reused:\n{log}"


def test_each_page_keeps_its_last_few_results(tmp_path):
    """The cache folder stays bounded: per page, the results the build used and the most recently
    used others, KEEP in all; pages the build no longer has lose their folder."""
    import os

    import cache

    top = tmp_path / "cache"
    group = top / "pagecode" / "a-md-12345678"
    gone = top / "notebook" / "gone-ipynb-12345678"
    for folder in (group, gone):
        folder.mkdir(parents=True)
    entries = []
    for n in range(cache.KEEP + 3):  # the oldest first
        entries.append(group / f"{n}.json")
        entries[-1].write_text("{}", encoding="utf-8")
        os.utime(entries[-1], (1_000_000 + n, 1_000_000 + n))
    (gone / "x.json").write_text("{}", encoding="utf-8")
    (top / "pagecode" / "old-layout.json").write_text("{}", encoding="utf-8")
    used = {entries[0]}  # an old result, reused by this build (an undo)
    cache.prune(top, used)
    left = sorted(p.name for p in group.iterdir())
    expected = sorted([entries[0].name] + [p.name for p in entries[-(cache.KEEP - 1):]])
    assert left == expected, f"kept {left}, expected the used one and the {cache.KEEP - 1} newest others"
    assert not gone.exists() and not (top / "pagecode" / "old-layout.json").exists()


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


def test_the_shared_key_covers_the_dot_version(tmp_path, monkeypatch):
    """graphviz's `dot` lays out every graph: another version (`dot -V`) must change every key."""
    import os

    import cache

    real = cache.dot_version()
    assert "graphviz version" in real, real
    before = cache.dependencies(tmp_path)
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'dot - graphviz version 99.0.0 (0)' >&2\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert cache.dot_version() != real
    assert cache.dependencies(tmp_path) != before, "another `dot` version leaves the cache keys unchanged"


def test_the_key_takes_the_hooks_as_loaded(tmp_path):
    """on_config keys on the hooks this process loaded, not on the files as they are now."""
    import cache

    (tmp_path / "docs" / "hooks").mkdir(parents=True)
    (tmp_path / "docs" / "hooks" / "graphs.py").write_text("edited\n", encoding="utf-8")
    loaded = {"graphs.py": b"loaded\n"}
    assert cache.dependencies(tmp_path, hooks=loaded) != cache.dependencies(tmp_path)
    assert cache.dependencies(tmp_path, hooks={"graphs.py": b"edited\n"}) == cache.dependencies(tmp_path)
