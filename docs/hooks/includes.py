"""The engine's own code on the pages: never copied, always included at build time.

A page writes

    ```source
    micrograd.engine.Value.__mul__
    ```

and the build replaces it with that method's source, read from micrograd/engine.py with `ast`,
shown with its real line numbers and a link to the line in the full file. A module name alone
(`micrograd.nn`) includes the whole file. The full files are generated as pages under source/.
A reference that does not resolve stops the build, naming the page and the reference.
"""
import ast
import posixpath
import re
import textwrap
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

PACKAGE = "micrograd"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```source[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)


def on_files(files, config):
    for path in sorted(_package_dir(config).glob("*.py")):
        if path.name != "__init__.py":
            files.append(File.generated(config, f"source/{path.stem}.md", content=_source_page(path)))
    return files


def on_page_markdown(markdown, page, config, files):
    def expand(m):
        ref = m.group("body").strip()
        try:
            path, start, end, code = resolve(ref, _package_dir(config))
        except LookupError as e:
            raise PluginError(f"{page.file.src_uri}: ```source block: {e}") from None
        # A plain URL, not a .md link: MkDocs cannot see the line anchors inside a code block.
        link = posixpath.relpath(f"source/{path.stem}/", page.url or ".") + "/"
        caption = f"[`{PACKAGE}/{path.name}`, lines {start}–{end}]({link}#__codelineno-0-{start})"
        title = ref.removeprefix(f"{PACKAGE}.{path.stem}.") if ref.count(".") > 1 else f"{PACKAGE}/{path.name}"
        fence = f'```python linenums="{start}" title="{title}"\n{code}```\n{caption}' + "{ .mg-source-link }"
        return textwrap.indent(fence, m.group("indent"), lambda line: True)

    return FENCE.sub(expand, markdown)


def resolve(ref, package_dir):
    """(file, first line, last line, code) of `micrograd.module[.Qualified.name]`."""
    parts = ref.split(".")
    if len(parts) < 2 or parts[0] != PACKAGE:
        raise LookupError(f"{ref!r} is not of the form {PACKAGE}.module[.name]")
    path = package_dir / f"{parts[1]}.py"
    if not path.is_file():
        raise LookupError(f"{ref!r}: there is no module {PACKAGE}/{parts[1]}.py")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if len(parts) == 2:
        return path, 1, len(lines), text
    node = ast.parse(text)
    for name in parts[2:]:
        found = [n for n in getattr(node, "body", []) if getattr(n, "name", None) == name
                 and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        if not found:
            raise LookupError(f"{ref!r}: {PACKAGE}/{path.name} has no {'.'.join(parts[2:])}")
        node = found[0]
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return path, start, node.end_lineno, textwrap.dedent("".join(lines[start - 1 : node.end_lineno]))


def _package_dir(config):
    return Path(config.config_file_path).parent / PACKAGE


def _source_page(path):
    code = path.read_text(encoding="utf-8")
    return (
        f"# `{PACKAGE}/{path.name}` {{ #source }}\n\n"
        f"The whole file, exactly as the chapters include it: every excerpt on a chapter page links to "
        f"its lines here.\n\n"
        f'```python linenums="1"\n{code}```\n'
    )
