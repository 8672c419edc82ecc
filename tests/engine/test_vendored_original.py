"""The vendored original (third_party/micrograd-0.1.0/) is byte for byte the PyPI sdist's code.

The SHA-256 values were taken from the files inside micrograd-0.1.0.tar.gz as downloaded from PyPI
(sdist SHA-256 81797b79...845d), which are also the files of karpathy/micrograd at c911406. The test
runs offline; third_party/micrograd-0.1.0/README.md says how to check the recorded values yourself.
"""
import hashlib
from pathlib import Path

import pytest

VENDORED = Path(__file__).resolve().parents[2] / "third_party" / "micrograd-0.1.0"
SDIST_SHA256 = {
    "micrograd/__init__.py": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "micrograd/engine.py": "95f19fa3734458d868e067d770f0773027763a2f654900bfbc1df8c5413acf84",
    "micrograd/nn.py": "f54453501abc4fd38ae724a8b378d6a5d23bfdd0a49c77e619b95f86ad16594d",
}


@pytest.mark.parametrize("name", SDIST_SHA256)
def test_vendored_file_is_the_sdists(name):
    digest = hashlib.sha256((VENDORED / name).read_bytes()).hexdigest()
    assert digest == SDIST_SHA256[name], f"{name} differs from micrograd 0.1.0's sdist: do not edit it"


def test_the_readme_records_the_same_hashes():
    readme = (VENDORED / "README.md").read_text(encoding="utf-8")
    for name, digest in SDIST_SHA256.items():
        assert f"| `{name}` | `{digest}` |" in readme, name


def test_the_mit_licence_ships_beside_it():
    licence = (VENDORED / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("The MIT License (MIT) Copyright (c) 2020 Andrej Karpathy")
    assert "The above copyright notice and this permission notice shall be included" in licence
