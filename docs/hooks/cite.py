"""Citations and versions, from one source: CITATION.cff (beside mkdocs.yml).

- Its `version` must equal `[project] version` in pyproject.toml, or the build stops.
- `config.extra["release"]` holds the version, its date and the changelog's URL: every page's
  footer shows them (overrides/partials/copyright.html).
- Every chapter page (a page that chapters.py marked with `page.meta["chapter"]`, so this hook runs
  after it) ends with a collapsed "Cite this page" box: a BibTeX entry and an APA-style citation of
  that chapter, each a code block with a copy button. The home page gets one for the whole course.
- The URL in a citation is that page in this version, which stays put when later versions are
  published: `<CITATION.cff url><version>/<page url>`, where mike publishes each version.
- Cite this section: on every chapter page and every page of the track (build-it/), each h2/h3
  with an id gets, beside its permalink (¶), a button that opens a small menu of three copy
  buttons: the section's link pinned to this version (`<page URL in this version>#<id>`), a
  BibTeX entry and an APA citation of the section (its title, its chapter or track step, the
  version, and the video moment: the first `video:` link inside the section, else the chapter's
  or step's start). The texts to copy are written here, into `data-mg-copy` attributes;
  docs/assets/cite.js only copies them and says "Copied" in the page's status region. Added in
  on_post_page, to the page alone: the print page (printpage.py copies each page's HTML earlier)
  and the search index never see it; print CSS hides it on a printed chapter page.
"""
import datetime
import html as htmllib
import re
import textwrap
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from translation import edition  # a sibling module (MkDocs puts docs/hooks on the path as it loads a hook)

_cff = {}
_release = {}
_edition = {"zh": False, "title": ""}  # the Chinese edition (mkdocs.zh.yml): its words, title and URLs


def on_config(config):
    root = Path(config.config_file_path).parent
    cff_path = root / "CITATION.cff"
    if not cff_path.is_file():
        raise PluginError(f"cite: {cff_path} is missing: it is the one source of the site's citation metadata")
    cff = load_cff(cff_path)
    version = project_version(root / "pyproject.toml")
    if str(cff.get("version")) != version:
        raise PluginError(f"cite: CITATION.cff has version {cff.get('version')!r} but pyproject.toml has "
                          f"{version!r}: they must be equal (set both when you cut a release)")
    for key in ("title", "authors", "url", "date-released"):
        if not cff.get(key):
            raise PluginError(f"cite: CITATION.cff has no {key!r}")
    _cff.clear()
    _cff.update(cff)
    date = datetime.date.fromisoformat(str(cff["date-released"]))
    _release.clear()
    _release.update(version=version, date=date.isoformat(), title=cff["title"],
                    url=cff["url"].rstrip("/") + "/", changelog=None)
    config.extra["release"] = _release
    zh = edition(config) == "zh"
    # The Chinese edition's title is its site_name (mkdocs.zh.yml); it lives under zh/ in every version.
    _edition.update(zh=zh, title=config.site_name if zh else cff["title"])
    return config


def on_files(files, config):
    changelog = files.get_file_from_path("changelog.md")
    _release["changelog"] = changelog.url if changelog else None
    return files


def on_page_markdown(markdown, page, config, files):
    chapter = page.meta.get("chapter")
    if chapter:
        return markdown.rstrip() + "\n\n" + cite_box(page.url, chapter) + "\n"
    if page.is_homepage:
        return markdown.rstrip() + "\n\n" + cite_box(page.url, None) + "\n"
    return markdown


def load_cff(path):
    """CITATION.cff as cffconvert reads it: YAML whose dates stay strings."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def project_version(pyproject):
    try:
        import tomllib
    except ImportError:  # Python 3.10
        m = re.search(r'(?ms)^\[project\].*?^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"))
        return m[1] if m else None
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]


def page_url(url):
    """The URL of a page in this version: where mike publishes it, independent of where it is served."""
    return f"{_release['url']}{_release['version']}/{'zh/' if _edition['zh'] else ''}{url}"


def authors_text():
    return ", ".join(_person(a) for a in _cff["authors"])


def lecture():
    """The original lecture: the first video in CITATION.cff's references."""
    return next((r for r in _cff.get("references", []) if r.get("type") == "video"), None)


