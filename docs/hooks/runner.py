"""Run it in the page: what the browser needs to edit and run each page's code, offline.

For every page this hook

- finds the page's blocks exactly as hooks/pagecode.py's `run_page` does (same parser, same
  ```python/```graph/```plot filter, same skip marks), so the browser replays what the build runs,
  hidden solution blocks included;
- marks each block a reader may run (not ```source includes, which are not page code, and not
  blocks inside a `??? success "Solution"`, which would spoil an exercise) with an empty
  `<span class="mg-run" data-block="K">` right after it, K being the block's index in page order.
  A block that cannot run in the browser (it needs numpy, matplotlib, scikit-learn or torch,
  which the in-page Python does not have, itself or through what an earlier such block defined)
  gets `data-local="<why>"` instead, and docs/assets/run/run.js says so in one line;
- writes the page's blocks in order, with the outputs the build checks and what the build printed
  for every block (hooks/graphs.py records it in pagecode.PRINTED), to assets/run/pages/<page>.json,
  fetched only on the first Run (so a first view stays light).

After the build it copies what the browser loads on the first Run into assets/run/vendor/:
Pyodide and @viz-js/viz from web/node_modules, the CodeMirror bundle web/dist/editor.mjs, the real
micrograd/ package byte for byte plus the pure-Python graphviz package (python.zip), their
licences, and manifest.json (file sizes, for the "loading ..." message). web/ is installed and
bundled by scripts/setup.sh; nothing of it is committed.
"""
import ast
import gzip
import html
import io
import json
import logging
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, os.path.dirname(__file__))
import pagecode  # noqa: E402  (a sibling module; MkDocs loads hooks by path)
from translation import edition  # noqa: E402

