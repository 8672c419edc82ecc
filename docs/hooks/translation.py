"""The Chinese edition: Chinese prose around the English page's own code, and staleness made visible.

A Chinese page, zh/docs/<page>.md, holds prose only. Where the English page has code (fenced
blocks with their checked outputs, ```lecture/graph/plot/backprop blocks, the track's
`<!-- buildit:... -->` lines), it has a line `[[code]]`, and this hook (the first hook of the
Chinese build, mkdocs.zh.yml) puts the English page's code back there before any other hook sees
the page. So the two editions cannot show different code, outputs, graphs, steppers or Run buttons.

Sections are cut at headings. Each Chinese heading has the English heading's id, and the line under
it, `<!-- en: 3f2a1c9b0d -->`, records which version of the English section it translates: a hash
of that section's text. When the English section changes, its hash no longer matches, and the
Chinese page shows a notice there, linking to the English section. `scripts/translations` lists
stale and untranslated sections and stamps a section once its translation is brought up to date.

A notebook, examples/<name>.ipynb, is read as one page: its markdown cells as prose, each code cell
as one `[[code]]`; its translation is zh/examples/<name>.md.
"""
import hashlib
import json
import os
import posixpath
import re
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parents[2]
EN_DOCS = ROOT / "docs"
ZH_ROOT = ROOT / "zh"
PLACEHOLDER = "[[code]]"

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_MARK = re.compile(r"^[ \t]*<!--[ \t]*(pytest-codeblocks:|pytest\.mark|buildit:).*-->[ \t]*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*$")
_ATTR_ID = re.compile(r"[ \t]*\{[^}]*#(?P<id>[\w.:-]+)[^}]*\}[ \t]*$")
_STAMP = re.compile(r"^<!--[ \t]*en:[ \t]*(?P<hash>[0-9a-f]+)[ \t]*-->[ \t]*$")


class TranslationError(Exception):
    pass


@dataclass
class Section:
    id: str
    level: int
    heading: str  # the heading line as written
    lines: list = field(default_factory=list)  # the heading's body, the heading line excluded
    units: list = field(default_factory=list)  # English: each code unit, dedented; Chinese: []
    stamp: str | None = None  # Chinese: the recorded hash of the English section it translates

    @property
    def hash(self):
        text = "\n".join([self.heading, *self.lines]).strip() + "\n"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def slugify(text):
    from markdown.extensions.toc import slugify as md_slugify
    return md_slugify(text, "-")


def _heading(line):
    m = _HEADING.match(line)
    if not m:
        return None
    text = m["text"].rstrip("#").rstrip()
    a = _ATTR_ID.search(text)
    hid = a["id"] if a else slugify(re.sub(r"[`*]", "", text))
    return len(m["hashes"]), hid


