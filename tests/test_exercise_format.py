"""Exercises and solutions read right without MyST, and become sphinx-exercise blocks in the book.

The notebooks write each exercise as a bold title line and each solution as a collapsed
`<details class="solution">` element (tools/exercise_blocks.py; README "Exercises"). Colab, a
downloaded notebook in another front end, and GitHub render plain Markdown with HTML only. Their
stand-in here is nbconvert's HTML exporter (mistune, no MyST): in its output no line of any
solution's code or prose may be readable outside a closed `<details>`, and the exercise statements
must read as text, not directive syntax.
"""

import json
import re

import pytest
from project_files import CHAPTERS as NOTEBOOKS
from project_files import load_tool

blocks = load_tool("exercise_blocks")

EXAMPLE = """## Exercises

**Exercise (A stable sigmoid).** <a id="ex-a"></a>

Write `sigmoid(z)`.

```python
def sigmoid(z): ...
```

<details class="solution">
<summary>Solution</summary>

```python
return np.where(z >= 0, 1, 0)
```

</details>

**Exercise (Second).** <a id="ex-b"></a>

Think.
"""

# (Other directives, such as {math} with its :label:, are not this test's business.)
DIRECTIVE_SYNTAX = re.compile(r"\{(?:exercise|solution)\}|^:label: ex-|^:class: dropdown", re.M)


def _fingerprints(body):
    """Lines that identify a solution: its code lines and plain prose lines, whitespace-normalized.

    Lines of `{literalinclude}`/`{math}` directives and lines with math or markup are skipped
    (the renderer changes them).
    """
    lines, fence = [], None
    for line in body.splitlines():
        stripped = line.strip()
        opener = re.match(r"(`{3,})(.*)", stripped)
        if fence is None and opener:
            fence = (opener.group(1), opener.group(2).startswith("{"))
            continue
        if fence is not None:
            if stripped == fence[0]:
                fence = None
            elif not fence[1] and len(stripped) >= 12:
                lines.append(" ".join(stripped.split()))
            continue
        if len(stripped) >= 25 and not re.search(r"[$`*{}\\|<>_\[\]#]", stripped):
            lines.append(" ".join(stripped.split()))
    return lines