def bibtex(url, chapter):
    site = _tex(_edition["title"])
    key = ("micrograd-spelled-out" + (":zh" if _edition["zh"] else "") + (f":{chapter['id']}" if chapter else "")
           + f":{_release['version']}")
    if _edition["zh"]:
        how = (f"{{《{site}》第 {chapter['number']} 章，版本 {_release['version']}}}" if chapter
               else f"{{网站，版本 {_release['version']}}}")
    else:
        how = ("{Chapter " + f"{chapter['number']} of \\emph{{{site}}}, version {_release['version']}}}"
               if chapter else "{Website, version " + _release["version"] + "}")
    return _bibtex_entry(key, chapter["title"] if chapter else _edition["title"], how, url,
                         chapter["start"] if chapter else None)


def _bibtex_entry(key, title, howpublished, url, start, moment=""):
    """A @misc entry; its note cites the lecture from second `start` (`moment` says when, in words)."""
    date = datetime.date.fromisoformat(_release["date"])
    fields = {
        "author": "{" + " and ".join("{" + _tex(_person(a)) + "}" if "name" in a else _tex(_person_bib(a))
                                     for a in _cff["authors"]) + "}",
        "title": "{{" + _tex(title) + "}}",
        "howpublished": howpublished,
        "year": "{" + str(date.year) + "}",
        "month": date.strftime("%b").lower(),
        "version": "{" + _release["version"] + "}",
        "url": "{" + url + "}",
    }
    video = lecture()
    if video:
        who = " and ".join(_person(a) for a in video.get("authors", []))
        at = f"{video['url']}&t={start}s" if start is not None else video["url"]
        if _edition["zh"]:
            fields["note"] = (f"{{{_tex(who)} 的讲座《{_tex(video['title'])}》（{video.get('year', 'n.d.')}）"
                              f"的配套读本{moment}，\\url{{{at}}}}}")
        else:
            fields["note"] = ("{Companion to the lecture " + f"``{_tex(video['title'])}'' by {_tex(who)} "
                              f"({video.get('year', 'n.d.')}){moment}, \\url{{{at}}}}}")
    if _edition["zh"]:
        fields["language"] = "{chinese}"
    width = max(map(len, fields))
    body = ",\n".join(f"  {k.ljust(width)} = {v}" for k, v in fields.items())
    return f"@misc{{{key},\n{body},\n}}"


def _when():
    date = datetime.date.fromisoformat(_release["date"])
    if _edition["zh"]:
        return f"{date.year} 年 {date.month} 月 {date.day} 日"
    return f"{date.year}, {date.strftime('%B')} {date.day}"


def apa(url, chapter):
    when = _when()
    if _edition["zh"]:
        what = (f"{chapter['title']}（第 {chapter['number']} 章）。载于 {_edition['title']}（版本 {_release['version']}）。"
                if chapter else f"{_edition['title']}（版本 {_release['version']}）。")
        return f"{authors_text()}. ({when}). {what} {url}"
    if chapter:
        what = (f"{chapter['title']} (Chapter {chapter['number']}). In {_release['title']} "
                f"(Version {_release['version']}).")
    else:
        what = f"{_release['title']} (Version {_release['version']})."
    return f"{authors_text()}. ({when}). {what} {url}"


