"""Links into the site keep working: every published anchor is registered in docs/anchors.txt and
stays in the build, every heading's permalink is the URL of its section, and a renamed page's old
address redirects to the new one, #section included."""
import re

import anchors
from conftest import mkdocs_build
from minisite import HOME, make_minisite

HOW = f"To update it: run {anchors.UPDATE}, then commit docs/anchors.txt."


def test_the_registry_is_sorted_unique_and_well_formed():
    assert anchors.REGISTRY.is_file(), f"docs/anchors.txt is missing. {HOW}"
    entries = anchors.read_registry()
    assert entries, f"docs/anchors.txt lists no anchor. {HOW}"
    bad = [a for a in entries if not re.fullmatch(r"/(?:[\w.-]+/)*#[\w.:-]+", a)]
    assert not bad, f"lines not of the form /page/#id: {bad}"
    assert entries == sorted(set(entries)), f"docs/anchors.txt is not sorted or has duplicates. {HOW}"
    assert anchors.REGISTRY.read_text(encoding="utf-8").startswith(anchors.HEADER), (
        f"docs/anchors.txt's header is not the current one. {HOW}")
    excluded = [a for a in entries if any(a.startswith(x) for x in anchors.EXCLUDED)]
    assert not excluded, f"anchors of pages that are not registered: {excluded}"


def test_no_published_anchor_disappears(built_site):
    site, _ = built_site
    missing, _ = anchors.compare(anchors.read_registry(), site)
    assert not missing, (
        "published anchors are gone from the build; links that courses cite would break:\n  "
        + "\n  ".join(missing)
        + "\nPut the heading id back. If the page was renamed or moved, add `old.md: new.md` to "
          "redirect_maps (redirects plugin) in mkdocs.yml. Only if the anchor must really go, drop it "
          "from the registry (and say so in docs/changelog.md). " + HOW)


def test_every_anchor_is_registered(built_site):
    site, _ = built_site
    _, unregistered = anchors.compare(anchors.read_registry(), site)
    assert not unregistered, ("the build has anchors that docs/anchors.txt does not list:\n  "
                              + "\n  ".join(unregistered) + "\n" + HOW)


def test_every_heading_permalink_is_its_section_url(built_site):
    """Material's ¶ link (and a notebook's anchor link) of a heading is `#<that heading's id>`, so
    it resolves to the URL of exactly that section, wherever the page is served."""
    site, _ = built_site
    wrong, checked = [], 0
    for page in site.rglob("*.html"):
        path = anchors.page_path(site, page)
        if any(path.startswith(x) for x in anchors.EXCLUDED):
            continue
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<h([1-6])[^>]*\sid="([^"]+)"[^>]*>(.*?)</h\1>', text, re.S):
            if m[1] == "1" and "headerlink" not in m[3] and "anchor-link" not in m[3]:
                continue  # a page title (h1) gets no permalink from Material
            checked += 1
            links = re.findall(r'<a class="(?:headerlink|anchor-link)" href="([^"]*)"', m[3])
            if links != [f"#{m[2]}"]:
                wrong.append(f"{path}#{m[2]}: {links}")
    assert checked, "no heading permalinks found"
    assert not wrong, "headings whose permalink is not their own section:\n" + "\n".join(wrong)


def test_a_renamed_page_redirects_to_the_new_one_with_its_anchors(tmp_path):
    new = "# The new name { #the-page }\n\n## A section { #a-section }\n\nText.\n"
    config = make_minisite(tmp_path, {"index.md": HOME, "new-name.md": new},
                           nav=[{"Home": "index.md"}, {"Moved": "new-name.md"}],
                           plugin_config={"redirects": {"redirect_maps": {"old-name.md": "new-name.md"}}})
    site = tmp_path / "site"
    code, log, _ = mkdocs_build(config, site)
    assert code == 0, log
    stub = (site / "old-name" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../new-name/"' in stub, stub
    assert "window.location.hash" in stub, "the redirect drops the #section part of the link"
    # The old page's anchors were registered; through the redirect they still resolve ...
    registered = ["/#home", "/new-name/#a-section", "/new-name/#the-page", "/old-name/#a-section", "/old-name/#the-page"]
    assert anchors.compare(registered, site) == ([], [])
    assert anchors.updated(registered, site) == registered  # ... and an update keeps them
    # ... but an anchor the new page lacks is reported, redirect or not.
    assert anchors.compare(registered + ["/old-name/#gone"], site)[0] == ["/old-name/#gone"]


def test_a_merged_section_keeps_its_id_where_its_content_now_lives(tmp_path):
    page = ('# A page { #the-page }\n\n<a id="pitfalls" data-kept-anchor></a>\n\n'
            '## Questions { #questions }\n\nText.\n\n<a id="just-an-id"></a>\n\nMore text.\n')
    config = make_minisite(tmp_path, {"index.md": HOME, "page.md": page},
                           nav=[{"Home": "index.md"}, {"Page": "page.md"}])
    site = tmp_path / "site"
    code, log, _ = mkdocs_build(config, site)
    assert code == 0, log
    found, _ = anchors.scan(site)
    assert {"/page/#pitfalls", "/page/#questions"} <= found
    assert "/page/#just-an-id" not in found, "an id without data-kept-anchor is no published anchor"
    assert anchors.compare(["/page/#pitfalls"], site)[0] == []
    # Without the marker, the old id is reported as gone.
    (tmp_path / "docs" / "page.md").write_text(page.replace(" data-kept-anchor", ""), encoding="utf-8")
    code, log, _ = mkdocs_build(config, site)
    assert code == 0, log
    assert anchors.compare(["/page/#pitfalls"], site)[0] == ["/page/#pitfalls"]
