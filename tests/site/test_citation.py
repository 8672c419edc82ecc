"""The site is citable from one source of metadata, CITATION.cff: valid, at the project's version,
crediting the original lecture and repository; every chapter ends with a "Cite this page" box
(BibTeX and APA, with the version, its date and the chapter's exact URL), and every page shows the
version.

CITATION.cff is validated against the Citation File Format 1.2.0 JSON schema with jsonschema, the
way `cffconvert --validate` does it. cffconvert itself (2.0.0, the newest) cannot be installed
beside the site's tools: it requires jsonschema<4, and nbformat's stack pins jsonschema 4.26. Its
schema, tests/site/data/citation-file-format-1.2.0.schema.json, is the file shipped in the
cffconvert 2.0.0 wheel (cffconvert/schemas/1.2.0/schema.json; the schema is by the Citation File
Format project, CC-BY-4.0).
"""
import html
import json
import re

import jsonschema
import pytest
import yaml

import cite
from conftest import ROOT, mkdocs_build
from minisite import CHAPTER, HOME, make_minisite

SCHEMA = ROOT / "tests" / "site" / "data" / "citation-file-format-1.2.0.schema.json"
CFF = ROOT / "CITATION.cff"


def _cff():
    return cite.load_cff(CFF)


def _chapters():
    data = yaml.safe_load((ROOT / "docs" / "chapters.yml").read_text(encoding="utf-8"))
    return data, [ch for part in data["parts"] for ch in part["chapters"]]


def test_citation_cff_is_valid():
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                           format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(_cff())]
    assert not errors, "CITATION.cff is not valid CFF 1.2.0:\n" + "\n".join(errors)


def test_the_validator_rejects_a_broken_citation_cff():
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                           format_checker=jsonschema.FormatChecker())
    broken = {**_cff(), "date-released": "27 November", "authors": [{"nmae": "x"}]}
    broken.pop("title")
    assert len(list(validator.iter_errors(broken))) >= 3


def test_citation_cff_version_is_the_project_version():
    assert str(_cff()["version"]) == cite.project_version(ROOT / "pyproject.toml"), (
        "CITATION.cff `version` must equal pyproject.toml `[project] version`: set both when you cut a release")


def test_citation_cff_credits_the_contributors_the_lecture_and_the_repository():
    cff = _cff()
    data, _ = _chapters()
    assert cff["authors"] == [{"name": "The micrograd, spelled out contributors"}]
    refs = cff.get("references", [])
    video = [r for r in refs if r.get("type") == "video"]
    assert video and video[0]["url"] == f"https://www.youtube.com/watch?v={data['video']}", (
        "the lecture's reference must be the video named in docs/chapters.yml")
    assert video[0]["title"] == data["title"] and video[0]["year"] == 2022
    assert {"family-names": "Karpathy", "given-names": "Andrej"} in video[0]["authors"]
    assert any(r.get("repository-code") == "https://github.com/karpathy/micrograd" for r in refs)


def test_the_changelog_has_the_current_version_with_its_date():
    cff = _cff()
    text = (ROOT / "docs" / "changelog.md").read_text(encoding="utf-8")
    anchor = "v" + str(cff["version"]).replace(".", "-")
    heading = re.search(rf"^## (\S+) — (\S+) \{{ #{re.escape(anchor)} \}}$", text, re.M)
    assert heading, f"docs/changelog.md has no heading `## {cff['version']} — <date> {{ #{anchor} }}`"
    assert heading[1] == str(cff["version"]) and heading[2] == str(cff["date-released"]), (
        f"the changelog dates {heading[1]} {heading[2]}, CITATION.cff says {cff['date-released']}")


