"""mml4_lib.quiz: the quizzes are package data, and the quiz script never reaches for MathJax."""

import json

import pytest

from mml4_lib import quiz


@pytest.fixture
def shell():
    """An IPython shell, so that display() publishes rich outputs that can be captured."""
    from IPython.core.interactiveshell import InteractiveShell

    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()


def test_every_chapter_has_a_quiz_in_the_package():
    numbered = [f"ch{n:02d}" for n in range(1, 11)]
    assert quiz.chapters() == sorted([*numbered, "ch05b"])  # 05b: the page after chapter 5
    for name in quiz.chapters():
        items = quiz.questions(name)
        assert isinstance(items, list) and items and all("question" in q for q in items)


@pytest.mark.parametrize("bad", ["ch1", "ch11", "quizzes/ch01.json", 1, None])
def test_questions_names_the_expected_chapters(bad):
    with pytest.raises(ValueError, match=r"chapter must be one of \['ch01', .*got"):
        quiz.questions(bad)


def test_show_displays_the_quiz_with_mathjax_out_of_reach(shell):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        quiz.show("ch01")
    kinds = [sorted(out.data) for out in captured.outputs]
    assert ["text/html", "text/plain"] in kinds
    scripts = [out.data["application/javascript"] for out in captured.outputs
               if "application/javascript" in out.data]
    assert len(scripts) == 1
    script = scripts[0]
    # jupyterquiz's own code refers to MathJax (and to a CDN copy of it) ...
    assert "MathJax" in script and "cdn.jsdelivr.net/npm/mathjax" in script
    # ... but runs inside a function whose parameter MathJax is undefined.
    assert script.startswith("(function (MathJax) {\n")
    assert script.rstrip().endswith("})(undefined);")
    first = quiz.questions("ch01")[0]["question"]
    assert json.dumps(first)[1:-1] in script


def test_show_rejects_an_unknown_chapter_before_importing_anything(shell):
    with pytest.raises(ValueError, match="got 'ch99'"):
        quiz.show("ch99")
