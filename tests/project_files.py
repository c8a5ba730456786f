"""What the tests share about the repository: its root, the chapter notebooks, the tools/ scripts.

The scripts in tools/ are not a package (the Makefile runs them as files), so a test loads one
with ``load_tool("exercise_blocks")``.
"""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))  # numbered: not explorers


def load_tool(name):
    """The module tools/<name>.py, loaded from its file."""
    path = ROOT / "tools" / f"{name}.py"
    if not path.is_file():
        raise FileNotFoundError(f"load_tool: no script tools/{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
