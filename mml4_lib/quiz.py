"""The chapters' self-check quizzes, shipped inside the package so they work anywhere.

Each chapter ends with ``ml.quiz.show("chNN")``. The questions live in
``mml4_lib/quizzes/chNN.json`` (package data, read with ``importlib.resources``), so the cell
works in the book, in JupyterLab, in Colab and in a downloaded notebook alike, wherever the
notebook's working directory is. They are displayed with jupyterquiz (``pip install
"mml4_lib[course]"``).

Quiz text is plain Unicode, never TeX: jupyterquiz would typeset ``$...$`` with the page's
MathJax, which JupyterLab does not expose and Colab does not load, and it then fetches MathJax
from a CDN (and throws when that fails offline). ``show`` runs jupyterquiz's script with
MathJax out of its sight, so the quiz never loads anything from the network.
"""

import json
import re
from importlib import resources

_CHAPTER = re.compile(r"ch\d\d[a-z]?")  # ch05b: a page after chapter 5


def chapters():
    """The names of the quizzes in the package, sorted: ["ch01", "ch02", ...]."""
    names = (f.name for f in resources.files(__package__).joinpath("quizzes").iterdir())
    return sorted(n[:-5] for n in names if n.endswith(".json") and _CHAPTER.fullmatch(n[:-5]))


def questions(chapter):
    """The questions of a chapter's quiz, as jupyterquiz's list of dicts.

    chapter: "ch01" ... "ch10" (or "ch05b"), the chapter's number as in its notebook's name.
    """
    names = chapters()
    if not isinstance(chapter, str) or chapter not in names:
        raise ValueError(f"chapter must be one of {names}, got {chapter!r}")
    text = resources.files(__package__).joinpath("quizzes", f"{chapter}.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def _isolated_from_mathjax(script):
    """jupyterquiz's script run with MathJax undefined inside it: no typesetting, no CDN fetch.

    Wrapping it in a function whose parameter is named MathJax shadows the page's global for
    every reference in the script, and keeps its declarations out of the page's global scope.
    """
    return f"(function (MathJax) {{\n{script}\n}})(undefined);\n"


def show(chapter):
    """Display a chapter's self-check quiz in the notebook (chapter: "ch01" ... "ch10")."""
    items = questions(chapter)
    try:
        from jupyterquiz import display_quiz
    except ImportError as err:
        raise ImportError(
            "the quiz needs jupyterquiz: pip install 'mml4_lib[course]' (or jupyterquiz)"
        ) from err
    from IPython.display import display
    from IPython.utils.capture import capture_output

    with capture_output(stdout=False, stderr=False) as captured:
        display_quiz(items)
    kinds = [sorted(out.data) for out in captured.outputs]
    if not any("application/javascript" in k for k in kinds):
        raise RuntimeError(f"jupyterquiz displayed no script (outputs: {kinds}); "
                           "this version of jupyterquiz is not supported")
    for out in captured.outputs:
        data = dict(out.data)
        if "application/javascript" in data:
            data["application/javascript"] = _isolated_from_mathjax(data["application/javascript"])
        display(data, metadata=out.metadata, raw=True)