log = logging.getLogger("mkdocs.hooks.runner")
ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
LOCAL_ONLY = {"numpy": "numpy", "matplotlib": "matplotlib", "sklearn": "scikit-learn", "torch": "torch"}
# Why a block runs only on the reader's computer: the phrase run.js completes "this block or one
# before it ..." with. The last two are differences between the build's Python and the browser's
# that the browser tests found: files of the repository are not in the browser, and a recursion
# down to Python's limit overflows the WebAssembly stack first (Pyodide dies, not the block).
NEEDS = "needs {}, which the in-page Python lacks"
READS_FILES = "reads this repository's files, which the in-page Python does not have"
RECURSES = "goes deeper than the in-page Python's stack: to Python's recursion limit, or a graph 10,000+ values deep"
DEEP = 10_000  # a loop this long builds a chain that deep: freeing it recursively overflows the WebAssembly stack
SOLUTION = re.compile(r"^\s*\?\?\?\+?\s+success\b")
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# Licences of what is shipped to the browser: (what, SPDX id, licence file). Files under web/
# licences/ are committed texts for packages whose npm tarball carries none.
LICENCES = [
    ("Pyodide 314.0.7 (CPython in WebAssembly)", "MPL-2.0", "web/licences/MPL-2.0.txt"),
    ("CPython 3.14 and its standard library, inside Pyodide", "PSF-2.0", "web/licences/Python.txt"),
    ("@viz-js/viz 3.31.0 (the Viz.js wrapper)", "MIT", "web/licences/viz-js.txt"),
    ("Graphviz, compiled into @viz-js/viz", "EPL-1.0", "web/licences/EPL-1.0.txt"),
    ("Expat, compiled into @viz-js/viz", "MIT", "web/licences/expat.txt"),
    ("micrograd/, this repository's engine (in python.zip)", "MIT", "web/licences/micrograd.txt"),
]
LICENCE_TABLE = "<!-- runner:licences -->"  # a page's placeholder for the table of shipped licences
# Where the browser's output may differ from the build's, and by how much: the one list that the
# in-page Python's page shows (placeholder below) and that tests/browser/test_run_in_page.py allows.
# Anything else the browser prints must be the build's output, character for character.
DIFFERENCES = {
    "last-digits": {
        "digits": 13,  # floats agree to at least this many significant digits
        "text": "A float printed after many steps (a training loop) can differ from the build's in its "
                "last digits: the two agree to at least {digits} significant digits, counted on the largest "
                "number the block prints (so a block that prints how far apart two such floats are may "
                "print 0.0 where the page shows 1.7e-17). It is the same "
                "CPython, but its maths library is the one compiled to WebAssembly, not your system's: "
                "`math.exp` and `math.tanh` can round the other way in the last bit, and many steps carry "
                "that into the printed digits.",
    },
    "newer-messages": {
        "text": "The page's Python is newer than the build's, and some of its error messages say more: a "
                "line that names something in quotes may go on, as `'Value' object has no attribute "
                "'_backward'` goes on with `and no __dict__ for setting new attributes`.",
    },
}
DIFFERENCES_LIST = "<!-- runner:differences -->"  # a page's placeholder for the list above
# The Chinese edition's words (mkdocs.zh.yml, theme.language zh) for what this hook writes into pages:
# why a block runs only on the reader's computer (data-local, which run.js says), the differences
# above, and the licence table's header. English is the constants above, unchanged.
ZH = {
    "why": {**{NEEDS.format(name): f"需要 {name}，而页内 Python 没有它" for name in LOCAL_ONLY.values()},
            READS_FILES: "要读取本仓库的文件，而页内 Python 没有这些文件",
            RECURSES: "递归得比页内 Python 的栈更深：一直递归到 Python 的递归上限，或是一张 10,000 多层深的图"},
    "differences": {
        "last-digits": "经过许多步（例如一个训练循环）之后打印的浮点数，最后几位可能与构建时的不同：两者至少有 "
                       "{digits} 位有效数字相同，按代码块打印的最大的数来数（所以一个打印两个这种浮点数之差的代码块，"
                       "在页面显示 1.7e-17 的地方可能打印 0.0）。它是同一个 CPython，但它的数学库是编译成 "
                       "WebAssembly 的那一个，而不是你系统里的：`math.exp` 和 `math.tanh` 的最后一位可能舍入到另一边，"
                       "许多步之后就会带进打印出来的数字。",
        "newer-messages": "页面里的 Python 比构建用的更新，它的一些错误信息说得更多：一行用引号提到某个名字的信息可能还有下文，"
                          "例如 `'Value' object has no attribute '_backward'` 后面还跟着 "
                          "`and no __dict__ for setting new attributes`。",
    },
    "licence head": "| 发送到浏览器的内容 | 许可证 | 文本 |",
}
LICENCE_HEAD = "| Shipped to the browser | Licence | Text |"
NODE_ONLY = ("node_modules/ws", "node_modules/@types/emscripten")  # pyodide's dependencies under Node: never shipped
_pages = {}  # src_uri -> page data, for on_post_build
_lang = {"now": "en"}  # the build's edition: "zh" for mkdocs.zh.yml (on_config)


def on_config(config):
    missing = [p for p in (WEB / "node_modules" / "pyodide", WEB / "node_modules" / "@viz-js" / "viz",
                           WEB / "dist" / "editor.mjs") if not p.exists()]
    if missing:
        raise PluginError("runner: the in-page Python is not installed ("
                          + ", ".join(str(p.relative_to(ROOT)) for p in missing)
                          + " missing): run `source scripts/setup.sh docs`, which installs web/ with npm")
    _pages.clear()
    _lang["now"] = edition(config)
    mimetypes.add_type("text/javascript", ".mjs")  # for `mkdocs serve`; see the README for other hosts
    mimetypes.add_type("application/wasm", ".wasm")
    return config


def page_blocks(markdown):
    """The page's runnable blocks in page order, as `run_page` runs them, each a dict for the browser.

    A block is `local` (runs only on the reader's computer) when it imports a module the in-page
    Python lacks (or reads files, or recurses to Python's limit: see NEEDS), or reads a name that such a block defined (and no browser-runnable block has
    defined again since). The browser replays every other block and skips the local ones; the
    browser tests prove, block by block, that this gives the outputs the build checks."""
    lines = markdown.splitlines()
    blocks, tainted = [], {}  # name -> the module that makes it local-only
    for block in pagecode.extract_from_buffer(io.StringIO(markdown)):
        if block.syntax not in pagecode.RUNNABLE:
            continue
        skip = pagecode.skip_reason(block, f"line {block.lineno}")
        local = ""
        if not skip:
            local = _needs(block) or _reads_tainted(block.code, tainted)
            for name in _names(block.code)[1]:
                if local:
                    tainted[name] = local
                else:
                    tainted.pop(name, None)
        blocks.append({
            "index": len(blocks), "line": block.lineno, "syntax": block.syntax, "code": block.code,
            "expected": block.expected_output, "skip": skip, "local": local,
            "solution": _in_solution(lines, block.lineno), "closing": _closing_line(lines, block.lineno),
        })
    return blocks


