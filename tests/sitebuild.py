"""Helpers shared by the site tests and the browser tests: build the real site, serve a folder.

Plain functions, not fixtures: the session fixtures that use them live in tests/conftest.py, and
tests/site/conftest.py re-exports `ROOT`, `FIGURES` and `mkdocs_build` for `from conftest import`.
"""
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {}  # name -> text, printed at the end of the run (tests/conftest.py)
BUILD_LOGS = {}  # edition -> the log of the session's build of it, when not the English (tests/conftest.py)


def mkdocs_build(config, site_dir, env=None, cwd=None):
    """Run `mkdocs build --strict` on `config`; return (exit code, combined log, seconds).
    `cwd` is also the first place Python imports from (before PYTHONPATH)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(site_dir)],
        capture_output=True, text=True, env=build_env(env), cwd=cwd,
    )
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


def build_env(env=None):
    """The environment of a test build: this one without any build cache (docs/hooks/cache.py),
    plus `env`. A test reads only a cache it wrote itself, by passing BUILD_CACHE in `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("BUILD_CACHE")}
    return {**base, "NO_MKDOCS_2_WARNING": "1", **(env or {})}


INSTALLED = ("web/node_modules", "web/dist")  # what scripts/setup.sh installs for docs/hooks/runner.py


def copy_project(dest):
    """Copy this working tree's tracked and new (not ignored) files, as they are on disk, to `dest`:
    a project to edit and build without touching the real one."""
    names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        src, dst = ROOT / name, Path(dest) / name
        if not (src.exists() or src.is_symlink()):
            continue  # deleted in the working tree
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, dst)
    for name in INSTALLED:  # ignored by git, needed by the build: linked, not copied
        if (ROOT / name).exists() and not (Path(dest) / name).exists():
            (Path(dest) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(dest) / name).symlink_to(ROOT / name)
    return Path(dest)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # What any static host must send for the in-page Python (docs/hooks/runner.py): browsers refuse
    # a module script served as application/octet-stream, and compile .wasm as it streams only
    # when it is served as application/wasm.
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser that drops a connection mid-response is not a test failure


def serve(directory):
    """Serve `directory` on 127.0.0.1 at a free port from a background thread; return the server.

    The server exists before the folder is filled, so a build can be told its final URL (instant
    navigation only works when `site_url` is the serving origin, port included)."""
    server = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"
    return server
