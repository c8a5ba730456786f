"""The built book in a real browser: every page offline, typeset, with working explorers.

Playwright drives Debian's Chromium (/usr/bin/chromium; a browser is never downloaded) against
_build/html served on 127.0.0.1. Every request to any other host is blocked and reported, so
the pages are checked as an offline reader sees them. For every page: no request leaves
127.0.0.1, no request fails, no console error (except the harmless ones listed below), all math
is typeset, every widget renders, and in every precomputed explorer each control changes the
picture. A full-page screenshot of each page goes to tests/artifacts/ (git-ignored).

Needs `make book` (or MML4_WIDGETS=static jupyter-book build .) and `apt-get install chromium`.
Without them the tests skip, unless MML4_REQUIRE_BROWSER=1 (CI), which makes them fail.
The page-weight tests at the end need only the built HTML.
"""

import json
import re
import shutil

import numpy as np
import pytest
from browser_support import (
    ARTIFACTS,
    HTML,
    NO_BOOK,
    PAGES,
    ROOT,
    VIEW_SCRIPT,
    image_after,
    redirect_of,
    require_book,
    settle,
    shown_image,
    unavailable,
    wait_for_widgets,
)

_require_book, _unavailable = require_book, unavailable
PAGE_BUDGET = 4_000_000  # bytes per page, its embedded widget state and its own images
BOOK_BUDGET = 80_000_000  # bytes for the whole _build/html

# Console errors that are known and harmless: (text contains, source URL matches, reason).
HARMLESS_CONSOLE = [
    ("Identifier 'THEBE_JS_URL' has already been declared", r"\.html$",
     "sphinx-thebe 0.3.1 adds its inline config script twice; the first copy defines "
     "everything the 'Live code' button needs (Thebe itself loads only when clicked)"),
    ("Got invalid theme mode: . Resetting to auto.", r"pydata-sphinx-theme\.js",
     "pydata-sphinx-theme 0.17 logs this on a first visit, when no light/dark choice is "
     "stored yet; it then follows the system setting"),
]


def _harmless(text, source):
    return any(t in text and re.search(u, source or "") for t, u, _ in HARMLESS_CONSOLE)


# Pages whose explorers the test must find (so a broken selector cannot pass silently).
MIN_EXPLORERS = {"chapters/explorers.html": 2}


# ----------------------------------------------------------------------------- page checks
# After settle(page): MathJax has done its work, if it loaded.
MATH_STATUS = """() => {
  const math = document.querySelectorAll('.math');
  const untypeset = Array.from(math).filter(m => !m.querySelector('mjx-container')).length;
  return {math: math.length, untypeset, errors: document.querySelectorAll('mjx-merror').length,
          mathjax: !!(window.MathJax && MathJax.startup)};
}"""

# The page's visible prose: no code, no scripts, no typeset math.
VISIBLE_TEXT = """() => {
  const body = document.querySelector('main') || document.body;
  const clone = body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
       .forEach(e => e.remove());
  return clone.innerText;
}"""

RAW_MATH = re.compile(r"\$\$|\\\[|\\\(|\\begin\{|\$[^$\n]*[\\^_][^$\n]*\$")


def _change_control(page, control):
    """Move a control to another value the way a reader would; returns a description."""
    kind = control.evaluate("""e => e.classList.contains('noUi-handle') ? 'slider'
        : e.tagName === 'SELECT' ? 'select'
        : e.classList.contains('widget-play') ? 'play' : 'buttons'""")
    if kind == "play":
        control.locator("button").first.click()  # play; the caller pauses it again
    elif kind == "slider":
        now = float(control.get_attribute("aria-valuenow"))
        top = float(control.get_attribute("aria-valuemax"))
        control.focus()
        control.press("ArrowRight" if now < top else "ArrowLeft")
    elif kind == "select":
        n = control.evaluate("e => e.options.length")
        i = control.evaluate("e => e.selectedIndex")
        control.select_option(index=(i + 1) % n)
    else:
        control.locator("button:not(.mod-active)").first.click()
    return kind


def _changes_image(page, area, control):
    """Move one control; True if the shown image changed within 3 s."""
    before = shown_image(area)
    kind = _change_control(page, control)
    after = image_after(page, area, before)
    if kind == "play":
        control.locator("button").first.click()  # pause
    if before is None or after is None:
        return None
    return after["hash"] != before["hash"]


