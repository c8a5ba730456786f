"""Exercises and solutions: plain Markdown in the notebooks, sphinx-exercise blocks in the book.

A chapter notebook writes an exercise and its solution in a form that every front end renders
as text with the solution folded (JupyterLab, Colab, VS Code, a downloaded notebook, GitHub):

    **Exercise (A stable sigmoid).** <a id="ex-ch01-sigmoid"></a>

    Write `sigmoid(z)` for a NumPy array ...

    <details class="solution">
    <summary>Solution</summary>

    With $e = e^{-|z|} \\le 1$ ...

    </details>

- The exercise is its title line, then everything below it in the same Markdown cell up to its
  solution, the next exercise or the end of the cell.
- The solution is a `<details class="solution">` element whose second line is
  `<summary>Solution</summary>`, followed by a blank line (so the body is Markdown), and closed
  by a `</details>` line. It solves the nearest exercise above it; each exercise has exactly one.

At build time this Sphinx extension rewrites those blocks, in the notebook text Sphinx reads,
into sphinx-exercise directives (```` ````{exercise} Title ```` with `:label:`, and
```` ````{solution} label ```` with `:class: dropdown`), so the book keeps its numbered
exercises, dropdown solutions and `{ref}` links to exercises. The notebook files themselves are
not changed. Malformed blocks stop the build with a message naming the notebook.

Loaded through `sphinx: local_extensions:` in `_config.yml`. As a script it converts notebooks
written with the directives into this form (for a branch that still has them):

    python tools/exercise_blocks.py chapters/*.ipynb
"""

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

EXERCISE = re.compile(
    r'^\*\*Exercise \((?P<title>.+?)\)\.\*\* <a id="(?P<label>[A-Za-z0-9_-]+)"></a>[ \t]*$', re.M
)
SOLUTION_OPEN = '<details class="solution">\n<summary>Solution</summary>\n\n'
SOLUTION = re.compile(
    r'^<details class="solution">\n<summary>Solution</summary>\n\n(?P<body>.*?)\n</details>[ \t]*$',
    re.M | re.S,
)
# Anything that looks like an attempt at either block, to catch a typo instead of ignoring it.
LOOSE_EXERCISE = re.compile(r"^\*\*Exercise\b", re.M)
LOOSE_SOLUTION = re.compile(r"<details\b[^>]*\bsolution", re.I)


class FormatError(ValueError):
    """A Markdown cell whose exercise or solution blocks do not follow the format."""


@dataclass
class Block:
    kind: str  # "exercise" or "solution"
    label: str  # the exercise's label (a solution carries the label of its exercise)
    title: str  # "" for a solution
    body: str  # Markdown, without the surrounding syntax
    start: int  # offsets in the cell's source
    end: int


def blocks(markdown, after_label=None):
    """The exercise and solution blocks of one Markdown cell, in order.

    after_label is the label of the last exercise in earlier cells of the notebook: a solution
    at the top of a cell solves it. Raises FormatError on a malformed block.
    """
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be a str, got {type(markdown).__name__}")
    marks = [("exercise", m) for m in EXERCISE.finditer(markdown)]
    marks += [("solution", m) for m in SOLUTION.finditer(markdown)]
    marks.sort(key=lambda km: km[1].start())
    n_loose_ex = len(LOOSE_EXERCISE.findall(markdown))
    n_loose_sol = len(LOOSE_SOLUTION.findall(markdown))
    n_ex = sum(kind == "exercise" for kind, _ in marks)
    n_sol = len(marks) - n_ex
    if n_loose_ex != n_ex:
        raise FormatError(
            f"{n_loose_ex} line(s) start with **Exercise but {n_ex} match the title line "
            '**Exercise (Title).** <a id="label"></a>')
    if n_loose_sol != n_sol:
        raise FormatError(
            f"{n_loose_sol} <details class='solution'> tag(s) but {n_sol} complete "
            f"solution block(s); a solution is {SOLUTION_OPEN!r} + body + '\\n</details>'")
    found = []
    label = after_label
    for i, (kind, m) in enumerate(marks):
        if kind == "solution":
            if label is None:
                raise FormatError("a solution comes before any exercise")
            if found and found[-1].kind == "solution" and found[-1].label == label:
                raise FormatError(f"exercise {label!r} has two solutions")
            found.append(Block("solution", label, "", m.group("body").strip("\n"),
                               m.start(), m.end()))
            continue
        label = m.group("label")
        # The exercise runs to its solution, the next exercise or the end of the cell.
        end = marks[i + 1][1].start() if i + 1 < len(marks) else len(markdown)
        body = markdown[m.end():end].strip("\n")
        found.append(Block("exercise", label, m.group("title"), body, m.start(),
                           m.start() + len(markdown[m.start():end].rstrip("\n"))))
    return found


