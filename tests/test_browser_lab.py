"""The chapters live in JupyterLab (Binder's interface), as a learner opens them, offline.

The test starts the pinned JupyterLab on 127.0.0.1 with a token, serving a scratch copy of two
chapters (a private settings, workspace and runtime directory, so nothing of the machine's
Jupyter setup leaks in) and drives it with Debian's Chromium, every request to another host
blocked. For each notebook: Run All in a fresh kernel; every code cell runs without an error
output; the quiz renders; one slider of an explorer moved by the keyboard changes its picture;
the page reports no uncaught error and nothing tries to reach the network (jupyterquiz used to
fetch MathJax from a CDN and throw). The server is stopped afterwards. A screenshot of each
notebook goes to tests/artifacts/.

In chapter 6 the live playground is then driven by the keyboard only, from its cell selected
in command mode: Tab reaches its controls (each with a visible focus), a dropdown changed by an
arrow key redraws the picture, Enter on Play plays (the epoch in the picture's text alternative
advances and the picture changes) and Space pauses (the epoch then stays put), and Enter opens
its "Beyond the Playground" section. Last, axe-core (pinned in package.json, as for the built
book) checks the widget outputs of each notebook, not JupyterLab's own interface: any critical
or serious violation fails. The counts per rule go to tests/artifacts/axe-lab.json. The names it
checks come from mml4_lib/assets/live-widgets.js, which every live explorer displays.

Waits are on the page's state (cell prompts, kernel status, image sources) with generous
timeouts, for a slow 2-core machine. Skips without Chromium or Playwright, like the other browser
tests, and fails instead under MML4_REQUIRE_BROWSER=1 (CI).
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import ROOT, offline_chromium

ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("critical", "serious")
NOTEBOOKS = ["01_logistic_regression.ipynb", "06_playground.ipynb"]
START_TIMEOUT = 120  # s for the server to answer
RUN_TIMEOUT = 300_000  # ms for Run All (a chapter takes 10-30 s alone, more on a busy machine)
STEP_TIMEOUT = 60_000  # ms for one explorer redraw or the page to settle


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """(base URL, token) of a JupyterLab serving a scratch copy of NOTEBOOKS; stopped after."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "chapters"
    root.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "chapters" / name, root)
    settings = home / "settings"
    # No "What's new" news fetch and no update check: they would only be blocked requests.
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
     ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    env.pop("MML4_WIDGETS", None)  # live widgets, as in a kernel
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.allow_root=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited ({server.returncode}): "
                            f"{(home / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT} s")
                time.sleep(0.5)
        yield base, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def lab_context(jupyterlab, playwright_session, tmp_path_factory):
    base, _ = jupyterlab
    context = offline_chromium(playwright_session, tmp_path_factory.mktemp("lab-profile"),
                               base + "/")
    context.set_default_timeout(STEP_TIMEOUT)
    yield context
    context.close()


# The notebook's panel, found by its path (not "the current widget", which a restored
# workspace or a dialog can change).
PANEL = """(name) => Array.from(window.jupyterapp ? jupyterapp.shell.widgets('main') : [])
  .find(w => w.context && w.context.path === name && w.content && w.content.model)"""

# Every code cell's execution count and error outputs, from the notebook model.
CELL_STATE = f"""(name) => {{
  const panel = ({PANEL})(name);
  if (!panel) return {{panel: false}};
  const cells = Array.from(panel.content.model.cells).filter(c => c.type === 'code');
  const session = panel.sessionContext.session;
  return {{panel: true, n: cells.length, counts: cells.map(c => c.executionCount),
          errors: cells.flatMap(c => Array.from({{length: c.outputs.length}},
            (_, i) => c.outputs.get(i)).filter(o => o.type === 'error')
            .map(o => o.toJSON().ename + ': ' + o.toJSON().evalue)),
          kernel: session && session.kernel ? session.kernel.status : 'none'}};
}}"""