def test_every_chapter_page_ends_with_its_citation(built_site):
    site, _ = built_site
    cff = _cff()
    version, date = str(cff["version"]), str(cff["date-released"])
    base = cff["url"].rstrip("/") + "/"
    _, chapters = _chapters()
    pages = [ch for ch in chapters if (ROOT / "docs" / f"{ch['id']}.md").is_file()]
    assert pages, "no chapter page is built"
    for number, ch in enumerate(chapters, start=1):
        if ch not in pages:
            continue
        text = (site / ch["id"] / "index.html").read_text(encoding="utf-8")
        box = re.search(r'<details class="quote mg-cite">\s*<summary>Cite this page</summary>(.*?)</details>', text, re.S)
        assert box, f"{ch['id']}: no 'Cite this page' box"
        after = text[box.end(): text.index("</article>", box.end())]
        # A hidden, empty marker is no content (hooks/runner.py's: where run.js finds the page's blocks).
        after = re.sub(r"<(\w+)\b[^>]*\shidden(?:\s[^>]*)?></\1>", "", after)
        assert not re.search(r"<(?:h[1-6]|p|details|div|table|ul|ol)\b", after), (
            f"{ch['id']}: the citation box is not at the end of the page: {after[:200]}")
        codes = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<code>(.*?)</code>", box[1], re.S)]
        bib = next((c for c in codes if c.startswith("@misc{")), None)
        apa = next((c for c in codes if c.startswith("The micrograd, spelled out contributors. (")), None)
        assert bib and apa, f"{ch['id']}: the box lacks a BibTeX entry or an APA citation: {codes}"
        url = f"{base}{version}/{ch['id']}/"
        assert f"url          = {{{url}}}" in bib and f"version      = {{{version}}}" in bib, bib
        assert "author       = {{The micrograd, spelled out contributors}}" in bib, bib
        assert f"year         = {{{date[:4]}}}" in bib, bib
        assert f"Chapter {number} of" in bib and f"t={ch['start']}s" in bib, bib
        assert apa.endswith(url) and f"(Version {version})" in apa and f"Chapter {number}" in apa, apa
        assert "class=\"language-bibtex highlight\"" in box[1] and "class=\"language-text highlight\"" in box[1]
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- content\.code\.copy\b", config, re.M), "code blocks (the citations) need copy buttons"


def test_every_page_shows_the_version(built_site):
    site, _ = built_site
    cff = _cff()
    line = re.compile(rf'<span class="mg-version__number">{re.escape(str(cff["version"]))}</span>\s*'
                      rf'\({re.escape(str(cff["date-released"]))}\)')
    pages = list(site.rglob("*.html"))
    lacking = [str(p.relative_to(site)) for p in pages
               if "Redirecting..." not in p.read_text(encoding="utf-8")[:400] and not line.search(p.read_text(encoding="utf-8"))]
    assert not lacking, f"pages without the version: {lacking}"


def test_the_version_selector_is_off_outside_a_mike_deployment(built_site):
    """Material's selector fetches ../versions.json, which only a mike deployment has: off here,
    so `mkdocs serve` and plain builds make no request that 404s (test_publishing turns it on)."""
    site, _ = built_site
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                       (site / "index.html").read_text(encoding="utf-8"), re.S)
    version = json.loads(config[1]).get("version") or {}
    assert version.get("provider") != "mike", version


def test_the_build_stops_when_citation_cff_and_pyproject_disagree(tmp_path):
    config = make_minisite(tmp_path, {"index.md": HOME, "overview.md": CHAPTER},
                           nav=[{"Home": "index.md"}, {"Chapter": "overview.md"}])
    cff = tmp_path / "CITATION.cff"
    cff.write_text(re.sub(r'(?m)^version: .*$', 'version: "9.9.9"', cff.read_text(encoding="utf-8")), encoding="utf-8")
    code, log, _ = mkdocs_build(config, tmp_path / "site")
    assert code != 0, "the build passed with CITATION.cff at another version than pyproject.toml"
    assert "CITATION.cff has version '9.9.9'" in log, log


@pytest.mark.parametrize("title, escaped", [("Example #1: a & b", r"Example \#1: a \& b"), ("50% of x_1", r"50\% of x\_1")])
def test_bibtex_titles_are_escaped(title, escaped):
    assert cite._tex(title) == escaped


def test_every_video_moment_became_a_youtube_link(built_site):
    """`[1:22:28](video:4948)` links (docs/hooks/chapters.py) point at that second of the lecture;
    one the hook did not recognise would be published as a dead `video:` link."""
    site, _ = built_site
    left = [f"{p.relative_to(site)}: {m}" for p in site.rglob("*.html")
            for m in re.findall(r'href="video:[^"]*"', p.read_text(encoding="utf-8"))]
    assert not left, "video links not turned into YouTube links:\n" + "\n".join(left)