def _check_explorers(page):
    """In every precomputed explorer, each control must change the picture.

    A control may legitimately change nothing in one state of the others (three runs look the
    same at epoch 0), so after a miss another control moves and the control is tried again.
    """
    problems = []
    areas = page.locator(".widget-subarea:has(.mml4-explorer-note)")
    for j in range(areas.count()):
        area = areas.nth(j)
        controls = area.locator(".noUi-handle, select, .widget-toggle-buttons, .widget-play")
        n = controls.count()
        if n == 0:
            problems.append(f"explorer {j + 1}: no controls found")
        for k in range(n):
            changed = _changes_image(page, area, controls.nth(k))
            for other in [i for i in range(n) if i != k][:2]:
                if changed is not False:
                    break
                _changes_image(page, area, controls.nth(other))
                changed = _changes_image(page, area, controls.nth(k))
            if changed is None:
                problems.append(f"explorer {j + 1}: no visible image")
            elif not changed:
                problems.append(f"explorer {j + 1}, control {k + 1}: moving it did not change "
                                f"the image")
    return problems, areas.count()


def _visit(context, url):
    """Open a page, let scripts and widgets settle, and list everything wrong with it."""
    page = context.new_page()
    console, failed = [], []
    page.on("console", lambda m: m.type == "error"
            and console.append((m.text, m.location.get("url", ""))))
    # For uncaught exceptions the source is the first URL in the stack (an inline script's
    # page or a .js file).
    page.on("pageerror", lambda e: console.append(
        (f"{e} {(e.stack or '').splitlines()[1:3]}",
         next(iter(re.findall(r"(https?://[^\s)]+?):\d+:\d+", e.stack or "")), url))))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} (HTTP {r.status})"))
    n_blocked = len(context.blocked)
    page.goto(url, wait_until="load")
    problems = []
    n_views = page.locator(VIEW_SCRIPT).count()
    not_rendered = wait_for_widgets(page, timeout_ms=20_000)
    if not_rendered:
        problems.append(not_rendered)
    broken = page.get_by_text("Error displaying widget").count()
    if broken:
        problems.append(f"{broken} widget(s) show 'Error displaying widget'")
    settle(page)
    math = page.evaluate(MATH_STATUS)
    if math["math"] and not math["mathjax"]:
        problems.append(f"{math['math']} math elements but MathJax did not load")
    if math["untypeset"]:
        problems.append(f"{math['untypeset']} of {math['math']} math elements not typeset")
    if math["errors"]:
        problems.append(f"{math['errors']} MathJax errors (mjx-merror) on the page")
    raw = sorted(set(RAW_MATH.findall(page.evaluate(VISIBLE_TEXT))))
    if raw:
        problems.append(f"raw LaTeX left in the text: {raw[:5]}")
    explorer_problems, n_explorers = _check_explorers(page)
    problems += explorer_problems
    page.wait_for_timeout(200)  # let late requests (fonts) report
    blocked = context.blocked[n_blocked:]
    if blocked:
        problems.append(f"requests leaving 127.0.0.1 (blocked): {blocked}")
    failed = [f for f in failed if not any(b in f for b in blocked)]
    if failed:
        problems.append(f"failed requests: {failed}")
    errors = [f"{text} (from {source})" for text, source in console
              if not _harmless(text, source)]
    if errors:
        problems.append(f"console errors: {errors}")
    return page, problems, n_views, n_explorers


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES or [None])
def test_page_works_offline(path, book_url, browser_context):
    if path is None:
        _unavailable(NO_BOOK)
    redirect = redirect_of(path)
    if redirect:  # e.g. index.html -> intro.html: check the target exists; it has its own test
        assert ((HTML / path).parent / redirect).is_file(), (
            f"{path} redirects to a missing page {redirect}")
        return
    page, problems, n_views, n_explorers = _visit(browser_context, book_url + path)
    # Guards the checks themselves: on the demo page they must find its explorers.
    if n_explorers < MIN_EXPLORERS.get(path, 0):
        problems.append(f"found {n_explorers} precomputed explorers ({n_views} widgets), "
                        f"expected at least {MIN_EXPLORERS[path]}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / (path.replace("/", "__").removesuffix(".html") + ".png"),
                    full_page=True)
    page.close()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------------------- no browser needed
def _page_weight(path):
    """Bytes of a page (with its embedded widget state) plus the _images it shows."""
    html_path = HTML / path
    text = html_path.read_text(encoding="utf-8", errors="replace")
    images = set(re.findall(r'src="([^"]*_images/[^"]+)"', text))
    size = html_path.stat().st_size
    for src in images:
        image = (html_path.parent / src.split("?")[0]).resolve()
        if image.is_file():
            size += image.stat().st_size
    return size


@pytest.mark.parametrize("path", PAGES or [None])
def test_page_weight_within_budget(path):
    if path is None:
        _unavailable(NO_BOOK)
    size = _page_weight(path)
    assert size < PAGE_BUDGET, f"{path}: {size / 1e6:.2f} MB, budget {PAGE_BUDGET / 1e6:.0f} MB"


def test_whole_book_within_budget():
    _require_book()
    size = sum(p.stat().st_size for p in HTML.rglob("*") if p.is_file())
    assert size < BOOK_BUDGET, f"_build/html is {size / 1e6:.1f} MB, budget 80 MB"


