"""'Going further' blocks: optional depth folded in every front end (README "Conventions").

A block is `<details class="going-further">`, a `<summary>Going further: ...</summary>` line, a
blank line, Markdown without headings (a heading would end the section the HTML opened), and a
`</details>` line, all in one Markdown cell.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
BLOCK = re.compile(
    r'^<details class="going-further">\n<summary>Going further: [^<\n]+</summary>\n\n'
    r"(?P<body>.*?)\n</details>$",
    re.M | re.S,
)


def markdown_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_going_further_blocks_are_well_formed(path):
    for text in markdown_cells(path):
        opened = text.count('<details class="going-further">')
        blocks = list(BLOCK.finditer(text))
        assert len(blocks) == opened, f"{path.name}: malformed Going further: {text[:60]!r}"
        for block in blocks:
            assert not re.search(r"^#", block["body"], re.M), f"{path.name}: a heading inside"


def test_chapters_1_and_5_fold_their_optional_depth():
    for name, at_least in (("01_logistic_regression", 3), ("05_backpropagation", 2)):
        text = "\n".join(markdown_cells(ROOT / "chapters" / f"{name}.ipynb"))
        assert len(BLOCK.findall(text)) >= at_least, name
