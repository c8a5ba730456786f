"""Accessibility of the built book: axe-core on every page, and one explorer by keyboard only.

axe-core (Deque's engine, pinned in package.json as a devDependency: the tests use it, the pages
never load it) is injected by Playwright into every page of the built book once every widget
has rendered and MathJax has typeset, in the light and in the dark theme (the theme follows the
browser's colour scheme on a first visit). A critical or serious violation fails the test
unless an entry of ALLOWED covers it: only the theme's and Sphinx's own markup, each with its
reason. The counts per page and rule, allowed ones included, go to tests/artifacts/axe-<theme>.json.

The keyboard tests use the keyboard only. One drives the first explorer with a Play of chapter 4
with Tab and the arrow keys, and its Play button with Enter and Space. The other drives chapter
6's first static playground: Tab from the page start reaches each of its controls in order, Enter
and Space switch the run, play, pause and rewind, the arrows move the epoch slider; each change
redraws the picture and its alt text. Both check that the focus is visible on every control.

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

from mml4_lib.playground import DATASET_RUNS

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
        # axe cannot see a tooltip that reads "null" (ipywidgets 8.1 wrote one on every
        # description label with no tooltip): a mouse shows it, a screen reader reads it.
        null_titles = page.evaluate("() => Array.from(document.querySelectorAll('[title]'))"
                                    ".filter(e => e.getAttribute('title').trim() === 'null')"
                                    ".map(e => e.outerHTML.slice(0, 120))")
    finally:
        page.close()
    assert not null_titles, f"{path} ({theme}): tooltips reading 'null': {null_titles[:3]}"
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
# The focused element: its marker, accessible name and value, and its outline (the focus
# indicator: the buttons' box-shadow on focus is the same faint one as on hover, no indicator).
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {target: e.dataset.kbdTarget || null, name: e.getAttribute('aria-label'),
          text: e.textContent.trim(), valuetext: e.getAttribute('aria-valuetext'),
          valuenow: e.getAttribute('aria-valuenow'), pressed: e.getAttribute('aria-pressed'),
          active: e.classList.contains('mod-active'), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor};
}"""


def _focused(page):
    return page.evaluate(FOCUSED)


def _assert_focus_visible(focused):
    visible = (focused["outline"] != "none" and focused["width"] >= 2
               and focused["color"] not in ("transparent", "rgba(0, 0, 0, 0)"))
    assert visible, f"keyboard focus not visible on {focused['target']}: {focused}"


