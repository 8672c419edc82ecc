"""Versioned publishing with mike, as .github/workflows/publish.yml does it on a tag, but into a
throwaway git repository and branch: a small copy of the site (real config, hooks and theme)
deployed as 0.1.0 with the alias `latest`, then `latest` made the default."""
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cite
from conftest import ROOT
from minisite import CHAPTER, HOME, make_minisite

BRANCH = "pages-under-test"
BIN = Path(sys.executable).parent
GIT_ID = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
          "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}


def run(cmd, cwd, env=None):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **GIT_ID, "NO_MKDOCS_2_WARNING": "1",
                               "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {})})
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """(repo, version, site url): the mini site committed, then deployed with mike onto BRANCH."""
    repo = tmp_path_factory.mktemp("repo")
    make_minisite(repo, {"index.md": HOME, "overview.md": CHAPTER},
                  nav=[{"Home": "index.md"}, {"Part 1": ["overview.md"]}])
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "site"], repo)
    version = cite.project_version(repo / "pyproject.toml")
    site_url = cite.load_cff(repo / "CITATION.cff")["url"]
    # What the workflow sets: the published URL (from CITATION.cff) and the version selector.
    env = {"SITE_URL": site_url, "VERSION_PROVIDER": "mike"}
    run(["mike", "deploy", "--branch", BRANCH, "--update-aliases", version, "latest"], repo, env)
    run(["mike", "set-default", "--branch", BRANCH, "latest"], repo, env)
    return repo, version, site_url


def _files(repo):
    return set(run(["git", "ls-tree", "-r", "--name-only", BRANCH], repo).split())


def _show(repo, path):
    return run(["git", "show", f"{BRANCH}:{path}"], repo)


def test_the_version_and_its_alias_are_published(published):
    repo, version, _ = published
    files = _files(repo)
    for path in (f"{version}/index.html", f"{version}/overview/index.html", f"{version}/print_page/index.html",
                 "latest/index.html", "latest/overview/index.html", "versions.json", "index.html", ".nojekyll"):
        assert path in files, f"{path} is not on the {BRANCH} branch"
    assert json.loads(_show(repo, "versions.json")) == [{"version": version, "title": version, "aliases": ["latest"]}]
    assert 'url=latest/' in _show(repo, "index.html"), "the site's root does not lead to latest/"
    assert run(["git", "rev-parse", "--abbrev-ref", "HEAD"], repo).strip() == "main", "mike left the work branch"


def test_latest_is_a_plain_copy_so_any_static_host_serves_it(published):
    repo, version, _ = published
    tree = run(["git", "ls-tree", BRANCH], repo)
    assert re.search(r"^040000 tree \w+\tlatest$", tree, re.M), f"latest/ is not a folder (a symlink?):\n{tree}"
    assert _show(repo, "latest/overview/index.html") == _show(repo, f"{version}/overview/index.html")


def test_the_published_pages_name_their_version_and_url(published):
    """The canonical URL of a published page is the URL its citation gives; the selector is on."""
    repo, version, site_url = published
    page = _show(repo, f"{version}/overview/index.html")
    url = f"{site_url.rstrip('/')}/{version}/overview/"
    assert f'<link rel="canonical" href="{url}">' in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert f"url          = {{{url}}}" in text and text.rstrip().count(url) >= 2, "the citation's URL is not the page's"
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', page, re.S)[1])
    assert config["version"]["provider"] == "mike", config["version"]
