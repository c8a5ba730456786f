"""Every chapter notebook has the course's anatomy (see the brief for chapter authors).

Checked on the notebook sources: the Colab install cell first, one seeded import cell, learning
goals and prerequisites, a summary, a self-check quiz whose JSON exists and is well formed,
at least four exercises, each with its folded solution right below it, and at least two
auto-checked code exercises.
"""

import json
import re

import pytest
from project_files import CHAPTERS, load_tool

from mml4_lib import quiz

exercise_blocks = load_tool("exercise_blocks")


def chapter_id(path):
    """"05" for 05_backpropagation, "05b" for 05b_your_own_engine (a page after chapter 5)."""
    return re.match(r"\d\d[a-z]?(?=_)", path.stem).group(0)


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"]), c.get("metadata", {})) for c in nb["cells"]]


def test_there_are_chapters():
    assert len(CHAPTERS) >= 1


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_anatomy(path):
    cells = _cells(path)
    code = [src for kind, src, _ in cells if kind == "code"]
    md = "\n".join(src for kind, src, _ in cells if kind == "markdown")

    assert code[0].startswith("# Colab only"), "the first code cell must be the Colab install cell"
    assert any("default_rng(" in src for src in code[:3]), "a seeded rng in the import cell"
    assert "**Learning goals.**" in md, "learning goals at the top"
    assert "**Prerequisites.**" in md, "prerequisites at the top"
    assert re.search(r"^## Summary", md, re.M), "a summary section"

    # The format of tools/exercise_blocks.py (README "Exercises"); it raises on a malformed block.
    found = exercise_blocks.notebook_blocks(json.loads(path.read_text(encoding="utf-8")))
    exercises = [b.label for b in found if b.kind == "exercise"]
    solutions = [b.label for b in found if b.kind == "solution"]
    assert len(exercises) >= 4, f"at least 4 exercises, found {len(exercises)}"
    assert len(set(exercises)) == len(exercises), f"duplicate exercise labels {exercises}"
    assert solutions == exercises, "every exercise has one folded solution, right below it"
    chapter = chapter_id(path)
    assert all(label.startswith(f"ex-ch{chapter}-") for label in exercises), exercises
    assert not re.search(r"\{(?:exercise|solution)\}", md), "directives: use the notebook format"

    checked = [src for src in code if re.search(r"check_\w+\(", src)]
    assert len(checked) >= 2, f"at least 2 auto-checked code exercises, found {len(checked)}"

    quiz_cells = [
        (src, meta) for kind, src, meta in cells if kind == "code" and "quiz.show(" in src
    ]
    assert len(quiz_cells) == 1, "one self-check quiz"
    src, meta = quiz_cells[0]
    assert "remove-input" in meta.get("tags", []), "the quiz cell hides its code"
    assert src.strip() == f'ml.quiz.show("ch{chapter}")', f"the quiz cell is {src!r}"
    questions = quiz.questions(f"ch{chapter}")  # package data, not a file beside the notebook
    assert 3 <= len(questions) <= 5, f"3-5 quiz questions, found {len(questions)}"
    for q in questions:
        answers = q["answers"]
        assert sum(a["correct"] for a in answers) >= 1, f"no correct answer: {q['question']}"
        assert all(a.get("feedback") for a in answers), f"feedback missing: {q['question']}"
        texts = [q["question"], *(a["answer"] for a in answers), *(a["feedback"] for a in answers)]
        tex = [t for t in texts if re.search(r"\$|\\\(|\\\[", t)]
        assert not tex, f"quiz text is plain Unicode, not TeX (see mml4_lib/quiz.py): {tex[0]!r}"