def _tab_to(page, target, limit=600):
    """Press Tab until the element marked data-kbd-target=target has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["target"] == target:
            return focused
    pytest.fail(f"{target}: not reached with {limit} presses of Tab")


def _open_for_keyboard(context, book_url, path):
    if not (HTML / path).is_file():
        unavailable(NO_BOOK)
    return _open(context, book_url + path, "light")


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


@pytest.mark.browser
def test_explorer_works_with_the_keyboard_only(book_url, browser_context):
    page = _open_for_keyboard(browser_context, book_url, KEYBOARD_PAGE)
    try:
        assert page.evaluate(MARK_TARGETS), f"{KEYBOARD_PAGE}: no explorer with a Play and a slider"
        area = page.locator("[data-kbd-explorer]")
        start = shown_image(area)
        assert start["alt"], "the shown frame has no alt text"

        play = _tab_to(page, "play")
        assert play["name"] == "Play"
        _assert_focus_visible(play)
        page.keyboard.press("Enter")  # plays: the step advances, the frame and its alt change
        playing = image_after(page, area, start)
        assert _focused(page)["name"] == "Pause"
        page.keyboard.press("Space")  # pauses
        page.wait_for_timeout(300)
        assert _focused(page)["name"] == "Play"
        assert playing["hash"] != start["hash"] and playing["alt"] != start["alt"], (
            "Enter on Play did not change the frame and its alt text")

        slider = _tab_to(page, "slider")
        assert slider["name"], "the slider handle has no accessible name"
        _assert_focus_visible(slider)
        before = shown_image(area)
        page.keyboard.press("ArrowRight")
        after = image_after(page, area, before)
        if after["hash"] == before["hash"]:  # the handle was at its right end
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            after = image_after(page, area, before)
        moved = _focused(page)
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


PLAYGROUND_PAGE = "chapters/06_playground.html"
# Marks the first static playground with a run choice (chapter 6's runs over the datasets):
# its area, and every element in it that Tab can reach, in page order, as pg0, pg1, ...
# Returns what they are, or null.
MARK_PLAYGROUND = """() => {
  const area = Array.from(document.querySelectorAll('.widget-subarea')).find(a =>
    a.querySelector('.widget-toggle-buttons') && a.querySelector('.widget-play')
    && a.querySelector('.noUi-handle'));
  if (!area) return null;
  area.dataset.kbdPlayground = '1';
  const focusable = Array.from(area.querySelectorAll('a[href], button, input, select, textarea, '
    + '[tabindex], [contenteditable]')).filter(e => (e.tabIndex >= 0 || e.isContentEditable)
    && !e.disabled && e.offsetParent !== null);
  return focusable.map((e, i) => {
    e.dataset.kbdTarget = 'pg' + i;
    const kind = e.classList.contains('noUi-handle') ? 'slider'
      : e.closest('.widget-toggle-buttons') ? 'run' : e.closest('.widget-play') ? 'play'
      : e.tagName === 'A' ? 'link' : e.isContentEditable ? 'editable' : 'other';
    return {kind, text: e.textContent.trim(), name: e.getAttribute('aria-label')};
  });
}"""
EPOCH_READOUT = """() => document
  .querySelector('[data-kbd-playground] .widget-slider .widget-readout').textContent"""


def _tab_next(page, controls, k):
    """Press Tab: the focus must move to the playground's k-th element and be visible."""
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["target"] == f"pg{k}", f"Tab went to {focused}, not to {controls[k]}"
    _assert_focus_visible(focused)
    return focused


