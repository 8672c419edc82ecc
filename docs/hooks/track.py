"""The "Build it yourself" track (docs/build-it/): its code comes from buildit/, never copied.

A track page writes HTML-comment markers, each on a line of its own (indented inside a fold):

    <!-- buildit:steps -->             the list of all steps, with their chapter and video moment
    <!-- buildit:step STEP -->         the step's place: number, chapter, video moment
    <!-- buildit:starter STEP -->      the code the step starts from (the previous step's solution)
    <!-- buildit:checks STEP -->       what the step's checks try, one line each
    <!-- buildit:example STEP -->      the real report of the checks on the step's starter
    <!-- buildit:editor STEP -->       the place of the step's editor and Check button (buildit.js)
    <!-- buildit:track -->             the place of the track's note and reset button (buildit.js)
    <!-- buildit:command STEP -->      the local command that checks the reader's file
    <!-- buildit:solution STEP -->     the step's reference solution
    <!-- buildit:file PATH -->         a file of the repository (PATH from mkdocs.yml's folder), as it
                                       is: the course set-ups on the teaching page (docs/teaching/)

The code is shown in ```` ```python title="..." ```` fences, which the page runner does not run:
a step's code is checked more strictly than by running it. The build runs the step's checks
(buildit/checks.py) on every reference solution it includes, and stops if one does not pass,
naming the page and the check's message; tests/buildit/ checks them and the known-wrong
solutions too. Must come before chapters.py in mkdocs.yml: its `video:` links are resolved there.

The editor and the track's note are empty elements that docs/assets/buildit.js fills only when the
site has the in-page Python (window.mgPython, docs/assets/run/run.js): a page never shows a button
that cannot work. The checks are shipped as assets/buildit/checks.py for it.

In the Chinese edition (theme.language zh) the words the pages generate are Chinese: the steps'
titles and goals and the checks' descriptions come from zh/buildit.yml (`load_chinese`), and the
editor carries the checks' Chinese descriptions and hints for buildit.js. The build stops, naming
the item, when a step or a check of buildit/ has no Chinese text there. Code, file names, commands
and what the checks and the local command print stay as they are.
"""
import hashlib
import html
import json
import os
import re
import sys
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from translation import edition  # a sibling module (MkDocs puts docs/hooks on the path as it loads a hook)

MARKER = re.compile(r"^(?P<indent>[ \t]*)<!-- buildit:(?P<what>[a-z]+)(?: (?P<step>[\w./-]+))? -->[ \t]*$",
                    re.M)
# How a shown file is highlighted, by its ending; never `bash`/`sh`, which the page tests would run.
LANGUAGES = {".yml": "yaml", ".yaml": "yaml", ".sh": "shell", ".py": "python", "": "shell"}
_chapters = {}
_language = ["en"]
_zh = {}  # the Chinese edition: zh/buildit.yml, checked against buildit/ (load_chinese)
ZH_TEXTS = "zh/buildit.yml"
STALE = "英文原文已更新"  # shown after a Chinese text whose English changed since (its `en:` stamp)


def on_config(config):
    root = str(Path(config.config_file_path).parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    # A fresh buildit for every build, so that `mkdocs serve` shows edits to buildit/.
    for name in [m for m in sys.modules if m == "buildit" or m.startswith("buildit.")]:
        del sys.modules[name]
    sys.path.insert(0, os.path.dirname(__file__))
    import chapters  # a sibling module: docs/chapters.yml, with the Chinese titles in the Chinese edition

    _language[0] = edition(config)
    data = chapters.load(_language[0])
    number = 0
    for part in data["parts"]:
        for ch in part["chapters"]:
            number += 1
            _chapters[ch["id"]] = {**ch, "number": number}
    _zh.clear()
    if _language[0] == "zh":
        import buildit
        from buildit import checks
        _zh.update(load_chinese(Path(root) / ZH_TEXTS, buildit.STEPS, checks.CHECKS))
    return config


def english_hash(*texts):
    """The version of an English text that a Chinese one translates (its `en:` stamp)."""
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:10]