def blocks(text):
    """The page as a list of ("prose", line) and ("code", [lines]) items, fences kept whole."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        m = _FENCE_OPEN.match(line)
        if m:
            indent, fence = m["indent"], m["fence"]
            j = i + 1
            close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            if j == len(lines):
                raise TranslationError(f"line {i + 1}: the fence {fence!r} is never closed")
            out.append(("code", lines[i:j + 1]))
            i = j + 1
            continue
        if _MARK.match(line):
            out.append(("code", [line]))
        else:
            out.append(("prose", line))
        i += 1
    return out


def _units(items):
    """Join code items separated only by blank lines into units: a block and its output are one."""
    merged = []
    for kind, value in items:
        if kind == "code":
            same = merged and merged[-1][0] == "code" and _unit_indent(merged[-1][1]) == _unit_indent(value)
            if same:
                merged[-1][1].extend(value)
                continue
            # blank lines between two code items (at the same indentation) belong to the unit
            gap = []
            while merged and merged[-1][0] == "prose" and not merged[-1][1].strip():
                gap.append(merged.pop()[1])
            if merged and merged[-1][0] == "code" and gap and _unit_indent(merged[-1][1]) == _unit_indent(value):
                merged[-1][1].extend(reversed(gap))
                merged[-1][1].extend(value)
                continue
            merged.extend(("prose", g) for g in reversed(gap))
            merged.append(("code", list(value)))
        else:
            merged.append((kind, value))
    return merged


def _dedent(lines):
    body = textwrap.dedent("\n".join(lines))
    return body


def english_sections(text):
    """Sections of an English page; each code unit replaced in `lines` by an indented placeholder."""
    sections = []
    for kind, value in _units(blocks(text)):
        if kind == "prose":
            h = _heading(value)
            if h:
                sections.append(Section(h[1], h[0], value))
                continue
        if not sections:
            if kind == "prose" and not value.strip():
                continue
            raise TranslationError("the page must start with a heading")
        s = sections[-1]
        if kind == "prose":
            s.lines.append(value)
        else:
            s.units.append(_dedent(value))
            s.lines.extend(value)  # the hash covers the code too: an output change can make prose wrong
    return sections


def _unit_indent(lines):
    first = next(line for line in lines if line.strip())
    return first[: len(first) - len(first.lstrip())]


def skeleton(text):
    """The English page with each code unit as `[[code]]`: the starting point of a translation."""
    out = []
    for kind, value in _units(blocks(text)):
        if kind == "prose":
            h = _heading(value)
            if h and not _ATTR_ID.search(value):
                value = f"{value} {{ #{h[1]} }}"
            out.append(value)
        else:
            out.append(_unit_indent(value) + PLACEHOLDER)
    return "\n".join(out)


def chinese_sections(text, where):
    sections = []
    for n, line in enumerate(text.split("\n"), start=1):
        if _FENCE_OPEN.match(line) or _MARK.match(line):
            raise TranslationError(f"{where}:{n}: a Chinese page holds no code of its own; write "
                                   f"{PLACEHOLDER} where the English page has code")
        h = _heading(line)
        if h:
            if not _ATTR_ID.search(line):
                raise TranslationError(f"{where}:{n}: the heading {line!r} needs the English "
                                       f"heading's id, as {{ #id }}")
            sections.append(Section(h[1], h[0], line))
            continue
        if not sections:
            if line.strip():
                raise TranslationError(f"{where}:{n}: the page must start with a heading")
            continue
        s = sections[-1]
        m = _STAMP.match(line.strip())
        if m and s.stamp is None and not [x for x in s.lines if x.strip()]:
            s.stamp = m["hash"]
            continue
        s.lines.append(line)
    return sections


def _placeholders(section):
    return sum(line.strip() == PLACEHOLDER for line in section.lines)


def status(en, zh, where=""):
    """Each section's state, in the English page's order, then the Chinese sections it no longer has:
    "ok"; "stale" (its English text changed since it was stamped); "untranslated" (never stamped);
    "missing" (the Chinese page has no such section: a section added in English); "code" (the English
    section has another number of code blocks than the Chinese one has [[code]] lines); "orphan" (a
    Chinese section whose id the English page no longer has)."""
    seen = set()
    for z in zh:
        if z.id in seen:
            raise TranslationError(f"{where}: two sections have the id #{z.id}")
        seen.add(z.id)
    by_id = {z.id: z for z in zh}
    states = {}
    for e in en:
        z = by_id.get(e.id)
        states[e.id] = ("missing" if z is None else "code" if _placeholders(z) != len(e.units)
                        else "untranslated" if z.stamp is None else "ok" if z.stamp == e.hash else "stale")
    en_ids = {e.id for e in en}
    states.update({z.id: "orphan" for z in zh if z.id not in en_ids})
    return states


def merge(en_text, zh_text, where, notice):
    """The Chinese page's markdown: the English page's sections in order, each the Chinese text with the
    English code in place, and `notice(section, state)` (markdown) under the heading of each section
    that is not "ok". A section the Chinese text cannot carry ("missing", "code") is shown in English,
    under its notice; an "orphan" is left out. So an English edit never breaks the Chinese build: it
    shows, at its section, and `scripts/translations` lists it."""
    en, zh = english_sections(en_text), chinese_sections(zh_text, where)
    states = status(en, zh, where)
    by_id = {z.id: z for z in zh}
    out = []
    for e in en:
        state = states[e.id]
        if state in ("missing", "code"):
            out.extend([e.heading, "", notice(e, state), "", *e.lines])
            continue
        z = by_id[e.id]
        out.append(z.heading)
        if state != "ok":
            out.extend(["", notice(e, state), ""])
        units = iter(e.units)
        for line in z.lines:
            if line.strip() == PLACEHOLDER:
                indent = line[: len(line) - len(line.lstrip())]
                out.append(textwrap.indent(next(units), indent))
            else:
                out.append(line)
    return "\n".join(out)


def stamp(en_text, zh_text, where, ids=None):
    """The Chinese page with each section (or those in `ids`) marked as translating today's English.
    A section the English page lacks, or whose [[code]] lines do not match, cannot be stamped."""
    en, zh = english_sections(en_text), chinese_sections(zh_text, where)
    states = status(en, zh, where)
    chosen = set(states) if ids is None else set(ids)
    bad = sorted(i for i in chosen if states.get(i) in (None, "missing", "code", "orphan"))
    if bad:
        detail = "; ".join(f"#{i}: {_WHY.get(states.get(i), 'no such section')}" for i in bad)
        raise TranslationError(f"{where}: cannot stamp {detail}")
    hashes = {e.id: e.hash for e in en}
    out, current = [], None
    for line in zh_text.split("\n"):
        h = _heading(line)
        if h:
            current = h[1]
            out.append(line)
            if current in chosen:
                out.append(f"<!-- en: {hashes[current]} -->")
            continue
        if current in chosen and _STAMP.match(line.strip()):
            continue  # replaced above
        out.append(line)
    return "\n".join(out)


_WHY = {
    "missing": "the Chinese page has no such section; `scripts/translations start PAGE` adds it",
    "code": "its [[code]] lines are not as many as the English section's code blocks",
    "orphan": "the English page has no such section any more: delete it from the Chinese page",
}


def add_missing(en_text, zh_text, where):
    """The Chinese page with each section it lacks added, as English with [[code]], where it belongs."""
    en, zh = english_sections(en_text), chinese_sections(zh_text, where)
    have = {z.id for z in zh}
    blocks = skeleton(en_text).split("\n")
    # the skeleton's sections, by id
    sk, current = {}, None
    for line in blocks:
        h = _heading(line)
        if h:
            current = h[1]
        if current is not None:
            sk.setdefault(current, []).append(line)
    zh_lines = zh_text.split("\n")
    starts = {}
    for n, line in enumerate(zh_lines):
        h = _heading(line)
        if h:
            starts[h[1]] = n
    out_insert = []  # (line index in zh_lines, lines)
    for i, e in enumerate(en):
        if e.id in have:
            continue
        following = next((f.id for f in en[i + 1:] if f.id in have), None)
        at = starts[following] if following else len(zh_lines)
        out_insert.append((at, sk[e.id] + [""]))
    for at, lines in sorted(out_insert, key=lambda x: x[0], reverse=True):
        zh_lines[at:at] = lines
    return "\n".join(zh_lines), [e.id for e in en if e.id not in have]


# --- which pages, and where their texts are ---------------------------------------------------

def notebook_text(path):
    """An English notebook read as a page: markdown cells as prose, each code cell a code unit."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    parts = []
    for c in cells:
        src = "".join(c["source"]).rstrip("\n")
        if c["cell_type"] == "markdown":
            parts.append(src)
        elif c["cell_type"] == "code":
            parts.append(f"```notebook-cell\n{src}\n```")
    return "\n\n".join(parts) + "\n"


