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


def test_lazy_module_loads_on_first_use():
    import mml4_lib

    assert mml4_lib.plotting.__name__ == "mml4_lib.plotting"


def test_unknown_attribute_names_itself():
    import mml4_lib

    with pytest.raises(AttributeError, match="no_such_module"):
        mml4_lib.no_such_module  # noqa: B018