def load_chinese(path, steps, checks):
    """The track's Chinese texts (zh/buildit.yml): {"steps": {id: {"title", "goal", "stale"}},
    "checks": {function name: {"does", "hint", "stale"}}, "stale": [...]}. A PluginError names the
    first step or check of buildit/ (`steps`: buildit.STEPS, `checks`: buildit.checks.CHECKS) that
    has no Chinese text, and any entry that names a step or check buildit/ does not have (a renamed
    one's stale translation). An entry whose `en:` stamp is not the hash of today's English (title
    and goal; description and hint) is stale: the pages show the English beside it."""
    where = ZH_TEXTS
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise PluginError(f"{where} is missing: the Chinese edition needs the Chinese title and goal "
                          "of every step and the Chinese description and hint of every check") from None
    step_texts, check_texts = data.get("steps") or {}, data.get("checks") or {}

    def text(entry, key, what):
        value = entry.get(key) if isinstance(entry, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise PluginError(f"{where} has no Chinese {key} for {what}: add it there")
        return value.strip()

    out = {"steps": {}, "checks": {}, "stale": []}
    for s in steps:
        entry = step_texts.get(s.id)
        what = f"the step {s.id!r} of buildit/steps.py ({s.title!r})"
        out["steps"][s.id] = {"title": text(entry, "title", what), "goal": text(entry, "goal", what),
                              "stale": entry.get("en") != english_hash(s.title, s.goal)}
        if out["steps"][s.id]["stale"]:
            out["stale"].append(f"steps: {s.id}")
    for step_id, fns in checks.items():
        group = check_texts.get(step_id) or {}
        for fn in fns:
            entry = group.get(fn.__name__) if isinstance(group, dict) else None
            what = (f"the check {fn.__name__!r} of step {step_id!r} in buildit/checks.py "
                    f"(“{fn.__doc__}”), under checks: {step_id}: {fn.__name__}:")
            out["checks"][fn.__name__] = {"does": text(entry, "does", what), "hint": text(entry, "hint", what),
                                          "stale": entry.get("en") != english_hash(fn.__doc__, fn.hint)}
            if out["checks"][fn.__name__]["stale"]:
                out["stale"].append(f"checks: {step_id}: {fn.__name__}")
    extra = [f"steps: {k}" for k in step_texts if k not in {s.id for s in steps}]
    for step_id, group in check_texts.items():
        names = {fn.__name__ for fn in checks.get(step_id, [])}
        extra += [f"checks: {step_id}: {k}" for k in (group or {}) if k not in names]
    if extra:
        raise PluginError(f"{where} translates what buildit/ does not have (renamed or removed?): "
                          + "; ".join(extra))
    return out


def on_files(files, config):
    # The checks, for the page's Check button: the same file as the local command's, byte for byte.
    checks = Path(config.config_file_path).parent / "buildit" / "checks.py"
    files.append(File.generated(config, "assets/buildit/checks.py", content=checks.read_text(encoding="utf-8")))
    return files


def on_page_markdown(markdown, page, config, files):
    if "<!-- buildit:" not in markdown:
        return markdown
    import buildit
    from buildit import checks

    where = page.file.src_uri
    if _language[0] == "zh":
        _check_chinese_title(markdown, where, buildit.STEPS)
    depth = where.count("/")
    up = "../" * depth  # links from a track page to a chapter page

    def expand(m):
        what, step_id, indent = m["what"], m["step"], m["indent"]
        if what == "steps":
            text = _steps_list(buildit.STEPS, up, where)
        elif what == "track":  # the track's reset and note, filled by docs/assets/buildit.js
            text = '<div class="mg-buildit-track"></div>'
        elif what == "file":
            text = _file(Path(config.config_file_path).parent, step_id or "", where)
        else:
            if not step_id:
                raise PluginError(f"{where}: <!-- buildit:{what} --> needs a step id")
            try:
                s = buildit.get(step_id)
            except LookupError as e:
                raise PluginError(f"{where}: <!-- buildit:{what} {step_id} -->: {e}") from None
            if what == "step":
                text = _step_place(buildit.STEPS, s, up)
            elif what == "starter":
                text = _fence(buildit.starter(step_id), "mycode.py")
            elif what == "solution":
                code = buildit.solution(step_id)
                result = buildit.check(step_id, code, filename=f"buildit/solutions/{step_id}.py")
                if not result.ok:
                    raise PluginError(f"{where}: the reference solution of step {step_id!r} fails "
                                      f"its checks: {result.message}")
                text = _fence(code, f"buildit/solutions/{step_id}.py")
            elif what == "example":  # the real report of checking this step's starter
                result = buildit.check(step_id, buildit.starter(step_id), filename="mycode.py")
                if result.ok:
                    raise PluginError(f"{where}: the starter of step {step_id!r} passes its checks")
                text = f"```text\n{result.report()}\n```"
            elif what == "editor":  # filled by docs/assets/buildit.js when the page can run Python
                i = [x.id for x in buildit.STEPS].index(step_id)
                prev = buildit.STEPS[i - 1].id if i else ""
                starter = html.escape(buildit.starter(step_id), quote=True).replace("\n", "&#10;")
                text = (f'<div class="mg-buildit" data-step="{step_id}" data-prev="{prev}" '
                        f'data-number="{i + 1}" data-starter="{starter}"{_editor_texts(checks, step_id)}></div>')
            elif what == "checks":
                text = "\n".join(f"- {_does(fn)}" for fn in checks.CHECKS[step_id])
            elif what == "command":
                text = f"```console\n$ .venv/bin/python -m buildit check {step_id} mycode.py\n```"
            else:
                raise PluginError(f"{where}: unknown marker <!-- buildit:{what} -->")
        return "\n".join(indent + line if line else line for line in text.split("\n"))

    return MARKER.sub(expand, markdown)


def _check_chinese_title(markdown, where, steps):
    """A Chinese step page is titled `# 第 N 步：<title>`, its title in zh/buildit.yml: the step
    list, the Next links and the page agree."""
    ids = [s.id for s in steps]
    step_id = where[len("build-it/"):-len(".md")] if where.startswith("build-it/") else None
    if step_id not in ids:
        return
    want = f"第 {ids.index(step_id) + 1} 步：{_zh['steps'][step_id]['title']}"
    title = re.search(r"^# (.*)$", markdown, re.M)
    written = re.sub(r"\s*\{[^}]*\}\s*$", "", title[1]).strip() if title else None
    if written != want:
        raise PluginError(f"{where}: the title '# {written}' is not the step's, '# {want}' "
                          f"(its number in buildit/steps.py, its title in {ZH_TEXTS})")


def _does(fn):
    """A check's one-line description, in the edition's language (with the English if that changed
    since it was translated)."""
    if _language[0] != "zh":
        return fn.__doc__
    zh = _zh["checks"][fn.__name__]
    return zh["does"] + (f"（{STALE}：{fn.__doc__}）" if zh["stale"] else "")


def _editor_texts(checks, step_id):
    """The Chinese edition: the Chinese description and hint of every check the step runs (its own
    and the carried ones), by the English description that the checks report, for buildit.js."""
    if _language[0] != "zh":
        return ""
    texts = {fn.__doc__: [_zh["checks"][fn.__name__]["does"], _zh["checks"][fn.__name__]["hint"]]
             for fn in checks.checks_for(step_id) if not _zh["checks"][fn.__name__]["stale"]}
    return f' data-texts="{html.escape(json.dumps(texts, ensure_ascii=False), quote=True)}"'


def _file(root, name, where):
    path = (root / name).resolve()
    if not name or root.resolve() not in path.parents or not path.is_file():
        raise PluginError(f"{where}: <!-- buildit:file {name} -->: there is no such file in the repository")
    language = LANGUAGES.get(path.suffix)
    if language is None:
        raise PluginError(f"{where}: <!-- buildit:file {name} -->: no language known for {path.suffix!r} files")
    text = path.read_text(encoding="utf-8").rstrip()
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f'{ticks}{language} title="{name}"\n{text}\n{ticks}'


def _fence(code, title):
    return f'```python title="{title}"\n{code.rstrip()}\n```'


def _video(seconds):
    return f"[{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}](video:{seconds})"


def _chapter_link(chapter_id, up):
    ch = _chapters[chapter_id]
    if _language[0] == "zh":
        return f"第 {ch['number']} 章《[{ch['title']}]({up}{chapter_id}.md)》"
    return f"chapter {ch['number']}, [{ch['title']}]({up}{chapter_id}.md)"


def _step_place(steps, s, up):
    n = steps.index(s) + 1
    if _language[0] == "zh":
        return (f"[动手实现 micrograd]({up}build-it/index.md) 共 {len(steps)} 步，这是第 {n} 步 · 视频从 "
                f"{_video(s.video)} 开始写这段代码，见{_chapter_link(s.chapter, up)}\n"
                "{ .mg-chapter-meta }")
    return (f"Step {n} of {len(steps)} of [Build it yourself]({up}build-it/index.md) · the video "
            f"writes this code from {_video(s.video)}, in {_chapter_link(s.chapter, up)}\n"
            "{ .mg-chapter-meta }")


def _steps_list(steps, up, where):
    here = where.rsplit("/", 1)[0] + "/" if "/" in where else ""
    rows = []
    for i, s in enumerate(steps, start=1):
        link = f"{s.id}.md" if here == "build-it/" else f"{up}build-it/{s.id}.md"
        if _language[0] == "zh":
            zh = _zh["steps"][s.id]
            stale = f"（{STALE}：{s.title}: {s.goal}）" if zh["stale"] else ""
            rows.append(f'{i}. <span class="mg-buildit-mark" data-step="{s.id}"></span>[{zh["title"]}]({link})——'
                        f'{zh["goal"]}{stale}（视频 {_video(s.video)}，见{_chapter_link(s.chapter, up)}）')
            continue
        rows.append(f'{i}. <span class="mg-buildit-mark" data-step="{s.id}"></span>[{s.title}]({link}): {s.goal} '
                    f"(video {_video(s.video)}, {_chapter_link(s.chapter, up)})")
    return "\n".join(rows)


def stamp_chinese(path, steps, checks):
    """Record in zh/buildit.yml that every entry translates today's English: each entry's `en:` line
    (added under its name, or replaced) is the hash of the English it translates. Check the stale
    entries' Chinese first: `python docs/hooks/track.py` lists them."""
    hashes = {("steps", s.id): english_hash(s.title, s.goal) for s in steps}
    hashes |= {("checks", fn.__name__): english_hash(fn.__doc__, fn.hint) for fns in checks.values() for fn in fns}
    out, block = [], None
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        if re.match(r"^(steps|checks):", line):
            block = line.split(":")[0]
        if re.match(r"^ +en: ", line):
            continue  # written again under its entry's name
        out.append(line)
        m = re.match(r"^( +)([\w-]+):\s*$", line)
        if m and (block, m[2]) in hashes and len(m[1]) == (2 if block == "steps" else 4):
            out.append(f'{m[1]}  en: "{hashes[(block, m[2])]}"')
    Path(path).write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":  # python docs/hooks/track.py [stamp]: the Chinese track texts that are stale
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    import buildit
    from buildit import checks as _checks
    if sys.argv[1:] == ["stamp"]:
        stamp_chinese(root / ZH_TEXTS, buildit.STEPS, _checks.CHECKS)
    stale = load_chinese(root / ZH_TEXTS, buildit.STEPS, _checks.CHECKS)["stale"]
    for name in stale:
        print(f"stale        {ZH_TEXTS}: {name}")
    print(f"{len(stale)} stale texts in {ZH_TEXTS}")
    sys.exit(1 if stale else 0)
