"""The chapters live in JupyterLab (Binder's interface), as a learner opens them, offline.

The test starts the pinned JupyterLab on 127.0.0.1 with a token, serving a scratch copy of two
chapters (a private settings, workspace and runtime directory, so nothing of the machine's
Jupyter setup leaks in) and drives it with Debian's Chromium, every request to another host
blocked. For each notebook: Run All in a fresh kernel; every code cell runs without an error
output; the quiz renders; one slider of an explorer moved by the keyboard changes its picture;
the page reports no uncaught error and nothing tries to reach the network (jupyterquiz used to
fetch MathJax from a CDN and throw). The server is stopped afterwards. A screenshot of each
notebook goes to tests/artifacts/.

Waits are on the page's state (cell prompts, kernel status, image sources) with generous
timeouts, for a slow 2-core machine. Skips without Chromium or Playwright, like the other browser
tests, and fails instead under MML4_REQUIRE_BROWSER=1 (CI).
"""

import json
import os
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
