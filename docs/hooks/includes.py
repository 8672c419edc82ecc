"""Engine code on the pages: never copied, always included at build time.

A page writes

    ```source
    micrograd.engine.Value.__mul__
    ```

and the build replaces it with that method's source, read from micrograd/engine.py with `ast`,
shown with its real line numbers and a link to the line in the full file. A module name alone
(`micrograd.nn`) includes the whole file. The full files are generated as pages under source/.

The original micrograd 0.1.0, vendored in third_party/micrograd-0.1.0/, is included the same way
under the prefix `original.`: `original.engine.Value.__mul__` is the original's `__mul__`, and
`original.nn` its whole nn.py.

A reference that does not resolve stops the build, naming the page and the reference.
"""
import ast
import posixpath
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from translation import edition  # a sibling module (MkDocs puts docs/hooks on the path as it loads a hook)

LINE_ANCHOR = "__codelineno-0-"  # pymdownx.highlight's id for line N of a page's first code block
FENCE = re.compile(r"^(?P<indent>[ \t]*)```source[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
# A fence of four or more backticks shows Markdown as it is written (docs/contributing.md shows how
# to write a ```source block): a ```source inside it is an example, not a reference.
OUTER_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{4,})[^\n]*\n.*?^(?P=indent)(?P=ticks)[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Codebase:
    prefix: str  # the first part of a reference: `micrograd` or `original`
    folder: str  # its package folder, relative to the folder of mkdocs.yml
    page: str  # the generated full-file page of module `m` is source/{page}{m}.md
    shown: str  # how captions name its files

    def package_dir(self, config):
        return Path(config.config_file_path).parent / self.folder


CODEBASES = {
    c.prefix: c
    for c in (
        Codebase("micrograd", "micrograd", "", "micrograd/"),
        Codebase("original", "third_party/micrograd-0.1.0/micrograd", "original-", "original micrograd 0.1.0, micrograd/"),
    )
}


def _zh(config):
    return edition(config) == "zh"


def on_files(files, config):
    if _zh(config):
        return files  # the Chinese edition links to the English source pages (hooks/translation.py)
    for base in CODEBASES.values():
        for path in sorted(base.package_dir(config).glob("*.py")):
            if path.name != "__init__.py":
                files.append(File.generated(config, f"source/{base.page}{path.stem}.md",
                                            content=_source_page(base, path)))
    return files


def on_page_markdown(markdown, page, config, files):
    def expand(m):
        ref = m.group("body").strip()
        try:
            base, path, start, end, code = resolve(ref, config)
        except LookupError as e:
            raise PluginError(f"{page.file.src_uri}: ```source block: {e}") from None
        # A link to the generated page's Markdown file, so MkDocs checks the file and the line
        # anchor (on_page_content below makes the line anchors visible to that check).
        if _zh(config):  # the Chinese edition has no source pages: the English one's, by URL
            link = "../" * (page.url.count("/") + 1) + f"source/{base.page}{path.stem}/"
            caption = f"[`{base.shown}{path.name}`，第 {start}–{end} 行]({link}#{LINE_ANCHOR}{start})"
        else:
            link = posixpath.relpath(f"source/{base.page}{path.stem}.md", posixpath.dirname(page.file.src_uri) or ".")
            caption = f"[`{base.shown}{path.name}`, lines {start}–{end}]({link}#{LINE_ANCHOR}{start})"
        title = ref.split(".", 2)[2] if ref.count(".") > 1 else f"{base.shown}{path.name}"
        fence = f'```python linenums="{start}" title="{title}"\n{code}```\n{caption}' + "{ .mg-source-link }"
        return textwrap.indent(fence, m.group("indent"), lambda line: True)

    parts, last = [], 0
    for outer in OUTER_FENCE.finditer(markdown):
        parts += [FENCE.sub(expand, markdown[last:outer.start()]), outer.group(0)]
        last = outer.end()
    return "".join(parts + [FENCE.sub(expand, markdown[last:])])


def on_page_content(html, page, config, files):
    """Tell MkDocs' link check about a source page's line anchors. pymdownx.highlight writes them
    inside the code block's HTML, which MkDocs does not search for ids; without this, every link
    to a line would be reported as a missing anchor."""
    generated_source = page.file.generated_by is not None and page.file.src_uri.startswith("source/")
    if generated_source and page.present_anchor_ids is not None:
        page.present_anchor_ids |= set(re.findall(rf'\bid="({LINE_ANCHOR}\d+)"', html))
    return html


def resolve(ref, config):
    """(codebase, file, first line, last line, code) of `prefix.module[.Qualified.name]`."""
    parts = ref.split(".")
    forms = " or ".join(f"{p}.module[.name]" for p in CODEBASES)
    if len(parts) < 2 or parts[0] not in CODEBASES:
        raise LookupError(f"{ref!r} is not of the form {forms}")
    base = CODEBASES[parts[0]]
    path = base.package_dir(config) / f"{parts[1]}.py"
    if not path.is_file():
        raise LookupError(f"{ref!r}: there is no module {base.folder}/{parts[1]}.py")
    text = path.read_text(encoding="utf-8")
    if len(parts) == 2:
        return base, path, 1, len(text.splitlines()), text
    found = definition(text, parts[2:])
    if found is None:
        raise LookupError(f"{ref!r}: {base.folder}/{path.name} has no {'.'.join(parts[2:])}")
    return (base, path, *found)


def definition(text, names):
    """(first line, last line, code) of the class or function `names` (a qualified name, split at
    its dots) in the Python source `text`, decorators included and dedented; None if there is none.
    hooks/lecture.py finds the lecture's code with it too."""
    lines = text.splitlines(keepends=True)
    node = ast.parse(text)
    for name in names:
        found = [n for n in getattr(node, "body", []) if getattr(n, "name", None) == name
                 and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        if not found:
            return None
        node = found[0]
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return start, node.end_lineno, textwrap.dedent("".join(lines[start - 1 : node.end_lineno]))


def _source_page(base, path):
    code = path.read_text(encoding="utf-8")
    heading = f"`{base.shown}{path.name}`"
    if base.prefix == "original":
        heading = f"The original micrograd 0.1.0: `micrograd/{path.name}`"
        about = (f"The original micrograd's `{path.name}`, version 0.1.0 (the code the lecture reads in its "
                 f"last chapter), vendored byte for byte in `{base.folder}/` with its MIT licence, "
                 f"Copyright (c) 2020 Andrej Karpathy. The chapters include excerpts of it by name; each "
                 f"links to its lines here.")
    else:
        about = ("The whole file, exactly as the chapters include it: every excerpt on a chapter page links "
                 "to its lines here.")
    return f"# {heading} {{ #source }}\n\n{about}\n\n" f'```python linenums="1"\n{code}```\n'