def _wait(page, condition, name, what, timeout=RUN_TIMEOUT):
    """Wait until condition(state) holds for the notebook's CELL_STATE; say what was seen if not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"(name) => {{ const s = ({CELL_STATE})(name); return {condition}; }}",
            arg=name, timeout=timeout, polling=500)
    except PlaywrightTimeout:
        pytest.fail(f"{name}: {what} not reached in {timeout / 1000:.0f} s; "
                    f"state {page.evaluate(CELL_STATE, name)}")


# The first explorer output holding both a slider and an image: the slider handle and the
# sources of that output's images.
EXPLORER = """() => {
  for (const area of document.querySelectorAll('.jp-OutputArea-output')) {
    const handle = area.querySelector('.widget-slider .noUi-handle');
    const imgs = area.querySelectorAll('img');
    if (handle && imgs.length) {
      area.setAttribute('data-test-explorer', '1');
      return Array.from(imgs).map(i => i.src);
    }
  }
  return null;
}"""

IMAGES = """() => Array.from(document.querySelectorAll('[data-test-explorer] img'))
  .map(i => i.src)"""


# axe-core over the widget outputs only (the output areas that hold a widget), with a check that
# every node it reports lies inside one of them.
AXE_WIDGET_OUTPUTS = """async () => {
  const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'))
    .filter(o => o.querySelector('.jupyter-widgets'));
  if (!outputs.length) return {outputs: 0, violations: []};
  const result = await axe.run({include: outputs}, {resultTypes: ['violations']});
  return {outputs: outputs.length, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const el = typeof n.target[0] === 'string' ? document.querySelector(n.target[0]) : null;
      return {target: JSON.stringify(n.target), html: n.html.slice(0, 160),
              inside: !!(el && outputs.some(o => o.contains(el)))};
    }),
  }))};
}"""


def _axe_widget_outputs(page, name):
    """Run axe-core on the notebook's widget outputs; record the counts; fail on serious ones."""
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `make vendor` (npm ci installs it)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_WIDGET_OUTPUTS)
    assert found["outputs"], f"{name}: no widget output to check"
    counts, problems = {}, []
    for v in found["violations"]:
        outside = [n["target"] for n in v["nodes"] if not n["inside"]]
        assert not outside, f"{name}: axe reported {v['id']} outside the widget outputs: {outside}"
        counts[f"{v['id']} ({v['impact']})"] = len(v["nodes"])
        if v["impact"] in FAILING:
            problems += [f"{v['id']} ({v['impact']}: {v['help']}) at {n['target']}: {n['html']}"
                         for n in v["nodes"]]
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "axe-lab.json"
    try:
        data = json.loads(out.read_text())
    except (OSError, ValueError):
        data = {}
    data[name] = {"widget outputs": found["outputs"], "violations": counts}
    out.write_text(json.dumps(data, indent=1, sort_keys=True))
    assert not problems, f"{name}: {len(problems)} serious violations:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------------------- keyboard only