def pages():
    """Every translated page: (name, English path, Chinese path). Names are docs-relative paths."""
    out = []
    for zh in sorted((ZH_ROOT / "docs").rglob("*.md")):
        name = zh.relative_to(ZH_ROOT / "docs").as_posix()
        if name in NOT_TRANSLATIONS:
            continue
        out.append((name, EN_DOCS / name, zh))
    for zh in sorted((ZH_ROOT / "examples").glob("*.md")):
        out.append((f"examples/{zh.stem}.ipynb", ROOT / "examples" / f"{zh.stem}.ipynb", zh))
    return out


# Chinese pages of their own, which translate no English page
NOT_TRANSLATIONS = {"glossary.md"}

# The English pages a reader reads; each must have a Chinese page (reference pages stay English).
def wanted():
    names = ["index.md", "playground.md", "in-page-python.md"]
    import yaml
    chapters = yaml.safe_load((EN_DOCS / "chapters.yml").read_text(encoding="utf-8"))
    names += [f"{ch['id']}.md" for part in chapters["parts"] for ch in part["chapters"]]
    names += sorted(p.relative_to(EN_DOCS).as_posix() for p in (EN_DOCS / "build-it").glob("*.md"))
    names += sorted(f"examples/{p.name}" for p in (ROOT / "examples").glob("*.ipynb"))
    return names


