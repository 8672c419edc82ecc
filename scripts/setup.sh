# Set-up shared by scripts/serve and scripts/test (sourced, not run): the system packages the
# build needs, a virtual environment in .venv/, and the pinned Python packages of $1 (docs or test).
# Safe to run again: it installs only what is missing or what changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what="${1:-docs}"

missing=()
command -v dot >/dev/null || missing+=(graphviz)            # graph rendering at build time
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(nodejs npm)           # the in-page Python (web/), axe-core
if [ "$what" = test ]; then
  command -v chromium >/dev/null || missing+=(chromium)      # the browser tests
  # Chinese text for the browser tests of the Chinese edition (readers use their system's CJK font)
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages. Install them, then run this again:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.installed-$what"
want="$(cat requirements/*.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the pinned $what dependencies into .venv/"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "requirements/$what.txt"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
# The in-page Python, for serve and test alike: Pyodide, @viz-js/viz and CodeMirror, pinned in
# web/package-lock.json, and the editor bundled by esbuild into web/dist/ (never committed);
# docs/hooks/runner.py copies them into the built site.
lock="$(cat web/package-lock.json web/src/* | sha256sum | cut -c1-16)"
if [ "$(cat web/dist/.installed 2>/dev/null)" != "$lock" ]; then
  echo "setup: installing the pinned in-page Python and editor into web/node_modules/, bundling web/dist/"
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null)
  echo "$lock" > web/dist/.installed
fi
if [ "$what" = test ]; then  # axe-core, pinned in tests/browser/package-lock.json, injected by the tests
  lock="$(sha256sum tests/browser/package-lock.json | cut -c1-16)"
  if [ "$(cat tests/browser/node_modules/.installed 2>/dev/null)" != "$lock" ]; then
    echo "setup: installing the pinned browser-test packages into tests/browser/node_modules/"
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock" > tests/browser/node_modules/.installed
  fi
fi
export NO_MKDOCS_2_WARNING=1  # Material's end-of-life banner; it does not affect the build