def _widget_state(path):
    text = (HTML / path).read_text(encoding="utf-8", errors="replace")
    match = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                      text, re.S)
    return json.loads(match.group(1))["state"] if match else {}


def _explorers_in_state(state):
    """(controls, outer Stack id) of each precomputed explorer saved in a page."""
    def ref(x):
        return x.removeprefix("IPY_MODEL_")

    found = []
    for model in state.values():
        children = [ref(c) for c in model["state"].get("children", [])]
        kinds = [state[c]["model_name"] for c in children]
        notes = [c for c in children if state[c]["model_name"] == "HTMLModel"
                 and "mml4-explorer-note" in state[c]["state"].get("value", "")]
        if model["model_name"] != "VBoxModel" or not notes or "StackModel" not in kinds:
            continue
        controls = []
        for c, kind in zip(children, kinds, strict=True):
            if kind == "HBoxModel":  # Play + SelectionSlider
                c = next(ref(g) for g in state[c]["state"]["children"]
                         if state[ref(g)]["model_name"] == "SelectionSliderModel")
            if state[c]["model_name"] in ("SelectionSliderModel", "DropdownModel",
                                          "ToggleButtonsModel"):
                controls.append(c)
        found.append((controls, children[kinds.index("StackModel")]))
    return found


@pytest.mark.parametrize("path", PAGES or [None])
def test_saved_explorers_have_every_frame_and_every_link(path):
    """Static mode, as saved in the page: one frame per combination, each control jslinked."""
    if path is None:
        _unavailable(NO_BOOK)
    state = _widget_state(path)
    links = {}
    for model in state.values():
        if model["model_name"] == "LinkModel":
            (src, src_trait), (dst, dst_trait) = model["state"]["source"], model["state"]["target"]
            links.setdefault((src.removeprefix("IPY_MODEL_"), src_trait), set()).add(
                (dst.removeprefix("IPY_MODEL_"), dst_trait))
    explorers = _explorers_in_state(state)
    assert len(explorers) >= MIN_EXPLORERS.get(path, 0), f"{path}: explorers not found"
    for j, (controls, outer) in enumerate(explorers):
        sizes = [len(state[c]["state"]["_options_labels"]) for c in controls]
        level, frames = [outer], []
        for k, control in enumerate(controls):
            assert links.get((control, "index")) == {(s, "selected_index") for s in level}, (
                f"{path}: explorer {j + 1}, control {k + 1} is not linked to its {len(level)} "
                f"stacks")
            children = [c.removeprefix("IPY_MODEL_") for s in level
                        for c in state[s]["state"]["children"]]
            assert len(children) == len(level) * sizes[k]
            level = children
        frames = [state[c]["model_name"] for c in level]
        assert frames == ["ImageModel"] * int(np.prod(sizes)), f"{path}: explorer {j + 1}"


def _bundled_classes():
    """Class names tools/widgets/book-widgets.js puts into the book's widget bundle."""
    entry = (ROOT / "tools" / "widgets" / "book-widgets.js").read_text(encoding="utf-8")
    package = ROOT / "node_modules" / "@jupyter-widgets"
    if not package.is_dir():
        pytest.skip("node_modules not installed (run `make vendor`, which needs npm)")
    files = [package / "controls" / "lib" / f"{name}.js"
             for name in re.findall(r'from "@jupyter-widgets/controls/lib/(\w+)"', entry)]
    assert 'from "@jupyter-widgets/base"' in entry  # every class of base is bundled
    files += (package / "base" / "lib").glob("*.js")
    return {name for f in files
            for name in re.findall(r"^export class (\w+)", f.read_text(), re.M)}


def test_widget_bundle_has_every_model_and_view_the_pages_use():
    """The pages' saved state names only classes the book's widget bundle contains."""
    _require_book()
    bundled = _bundled_classes()
    missing = {}
    for path in PAGES:
        for model in _widget_state(path).values():
            state = model["state"]
            for module, name in ((model["model_module"], model["model_name"]),
                                 (state.get("_view_module"), state.get("_view_name"))):
                if name is None:
                    continue
                assert module in ("@jupyter-widgets/base", "@jupyter-widgets/controls"), (
                    f"{path}: {module}.{name} is not a standard widget")
                if name not in bundled:
                    missing.setdefault(name, set()).add(path)
    assert not missing, f"not in tools/widgets/book-widgets.js: {missing}"


def test_pages_load_scripts_from_the_book_itself():
    """Offline build: no <script src> or stylesheet points at another host."""
    _require_book()
    remote = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(https?://[^"]+)"')
    found = {p: remote.findall((HTML / p).read_text(encoding="utf-8", errors="replace"))
             for p in PAGES}
    found = {p: urls for p, urls in found.items() if urls}
    hint = ("" if shutil.which("npm") else
            " (Node.js/npm is missing, so tools/vendor_assets.py fell back to the CDNs)")
    assert not found, f"pages load remote scripts or styles{hint}: {found}"