def _export(nb_text):
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.reads(nb_text, as_version=4)
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    return html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_plain_markdown_shows_exercises_as_text_and_hides_every_solution(path):
    from bs4 import BeautifulSoup

    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    found = blocks.notebook_blocks(nb)
    exercises = [b for b in found if b.kind == "exercise"]
    solutions = [b for b in found if b.kind == "solution"]
    assert solutions, f"{path.name}: no solution in the notebook's format"

    soup = BeautifulSoup(_export(text), "html.parser")
    details = soup.find_all("details")
    assert all(not d.has_attr("open") for d in details), "a <details> renders open"
    hidden = " ".join(" ".join(d.get_text().split()) for d in details)
    for d in details:
        d.decompose()
    visible = " ".join(soup.get_text().split())

    # Lines that also occur outside the solutions (a stub the learner fills in) are not secrets.
    elsewhere = " ".join(
        " ".join("".join(c["source"]).split()) for c in nb["cells"] if c["cell_type"] == "code"
    )
    problems = []
    for sol in solutions:
        secrets = [f for f in _fingerprints(sol.body) if f not in elsewhere]
        if not secrets:
            continue
        missing = [f for f in secrets if f not in hidden]
        if missing:  # the check below would be vacuous for these lines
            problems.append(f"solution of {sol.label}: not inside <details>: {missing[0]!r}")
        shown = [f for f in secrets if f in visible]
        if shown:
            problems.append(f"solution of {sol.label} readable: {shown[0]!r}")
    n_checked = sum(bool(_fingerprints(s.body)) for s in solutions)
    assert n_checked >= len(solutions) // 2, "too few solutions have checkable lines"
    leaks = sorted({m.group(0) for m in DIRECTIVE_SYNTAX.finditer(soup.get_text("\n"))})
    if leaks:
        problems.append(f"directive syntax in the text: {leaks}")
    for ex in exercises:
        title = " ".join(f"Exercise ({ex.title}).".split())
        if re.sub(r"[`*$]", "", title) not in re.sub(r"[`*$]", "", visible):
            problems.append(f"exercise title not shown as text: {title!r}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_fingerprint_check_sees_a_solution_left_open():
    """The same check on a solution written as a directive (the old format) reports it."""
    from bs4 import BeautifulSoup

    old = ("```{solution} ex-a\n:class: dropdown\n\n"
           "```python\nreturn np.where(z >= 0, 1, 0)\n```\n```")
    nb = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": old}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    soup = BeautifulSoup(_export(json.dumps(nb)), "html.parser")
    visible = " ".join(soup.get_text(" ").split())
    assert "return np.where(z >= 0, 1, 0)" in visible
    assert DIRECTIVE_SYNTAX.search(soup.get_text("\n"))


def test_blocks_and_directives():
    found = blocks.blocks(EXAMPLE)
    assert [(b.kind, b.label, b.title) for b in found] == [
        ("exercise", "ex-a", "A stable sigmoid"), ("solution", "ex-a", ""),
        ("exercise", "ex-b", "Second"),
    ]
    assert found[0].body == "Write `sigmoid(z)`.\n\n```python\ndef sigmoid(z): ...\n```"
    assert found[1].body == "```python\nreturn np.where(z >= 0, 1, 0)\n```"
    out, last = blocks.to_directives(EXAMPLE)
    assert last == "ex-b"
    assert "````{exercise} A stable sigmoid\n:label: ex-a\n\nWrite `sigmoid(z)`." in out
    assert "````{solution} ex-a\n:class: dropdown\n\n```python\nreturn" in out
    assert out.rstrip().endswith("```{exercise} Second\n:label: ex-b\n\nThink.\n```")
    assert "<details" not in out and "**Exercise" not in out
    assert out.startswith("## Exercises\n\n")


def test_a_solution_in_a_later_cell_solves_the_exercise_above():
    sol = '<details class="solution">\n<summary>Solution</summary>\n\nDone.\n\n</details>'
    assert blocks.to_directives(sol, "ex-a") == (
        "```{solution} ex-a\n:class: dropdown\n\nDone.\n```", "ex-a")


@pytest.mark.parametrize("markdown, message", [
    ('**Exercise (T)** <a id="x"></a>\n\nbody', "match the title line"),
    ('**Exercise (T).**\n\nbody', "match the title line"),
    ('<details class="solution">\n<summary>Solution</summary>\nno blank\n</details>',
     "complete solution"),
    ('<details class="solution">\n<summary>Solution</summary>\n\nbody\n', "complete solution"),
    ('<details class="solution">\n<summary>Solution</summary>\n\nbody\n\n</details>',
     "before any exercise"),
    ('**Exercise (T).** <a id="x"></a>\n\nbody\n\n'
     '<details class="solution">\n<summary>Solution</summary>\n\n1\n\n</details>\n\n'
     '<details class="solution">\n<summary>Solution</summary>\n\n2\n\n</details>',
     "two solutions"),
])
def test_malformed_blocks_are_reported(markdown, message):
    with pytest.raises(blocks.FormatError, match=message):
        blocks.blocks(markdown)


def test_blocks_rejects_a_non_string():
    with pytest.raises(TypeError, match="markdown must be a str, got list"):
        blocks.blocks(["line"])


def test_converting_directives_round_trips():
    old = (":::{exercise} A title\n:label: ex-a\n\nDo it.\n:::\n\n"
           "````{solution} ex-a\n:class: dropdown\n\n```python\nx = 1\n```\n````")
    new = blocks.from_directives(old)
    assert new == ('**Exercise (A title).** <a id="ex-a"></a>\n\nDo it.\n\n'
                   '<details class="solution">\n<summary>Solution</summary>\n\n'
                   "```python\nx = 1\n```\n\n</details>")
    assert blocks.to_directives(new)[0] == (
        "```{exercise} A title\n:label: ex-a\n\nDo it.\n```\n\n"
        "````{solution} ex-a\n:class: dropdown\n\n```python\nx = 1\n```\n````")
