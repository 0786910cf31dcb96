"""The core (privacy_office/) imports no app: apps plug into it by discovery."""

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "privacy_office"
APPS = {
    "accounts",
    "activity",
    "audit",
    "cookies",
    "datarequests",
    "demo",
    "disclosures",
    "policies",
}
# Project wiring that itself imports every app.
WIRING = {"config"}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Return (line, module) for every import, at module level or inside a function,
    including ``import_module("…")`` / ``__import__("…")`` with a literal name."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if (
                name in {"import_module", "__import__"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((node.lineno, node.args[0].value))
    return found


def test_the_core_imports_no_app():
    offending = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, module in imported_modules(tree):
            if module.split(".")[0] in APPS | WIRING:
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {module}")

    assert offending == []


def test_the_walk_sees_imports_inside_functions():
    tree = ast.parse(
        "def f():\n"
        "    from accounts.models import User\n"
        "    import cookies.seed\n"
        "    return import_module('datarequests.tasks')\n"
    )

    assert [module for _, module in imported_modules(tree)] == [
        "accounts.models",
        "cookies.seed",
        "datarequests.tasks",
    ]


@pytest.mark.skipif(
    bool(os.environ.get("PRIVACY_OFFICE_TEST_NOW")),
    reason="the wheel does not depend on the date: built once, in the run on today's date",
)
def test_the_wheel_packages_every_app_and_the_project(tmp_path):
    # Built from a copy, with the venv's own setuptools: no network, nothing left in the tree.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", ".local", ".git", "build", "*.egg-info"),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            str(source),
            "-w",
            tmp_path,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()

    packages = {name.split("/")[0] for name in names if name.endswith("/__init__.py")}
    assert packages >= APPS | WIRING | {"privacy_office", "devservers"}
    assert "privacy_office/static/privacy_office/site.css" in names
    assert "accounts/migrations/0001_initial.py" in names
