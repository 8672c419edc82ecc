"""A small copy of the site for tests that must build or publish: the real mkdocs.yml, hooks, theme
overrides, assets, CITATION.cff and pyproject.toml, with a few pages of the test's own.

The notebook and API-reference plugins are left out (they only slow a small build down); every
other plugin and hook is the real one, with its real settings, and `!ENV` tags stay `!ENV` tags,
so the environment (SITE_URL, VERSION_PROVIDER) acts on the copy as on the real site.
"""
import shutil

import yaml

from conftest import ROOT

SLOW_PLUGINS = {"mkdocs-jupyter", "mkdocstrings", "autorefs"}


class _Tagged:
    """A YAML node with a tag (`!ENV`, `!relative`, `!!python/name:`) kept as it is."""

    def __init__(self, node):
        self.node = node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged(node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged(node))
_Dumper.add_representer(_Tagged, lambda dumper, data: data.node)


def _name(plugin):
    return plugin if isinstance(plugin, str) else next(iter(plugin))


def make_minisite(path, pages, nav, plugin_config=None):
    """Write a site into `path`: `pages` {docs path: text}, `nav` (as in mkdocs.yml), and per-plugin
    option overrides {plugin name: {option: value}}. Returns the path of its mkdocs.yml."""
    docs = path / "docs"
    # Everything the build needs from docs/ (hooks, theme overrides, assets, metadata), no page.
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("*.md", "examples", "__pycache__"))
    for package in ("micrograd", "buildit"):  # the engine, and the track's checks (hooks/track.py)
        shutil.copytree(ROOT / package, path / package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("CITATION.cff", "pyproject.toml"):
        shutil.copy(ROOT / name, path / name)
    (path / "web").symlink_to(ROOT / "web", target_is_directory=True)  # the in-page Python (hooks/runner.py)
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    config["nav"] = nav
    config.pop("watch", None)
    plugins = []
    for plugin in config["plugins"]:
        name = _name(plugin)
        if name in SLOW_PLUGINS:
            continue
        if plugin_config and name in plugin_config:
            options = dict(plugin[name] or {}) if isinstance(plugin, dict) else {}
            options.update(plugin_config[name])
            plugin = {name: options}
        plugins.append(plugin)
    config["plugins"] = plugins
    (path / "mkdocs.yml").write_text(yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True),
                                     encoding="utf-8")
    return path / "mkdocs.yml"


CHAPTER = """\
# micrograd overview { #overview }

Some math: $f(x) = 3x^2 - 4x + 5$, and at [0:00:25](video:25) the video starts on it.

## An expression { #an-expression }

```python
from micrograd import Value
a = Value(2.0, label="a")
b = a * 3; b.label = "b"
print(b.data)
```

<!--pytest-codeblocks:expected-output-->
```text
6.0
```

```graph
b
```

$$\\frac{db}{da} = 3$$
"""

HOME = "# A small copy of the site { #home }\n\nIts home page.\n"
