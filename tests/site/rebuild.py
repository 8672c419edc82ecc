"""Build a site several times in ONE process, editing files in between, the way `mkdocs serve`
rebuilds (a new config per build, `on_startup` once, hook modules and plugins' state kept).

    python rebuild.py STEPS.json

STEPS.json: {"config": "<mkdocs.yml>", "steps": [{"site": "<folder>", "write": {"<path>": "<text>"}}, ...]}
Each step writes its files, then builds into its folder. The log goes to stderr with a line
`=== step N ===` before each build; the exit code is 1 if a build fails.
"""
import json
import logging
import sys
from pathlib import Path


def run(spec):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # As the mkdocs command sets up its log: the `mkdocs` logger only, not passed on to the root.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(1)
    logger.propagate = False
    started = False
    for n, step in enumerate(spec["steps"], start=1):
        for path, text in step.get("write", {}).items():
            Path(path).write_text(text, encoding="utf-8")
        print(f"=== step {n} ===", file=sys.stderr, flush=True)
        config = load_config(config_file=spec["config"], site_dir=step["site"])
        if not started:
            config.plugins.on_startup(command="serve", dirty=False)
            started = True
        try:
            build(config)
        except (MkDocsException, SystemExit) as e:
            print(f"ERROR   -  step {n} failed: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