def english_text(name):
    if name.endswith(".ipynb"):
        return notebook_text(ROOT / name)
    return (EN_DOCS / name).read_text(encoding="utf-8")


def chinese_path(name):
    if name.endswith(".ipynb"):
        return ZH_ROOT / "examples" / (Path(name).stem + ".md")
    return ZH_ROOT / "docs" / name


# --- the hook: both builds load it (mkdocs.yml's first hook); it acts mostly in the Chinese one --

NOTEBOOKS = ROOT / ".cache" / "zh-notebooks"  # the Chinese notebooks, made anew by every Chinese build
_build = {"zh": False, "names": set(), "notebook_ids": {}}


def edition(config):
    """"zh" for the Chinese edition (mkdocs.zh.yml: theme.language zh), else "en". Every hook asks here."""
    return "zh" if str(config.theme.get("language", "en")).startswith("zh") else "en"


def _is_zh(config):
    return edition(config) == "zh"


def on_config(config):
    _build.update(zh=_is_zh(config), names={name for name, _, _ in pages()}, notebook_ids={})
    if _build["zh"]:
        _write_notebooks()
        if os.environ.get("ZH_SERVED_AT"):  # scripts/serve: readers reach it through the English server
            config.site_url = os.environ["ZH_SERVED_AT"]
    return config


def _fail(message):
    from mkdocs.exceptions import PluginError
    return PluginError(f"Chinese edition: {message}")


def _write_notebooks():
    """Each translated notebook: the English notebook's cells, its markdown cells replaced by the
    Chinese text between the code cells (headings without their `{ #id }`, put back by
    on_page_content)."""
    for name, en_path, zh_path in pages():
        if not name.endswith(".ipynb"):
            continue
        where = str(zh_path.relative_to(ROOT))
        try:
            merged_sections = chinese_sections(zh_path.read_text(encoding="utf-8"), where)
            states = status(english_sections(notebook_text(en_path)), merged_sections, where)
        except TranslationError as e:
            raise _fail(str(e)) from None
        out = NOTEBOOKS / name
        out.parent.mkdir(parents=True, exist_ok=True)
        nb = json.loads(en_path.read_text(encoding="utf-8"))
        if any(state in ("missing", "code", "orphan") for state in states.values()):
            # The Chinese sections no longer fit the English notebook: show it in English, and say so.
            nb["cells"].insert(1, {"cell_type": "markdown", "id": "zh-notice", "metadata": {}, "source": (
                '<div class="admonition warning"><p class="admonition-title">本笔记本的译文需要更新</p>'
                "<p>英文原文的章节或代码单元已有增减，中文译文暂时对不上，下面先显示英文原文。</p></div>")})
            _write_if_changed(out, nb)
            continue
        url = name[: -len(".ipynb")] + "/"
        for section in merged_sections:
            state = states[section.id]
            if state != "ok":  # the notice as HTML: the notebook's Markdown has no admonitions
                title, text = NOTICES[state]
                link = (f'<a href="{_english_url(url, "#" + section.id)}" hreflang="en">'
                        f'{LINK_TEXT.get(state, "在英文版中阅读本节")}</a>')
                section.lines[0:0] = ["", f'<div class="admonition warning mg-translation"><p class="admonition-title">'
                                      f"{title}</p><p>{text.format(link=link)}</p></div>", ""]
        _build["notebook_ids"][name] = [s.id for s in merged_sections]
        prose, chunks = [], []
        for s in merged_sections:
            for line in [_ATTR_ID.sub("", s.heading), *s.lines]:
                if line.strip() == PLACEHOLDER:
                    chunks.append("\n".join(prose).strip("\n"))
                    prose = []
                else:
                    prose.append(line)
        chunks.append("\n".join(prose).strip("\n"))
        cells, text = [], iter(chunks)

        def prose_cell():  # the Chinese text that stands where English markdown cells stood
            chunk = next(text)
            if chunk:
                cells.append({"cell_type": "markdown", "id": f"zh-{len(cells)}", "metadata": {}, "source": chunk})
        after_code = False  # code cells with no markdown between them are one [[code]]
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                if not after_code:
                    prose_cell()
                cells.append(cell)
                after_code = True
            elif cell["cell_type"] == "markdown" and "".join(cell["source"]).strip():
                after_code = False
        prose_cell()
        nb["cells"] = cells
        _write_if_changed(out, nb)


