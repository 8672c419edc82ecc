"""Shared names for the site tests. The session build (`built_site`) and the end-of-run figures
live in tests/conftest.py, shared with the browser tests; they are re-exported here so that
`from conftest import ROOT, FIGURES, mkdocs_build` keeps working in this folder."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitebuild import FIGURES, ROOT, mkdocs_build  # noqa: E402,F401

sys.path.insert(0, str(ROOT / "docs" / "hooks"))