# Marks the first live playground's output (the one with Play and the "Beyond the Playground"
# section) and the controls the keyboard test goes to; selects its cell in command mode, as the
# arrow keys would, with the focus on the notebook: the next Tab enters the output.
MARK_PLAYGROUND = f"""(name) => {{
  const area = Array.from(document.querySelectorAll('.jp-OutputArea-output'))
    .find(a => a.querySelector('.widget-play') && a.querySelector('.widget-accordion'));
  if (!area) return false;
  area.dataset.kbdPlayground = '1';
  const mark = (el, target) => {{ if (el) el.dataset.kbdTarget = target; }};
  mark(area.querySelector('.widget-play > button'), 'play');
  const dropdown = Array.from(area.querySelectorAll('.widget-dropdown'))
    .find(d => d.querySelector('label').textContent.trim() === 'activation');
  mark(dropdown && dropdown.querySelector('select'), 'dropdown');
  mark(area.querySelector('.widget-slider .noUi-handle'), 'slider');
  mark(area.querySelector('button[title="Add a neuron to layer 1"]'), 'plus');  // it exists
  mark(area.querySelector('.jupyter-widget-Collapse-header'), 'section');
  const nb = ({PANEL})(name).content;
  nb.activeCellIndex = nb.widgets.findIndex(c => c.node.contains(area));
  nb.mode = 'command';
  nb.activeCell.node.scrollIntoView();
  nb.node.focus();
  return Array.from(area.querySelectorAll('[data-kbd-target]')).map(e => e.dataset.kbdTarget);
}}"""
# The focused element: which target, its name and value text, whether it is in the playground
# and how its focus shows.
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {target: e.dataset.kbdTarget || null, tag: e.tagName, title: e.getAttribute('title'),
          name: e.getAttribute('aria-label') || e.getAttribute('title') || e.textContent.trim(),
          valuetext: e.getAttribute('aria-valuetext'), expanded: e.getAttribute('aria-expanded'),
          inside: !!e.closest('[data-kbd-playground]'),
          readout: e.classList.contains('widget-readout'),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0};
}"""
# The playground's picture: its text alternative (alt and title) and a hash of its bytes.
PICTURE = """async () => {
  const img = document.querySelector('[data-kbd-playground] img.widget-image');
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return {alt: img.getAttribute('alt'), title: img.getAttribute('title'),
          hash: Array.from(digest).join(',')};
}"""
EPOCH = re.compile(r"epoch ([\d,]+)")


def _epoch(picture):
    found = EPOCH.search(picture["alt"] or "")
    assert found, f"no epoch in the picture's alt text: {picture['alt']!r}"
    return int(found.group(1).replace(",", ""))


def _focus_visible(focused):
    # Our outline (3 px) or the browser's own focus ring ("auto"); buttons' 1 px is too faint.
    return focused["outline"] == "auto" or (focused["outline"] != "none" and focused["width"] >= 2)


def _tab_to(page, target, seen, limit=80):
    """Press Tab until the element marked data-kbd-target=target (or named target) has the focus.

    Every element focused inside the playground on the way is added to seen; each must show
    its focus.
    """
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["inside"]:
            seen.append(focused)
            assert _focus_visible(focused), f"focus not visible on {focused}"
            # A slider's readout only shows the value (typing there is never read): no Tab stop.
            assert not focused["readout"], f"Tab stopped on a slider's readout: {focused}"
        if target in (focused["target"], focused["name"]):
            return focused
    pytest.fail(f"{target}: not reached with {limit} presses of Tab; focused on the way: "
                f"{[(f['tag'], f['name'][:30]) for f in seen]}")


def _changed(page, before, key="hash", timeout_ms=STEP_TIMEOUT):
    """The picture once its key differs from before's (fails after timeout_ms)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        now = page.evaluate(PICTURE)
        if now[key] != before[key]:
            return now
        page.wait_for_timeout(100)
    pytest.fail(f"the playground's picture ({key}) did not change in {timeout_ms / 1000:.0f} s")


def _playground_by_keyboard(page, name):
    targets = page.evaluate(MARK_PLAYGROUND, name)
    assert targets and set(targets) == {"play", "dropdown", "slider", "plus", "section"}, (
        f"{name}: playground controls not found: {targets}")
    seen = []
    start = page.evaluate(PICTURE)
    assert start["alt"] and start["alt"] == start["title"], f"picture without alt: {start}"

    # Play by Enter: the epoch advances, the picture and its text follow.
    play = _tab_to(page, "play", seen)
    assert play["name"] == "Play", f"the Play button is named {play['name']!r}"
    page.keyboard.press("Enter")
    playing = _changed(page, start)
    playing = _changed(page, playing)  # a second frame: it keeps playing
    assert _epoch(playing) > _epoch(start) and playing["alt"] == playing["title"], (start, playing)
    focused = page.evaluate(FOCUSED)
    assert focused["target"] == "play" and focused["name"] == "Pause", focused
    # Pause by Space: after the tick in flight, the epoch stays put.
    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-label') === 'Play'",
                           timeout=STEP_TIMEOUT)
    page.wait_for_timeout(500)
    paused = page.evaluate(PICTURE)
    page.wait_for_timeout(1500)
    later = page.evaluate(PICTURE)
    assert _epoch(later) == _epoch(paused) and later["hash"] == paused["hash"], (
        f"still training after Pause: epoch {_epoch(paused)} -> {_epoch(later)}")

    # A dropdown changed by an arrow key redraws the picture.
    dropdown = _tab_to(page, "dropdown", seen)
    page.keyboard.press("ArrowDown")
    redrawn = _changed(page, later)
    assert redrawn["alt"] != later["alt"], "the alt text did not follow the new activation"
    assert page.evaluate(FOCUSED)["target"] == "dropdown", "the arrow key moved the focus"

    # The slider handle says what it is and shows the value as the readout does.
    slider = _tab_to(page, "slider", seen)
    readout = page.evaluate("() => document.activeElement.closest('.widget-slider')"
                            ".querySelector('.widget-readout').textContent.trim()")
    assert slider["name"] == "training %" and slider["valuetext"] == readout, slider

    # The +/- buttons (made again by the change above, so found by name), then the settings
    # section, which Enter opens.
    _tab_to(page, "Add a neuron to layer 1", seen)
    section = _tab_to(page, "section", seen)
    assert section["expanded"] == "false", section
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-expanded') === 'true'",
                           timeout=STEP_TIMEOUT)
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.activeElement"
                           ".closest('.jupyter-widget-Collapse-contents') !== null")
    assert inside, f"Tab after opening the section went to {page.evaluate(FOCUSED)}"
    kinds = {f["tag"] for f in seen}
    assert {"SELECT", "BUTTON", "DIV"} <= kinds, kinds  # dropdowns, buttons, slider handles
    # ipywidgets 8.1 writes the tooltip "null" where there is none (read out as a description)
    assert not [f for f in seen if f["title"] == "null"], "controls with the tooltip 'null'"
    assert dropdown["name"] and len(seen) > 20, seen