def _write_if_changed(path, nb):
    data = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != data:
        path.write_text(data, encoding="utf-8")


def _english_url(file_url, fragment=""):
    """From a Chinese page at `file_url` (relative to the Chinese root), the English page's URL."""
    return "../" * (file_url.count("/") + 1) + file_url + fragment


NOTICES = {  # what a Chinese page says under the heading of a section that is not up to date
    "stale": ("英文原文已更新", "本节译自英文原文的较早版本，英文原文此后有改动，译文尚未跟上。请以{link}为准。"),
    "untranslated": ("本节尚未翻译", "下面暂为英文原文，中文译文还在路上。也可以{link}。"),
    "missing": ("本节尚未翻译", "这是英文原文新增的一节，下面暂为英文原文。也可以{link}。"),
    "code": ("英文原文已更新", "英文原文本节的代码块有增减，译文对不上，下面暂为英文原文。也可以{link}。"),
}
LINK_TEXT = {"stale": "英文原文"}


def notice(file_url, section, state):
    title, text = NOTICES[state]
    url = _english_url(file_url, f"#{section.id}")
    link = f"[{LINK_TEXT.get(state, '在英文版中阅读本节')}]({url}){{ hreflang=en }}"
    return f'!!! warning mg-translation "{title}"\n    ' + text.format(link=link)


_LINK = re.compile(r"\]\((?P<target>[^)#\s]+\.md)(?P<fragment>#[^)\s]*)?\)")


def _english_links(text, name, names):
    """Links to pages that have no Chinese version (API reference, the engine's source, contributing,
    changelog) go to the English page."""
    here = Path(name).parent

    def repl(m):
        target = posixpath.normpath((here / m["target"]).as_posix())
        if target in names:
            return m[0]
        url = target[:-3] + "/" if not target.endswith("index.md") else target[:-len("index.md")]
        depth = name.count("/") + (0 if name.endswith("index.md") else 1)
        return f"]({'../' * (depth + 1)}{url}{m['fragment'] or ''}){{ hreflang=en }}"
    return _LINK.sub(repl, text)


@event_priority(100)  # before mkdocs-jupyter's: it must see the Chinese notebooks
def on_files(files, config):
    if not _build["zh"]:
        return files
    from mkdocs.structure.files import File
    names = {f.src_uri for f in files} | _build["names"]  # its own pages (docs/hooks/includes.py adds none)
    for name in wanted():  # a page not translated at all is the English page, under a notice
        if name not in _build["names"] and not name.endswith(".ipynb") and files.get_file_from_path(name) is None:
            text = english_text(name)
            first = text.index("\n") + 1 if text.startswith("#") else 0
            file = File(name, str(EN_DOCS), config.site_dir, config.use_directory_urls)
            file.content_string = _english_links(text[:first] + "\n" + (
                '!!! warning mg-translation "本页尚未翻译"\n    下面暂为英文原文。\n\n') + text[first:], name, names)
            file.abs_src_path = str(EN_DOCS / name)
            files.append(file)
    for name, en_path, zh_path in pages():
        if name.endswith(".ipynb"):
            old = files.get_file_from_path(name)
            if old is not None:
                files.remove(old)
            files.append(File(name, str(NOTEBOOKS), config.site_dir, config.use_directory_urls))
            continue
        file = files.get_file_from_path(name)
        if file is None:
            continue
        where = str(zh_path.relative_to(ROOT))
        try:
            text = merge(en_path.read_text(encoding="utf-8"), zh_path.read_text(encoding="utf-8"),
                         where, lambda section, state, url=file.url: notice(url, section, state))
        except TranslationError as e:
            raise _fail(str(e)) from None
        file.content_string = _english_links(text, name, names)
        file.abs_src_path = str(zh_path)  # still the file to edit (and what serve watches)
    return files


