"""The layering rule: imports flow data <- model <- simulation <- components <- pages <- app.

Domain packages never import streamlit. Command-line entry modules (``__main__.py`` and
``cli*.py``) are application edges like ``app.py`` and may reach up a layer (for example
``python -m data check --model`` loads a model); they still never import streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["data", "model", "simulation", "components", "pages"]
DOMAIN = ("data", "model", "simulation")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def is_entry_module(path: Path) -> bool:
    return path.name == "__main__.py" or path.name.startswith("cli")


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_never_import_streamlit(package):
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(package)
        if "streamlit" in imported_modules(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("package", LAYERS)
def test_imports_flow_one_way(package):
    higher = set(LAYERS[LAYERS.index(package) + 1 :]) | {"app"}
    offenders = []
    for path in python_files(package):
        if is_entry_module(path) and package in DOMAIN:
            higher_for_file = {"components", "pages", "app"}
        else:
            higher_for_file = higher
        bad = imported_modules(path) & higher_for_file
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


def test_the_scan_sees_a_streamlit_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom streamlit import cache_data\n", encoding="utf-8")
    assert imported_modules(sample) == {"os", "streamlit"}
