"""Run every chapter notebook as Colab or a downloaded .ipynb would: alone, with a built wheel.

1. Build a wheel of mml4_lib from a copy of its sources (`pip wheel --no-deps
   --no-build-isolation`: offline, with the pinned setuptools) and install it with
   `pip install --no-deps --target` into a scratch directory; it is put first on PYTHONPATH,
   so the kernel imports it instead of the editable checkout (checked before anything runs).
   The other packages come from the project's venv.
2. Copy each notebook into a scratch directory of its own that holds nothing else.
3. Run them all with `pytest --nbval-lax` (cells marked NBVAL_CHECK_OUTPUT must reproduce their
   pinned outputs), the kernel's working directory being the notebook's scratch directory.

Anything a notebook takes from the repository by relative path (a quiz file, a data file) or a
file the wheel leaves out (package data) fails here. `make notebooks` runs this.

Usage: python tools/run_notebooks_clean.py [NOTEBOOK ...] [-- PYTEST_ARGS ...]
       (default: every chapters/*.ipynb; PYTEST_ARGS e.g. -n 2 --dist loadfile)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_and_install(scratch):
    """Build the wheel and install it into scratch/site; returns that directory."""
    wheels, site, src = scratch / "wheels", scratch / "site", scratch / "src"
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources, and a stale
    # build/lib would put deleted modules into the wheel.
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src)
    shutil.copytree(ROOT / "mml4_lib", src / "mml4_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir",
                    str(wheels), str(src)], check=True)
    (wheel,) = wheels.glob("mml4_lib-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(site),
                    str(wheel)], check=True)
    print(f"run_notebooks_clean: {wheel.name} installed into {site}")
    return site


def main(argv):
    args, pytest_args = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) \
        if "--" in argv else (argv, [])
    notebooks = [Path(a).resolve() for a in args] or sorted((ROOT / "chapters").glob("*.ipynb"))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mml4-clean-") as tmp:
        scratch = Path(tmp)
        site = build_and_install(scratch)
        env = {**os.environ, "PYTHONPATH": str(site)}
        env.pop("MML4_WIDGETS", None)  # live widgets, as in a kernel
        where = subprocess.run(
            [sys.executable, "-c", "import mml4_lib.quiz as q; print(q.__file__)"],
            env=env, cwd=scratch, check=True, capture_output=True, text=True).stdout.strip()
        if not where.startswith(str(site)):
            sys.exit(f"run_notebooks_clean: mml4_lib comes from {where}, not the wheel in {site}")
        copies = []
        for nb in notebooks:
            home = scratch / "run" / nb.stem
            home.mkdir(parents=True)
            copies.append(shutil.copy(nb, home))
        cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
               "--rootdir", str(scratch / "run"), *pytest_args, *map(str, copies)]
        code = subprocess.run(cmd, env=env, cwd=scratch / "run").returncode
    print(f"run_notebooks_clean: {len(notebooks)} notebook(s), exit {code}, "
          f"{time.perf_counter() - start:.0f} s in all")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