@pytest.mark.browser
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_runs_live_in_jupyterlab(name, jupyterlab, lab_context):
    base, token = jupyterlab
    page = lab_context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # A workspace of its own, reset: only this notebook is open.
        page.goto(f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={token}",
                  wait_until="domcontentloaded")
        _wait(page, "s.panel && s.kernel === 'idle'", name, "an idle kernel")
        n_blocked = len(lab_context.blocked)
        page.evaluate(f"(name) => {{ const panel = ({PANEL})(name);"
                      " jupyterapp.shell.activateById(panel.id);"
                      " jupyterapp.commands.execute('notebook:run-all-cells'); }", name)
        _wait(page, "s.kernel === 'idle' && (s.errors.length || s.counts.every(c => c !== null))",
              name, "Run All")
        state = page.evaluate(CELL_STATE, name)
        assert not state["errors"], f"{name}: error outputs {state['errors']}"
        assert all(c is not None for c in state["counts"]), f"{name}: cells left unrun"

        page.wait_for_selector("label.MCButton", state="attached")  # the quiz rendered
        before = page.evaluate(EXPLORER)
        assert before, f"{name}: no explorer output with a slider and an image"
        handle = page.locator("[data-test-explorer] .widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"(before) => {{ const now = ({IMAGES})();"
                               " return now.some((src, i) => src !== before[i]); }",
                               arg=before, polling=200)
        ARTIFACTS.mkdir(exist_ok=True)
        quiz = page.locator(".jp-OutputArea-output:has(label.MCButton)").first
        quiz.scroll_into_view_if_needed()
        quiz.screenshot(path=str(ARTIFACTS / f"lab-{Path(name).stem}-quiz.png"))
        page.locator("[data-test-explorer]").scroll_into_view_if_needed()
        page.locator("[data-test-explorer]").screenshot(
            path=str(ARTIFACTS / f"lab-{Path(name).stem}-explorer.png"))
        page.screenshot(path=str(ARTIFACTS / f"lab-{Path(name).stem}.png"))
        if name == "06_playground.ipynb":
            _playground_by_keyboard(page, name)  # ends with the focus in its opened section
            page.screenshot(path=str(ARTIFACTS / f"lab-{Path(name).stem}-keyboard.png"))
        _axe_widget_outputs(page, name)
        assert not errors, f"{name}: uncaught errors in the page: {errors}"
        blocked = lab_context.blocked[n_blocked:]
        assert not blocked, f"{name}: requests to the network after Run All: {blocked}"
    finally:
        # Stop this notebook's kernel: the next test should not share the CPU with it.
        try:
            page.evaluate(f"(name) => {{ const p = ({PANEL})(name);"
                          " return p ? p.sessionContext.shutdown() : null; }", name)
        finally:
            page.close()
