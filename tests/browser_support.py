"""What the browser tests share: where the built book is, which Chromium, skip-or-fail, and
how a page of the book is loaded (widgets rendered, MathJax settled) and its figures read.

Without a built book or Chromium the browser tests skip with a message saying how to enable
them, unless MML4_REQUIRE_BROWSER=1 (CI), which makes them fail instead.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("MML4_BOOK_HTML", ROOT / "_build" / "html"))  # override: another build
CHROMIUM = os.environ.get("MML4_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NO_BOOK = "no built book: run `make book` first (it writes _build/html)"
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots and reports (git-ignored)


def unavailable(message):
    """Skip on a developer machine, fail in CI (MML4_REQUIRE_BROWSER=1)."""
    if os.environ.get("MML4_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _pages():
    if not HTML.is_dir():
        return []
    skip = {"_static", "_sources", "_images"}
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                  if not skip & set(p.relative_to(HTML).parts[:-1]))


PAGES = _pages()
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def redirect_of(path):
    """The page a built page only redirects to (index.html -> intro.html), or None."""
    match = REDIRECT.search((HTML / path).read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


CONTENT_PAGES = [p for p in PAGES if not redirect_of(p)]


def require_book():
    if not PAGES:
        unavailable(NO_BOOK)


def offline_chromium(pw, profile, local_url):
    """A Chromium context with a fresh profile where only URLs under local_url answer.

    Every other request is aborted and recorded in ``context.blocked``.
    """
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )
    blocked = []

    def offline(route):
        # The network is "off": only the local server answers.
        if route.request.url.startswith(local_url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    context.blocked = blocked
    return context


# ----------------------------------------------------------------------------- a loaded page
VIEW_SCRIPT = 'script[type="application/vnd.jupyter.widget-view+json"]'
# The widget manager (the book's bundle, or embed-amd.js on the CDN fallback) renders each
# widget into a .widget-subarea just before its view script.
WIDGETS_RENDERED = """(selector) => Array.from(document.querySelectorAll(selector)).every(v => {
  const area = v.previousElementSibling;
  return area && area.classList.contains('widget-subarea')
    && area.querySelector('.jupyter-widgets');
})"""
# MathJax done (if the page loads it) and every image decoded; the theme the page shows.
SETTLED = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all(Array.from(document.images, i => i.decode().catch(() => null)));
  return document.documentElement.dataset.theme;
}"""


def wait_for_widgets(page, timeout_ms):
    """Wait until every widget of a loaded page has rendered: None, or what went wrong."""
    n_views = page.locator(VIEW_SCRIPT).count()
    if not n_views:
        return None
    try:
        page.wait_for_function(WIDGETS_RENDERED, arg=VIEW_SCRIPT, timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError, reported to the caller
        return f"not every one of the {n_views} widgets rendered within {timeout_ms / 1000:g} s"
    return None


def settle(page):
    """Wait for MathJax and the page's images; returns the theme shown ("light" or "dark")."""
    return page.evaluate(SETTLED)


# The picture an explorer (a .widget-subarea) shows now: a Stack shows only its selected
# child. Its src, alt text and a SHA-256 of its bytes; null if none is visible.
SHOWN_IMAGE = """async (area) => {
  const img = Array.from(area.querySelectorAll('img')).find(i => i.offsetParent !== null);
  if (!img) return null;
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return {src: img.src, alt: img.getAttribute('alt'),
          hash: Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')};
}"""


def shown_image(area):
    """{src, alt, hash} of the picture an explorer's area (a Playwright locator) shows, or None."""
    return area.evaluate(SHOWN_IMAGE)


def image_after(page, area, before, timeout_ms=3000):
    """The area's shown picture once its bytes differ from before (the same after timeout_ms)."""
    now = before
    for _ in range(timeout_ms // 100):
        page.wait_for_timeout(100)
        now = shown_image(area)
        if (now and now["hash"]) != (before and before["hash"]):
            break
    return now