_HTML_HEADING = re.compile(r'<h(?P<level>[1-6])(?P<attrs>[^>]*)\bid="[^"]*"(?P<rest>[^>]*)>(?P<inner>.*?)</h(?P=level)>', re.S)


def on_page_content(html, page, config, files):
    """A Chinese notebook's headings get the English ids, in order (nbconvert slugs the Chinese
    text), in the page, in each heading's anchor link and in the table of contents."""
    ids = _build["notebook_ids"].get(page.file.src_uri) if _build["zh"] else None
    if ids is None:
        return html
    found = list(_HTML_HEADING.finditer(html))
    if len(found) != len(ids):
        raise _fail(f"{page.file.src_uri}: {len(found)} headings rendered, {len(ids)} written")
    it = iter(ids)

    def heading(m):
        new = next(it)
        inner = re.sub(r'(class="anchor-link" href="#)[^"]*"', rf'\g<1>{new}"', m["inner"])
        return f'<h{m["level"]}{m["attrs"]}id="{new}"{m["rest"]}>{inner}</h{m["level"]}>'
    html = _HTML_HEADING.sub(heading, html)
    order = iter(ids)

    def walk(items):
        for item in items:
            item.id = next(order)
            walk(item.children)
    walk(page.toc)
    return html


def on_post_page(output, page, config):
    """The language switch goes to the same page in the other edition (its home if it has none);
    assets/language.js adds the section. The head's alternate links name each edition's root (where
    Material's own switch reads the sitemap). Chinese pages are lang="zh-CN"."""
    url, name = page.url, page.file.src_uri
    up = "../" * url.count("/")
    if _build["zh"]:
        output = output.replace('<html lang="zh"', '<html lang="zh-CN"', 1)
        roots = {"en": "../" + up, "zh": up or "./"}
        pages_ = {"en": roots["en"] + (url if name not in NOT_TRANSLATIONS else ""), "zh": (up or "./") + url}
    else:
        roots = {"en": up or "./", "zh": up + "zh/"}
        pages_ = {"en": (up or "./") + url, "zh": roots["zh"] + (url if name in _build["names"] else "")}
    for lang in ("en", "zh"):
        output = re.sub(rf'<a href="[^"]*" hreflang="{lang}" class="md-select__link"',
                        f'<a href="{pages_[lang]}" hreflang="{lang}" class="md-select__link"', output)
        output = re.sub(rf'<link rel="alternate" href="[^"]*" hreflang="{lang}"',
                        f'<link rel="alternate" href="{roots[lang]}" hreflang="{lang}"', output)
    return output


# --- publishing: one `mkdocs build` (as mike runs it) that makes both editions ----------------------

def on_post_build(config):
    """With BUILD_ZH=1, the English build builds the Chinese edition into its zh/ folder afterwards,
    in a process of its own, with the same environment (BUILD_CACHE: page code runs once). mike
    deploys what one `mkdocs build` makes, so .github/workflows/publish.yml sets it."""
    if _build["zh"] or os.environ.get("BUILD_ZH") != "1":
        return
    import subprocess
    import sys
    from mkdocs.exceptions import PluginError
    env = {**os.environ, "BUILD_ZH": "", "SITE_URL_ZH": config.site_url.rstrip("/") + "/zh/"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f",
                           str(ROOT / "mkdocs.zh.yml"), "-d", str(Path(config.site_dir) / "zh")],
                          env=env, capture_output=True, text=True)
    if proc.returncode:
        raise PluginError(f"the Chinese edition (mkdocs.zh.yml) does not build:\n{proc.stdout}{proc.stderr}")


# --- serving both editions: scripts/serve ---------------------------------------------------------
# The Chinese edition has its own `mkdocs serve` (its own watcher, rebuilds and live reload), on the
# port ZH_SERVE names; the English one forwards /zh/ to it, and the live-reload polls of Chinese
# pages, so that the reader sees one site, switch and all, on one origin.

def on_serve(server, config, builder):
    target = os.environ.get("ZH_SERVE")
    if _build["zh"] or not target:
        return server
    serve = server._serve_request
    zh = server.mount_path + "zh"

    def serve_request(environ, start_response):
        path = environ.get("PATH_INFO", "")
        referer = urllib.parse.urlsplit(environ.get("HTTP_REFERER", "")).path
        if path == zh or path.startswith(zh + "/") or (path.startswith("/livereload/") and referer.startswith(zh + "/")):
            return _forward(target, environ, start_response)
        return serve(environ, start_response)

    server._serve_request = serve_request
    return server


