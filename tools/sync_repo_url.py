"""Rewrite the Colab install cell of every chapter notebook from _config.yml's repository.

The first code cell of each notebook installs mml4_lib, with the `course` extra (jupyterquiz,
ipywidgets, ...), from the course repository when (and only when) it runs in Google Colab.
Its URL and branch come from `repository.url` and `repository.branch` in _config.yml; after
changing them, run `make sync-repo-url`.
tests/test_book_config.py fails when a notebook's cell differs from ``install_cell_source()``.

Usage: python tools/sync_repo_url.py [--check]   (--check: report, change nothing, exit 1 if stale)
"""

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Colab only:"  # the first line of the install cell; identifies it


def repository(config_path=ROOT / "_config.yml"):
    """(url, branch) from _config.yml's `repository` section."""
    repo = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")).get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"_config.yml repository.url must be an https:// URL, got {url!r}")
    return url, str(repo.get("branch") or "main")


def install_cell_source(url, branch):
    """The source of the install cell, as a string."""
    return (
        f"{MARKER} install the course library from its repository (elsewhere it is installed).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\",\n"
        f'                    "mml4_lib[course] @ git+{url}@{branch}"], check=True)'
    )


def first_code_cell(nb):
    return next((c for c in nb["cells"] if c["cell_type"] == "code"), None)


def is_install_cell(cell):
    return cell is not None and "".join(cell["source"]).startswith(MARKER)


def sync(path, source):
    """Make the notebook's install cell equal to source (inserting it if absent); True if changed.

    An inserted cell goes before the first code cell, folded on the book page (hide-input).
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = first_code_cell(nb)
    if is_install_cell(cell) and "".join(cell["source"]) == source:
        return False
    if not is_install_cell(cell):
        cell = {"cell_type": "code", "execution_count": None, "id": "colab-install",
                "metadata": {"tags": ["hide-input"]}, "outputs": [], "source": []}
        at = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"),
                  len(nb["cells"]))
        nb["cells"].insert(at, cell)
    cell["source"] = source.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main(argv):
    check = "--check" in argv
    source = install_cell_source(*repository())
    stale = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cell = first_code_cell(json.loads(path.read_text(encoding="utf-8")))
        if cell is None or "".join(cell["source"]) != source:
            stale.append(path.name)
            if not check:
                sync(path, source)
    print(f"sync_repo_url: {len(stale)} notebook(s) {'differ' if check else 'rewritten'}: "
          f"{stale}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