def _epochs_while(page, area, ms):
    """The epoch readouts and picture hashes seen over ms milliseconds (sampled every 100 ms)."""
    seen = []
    for _ in range(ms // 100):
        page.wait_for_timeout(100)
        seen.append((page.evaluate(EPOCH_READOUT), shown_image(area)["hash"]))
    return seen


@pytest.mark.browser
def test_playground_works_with_the_keyboard_only(book_url, browser_context):
    """Chapter 6's static playground: Tab reaches every control in order, each with a visible
    focus; Enter/Space switch the run, Play plays and pauses, Stop rewinds, the arrows move the
    epoch slider, and every change redraws the picture and its alt text."""
    page = _open_for_keyboard(browser_context, book_url, PLAYGROUND_PAGE)
    try:
        controls = page.evaluate(MARK_PLAYGROUND)
        assert controls, f"{PLAYGROUND_PAGE}: no playground with a run choice, Play and slider"
        kinds = [c["kind"] for c in controls]
        runs = list(DATASET_RUNS)
        n_links = len(controls) - len(runs) - 4  # the note's links (open in Binder, Colab)
        assert kinds == ["run"] * len(runs) + ["play"] * 3 + ["slider"] + ["link"] * n_links, (
            f"the playground's focusable elements: {controls}")
        assert [c["text"] for c in controls[:len(runs)]] == runs
        assert [c["name"] for c in controls[len(runs):len(runs) + 4]] == [
            "Play", "Stop", "Repeat", "epoch"]
        area = page.locator("[data-kbd-playground]")
        play, stop, repeat, slider = range(len(runs), len(runs) + 4)  # their positions

        # Tab from the page start reaches the first control, then each next one in turn.
        focused = _tab_to(page, "pg0")
        _assert_focus_visible(focused)
        assert focused["active"], "the first run is not the one shown"
        shown = shown_image(area)
        assert shown["alt"], "the playground's picture has no alt text"
        alts = {shown["alt"]}
        for k in range(1, len(runs)):
            _tab_next(page, controls, k)
            page.keyboard.press("Space" if k % 2 else "Enter")  # both keys press a button
            now = image_after(page, area, shown)
            assert now["hash"] != shown["hash"], f"run {runs[k]!r}: the picture did not change"
            assert now["alt"] not in alts, f"run {runs[k]!r}: the alt text did not change"
            now_focused = _focused(page)
            assert now_focused["active"], f"run {runs[k]!r}: the button is not shown pressed"
            # ... and says so to a screen reader, as the others say they are not.
            assert now_focused["pressed"] == "true", f"run {runs[k]!r}: {now_focused}"
            assert page.evaluate("() => Array.from(document.querySelectorAll("
                                 "'[data-kbd-playground] .widget-toggle-button'))"
                                 ".map(b => b.getAttribute('aria-pressed'))"
                                 ).count("true") == 1, f"run {runs[k]!r}: more than one pressed"
            shown = now
            alts.add(now["alt"])

        _tab_next(page, controls, play)
        first_epoch = page.evaluate(EPOCH_READOUT)
        page.keyboard.press("Enter")  # plays: the epoch advances, the picture follows
        seen = _epochs_while(page, area, 2500)  # the static playground's interval is 700 ms
        assert _focused(page)["name"] == "Pause", "Play did not turn into Pause"
        epochs = [e for e, _ in seen]
        assert len(set(epochs) - {first_epoch}) >= 2, f"Enter on Play: epochs {epochs}"
        assert len({h for _, h in seen} - {shown["hash"]}) >= 2, "playing did not redraw"
        page.keyboard.press("Space")  # pauses: nothing advances any more
        page.wait_for_timeout(200)
        assert _focused(page)["name"] == "Play", "Space on Pause did not pause"
        paused = _epochs_while(page, area, 1600)  # more than two Play intervals
        assert len(set(paused)) == 1, f"still advancing after Space on Pause: {paused}"
        assert paused[0][0] != first_epoch, "paused where it started"

        _tab_next(page, controls, stop)
        page.keyboard.press("Enter")  # back to the first epoch
        page.wait_for_timeout(300)
        assert page.evaluate(EPOCH_READOUT) == first_epoch, "Stop did not rewind"
        assert shown_image(area)["hash"] == shown["hash"], "Stop: not the first epoch's picture"

        focused = _tab_next(page, controls, repeat)
        page.keyboard.press("Space")
        assert _focused(page)["pressed"] != focused["pressed"], "Space did not toggle Repeat"
        page.keyboard.press("Space")  # and back
        assert _focused(page)["pressed"] == focused["pressed"]

        _tab_next(page, controls, slider)
        before = shown_image(area)
        page.keyboard.press("ArrowRight")
        after = image_after(page, area, before)
        moved = _focused(page)
        assert after["hash"] != before["hash"], "ArrowRight on the epoch slider did not redraw"
        assert after["alt"] != before["alt"], "ArrowRight: the alt text did not follow"
        assert moved["valuetext"] == page.evaluate(EPOCH_READOUT) != first_epoch, moved
        page.keyboard.press("ArrowLeft")
        back = image_after(page, area, after)
        assert back["hash"] == before["hash"] and back["alt"] == before["alt"], (
            "ArrowLeft did not go back to the first epoch's picture")
        assert page.evaluate(EPOCH_READOUT) == first_epoch

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        area.screenshot(path=ARTIFACTS / "keyboard-playground.png")  # the focused slider
        for k in range(len(runs) + 4, len(controls)):  # the note's links
            _tab_next(page, controls, k)
        page.keyboard.press("Tab")  # and on out of the playground: no control is a trap
        assert _focused(page)["target"] is None
    finally:
        page.close()