def _reads_tainted(code, tainted):
    """The module behind the first tainted name `code` reads before binding it itself, or ''."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return ""
    rebound = set()
    for stmt in body:  # statement by statement: `n = 1` then `print(n)` reads the block's own n
        reads, writes = _names(stmt)
        hit = next((n for n in reads if n in tainted and n not in rebound), None)
        if hit:
            return tainted[hit]
        rebound.update(writes)
    return ""


def _names(code):
    """(names the code reads from outside, names it binds at its top level): an over-approximation
    in which a function's own parameters and local variables are neither."""
    try:
        tree = ast.parse(code) if isinstance(code, str) else code
    except SyntaxError:
        return [], []
    reads, writes = [], []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not isinstance(node, ast.Lambda):
                writes.append(node.name)
                todo += node.decorator_list
            todo += node.args.defaults + [d for d in node.args.kw_defaults if d]
            inner_reads, inner_writes = _names(ast.Module(body=node.body if isinstance(node.body, list)
                                                          else [ast.Expr(node.body)], type_ignores=[]))
            params = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            reads += [n for n in inner_reads if n not in params and n not in inner_writes]
            continue
        if isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else writes).append(node.id)
        elif isinstance(node, ast.ClassDef):
            writes.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            writes += [(a.asname or a.name).split(".")[0] for a in node.names]
        todo += list(ast.iter_child_nodes(node))
    return reads, writes


def _needs(block):
    """Why `block` itself cannot run in the browser (a phrase from the list above), or ''."""
    if block.syntax == "plot":
        return NEEDS.format("matplotlib")
    if "__file__" in block.code or "open(" in block.code or ".read_text(" in block.code:
        return READS_FILES
    if "RecursionError" in block.code or _longest_range(block.code) >= DEEP:
        return RECURSES
    names = [block.importorskip] if block.importorskip else []
    try:
        for node in ast.walk(ast.parse(block.code)):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    except SyntaxError:
        pass
    for name in names:
        top = name.split(".")[0]
        if top in LOCAL_ONLY:
            return NEEDS.format(LOCAL_ONLY[top])
    return ""


def _longest_range(code):
    """The largest literal n in a `range(n)` of `code` (0 if none)."""
    try:
        calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id == "range"]
    except SyntaxError:
        return 0
    return max((a.value for c in calls for a in c.args if isinstance(a, ast.Constant) and isinstance(a.value, int)),
               default=0)


def _indent(line):
    return len(line) - len(line.lstrip())


def _in_solution(lines, lineno):
    """Whether the fence opening on 1-based line `lineno` is inside a `??? success` block."""
    depth = _indent(lines[lineno - 1])
    for line in reversed(lines[: lineno - 1]):
        if line.strip() and _indent(line) < depth:
            if SOLUTION.match(line):
                return True
            depth = _indent(line)
            if depth == 0:
                break
    return False


def _closing_line(lines, lineno):
    """The 1-based line of the fence that closes the one opening on line `lineno`."""
    opener = lines[lineno - 1].lstrip()
    ticks = opener[: len(opener) - len(opener.lstrip("`"))]
    for i in range(lineno, len(lines)):
        if lines[i].lstrip().startswith(ticks):
            return i + 1
    raise PluginError(f"runner: the fence on line {lineno} is never closed")


