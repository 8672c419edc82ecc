"""The registry of published anchors, docs/anchors.txt: every `page#heading-id` of the built site.

A section that is merged into another or removed keeps its id landing where its content now lives:
the page puts `<a id="old-id" data-kept-anchor></a>` right before that place, and the registry counts
it like a heading's id.

Courses link to sections of this site, so an anchor, once published, must keep working. The test
(tests/site/test_anchors.py) compares the registry with a fresh build: it fails when a registered
anchor is gone, and when the build has an anchor that is not registered yet.

    .venv/bin/python tests/site/anchors.py            # build, then compare (exit 1 on a difference)
    .venv/bin/python tests/site/anchors.py --update   # build, then rewrite docs/anchors.txt
    ./scripts/update-anchors                          # the same as --update, after the set-up

`--site DIR` uses an existing build instead of building. An anchor of a page that moved stays
registered and keeps passing while a redirect (mkdocs-redirects' `redirect_maps`) leads from the
old page to a page that has it.
"""
import argparse
import html.parser
import os
import posixpath
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "docs" / "anchors.txt"
UPDATE = "./scripts/update-anchors (or: .venv/bin/python tests/site/anchors.py --update)"
# Built pages whose anchors are not promises, with the reason (also written into the registry).
EXCLUDED = {
    "/source/": "the engine's files, generated from micrograd/: line anchors move with the code",
    "/reference/": "the API reference, generated from docstrings: its ids are the code's names",
    "/print_page/": "the course on one page: its ids are the listed ones, prefixed by page",
    "/404.html": "not a page",
    "/zh/source/": "as /source/, in the Chinese edition",
    "/zh/print_page/": "as /print_page/, in the Chinese edition",
    "/zh/404.html": "not a page",
}
HEADER = f"""\
# Every published link into this site: <page path>#<heading id>, one per line, sorted.
# Courses cite these, so none may disappear. tests/site/test_anchors.py fails when one listed here
# is missing from the build, and when the build has one not listed here.
# - Added a page or a heading? Run ./scripts/update-anchors and commit this file.
# - Renamed or moved a page? Add `old.md: new.md` to the redirects plugin's redirect_maps in
#   mkdocs.yml: the old page's anchors then resolve through the redirect and stay listed.
# - Changed or removed a heading id? Put it back: a merged or removed section keeps its id where its
#   content now lives, as `<a id="old-id" data-kept-anchor></a>` before that place. If it really must
#   go, --update drops it: that breaks links, so say so in docs/changelog.md.
# Paths are relative to the root of one version of the site: /overview/#overview is
# <site url><version>/overview/#overview. The Chinese edition's are under /zh/, with the same ids.
# Not listed:
""" + "".join(f"# - {path}: {why}\n" for path, why in EXCLUDED.items())


class _Headings(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refresh = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") and (re.fullmatch(r"h[1-6]", tag) or "data-kept-anchor" in attrs):
            self.ids.append(attrs["id"])
        elif tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url=(.+)$", attrs.get("content") or "", re.I)
            self.refresh = m[1].strip().strip("'\"") if m else None


def page_path(site, html_file):
    """`/overview/` for site/overview/index.html, `/` for the home page, `/404.html` for the rest."""
    rel = html_file.relative_to(site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def scan(site):
    """(anchors, redirects) of a built site: {"/page/#id"}, {"/old/": "/new/"}."""
    anchors, redirects = set(), {}
    for f in sorted(Path(site).rglob("*.html")):
        path = page_path(Path(site), f)
        if any(path.startswith(x) for x in EXCLUDED):
            continue
        parser = _Headings()
        parser.feed(f.read_text(encoding="utf-8", errors="replace"))
        if parser.refresh is not None:  # a redirect page (mkdocs-redirects): it has no anchors of its own
            target = posixpath.normpath(posixpath.join(path, parser.refresh.split("#")[0]))
            redirects[path] = target.rstrip("/") + "/" if parser.refresh.split("#")[0].endswith("/") else target
            continue
        anchors.update(f"{path}#{i}" for i in parser.ids)
    return anchors, redirects


def resolves(anchor, anchors, redirects):
    """Whether `anchor` works in the build, directly or through redirects."""
    path, _, fragment = anchor.partition("#")
    for _ in range(10):
        if f"{path}#{fragment}" in anchors:
            return True
        if path not in redirects:
            return False
        path = redirects[path]
    return False


def read_registry(path=REGISTRY):
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def compare(registered, site):
    """(missing, unregistered): registered anchors the build lacks, built anchors not registered."""
    anchors, redirects = scan(site)
    missing = sorted(a for a in registered if not resolves(a, anchors, redirects))
    unregistered = sorted(anchors - set(registered))
    return missing, unregistered


def updated(registered, site):
    """The new registry: the build's anchors, plus the registered ones that still resolve through a redirect."""
    anchors, redirects = scan(site)
    kept = {a for a in registered if a not in anchors and resolves(a, anchors, redirects)}
    return sorted(anchors | kept)


def write_registry(entries, path=REGISTRY):
    path.write_text(HEADER + "".join(f"{a}\n" for a in entries), encoding="utf-8")


def build(site_dir):
    """Both editions, as scripts/build builds them: English, then Chinese into zh/, one cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BUILD_CACHE": cache}
        for config, dest in (("mkdocs.yml", site_dir), ("mkdocs.zh.yml", Path(site_dir) / "zh")):
            proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q",
                                   "-f", str(ROOT / config), "-d", str(dest)],
                                  cwd=ROOT, env=env, capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"{config}: the site does not build:\n{proc.stdout}{proc.stderr}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="rewrite docs/anchors.txt from the build")
    ap.add_argument("--site", type=Path, help="an existing build to read instead of building")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            print("building the site ...", file=sys.stderr)
            build(site)
        registered = read_registry()
        missing, unregistered = compare(registered, site)
        if args.update:
            entries = updated(registered, site)
            write_registry(entries)
            for a in missing:
                print(f"DROPPED (links to it now break; say so in docs/changelog.md): {a}")
            for a in unregistered:
                print(f"added: {a}")
            print(f"{REGISTRY.relative_to(ROOT)}: {len(entries)} anchors")
            return 0
        for a in missing:
            print(f"missing from the build: {a}")
        for a in unregistered:
            print(f"not registered: {a}")
        return 1 if missing or unregistered else 0


if __name__ == "__main__":
    sys.exit(main())