def _forward(target, environ, start_response):
    url = f"http://{target}{urllib.parse.quote(environ.get('PATH_INFO', ''))}"
    if environ.get("QUERY_STRING"):
        url += "?" + environ["QUERY_STRING"]
    request = urllib.request.Request(url, headers={"Referer": environ.get("HTTP_REFERER", "")})
    try:
        with _NO_REDIRECTS.open(request, timeout=120) as response:
            status, headers, body = f"{response.status} {response.reason}", response.headers, response.read()
    except urllib.error.HTTPError as e:
        status, headers, body = f"{e.code} {e.reason}", e.headers, e.read()
    except OSError as e:
        start_response("502 Bad Gateway", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"The Chinese edition's server ({target}) does not answer yet: it may still be building "
                f"({type(e).__name__}). Reload in a moment.".encode()]
    keep = [(k, v) for k, v in headers.items() if k.lower() in ("content-type", "location", "cache-control")]
    start_response(status, keep + [("Content-Length", str(len(body)))])
    return [body]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the browser follows a redirect itself


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


# --- the command: scripts/translations ---------------------------------------------------------

def report():
    """(name, section id or "", state) for every wanted page that is not fully up to date."""
    rows = []
    for name in wanted():
        path = chinese_path(name)
        if not path.exists():
            rows.append((name, "", "missing"))
            continue
        en = english_sections(english_text(name))
        where = str(path.relative_to(ROOT))
        zh = chinese_sections(path.read_text(encoding="utf-8"), where)
        rows += [(name, sid, state) for sid, state in status(en, zh, where).items() if state != "ok"]
    return rows + _track_rows()


def _track_rows():
    """The track's generated texts (zh/buildit.yml, docs/hooks/track.py) whose English changed."""
    import sys
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).parent))
    import buildit
    import track
    from buildit import checks
    stale = track.load_chinese(ROOT / track.ZH_TEXTS, buildit.STEPS, checks.CHECKS)["stale"]
    return [(track.ZH_TEXTS, item, "stale") for item in stale]


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="scripts/translations", description=(
        "The Chinese edition's state. Without a command: list every section that is not up to date "
        "(stale, untranslated, missing, code, orphan) and every missing page; exit status 1 if there is one."))
    sub = parser.add_subparsers(dest="command")
    sk = sub.add_parser("start", help="write zh/ skeletons (English prose, [[code]] for code) to translate; "
                        "on an existing page, add the sections it lacks")
    sk.add_argument("pages", nargs="+", help="docs-relative names, e.g. overview.md examples/moons.ipynb")
    st = sub.add_parser("stamp", help="record that a page's sections now translate today's English")
    st.add_argument("page")
    st.add_argument("sections", nargs="*", help="section ids (default: every section)")
    args = parser.parse_args(argv)
    if args.command == "start":
        for name in args.pages:
            path = chinese_path(name)
            if path.exists():
                text, added = add_missing(english_text(name), path.read_text(encoding="utf-8"),
                                          str(path.relative_to(ROOT)))
                path.write_text(text, encoding="utf-8")
                print(f"{path.relative_to(ROOT)}: added the sections {added or 'none'} in English, to translate")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(skeleton(english_text(name)), encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if args.command == "stamp":
        path = chinese_path(args.page)
        text = stamp(english_text(args.page), path.read_text(encoding="utf-8"),
                     str(path.relative_to(ROOT)), set(args.sections) or None)
        path.write_text(text, encoding="utf-8")
        print(f"stamped {path.relative_to(ROOT)}")
        return 0
    rows = report()
    for name, sid, state in rows:
        print(f"{state:12} {name}{'#' + sid if sid else ''}")
    pages_missing = sum(1 for r in rows if not r[1])
    sections = [r[2] for r in rows if r[1]]
    print(f"{sections.count('stale')} stale, {len(sections) - sections.count('stale')} untranslated "
          f"sections (of which {sections.count('missing')} missing, {sections.count('code')} with other "
          f"code, {sections.count('orphan')} orphaned), {pages_missing} missing pages")
    return 1 if rows else 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
