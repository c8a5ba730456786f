"""Accessibility of the built book: axe-core on every page, and one explorer by keyboard only.

axe-core (Deque's engine, pinned in package.json as a devDependency: the tests use it, the pages
never load it) is injected by Playwright into every page of the built book once every widget
has rendered and MathJax has typeset, in the light and in the dark theme (the theme follows the
browser's colour scheme on a first visit). A critical or serious violation fails the test
unless an entry of ALLOWED covers it: only the theme's and Sphinx's own markup, each with its
reason. The counts per page and rule, allowed ones included, go to tests/artifacts/axe-<theme>.json.

The keyboard test drives the first explorer with a Play of chapter 4 with Tab and the arrow
keys, and its Play button with Enter and Space, and checks that the focus is visible.

Uses the browser fixtures of conftest.py and the page helpers of browser_support.py (the same
server, offline routing, skip/fail rules and waiting for widgets and MathJax).
"""

import json
import re

import pytest
from browser_support import (
    ARTIFACTS,
    CONTENT_PAGES,
    HTML,
    NO_BOOK,
    ROOT,
    image_after,
    settle,
    shown_image,
    unavailable,
    wait_for_widgets,
)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ["light", "dark"]
FAILING = ("critical", "serious")

# (axe rule, CSS selector of the markup it may be found in, reason). Only the theme's and the
# Sphinx tools' own markup: nothing of the course's content (text, figures, explorers,
# exercises) may be listed here.
ALLOWED = [
    ("label-content-name-mismatch", ".search-button, .search-button-field",
     "pydata-sphinx-theme 0.17's search button: its aria-label 'Search' does not contain its "
     "visible text and keyboard hint; the theme's template, not ours"),
    ("label-content-name-mismatch", ".theme-switch-button",
     "pydata-sphinx-theme 0.17's colour-mode button: the visible icon's text does not match its "
     "aria-label; the theme's template"),
    ("label-content-name-mismatch", "details.hide > summary",
     "myst-nb 1.4's toggle for cells tagged hide-input/hide-cell: <summary aria-label='Toggle "
     "hidden content'> around its visible 'Show code cell source'; myst-nb's markup, with no "
     "option to change the label"),
    ("aria-required-children", "div.citation-list, .citation-list",
     "Sphinx 7.4 writes the bibliography as <div role='list'> with <div role='doc-biblioentry'> "
     "children, which ARIA does not allow as list items; no Sphinx or sphinxcontrib-bibtex "
     "option changes that markup"),
]

# axe's violations, with each offending node's element matched against the allow-list.
RUN_AXE = """async (allowed) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const target = n.target[0];
      const el = typeof target === 'string' ? document.querySelector(target) : null;
      const allow = allowed.findIndex(([rule, within]) => rule === v.id && el
        && el.closest(within));
      return {target: JSON.stringify(n.target), html: n.html.slice(0, 160), allow};
    }),
  }));
}"""


def _require_axe():
    if not AXE.is_file():
        unavailable("axe-core is not installed: run `make vendor` (npm ci installs it)")


def _open(context, url, theme):
    """A page in the given colour scheme, its widgets rendered and its math typeset."""
    page = context.new_page()
    page.emulate_media(color_scheme=theme)
    page.goto(url, wait_until="load")
    not_rendered = wait_for_widgets(page, timeout_ms=30_000)
    assert not not_rendered, f"{url}: {not_rendered}"
    shown = settle(page)
    assert shown == theme, f"{url}: the page shows the {shown!r} theme, expected {theme!r}"
    return page


