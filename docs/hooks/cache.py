"""An on-disk cache of the build's slow results, for `./scripts/serve`: off unless asked for.

Two results are cached, each under a key that hashes everything it depends on:

- a page's code run (hooks/graphs.py): the Markdown it leaves and the graphs and plots it draws,
  keyed by the page's Markdown as that hook receives it (engine excerpts already included);
- an executed notebook page (mkdocs-jupyter's render): its HTML, table of contents and title,
  keyed by the notebook's bytes.

Every key also hashes the build's shared inputs (`dependencies`), each as the build really uses it:

- read from disk at the start of every build, because every build reads them again: the engine
  (micrograd/; hooks/graphs.py drops it from `sys.modules` so each build imports it afresh), what
  else page code reads (the vendored original, buildit/'s checks, benchmarks/results.json),
  mkdocs.yml, pyproject.toml, the pinned requirements, and the version of graphviz's `dot`
  (`dot -V`), which draws every graph;
- as this process loaded them, because MkDocs loads them once and keeps them: the hooks
  (docs/hooks/*.py, read when this first hook is loaded, just before the others), the Python
  version and the version of every installed package.

So an edit to the engine re-runs every page's code and every notebook, and a cached result is only
ever reused for exactly the inputs that produced it. An edited hook changes nothing until the
process restarts (MkDocs keeps the hook modules it loaded): its builds keep running the old code,
under the old code's keys, and say so in the log; the restart runs the new code under new keys.
When a build ends, the shared inputs on disk are hashed again: if one changed while the build ran,
what it stored may mix old and new and is deleted.

The cache is the one folder named by the environment variable BUILD_CACHE (`./scripts/serve` sets
`.cache/build`; `./scripts/serve --fresh` sets BUILD_CACHE_FRESH=1, which empties it before the
first build). Without BUILD_CACHE nothing is read or written: `mkdocs build`, the tests and CI
build from scratch. Deleting the folder is always safe.

Each page and notebook keeps its last KEEP results (a folder per page, most recently used first):
undoing an edit, to a page or to the engine, finds the result from before the edit. After each
successful build, older results, and the folders of pages that build no longer has, are deleted.
"""
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.structure.toc import get_toc

from translation import edition  # a sibling module (MkDocs puts docs/hooks on the path as it loads a hook)

VARIABLE = "BUILD_CACHE"
FRESH = "BUILD_CACHE_FRESH"  # set (./scripts/serve --fresh): empty the cache before the first build
KINDS = ("pagecode", "notebook", "notebook-run")
KEEP = 4  # results kept per page or notebook: an edit and its undo, to the page and to the engine
HOOKS = Path(__file__).resolve().parent
# The hooks as this process runs them. MkDocs loads the hooks in mkdocs.yml's order, this one first,
# once per process (an edited hook needs a restart), and they import their sibling modules as they
# load: read now, this is the code the others are about to be loaded from. on_config checks it.
LOADED_HOOKS = {path.name: path.read_bytes() for path in sorted(HOOKS.glob("*.py"))}
# MkDocs loads this hook under its path; hooks/graphs.py imports it as `cache`: one module, one state.
sys.modules.setdefault("cache", sys.modules[__name__])
log = logging.getLogger("mkdocs.hooks.cache")
_state = {"folder": None, "deps": "", "root": None, "inputs": "", "used": set(), "stored": [],
          "hits": 0, "misses": 0}
_process = {}  # once per process: "packages" (their hash), "emptied", "unsure" (hooks edited while loading)


def folder():
    """The cache folder, or None when the cache is off."""
    return _state["folder"]


def on_config(config):
    value = os.environ.get(VARIABLE, "").strip()
    root = Path(config.config_file_path).parent
    # The Chinese edition (mkdocs.zh.yml) shares the English build's cache, but has fewer pages.
    _state.update(folder=(root / value).resolve() if value else None, root=root, used=set(), stored=[],
                  hits=0, misses=0, whole=edition(config) == "en")
    if not value:
        _state.update(deps="", inputs="")
        return config
    changed = edited_hooks()
    if "unsure" not in _process:  # the first build: were the hooks edited while MkDocs loaded them?
        _process["unsure"] = bool(changed)
    if _process["unsure"]:
        log.info("Build cache off: docs/hooks/ changed while this process was loading the hooks (%s), so "
                 "it cannot tell which code it runs; restart to use the cache", ", ".join(changed))
    elif changed:
        log.info("docs/hooks/ changed since this process loaded the hooks (%s): MkDocs keeps the hooks it "
                 "loaded, so this build runs the old code (and the cache keys it as such); restart to use "
                 "the edit", ", ".join(changed))
    _state["inputs"] = build_inputs(root)
    _state["deps"] = dependencies(root, hooks=LOADED_HOOKS, inputs=_state["inputs"])
    if os.environ.get(FRESH) and not _process.get("emptied"):  # once per process, not per rebuild
        for kind in KINDS:
            shutil.rmtree(_state["folder"] / kind, ignore_errors=True)
        _process["emptied"] = True
    return config


