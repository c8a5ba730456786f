"""The built HTML, read without a browser: no MyST markup leaked into the prose.

A malformed directive (for example a backtick inside a fence's info string) does not always
produce a Sphinx warning: the rest of the cell silently becomes a code block or plain text.
This catches such pages by looking for MyST syntax in the text outside code cells.
Needs `make book`; skips (or fails under MML4_REQUIRE_BROWSER=1, as CI sets) without it.
"""

import json
import re

import pytest
from browser_support import HTML, NO_BOOK, unavailable
from project_files import CHAPTERS, load_tool

exercise_blocks = load_tool("exercise_blocks")

PAGES = sorted(
    p for p in HTML.rglob("*.html")
    if not {"_static", "_sources", "_images"} & set(p.relative_to(HTML).parts)
) if HTML.is_dir() else []

LEAKS = re.compile(
    r"```\{|:::\{|\{(?:eq|doc|cite|ref|numref|math|exercise|solution|literalinclude)\}`"
    r"|^:(?:label|class|language|pyobject):",
    re.M,
)


def _prose(html):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    for tag in main.select("div.cell_input, div.highlight, script, style, code, pre.literal-block"):
        tag.decompose()
    return main.get_text("\n")


def _id(path):
    return str(path.relative_to(HTML)) if path else "none"


@pytest.mark.parametrize("path", PAGES or [None], ids=_id)
def test_no_myst_markup_leaks_into_the_page(path):
    if path is None:
        unavailable(NO_BOOK)
    text = _prose(path.read_text(encoding="utf-8"))
    leaks = sorted({m.group(0) for m in LEAKS.finditer(text)})
    assert not leaks, f"{path.name}: unrendered MyST markup {leaks}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_are_numbered_blocks_with_dropdown_solutions(path):
    """The build turned every exercise and <details> solution into a sphinx-exercise block."""
    from bs4 import BeautifulSoup

    page = HTML / "chapters" / f"{path.stem}.html"
    if not page.is_file():
        unavailable(NO_BOOK)
    found = exercise_blocks.notebook_blocks(json.loads(path.read_text(encoding="utf-8")))
    labels = [b.label for b in found if b.kind == "exercise"]
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    exercises = soup.select("div.exercise")
    assert [e.get("id") for e in exercises] == labels
    titles = [e.select_one(".admonition-title").get_text(" ", strip=True) for e in exercises]
    assert all(re.match(r"Exercise \d+ \(", t) for t in titles), titles
    solutions = soup.select("div.solution")
    assert len(solutions) == len(labels)
    assert all("dropdown" in s.get("class", []) for s in solutions)
    assert not soup.select("details.solution"), "a <details> solution was left as HTML"


ICON = re.compile(r'<link rel="icon" href="([^"]+)"')


@pytest.mark.parametrize("path", PAGES or [None], ids=_id)
def test_page_names_a_favicon_that_exists(path):
    """Else browsers ask for /favicon.ico, which 404s (html.favicon in _config.yml)."""
    if path is None:
        unavailable(NO_BOOK)
    html = path.read_text(encoding="utf-8")
    if 'http-equiv="Refresh"' in html and "<body" not in html:
        pytest.skip("Jupyter Book's redirect stub (index.html -> the root page): no template")
    icon = ICON.search(html)
    assert icon, f"{path.name}: no <link rel=\"icon\">"
    assert (path.parent / icon.group(1)).resolve().is_file(), f"{path.name}: {icon.group(1)}"