def _record(theme, path, counts):
    """Merge one page's counts into tests/artifacts/axe-<theme>.json (for the closing report)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"axe-{theme}.json"
    try:
        data = json.loads(out.read_text())
    except (OSError, ValueError):
        data = {}
    data[path] = counts
    out.write_text(json.dumps(data, indent=1, sort_keys=True))


@pytest.mark.browser
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", CONTENT_PAGES or [None])
def test_page_has_no_serious_accessibility_violation(path, theme, book_url, browser_context):
    if path is None:
        unavailable(NO_BOOK)
    _require_axe()
    page = _open(browser_context, book_url + path, theme)
    try:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE, [[rule, within] for rule, within, _ in ALLOWED])
    finally:
        page.close()
    counts, problems = {}, []
    for v in violations:
        if v["impact"] not in FAILING:
            continue
        own = [n for n in v["nodes"] if n["allow"] < 0]
        counts[f"{v['id']} ({v['impact']})"] = {"own": len(own),
                                                "allowed": len(v["nodes"]) - len(own)}
        problems += [f"{v['id']} ({v['impact']}: {v['help']}) at {n['target']}: {n['html']}"
                     for n in own]
    _record(theme, path, counts)
    assert not problems, f"{path} ({theme}):\n  " + "\n  ".join(problems)


def test_allow_list_gives_a_reason_for_every_entry():
    for rule, within, reason in ALLOWED:
        assert re.fullmatch(r"[a-z-]+", rule) and within and len(reason) > 40, (rule, reason)


# ----------------------------------------------------------------------------- keyboard only
KEYBOARD_PAGE = "chapters/04_training_gradients.html"  # its explorer has a Play and sliders
# Marks the first explorer with a Play widget, its Play button and its first slider handle.
MARK_TARGETS = """() => {
  const areas = Array.from(document.querySelectorAll('.widget-subarea'))
    .filter(a => a.querySelector('.mml4-explorer-note') && a.querySelector('.widget-play')
                 && a.querySelector('.noUi-handle'));
  if (!areas.length) return false;
  areas[0].dataset.kbdExplorer = '1';
  areas[0].querySelector('.widget-play button').dataset.kbdTarget = 'play';
  areas[0].querySelector('.widget-slider .noUi-handle').dataset.kbdTarget = 'slider';
  return true;
}"""
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {target: e.dataset.kbdTarget || null, name: e.getAttribute('aria-label'),
          valuetext: e.getAttribute('aria-valuetext'), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth)};
}"""


def _tab_to(page, target, limit=600):
    """Press Tab until the element marked data-kbd-target=target has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["target"] == target:
            return focused
    pytest.fail(f"{target}: not reached with {limit} presses of Tab")


@pytest.mark.browser
def test_explorer_works_with_the_keyboard_only(book_url, browser_context):
    if not (HTML / KEYBOARD_PAGE).is_file():
        unavailable(NO_BOOK)
    page = _open(browser_context, book_url + KEYBOARD_PAGE, "light")
    try:
        assert page.evaluate(MARK_TARGETS), f"{KEYBOARD_PAGE}: no explorer with a Play and a slider"
        area = page.locator("[data-kbd-explorer]")
        start = shown_image(area)
        assert start["alt"], "the shown frame has no alt text"

        play = _tab_to(page, "play")
        assert play["name"] == "Play"
        assert play["outline"] != "none" and play["width"] >= 2, f"focus not visible: {play}"
        page.keyboard.press("Enter")  # plays: the step advances, the frame and its alt change
        playing = image_after(page, area, start)
        assert page.evaluate(FOCUSED)["name"] == "Pause"
        page.keyboard.press("Space")  # pauses
        page.wait_for_timeout(300)
        assert page.evaluate(FOCUSED)["name"] == "Play"
        assert playing["hash"] != start["hash"] and playing["alt"] != start["alt"], (
            "Enter on Play did not change the frame and its alt text")

        slider = _tab_to(page, "slider")
        assert slider["name"], "the slider handle has no accessible name"
        assert slider["outline"] != "none" and slider["width"] >= 2, f"focus not visible: {slider}"
        before = shown_image(area)
        page.keyboard.press("ArrowRight")
        after = image_after(page, area, before)
        if after["hash"] == before["hash"]:  # the handle was at its right end
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            after = image_after(page, area, before)
        moved = page.evaluate(FOCUSED)
        assert after["hash"] != before["hash"], "the arrow key did not change the frame"
        assert after["alt"] and after["alt"] != before["alt"], "the alt text did not follow"
        assert moved["valuetext"] and moved["valuetext"] != slider["valuetext"], (
            f"aria-valuetext did not follow the value: {slider['valuetext']} -> "
            f"{moved['valuetext']}")
        readout = page.evaluate("() => document.activeElement.closest('.widget-slider')"
                                ".querySelector('.widget-readout').textContent")
        assert moved["valuetext"] == readout, "aria-valuetext is not the value the reader sees"
    finally:
        page.close()
