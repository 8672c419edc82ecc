"""Helpers shared by the site tests and the browser tests: build the real site, serve a folder.

Plain functions, not fixtures: the session fixtures that use them live in tests/conftest.py, and
tests/site/conftest.py re-exports `ROOT`, `FIGURES` and `mkdocs_build` for `from conftest import`.
"""
import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {}  # name -> text, printed at the end of the run (tests/conftest.py)


def mkdocs_build(config, site_dir, env=None):
    """Run `mkdocs build --strict` on `config`; return (exit code, combined log, seconds)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(site_dir)],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


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
