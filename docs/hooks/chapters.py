"""Where each chapter sits, from one source: docs/chapters.yml.

- A chapter page's title (its `# Title`, which is also its name in the navigation) is the lecture's
  chapter title as docs/chapters.yml gives it: every part names its pages the same way.
- Under a chapter page's title the build adds its number, its part and a "Watch this part" link
  to the exact second of the video.
- A link written `[1:22:28](video:4948)` on any page becomes a link to that second of the video.
- The line `<!-- chapter-table -->` on a page becomes the table of all chapters.
"""
import html
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from translation import edition  # a sibling module (MkDocs puts docs/hooks on the path as it loads a hook)

_meta = {}
ROOT = Path(__file__).resolve().parents[2]
# What the pages say around a chapter, per edition (mkdocs.yml's theme.language)
WORDS = {
    "en": {"meta": "Chapter {number} of {total} · Part {part}: {part_title} · ",
           "watch": "▶ Watch this part (from {at})", "table": "| # | chapter | starts at |"},
    "zh": {"meta": "第 {number} 章（共 {total} 章）· 第 {part} 部分：{part_title} · ",
           "watch": "▶ 观看本节视频（从 {at} 开始）", "table": "| # | 章节 | 开始于 |"},
}


def load(language="en"):
    """docs/chapters.yml; for the Chinese edition with the titles of zh/chapters.yml."""
    data = yaml.safe_load((ROOT / "docs" / "chapters.yml").read_text(encoding="utf-8"))
    if language == "zh":
        zh = yaml.safe_load((ROOT / "zh" / "chapters.yml").read_text(encoding="utf-8"))
        if len(zh["parts"]) != len(data["parts"]):
            raise PluginError("zh/chapters.yml must name as many parts as docs/chapters.yml")
        for part, title in zip(data["parts"], zh["parts"]):
            part["title"] = title
            for ch in part["chapters"]:
                if ch["id"] not in zh["chapters"]:
                    raise PluginError(f"zh/chapters.yml has no Chinese title for the chapter {ch['id']!r}")
                ch["title"] = zh["chapters"][ch["id"]]
    return data


def on_config(config):
    language = edition(config)
    data = load(language)
    _meta["words"] = WORDS[language]
    chapters, number = {}, 0
    for p, part in enumerate(data["parts"], start=1):
        for ch in part["chapters"]:
            number += 1
            chapters[ch["id"]] = {**ch, "number": number, "part": p, "part_title": part["title"]}
    _meta.update(video=data["video"], title=data["title"], chapters=chapters, total=number)
    return config


def video_url(seconds):
    return f"https://www.youtube.com/watch?v={_meta['video']}&t={seconds}s"


def timestamp(seconds):
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def on_page_markdown(markdown, page, config, files):
    markdown = re.sub(r"\]\(video:(\d+)\)", lambda m: f"]({video_url(int(m[1]))})", markdown)
    if "<!-- chapter-table -->" in markdown:
        markdown = markdown.replace("<!-- chapter-table -->", _chapter_table(page))
    ch = _meta["chapters"].get(Path(page.file.src_uri).stem)
    if ch is None or page.file.src_uri != f"{ch['id']}.md":
        return markdown
    page.meta["chapter"] = ch
    words = _meta["words"]
    header = (
        '<p class="mg-chapter-meta">'
        + words["meta"].format(number=ch["number"], total=_meta["total"], part=ch["part"], part_title=ch["part_title"])
        + f'<a class="mg-watch" href="{html.escape(video_url(ch["start"]))}">'
        + words["watch"].format(at=timestamp(ch["start"])) + "</a></p>\n\n"
    )
    title = re.search(r"^# .*$", markdown, re.M)
    if not title:
        raise PluginError(f"{page.file.src_uri}: a chapter page must start with a '# Title' heading")
    written = re.sub(r"\s*\{[^}]*\}\s*$", "", title[0][2:]).strip()
    if written != ch["title"]:
        raise PluginError(f"{page.file.src_uri}: the title '# {written}' is not the chapter's title in "
                          f"{'zh' if _meta['words'] is WORDS['zh'] else 'docs'}/chapters.yml, '{ch['title']}'; "
                          f"a chapter page's title is the lecture's")
    return markdown[: title.end()] + "\n\n" + header + markdown[title.end():]


def _chapter_table(page):
    rows = [_meta["words"]["table"], "|---|---|---|"]
    for ch in _meta["chapters"].values():
        rows.append(f"| {ch['number']} | [{ch['title']}]({ch['id']}.md) | "
                    f"[{timestamp(ch['start'])}]({video_url(ch['start'])}) |")
    return "\n".join(rows)
