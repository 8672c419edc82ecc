"""Citations and versions, from one source: CITATION.cff (beside mkdocs.yml).

- Its `version` must equal `[project] version` in pyproject.toml, or the build stops.
- `config.extra["release"]` holds the version, its date and the changelog's URL: every page's
  footer shows them (overrides/partials/copyright.html).
- Every chapter page (a page that chapters.py marked with `page.meta["chapter"]`, so this hook runs
  after it) ends with a collapsed "Cite this page" box: a BibTeX entry and an APA-style citation of
  that chapter, each a code block with a copy button. The home page gets one for the whole course.
- The URL in a citation is that page in this version, which stays put when later versions are
  published: `<CITATION.cff url><version>/<page url>`, where mike publishes each version.
"""
import datetime
import re
import textwrap
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

_cff = {}
_release = {}


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
    return f"{_release['url']}{_release['version']}/{url}"


def authors_text():
    return ", ".join(_person(a) for a in _cff["authors"])


def lecture():
    """The original lecture: the first video in CITATION.cff's references."""
    return next((r for r in _cff.get("references", []) if r.get("type") == "video"), None)


def bibtex(url, chapter):
    date = datetime.date.fromisoformat(_release["date"])
    site = _tex(_release["title"])
    fields = {
        "author": "{" + " and ".join("{" + _tex(_person(a)) + "}" if "name" in a else _tex(_person_bib(a))
                                     for a in _cff["authors"]) + "}",
        "title": "{{" + _tex(chapter["title"] if chapter else _release["title"]) + "}}",
        "howpublished": ("{Chapter " + f"{chapter['number']} of \\emph{{{site}}}, version {_release['version']}}}"
                         if chapter else "{Website, version " + _release["version"] + "}"),
        "year": "{" + str(date.year) + "}",
        "month": date.strftime("%b").lower(),
        "version": "{" + _release["version"] + "}",
        "url": "{" + url + "}",
    }
    video = lecture()
    if video:
        who = " and ".join(_person(a) for a in video.get("authors", []))
        at = f"{video['url']}&t={chapter['start']}s" if chapter else video["url"]
        fields["note"] = ("{Companion to the lecture " + f"``{_tex(video['title'])}'' by {_tex(who)} "
                          f"({video.get('year', 'n.d.')}), \\url{{{at}}}}}")
    key = "micrograd-spelled-out" + (f":{chapter['id']}" if chapter else "") + f":{_release['version']}"
    width = max(map(len, fields))
    body = ",\n".join(f"  {k.ljust(width)} = {v}" for k, v in fields.items())
    return f"@misc{{{key},\n{body},\n}}"


def apa(url, chapter):
    date = datetime.date.fromisoformat(_release["date"])
    when = f"{date.year}, {date.strftime('%B')} {date.day}"
    if chapter:
        what = (f"{chapter['title']} (Chapter {chapter['number']}). In {_release['title']} "
                f"(Version {_release['version']}).")
    else:
        what = f"{_release['title']} (Version {_release['version']})."
    return f"{authors_text()}. ({when}). {what} {url}"


def cite_box(path, chapter):
    url = page_url(path)
    what = "this chapter" if chapter else "this course"
    latest = f"{_release['url']}latest/{path}"
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
