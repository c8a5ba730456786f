"""Notebooks are committed without outputs, and every chapter page is in the table of contents.

One exception: a cell whose first line is ``# NBVAL_CHECK_OUTPUT`` keeps its text output, because
that output is the pinned reference nbval compares the fresh run against (chapter 5's table of
Mazur's numbers). Such a cell may hold only plain-text stream output, never images or HTML.
"""

import json
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _tracked_notebooks():
    out = subprocess.run(
        ["git", "ls-files", "chapters"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    tracked = [ROOT / p for p in out.stdout.split() if p.endswith(".ipynb")]
    # Outside a git checkout (e.g. a source tarball) fall back to every notebook on disk.
    return tracked or sorted((ROOT / "chapters").glob("*.ipynb"))


NOTEBOOKS = _tracked_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty, bad_pins = [], []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or not (cell.get("outputs") or cell.get("execution_count")):
            continue
        if "".join(cell["source"]).startswith("# NBVAL_CHECK_OUTPUT"):
            if any(out.get("output_type") != "stream" for out in cell.get("outputs", [])):
                bad_pins.append(i)
        else:
            dirty.append(i)
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"
    assert not bad_pins, f"{path.name}: pinned cells {bad_pins} may hold only text output"


def _toc_files():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def test_toc_lists_only_existing_pages_and_every_chapter_page():
    listed = _toc_files()
    missing = [
        f for f in listed if not any((ROOT / (f + ext)).exists() for ext in (".md", ".ipynb"))
    ]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"
    on_disk = {
        str(p.relative_to(ROOT).with_suffix(""))
        for p in (ROOT / "chapters").iterdir()
        if p.suffix in (".md", ".ipynb")
    }
    unlisted = sorted(on_disk - set(listed))
    assert not unlisted, f"chapter pages missing from _toc.yml: {unlisted}"