def cite_box(path, chapter):
    url = page_url(path)
    latest = f"{_release['url']}latest/{'zh/' if _edition['zh'] else ''}{path}"
    if _edition["zh"]:
        what = "本章" if chapter else "本课程"
        text = (
            f"如需引用{what}，复制下面任一条。它们注明本站的版本 {_release['version']}（{_release['date']}）"
            f"及其网址；这个网址会一直显示{what}在该版本中的样子：<{url}>。最新版本见 <{latest}>。\n\n"
            f"BibTeX：\n\n```bibtex\n{bibtex(url, chapter)}\n```\n\n"
            f"APA 格式：\n\n```text\n{apa(url, chapter)}\n```\n"
        )
        title = "引用本页" if chapter else "引用本课程"
        return f'??? quote mg-cite "{title}"\n\n' + textwrap.indent(text, "    ", lambda line: line.strip() != "")
    what = "this chapter" if chapter else "this course"
    text = (
        f"To cite {what}, copy one of these. They name version {_release['version']} of the site "
        f"({_release['date']}) and its URL, which keeps showing {what} as it is in this version: "
        f"<{url}>. The newest version is at <{latest}>.\n\n"
        f"BibTeX:\n\n```bibtex\n{bibtex(url, chapter)}\n```\n\n"
        f"APA:\n\n```text\n{apa(url, chapter)}\n```\n"
    )
    title = "Cite this page" if chapter else "Cite this course"
    return f'??? quote mg-cite "{title}"\n\n' + textwrap.indent(text, "    ", lambda line: line.strip() != "")


def _person(a):
    if "name" in a:
        return a["name"]
    return " ".join(p for p in (a.get("given-names"), a.get("name-particle"), a.get("family-names")) if p)


def _person_bib(a):
    return ", ".join(p for p in (a.get("family-names"), a.get("given-names")) if p)


def _tex(s):
    return re.sub(r"([&%$#_{}])", r"\\\1", str(s))


# --- Cite this section ---------------------------------------------------------------------------

HEADING = re.compile(r'<h(?P<level>[23]) id="(?P<id>[^"]+)">(?P<inner>.*?)</h(?P=level)>', re.S)
HEADERLINK = re.compile(r'<a class="headerlink" href="#[^"]+" title="[^"]*">[^<]*</a>')
# A link made from `[h:mm:ss](video:SECONDS)` (chapters.py's video_url, as it appears in HTML).
VIDEO_LINK = re.compile(r'href="https://www\.youtube\.com/watch\?v=[\w-]+&(?:amp;)?t=(\d+)s"')

def section_context(page, output):
    """What a section of `page` is cited within (a chapter, a step of the track, the track), or None:
    its key, the phrases that name it in BibTeX and APA, and the second of the video it starts at."""
    chapter = page.meta.get("chapter")
    zh = _edition["zh"]
    if chapter:
        n, title = chapter["number"], chapter["title"]
        if zh:
            return {"key": "zh:" + chapter["id"], "start": chapter["start"], "bib": f"第 {n} 章“{_tex(title)}”",
                    "apa": f"{title}（第 {n} 章）"}
        return {"key": chapter["id"], "start": chapter["start"], "bib": f"chapter {n}, ``{_tex(title)}''",
                "apa": f"{title} (Chapter {n})"}
    uri = page.file.src_uri
    if not uri.startswith("build-it/"):
        return None
    import buildit  # track.py has put the project root on sys.path

    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", output, re.S)
    title = _plain(HEADERLINK.sub("", h1[1])) if h1 else page.title
    stem = uri[len("build-it/"):-len(".md")]
    if stem == "index":
        if zh:
            return {"key": "zh:build-it", "start": None, "bib": "《动手实现 micrograd》", "apa": "动手实现 micrograd"}
        return {"key": "build-it", "start": None, "bib": "the track \\emph{Build it yourself}",
                "apa": "Build it yourself"}
    n = [s.id for s in buildit.STEPS].index(stem) + 1
    if zh:
        return {"key": f"zh:build-it:{stem}", "start": buildit.get(stem).video,
                "bib": f"《动手实现 micrograd》第 {n} 步“{_tex(title)}”", "apa": f"{title}（动手实现 micrograd，第 {n} 步）"}
    return {"key": f"build-it:{stem}", "start": buildit.get(stem).video,
            "bib": f"step {n}, ``{_tex(title)}'', of the track \\emph{{Build it yourself}}",
            "apa": f"{title} (Build it yourself, step {n})"}