def edited_hooks():
    """The hook files whose text on disk is not what this process loaded (added, edited, removed)."""
    now = {path.name: path.read_bytes() for path in sorted(HOOKS.glob("*.py"))}
    return sorted(name for name in now.keys() | LOADED_HOOKS.keys() if now.get(name) != LOADED_HOOKS.get(name))


def build_inputs(root):
    """A hash of the shared inputs that every build reads again from disk: the engine, what else page
    code reads, the site's configuration and pinned requirements, and graphviz's `dot` version."""
    h = hashlib.sha256()
    # Page code reads more than the engine: the vendored original (code-walkthrough runs it), the
    # track's checks (hooks/track.py runs them) and the benchmark record (code-walkthrough prints it).
    paths = [*sorted((root / "micrograd").rglob("*.py")), *sorted((root / "third_party").rglob("*.py")),
             *sorted((root / "buildit").rglob("*.py")), root / "benchmarks" / "results.json",
             *sorted((root / "requirements").glob("*.txt")), root / "mkdocs.yml", root / "pyproject.toml"]
    for path in paths:
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(dot_version().encode())
    return h.hexdigest()


def dot_version():
    """What `dot -V` says (graphviz draws every graph; its layout changes with its version)."""
    try:
        proc = subprocess.run(["dot", "-V"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return f"dot -V failed: {type(e).__name__}"
    return f"dot -V: {proc.returncode} {proc.stdout.strip()} {proc.stderr.strip()}"


def dependencies(root, hooks=None, inputs=None):
    """A hash of what every cached result depends on besides its own page or notebook: the shared
    inputs read from disk (`build_inputs`), the hooks' code (`hooks`, {file name: bytes}; by default
    root/docs/hooks/*.py as on disk), the Python version and the installed packages (as loaded)."""
    h = hashlib.sha256((inputs or build_inputs(root)).encode() + b"\0")
    if hooks is None:
        hooks = {path.name: path.read_bytes() for path in sorted((root / "docs" / "hooks").glob("*.py"))}
    for name in sorted(hooks):
        h.update(f"docs/hooks/{name}".encode() + b"\0" + hooks[name] + b"\0")
    h.update(f"python {platform.python_version()} {sys.platform}\0".encode())
    if "packages" not in _process:  # imported once per process, like the hooks: hashed once
        # A set: the same package can be seen twice (an editable install's metadata beside the project).
        installed = sorted({f"{d.metadata['Name']}=={d.version}".lower()
                            for d in importlib.metadata.distributions() if d.metadata["Name"]})
        _process["packages"] = hashlib.sha256("\n".join(installed).encode()).hexdigest()
    h.update(_process["packages"].encode())
    return h.hexdigest()


def digest(text):
    """A short hash of `text`."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def key(kind, page, *parts):
    """The cache key of a result of `kind` for the page or notebook `page` (its path in docs/) that
    depends on `parts` (strings or bytes): "<page's folder>/<hash>"; each page keeps KEEP results."""
    h = hashlib.sha256(f"{kind}\0{_state['deps']}\0{page}\0".encode())
    for part in parts:
        h.update((part.encode() if isinstance(part, str) else part) + b"\0")
    return f"{re.sub(r'[^A-Za-z0-9]+', '-', page).strip('-')}-{digest(page)[:8]}/{h.hexdigest()[:32]}"


def _path(kind, k):
    return _state["folder"] / kind / f"{k}.json"


def _on():
    return _state["folder"] is not None and not _process.get("unsure")


def load(kind, k):
    """The stored result (a JSON value) for key `k`, or None (cache off, or no such entry)."""
    if not _on():
        return None
    path = _path(kind, k)
    _state["used"].add(path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        os.utime(path)  # most recently used: kept longest
    except (OSError, ValueError):  # missing, or cut short by a crash: recompute it
        _state["misses"] += 1
        return None
    _state["hits"] += 1
    return value


def store(kind, k, value):
    """Store `value` (JSON-serialisable) under key `k`; written atomically."""
    if not _on():
        return
    path = _path(kind, k)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)
    _state["used"].add(path)
    _state["stored"].append(path)


def on_pre_page(page, config, files):
    """Wrap a notebook page's render (set up by mkdocs-jupyter, a plugin, whose on_pre_page runs
    before any hook's) so that an executed notebook is stored and reused."""
    if _state["folder"] is None or not page.file.src_uri.endswith(".ipynb"):
        return page
    render = page.render
    k = key("notebook", page.file.src_uri, Path(page.file.abs_src_path).read_bytes())

    def cached_render(config, files):
        hit = load("notebook", k)
        if hit is not None:
            page.content, page.toc = hit["content"], get_toc(hit["toc"])
            if hit["title"] is not None:
                page.title = hit["title"]
            return
        render(config, files)
        store("notebook", k, {"content": page.content, "toc": [_token(a) for a in page.toc],
                              "title": vars(page).get("title")})

    page.render = cached_render
    return page


def _cached_execution():
    """Make nbconvert's notebook execution (which mkdocs-jupyter runs) a lookup too: the outputs of
    a notebook's code cells, keyed on those cells' code alone. A notebook whose prose alone changed,
    or the Chinese notebook around the same code (hooks/translation.py), is not run again."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbformat import from_dict

    run = getattr(ExecutePreprocessor.preprocess, "uncached", ExecutePreprocessor.preprocess)

    def preprocess(self, nb, resources=None, km=None):
        if not _on():
            return run(self, nb, resources, km)
        code = [c for c in nb.cells if c.cell_type == "code"]
        name = ((resources or {}).get("metadata") or {}).get("name", "")
        k = key("notebook-run", f"examples/{name}.ipynb", json.dumps([c.source for c in code]))
        hit = load("notebook-run", k)
        if hit is not None and len(hit) == len(code):
            for cell, outputs in zip(code, hit):
                cell.outputs = [from_dict(o) for o in outputs["outputs"]]
                cell.execution_count = outputs["count"]
            return nb, resources
        nb, resources = run(self, nb, resources, km)
        store("notebook-run", k, [{"outputs": c.outputs, "count": c.execution_count}
                                  for c in nb.cells if c.cell_type == "code"])
        return nb, resources

    preprocess.uncached = run
    ExecutePreprocessor.preprocess = preprocess


_cached_execution()


def _token(anchor):
    return {"level": anchor.level, "id": anchor.id, "name": anchor.title,
            "children": [_token(c) for c in anchor.children]}


def on_post_build(config):
    top = _state["folder"]
    if top is None:
        return
    if _on() and build_inputs(_state["root"]) != _state["inputs"]:  # edited while this build ran
        for path in _state["stored"]:
            path.unlink(missing_ok=True)
        log.info("Build cache: the engine or another shared input changed while this build ran; "
                 "its %d new results are not kept", len(_state["stored"]))
    prune(top, _state["used"], drop_unused=_state["whole"])
    log.info("Build cache %s: %d results reused, %d computed", top, _state["hits"], _state["misses"])


def prune(top, used, keep=KEEP, drop_unused=True):
    """Keep, per page or notebook, the results this build used and the most recently used others, up
    to `keep` in all; delete the rest, and (`drop_unused`: a build of the English edition, which has
    every page) the folders of pages this build did not use at all."""
    for kind in KINDS:
        if not (top / kind).is_dir():
            continue
        for group in (top / kind).iterdir():
            if not group.is_dir():  # an older layout's entry, or a write cut short
                group.unlink(missing_ok=True)
                continue
            entries = [p for p in group.iterdir() if p.suffix == ".json"]
            if not any(p in used for p in entries):
                if drop_unused:
                    shutil.rmtree(group, ignore_errors=True)
                continue
            others = sorted((p for p in entries if p not in used), key=lambda p: p.stat().st_mtime, reverse=True)
            old = others[max(0, keep - (len(entries) - len(others))):]
            for path in old + [p for p in group.iterdir() if p.suffix != ".json"]:
                path.unlink(missing_ok=True)