def on_page_markdown(markdown, page, config, files):
    zh = _lang["now"] == "zh"
    if LICENCE_TABLE in markdown:
        markdown = markdown.replace(LICENCE_TABLE, licence_table(page.url, zh))
    if DIFFERENCES_LIST in markdown:
        markdown = markdown.replace(DIFFERENCES_LIST, "\n".join(
            f"- {(ZH['differences'][name] if zh else d['text']).format(**d)}" for name, d in DIFFERENCES.items()))
    if "```" not in markdown:
        return markdown
    try:
        blocks = page_blocks(markdown)
    except RuntimeError as e:  # pytest-codeblocks' own parse errors
        raise PluginError(f"{page.file.src_uri}: {e}") from e
    if zh:  # the reason a block runs only on the reader's computer, in the page's words
        for b in blocks:
            if b["local"] and b["local"] not in ZH["why"]:
                raise PluginError(f"runner: {page.file.src_uri}: no Chinese for why block {b['index'] + 1} "
                                  f"runs only locally ({b['local']!r}): add it to ZH['why'] in docs/hooks/runner.py")
            b["local"] = ZH["why"].get(b["local"], b["local"])
    shown = [b for b in blocks if not b["skip"] and not b["solution"]]
    if not shown:
        return markdown
    _pages[page.file.src_uri] = {"page": page.file.src_uri, "blocks": [
        {k: b[k] for k in ("index", "line", "syntax", "code", "expected", "skip", "local", "solution")}
        for b in blocks]}
    lines = markdown.splitlines(keepends=True)
    for b in sorted(shown, key=lambda b: -b["closing"]):
        indent = lines[b["line"] - 1][: _indent(lines[b["line"] - 1])]
        local = f' data-local="{html.escape(b["local"])}"' if b["local"] else ""
        marker = f'{indent}<span class="mg-run" data-block="{b["index"]}"{local}></span>\n'
        lines.insert(b["closing"], f"\n{marker}\n")
    return "".join(lines)


def on_page_content(html, page, config, files):
    if page.file.src_uri not in _pages:
        return html
    # Where run.js finds this page's blocks; one short attribute, the JSON itself loads on first Run.
    # Last: placed first, it stops Material's search from highlighting the searched words on the page.
    return html + f'<div class="mg-run-page" data-page="{_data_name(page.file.src_uri)}" hidden></div>'


def _data_name(src_uri):
    return re.sub(r"[^A-Za-z0-9_-]+", "_", src_uri.removesuffix(".md"))


def on_post_build(config):
    out = Path(config.site_dir) / "assets" / "run"
    pages = out / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    for src, data in _pages.items():
        printed = pagecode.PRINTED.get(src)
        if printed is None or len(printed) != len(data["blocks"]):
            raise PluginError(f"runner: {src}: the build ran {len(printed or [])} blocks of the page, "
                              f"the browser would get {len(data['blocks'])}")
        for block, said in zip(data["blocks"], printed):
            block["printed"] = said  # what the build's Python printed: the browser must print the same
        (pages / f"{_data_name(src)}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    vendor = out / "vendor"
    (vendor / "pyodide").mkdir(parents=True, exist_ok=True)
    (vendor / "licences").mkdir(exist_ok=True)
    for name in PYODIDE_FILES:
        _copy(WEB / "node_modules" / "pyodide" / name, vendor / "pyodide" / name)
    _copy(WEB / "node_modules" / "@viz-js" / "viz" / "dist" / "viz.js", vendor / "viz.js")
    _copy(WEB / "dist" / "editor.mjs", vendor / "editor.mjs")
    (vendor / "python.zip").write_bytes(python_zip())
    (out / "moons.json").write_text(moons_points(), encoding="utf-8")  # the playground's "Watch it learn"
    _minify(out, ("run.js", "run.css"))
    listing = _licences(vendor / "licences")
    sizes = {str(p.relative_to(vendor)): [p.stat().st_size, _gzipped_size(p)]
             for p in sorted(vendor.rglob("*")) if p.is_file() and p.suffix in (".mjs", ".js", ".wasm", ".zip", ".json")}
    (vendor / "manifest.json").write_text(json.dumps({"files": sizes, "licences": listing}, indent=1))
    log.info("runner: %d pages runnable in the browser; %s", len(_pages), _first_run_size(sizes))


def _minify(folder, names):
    """Minify the scripts every first view loads, in place in the built site, with the pinned
    esbuild (web/ devDependencies): the sources in docs/assets/run/ stay readable."""
    esbuild = WEB / "node_modules" / ".bin" / "esbuild"
    for name in names:
        path = folder / name
        proc = subprocess.run([str(esbuild), str(path), "--minify", "--log-level=error", "--target=es2020"],
                              capture_output=True, text=True)
        if proc.returncode:
            raise PluginError(f"runner: esbuild could not minify {name}: {proc.stderr.strip()}")
        path.write_text(proc.stdout, encoding="utf-8")


_gz = {}  # (path, size, mtime) -> gzipped size: `mkdocs serve` rebuilds need not gzip 13 MB again


def _gzipped_size(path):
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _gz:
        _gz[key] = len(gzip.compress(path.read_bytes(), 6))
    return _gz[key]


def _copy(src, dst):
    if not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.stat().st_mtime < src.stat().st_mtime:
        shutil.copy2(src, dst)


STEPPER_MODULES = ("stepper.py", "graphsvg.py")  # the build's stepper, run unchanged by the live steppers


def python_zip():
    """micrograd/ (this repository's, byte for byte) and the graphviz package, as one zip; and, at
    its top level, hooks/stepper.py with the module it imports, byte for byte (inpage.py's live steppers)."""
    import graphviz

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for package in (ROOT / "micrograd", Path(graphviz.__file__).parent):
            for path in sorted(package.rglob("*.py")):
                info = zipfile.ZipInfo(str(path.relative_to(package.parent)), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, path.read_bytes())
        for name in STEPPER_MODULES:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, (Path(__file__).parent / name).read_bytes())
    return buf.getvalue()