def on_post_page(output, page, config):
    context = section_context(page, output)
    if context is None or "<article" not in output:
        return output
    headings = list(HEADING.finditer(output))
    if not headings:
        return output
    parts, last = [], 0
    for i, m in enumerate(headings):
        # The section runs to the next heading of its level or higher (an h2 holds its h3s).
        end = next((h.start() for h in headings[i + 1:] if h["level"] <= m["level"]), output.find("</article>"))
        video = VIDEO_LINK.search(output, m.end(), end)
        title = _plain(HEADERLINK.sub("", m["inner"]))
        section = {"id": m["id"], "title": title, "start": int(video[1]) if video else context["start"]}
        parts += [output[last:m.end() - len(f"</h{m['level']}>")], section_controls(page.url, context, section)]
        last = m.end() - len(f"</h{m['level']}>")
    parts.append(output[last:])
    output = "".join(parts)
    status = '<span class="mg-seccite-status" role="status" aria-live="polite"></span>'
    return output.replace("</article>", status + "</article>", 1)


def _plain(fragment):
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def section_url(path, section_id):
    return f"{page_url(path)}#{section_id}"


def _timestamp(seconds):
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def section_bibtex(path, context, section):
    site = _tex(_edition["title"])
    start = section["start"]
    if _edition["zh"]:
        return _bibtex_entry(
            f"micrograd-spelled-out:{context['key']}:{section['id']}:{_release['version']}", section["title"],
            f"{{《{site}》{context['bib']}中的一节，版本 {_release['version']}}}",
            section_url(path, section["id"]), start, f"，从 {_timestamp(start)} 起" if start is not None else "")
    return _bibtex_entry(
        f"micrograd-spelled-out:{context['key']}:{section['id']}:{_release['version']}", section["title"],
        "{Section of " + f"{context['bib']}, of \\emph{{{site}}}, version {_release['version']}}}",
        section_url(path, section["id"]), start, f", at {_timestamp(start)}" if start is not None else "")


def section_apa(path, context, section):
    zh = _edition["zh"]
    words = ("{title}。载于 {within}。载于 {site}（版本 {version}）。{url}", " 配套于 {who} ({year}). {video} [视频]{moment}. {at}",
             "，") if zh else ("{title}. In {within}. In {site} (Version {version}). {url}",
                               " Companion to {who} ({year}). {video} [Video]{moment}. {at}", ", ")
    text = (f"{authors_text()}. ({_when()}). " + words[0].format(
        title=section["title"], within=context["apa"], site=_edition["title"], version=_release["version"],
        url=section_url(path, section["id"])))
    video = lecture()
    if video:
        start = section["start"]
        text += words[1].format(
            who=", ".join(_person_apa(a) for a in video.get("authors", [])), year=video.get("year", "n.d."),
            video=video["title"], moment=f"{words[2]}{_timestamp(start)}" if start is not None else "",
            at=f"{video['url']}&t={start}s" if start is not None else video["url"])
    return text


def section_controls(path, context, section):
    """The button beside a heading's ¶ and its menu of copy buttons, with the texts to copy."""
    version = _release["version"]
    labels = (("复制本节链接（版本 {v}）", "复制 BibTeX 条目", "复制 APA 格式引用", "引用本节") if _edition["zh"] else
              ("Copy its link (version {v})", "Copy a BibTeX entry", "Copy an APA citation", "Cite this section"))
    items = [
        ("link", labels[0].format(v=version), section_url(path, section["id"])),
        ("bibtex", labels[1], section_bibtex(path, context, section)),
        ("apa", labels[2], section_apa(path, context, section)),
    ]
    menu = "".join(
        f'<button type="button" class="mg-seccite__copy" data-mg-what="{what}" '
        f'data-mg-copy="{htmllib.escape(text, quote=True)}">{htmllib.escape(label)}</button>'
        for what, label, text in items)
    return (f'<span class="mg-seccite"><button type="button" class="mg-seccite__toggle" '
            f'aria-expanded="false" aria-label="{labels[3]}" title="{labels[3]}"></button>'
            f'<span class="mg-seccite__menu" hidden>{menu}</span></span>')


def _person_apa(a):
    if "name" in a:
        return a["name"]
    initials = " ".join(f"{g[0]}." for g in str(a.get("given-names", "")).split())
    return ", ".join(p for p in (a.get("family-names"), initials) if p)