def _fence(body):
    """A backtick fence longer than any fence inside body."""
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,})", body, re.M)), default=2)
    return "`" * max(3, longest + 1)


def to_directives(markdown, after_label=None):
    """(markdown with the blocks as sphinx-exercise directives, label of its last exercise)."""
    found = blocks(markdown, after_label)
    out, pos = [], 0
    for block in found:
        out.append(markdown[pos:block.start])
        fence = _fence(block.body)
        if block.kind == "exercise":
            head = f"{fence}{{exercise}} {block.title}\n:label: {block.label}\n"
        else:
            head = f"{fence}{{solution}} {block.label}\n:class: dropdown\n"
        out.append(f"{head}\n{block.body}\n{fence}")
        pos = block.end
    out.append(markdown[pos:])
    last = next((b.label for b in reversed(found) if b.kind == "exercise"), after_label)
    return "".join(out), last


def notebook_blocks(nb):
    """Every exercise and solution block of a notebook (a dict), in order."""
    found, label = [], None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell_blocks = blocks("".join(cell["source"]), label)
            found += cell_blocks
            label = next((b.label for b in reversed(cell_blocks) if b.kind == "exercise"), label)
    return found


def notebook_to_directives(text):
    """The JSON text of a notebook with every block rewritten as a directive."""
    nb = json.loads(text)
    label = None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source, label = to_directives("".join(cell["source"]), label)
            cell["source"] = source
    return json.dumps(nb, ensure_ascii=False)


def _rewrite_notebook_source(app, docname, source):
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    try:
        source[0] = notebook_to_directives(source[0])
    except FormatError as err:
        raise FormatError(f"{path.name}: {err}") from err


def setup(app):
    app.connect("source-read", _rewrite_notebook_source)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ---- one-way conversion from the directives, for notebooks written before this format ----

DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<kind>exercise|solution)\}[ \t]*(?P<arg>[^\n]*)\n"
    r"(?P<opts>(?::[^\n]*\n)*)(?P<body>.*?)\n(?P=fence)[ \t]*$",
    re.M | re.S,
)


def from_directives(markdown):
    """Markdown with ```{exercise}/```{solution} directives rewritten into this format."""

    def replace(m):
        opts = dict(re.match(r":(\w+):\s*(.*)", o).groups() for o in m["opts"].splitlines())
        body = m["body"].strip("\n")
        if m["kind"] == "exercise":
            if set(opts) != {"label"} or not m["arg"].strip():
                raise FormatError(f"exercise needs a title and only :label:, got {m[0][:80]!r}")
            return f'**Exercise ({m["arg"].strip()}).** <a id="{opts["label"]}"></a>\n\n{body}'
        if opts != {"class": "dropdown"}:
            raise FormatError(f"solution needs only :class: dropdown, got {m[0][:80]!r}")
        return f"{SOLUTION_OPEN}{body}\n\n</details>"

    return DIRECTIVE.sub(replace, markdown)


def convert_notebook(path):
    """Rewrite the notebook's directives in place; True if it changed. Checks the round trip."""
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    label = None
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        old = "".join(cell["source"])
        new = from_directives(old)
        back, label = to_directives(new, label)
        if _normalized(back) != _normalized(old):
            raise FormatError(f"{path.name}: the round trip changes a cell:\n{old[:300]}")
        if new != old:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def _normalized(markdown):
    # Fences may change character and length; everything else must survive.
    return re.sub(r"^(?:`{3,}|:{3,})", "```", markdown, flags=re.M).replace("\n\n\n", "\n\n")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, "converted" if convert_notebook(name) else "unchanged")