def moons_points():
    """The moons demo's 100 points as JSON {"X": [[x0, x1], ...], "y": [-1 or 1, ...]}, made by
    scikit-learn exactly as examples/moons.ipynb makes them (the in-page Python has neither numpy
    nor scikit-learn; docs/assets/run/moons.py trains on them in the page)."""
    import numpy as np
    from sklearn.datasets import make_moons

    # The notebook seeds numpy's global generator with 1337; a generator of its own, seeded the same,
    # draws the same numbers without touching the build's global state.
    X, y = make_moons(n_samples=100, noise=0.1, random_state=np.random.RandomState(1337))
    y = y * 2 - 1
    return json.dumps({"X": X.tolist(), "y": y.tolist()})


def licences():
    """Everything shipped to the browser with its licence: [(what, SPDX id, licence file, name in the site)]."""
    import graphviz
    from importlib.metadata import distribution

    rows = [(what, spdx, ROOT / path, Path(path).name) for what, spdx, path in LICENCES]
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    for key, meta in sorted(lock["packages"].items()):
        if not key or meta.get("dev") or key.endswith(("/pyodide", "/@viz-js/viz")) or key in NODE_ONLY:
            continue  # the root, the build tools (esbuild), the two listed above, what only Node uses
        found = sorted((WEB / key).glob("LICEN[CS]E*"))
        if not found:
            raise PluginError(f"runner: web/{key} ({meta.get('license')}) ships no licence file to copy")
        rows.append((f"{key.removeprefix('node_modules/')} {meta['version']}, in the editor bundle",
                     meta.get("license", "?"), found[0], key.removeprefix("node_modules/").replace("/", "__") + ".txt"))
    texts = [f for f in distribution("graphviz").files or [] if re.search(r"LICEN[CS]E", str(f))]
    if not texts:
        raise PluginError("runner: the graphviz Python package ships no licence file to copy")
    rows.append((f"graphviz {graphviz.__version__}, the Python package, in python.zip", "MIT",
                 Path(texts[0].locate()), "graphviz-python.txt"))
    return rows


def _licences(folder):
    """Copy every shipped package's licence into `folder`; return [[what, spdx, file name]]."""
    listing = []
    for what, spdx, src, name in licences():
        _copy(src, folder / name)
        listing.append([what, spdx, name])
    return listing


def licence_table(page_url, zh=False):
    """The Markdown table of what the browser gets and under which licence, for the page at `page_url`."""
    up = "../" * page_url.count("/")
    rows = [f'| {what} | {spdx} | <a href="{up}assets/run/vendor/licences/{name}">{name}</a> |' for what, spdx, _, name in licences()]
    return "\n".join([ZH["licence head"] if zh else LICENCE_HEAD, "|---|---|---|", *rows])


def _first_run_size(sizes):
    raw = sum(r for r, _ in sizes.values())
    gz = sum(g for _, g in sizes.values())
    return f"the first Run may fetch up to {raw / 2**20:.1f} MB ({gz / 2**20:.1f} MB gzipped)"
