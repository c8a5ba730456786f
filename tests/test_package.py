"""The package's import contract: the core needs NumPy only; heavy modules load on demand."""

import subprocess
import sys

import pytest


def test_core_import_does_not_pull_matplotlib_or_ipywidgets():
    code = (
        "import sys, mml4_lib\n"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'sklearn') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core import pulled in: {out.stdout.strip()}"


def test_compute_layer_needs_no_matplotlib_or_ipywidgets():
    # Every core and lab module (and the scalar autograd) imports with both blocked: the
    # numbers the book shows never depend on a figure or a widget.
    code = (
        "import importlib, pkgutil, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('matplotlib', 'ipywidgets', 'PIL'):\n"
        "            raise ImportError(f'blocked: {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import mml4_lib, mml4_lib.lab\n"
        "names = ['mml4_lib.' + m for m in ('activations', 'base', 'data', 'gradcheck', 'graph',\n"
        "         'init', 'layers', 'losses', 'optim', 'stats', 'train')]\n"
        "names += ['mml4_lib.lab.' + i.name for i in pkgutil.iter_modules(mml4_lib.lab.__path__)]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 20  # 11 core modules and every lab module were imported


def test_lazy_module_loads_on_first_use():
    import mml4_lib

    assert mml4_lib.plotting.__name__ == "mml4_lib.plotting"


def test_unknown_attribute_names_itself():
    import mml4_lib

    with pytest.raises(AttributeError, match="no_such_module"):
        mml4_lib.no_such_module  # noqa: B018


def test_every_subpackage_is_installable():
    # Colab installs mml4_lib from git (not editable): each folder of modules must be a package
    # that pyproject's `packages.find` picks up.
    import pathlib

    import tomllib
    from setuptools import find_packages

    root = pathlib.Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text())
    include = conf["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(where=str(root), include=include))
    folders = {
        ".".join(p.parent.relative_to(root).parts)
        for p in (root / "mml4_lib").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert folders <= found, f"not installed as packages: {sorted(folders - found)}"


def test_the_wheel_holds_every_data_file_of_the_package(tmp_path):
    # Colab and a downloaded notebook get mml4_lib from a wheel: the quizzes and the live
    # widgets' script (mml4_lib/assets) must be in it, not only in the checkout.
    import pathlib
    import shutil
    import zipfile

    root = pathlib.Path(__file__).resolve().parents[1]
    src = tmp_path / "src"  # a copy: setuptools writes build/ and *.egg-info beside the sources
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, src)
    shutil.copytree(root / "mml4_lib", src / "mml4_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet",
                    "wheel", "--no-deps", "--no-index", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(src)], check=True)
    (wheel,) = tmp_path.glob("mml4_lib-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {p.relative_to(src).as_posix() for p in (src / "mml4_lib").rglob("*")
            if p.is_file() and p.suffix != ".py"}
    assert {"mml4_lib/assets/live-widgets.js", "mml4_lib/assets/widgets-a11y.css",
            "mml4_lib/quizzes/ch01.json"} <= data
    assert data <= names, f"not in the wheel: {sorted(data - names)}"


def test_course_extra_has_what_the_notebooks_import_with_lower_bounds_only():
    # Colab installs mml4_lib[course]: an exact pin (==) or an upper bound on a package Colab
    # preinstalls would downgrade it and force a runtime restart.
    import ast
    import json
    import pathlib
    import re

    import tomllib

    root = pathlib.Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text())
    course = conf["project"]["optional-dependencies"]["course"]
    names = {re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower(): req for req in course}
    assert {"jupyterquiz", "ipywidgets", "matplotlib", "scikit-learn", "pillow"} <= set(names)
    preinstalled = ("ipywidgets", "matplotlib", "scikit-learn", "pillow")
    for name in preinstalled:
        assert re.fullmatch(rf"{name}>=[\d.]+", names[name], re.I), names[name]
    # Every top-level import of the chapters is the library, the standard library or in the
    # extra (or NumPy, a dependency of mml4_lib itself).
    provided = {"mml4_lib", "numpy", "jupyterquiz", "ipywidgets", "traitlets", "matplotlib",
                "sklearn", "PIL", "IPython"}
    imported = set()
    for path in (root / "chapters").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        imported |= set(re.findall(r"^\s*(?:from|import) ([A-Za-z_]\w*)", code, re.M))
    assert {"mml4_lib", "numpy"} <= imported
    # ... and so is every import of the library (matplotlib brings contourpy, scikit-learn
    # threadpoolctl).
    for path in (root / "mml4_lib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    provided |= {"contourpy", "threadpoolctl"}
    missing = {m for m in imported - provided if m not in sys.stdlib_module_names}
    assert not missing, f"chapters import {sorted(missing)}, which mml4_lib[course] lacks"
