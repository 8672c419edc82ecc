"""An on-disk cache of the build's slow results, for `./scripts/serve`: off unless asked for.

Two results are cached, each under a key that hashes everything it depends on:

- a page's code run (hooks/graphs.py): the Markdown it leaves and the graphs and plots it draws,
  keyed by the page's Markdown as that hook receives it (engine excerpts already included);
- an executed notebook page (mkdocs-jupyter's render): its HTML, table of contents and title,
  keyed by the notebook's bytes.

Every key also hashes the build's shared inputs (`dependencies`): the engine (micrograd/), what
else page code reads (the vendored original, buildit/'s checks, benchmarks/results.json), the hooks
(docs/hooks/), mkdocs.yml, pyproject.toml, the pinned requirements, the Python version and the
version of every installed package. So an edit to the engine re-runs every page's code and
every notebook, and a cached result is only ever reused for exactly the inputs that produced it.

The cache is the one folder named by the environment variable BUILD_CACHE (`./scripts/serve` sets
`.cache/build`; `./scripts/serve --fresh` sets BUILD_CACHE_FRESH=1, which empties it before the
first build). Without BUILD_CACHE nothing is read
or written: `mkdocs build`, the tests and CI build from scratch. Deleting the folder is always
safe. After each successful build, entries that build did not use are deleted, so the folder holds
one entry per page and notebook.
"""
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import sys
from pathlib import Path

from mkdocs.structure.toc import get_toc

VARIABLE = "BUILD_CACHE"
FRESH = "BUILD_CACHE_FRESH"  # set (./scripts/serve --fresh): empty the cache before the first build
KINDS = ("pagecode", "notebook")
# MkDocs loads this hook under its path; hooks/graphs.py imports it as `cache`: one module, one state.
sys.modules.setdefault("cache", sys.modules[__name__])
log = logging.getLogger("mkdocs.hooks.cache")
_state = {"folder": None, "deps": "", "used": set(), "hits": 0, "misses": 0}


def folder():
    """The cache folder, or None when the cache is off."""
    return _state["folder"]


def on_config(config):
    value = os.environ.get(VARIABLE, "").strip()
    root = Path(config.config_file_path).parent
    _state.update(folder=(root / value).resolve() if value else None, used=set(), hits=0, misses=0)
    _state["deps"] = dependencies(root) if value else ""
    if value and os.environ.get(FRESH) and not _state.get("emptied"):  # once per process, not per rebuild
        for path in _entries():
            path.unlink(missing_ok=True)
        _state["emptied"] = True
    return config


def dependencies(root):
    """A hash of what every cached result depends on besides its own page or notebook."""
    h = hashlib.sha256()
    # Page code reads more than the engine: the vendored original (code-walkthrough runs it), the
    # track's checks (hooks/track.py runs them) and the benchmark record (code-walkthrough prints it).
    paths = [*sorted((root / "micrograd").rglob("*.py")), *sorted((root / "third_party").rglob("*.py")),
             *sorted((root / "buildit").rglob("*.py")), root / "benchmarks" / "results.json",
             *sorted((root / "docs" / "hooks").glob("*.py")),
             *sorted((root / "requirements").glob("*.txt")), root / "mkdocs.yml", root / "pyproject.toml"]
    for path in paths:
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(f"python {platform.python_version()} {sys.platform}\0".encode())
    # A set: the same package can be seen twice (an editable install's metadata beside the project).
    installed = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions()
                        if d.metadata["Name"]})
    h.update("\n".join(installed).encode())
    return h.hexdigest()


def digest(text):
    """A short hash of `text`."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def key(kind, *parts):
    """The cache key of a result of `kind` that depends on `parts` (strings or bytes)."""
    h = hashlib.sha256(f"{kind}\0{_state['deps']}\0".encode())
    for part in parts:
        h.update((part.encode() if isinstance(part, str) else part) + b"\0")
    return h.hexdigest()[:32]


def load(kind, k):
    """The stored result (a JSON value) for key `k`, or None (cache off, or no such entry)."""
    if _state["folder"] is None:
        return None
    path = _state["folder"] / kind / f"{k}.json"
    _state["used"].add(path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, or cut short by a crash: recompute it
        _state["misses"] += 1
        return None
    _state["hits"] += 1
    return value


def store(kind, k, value):
    """Store `value` (JSON-serialisable) under key `k`; written atomically."""
    if _state["folder"] is None:
        return
    path = _state["folder"] / kind / f"{k}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)
    _state["used"].add(path)


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


def _entries():
    return [path for kind in KINDS for path in (_state["folder"] / kind).glob("*.json")]


def _token(anchor):
    return {"level": anchor.level, "id": anchor.id, "name": anchor.title,
            "children": [_token(c) for c in anchor.children]}


def on_post_build(config):
    top = _state["folder"]
    if top is None:
        return
    for path in _entries():
        if path not in _state["used"]:
            path.unlink(missing_ok=True)
    log.info("Build cache %s: %d results reused, %d computed", top, _state["hits"], _state["misses"])
