"""What the browser tests share: where the built book is, which Chromium, and skip-or-fail.

Without a built book or Chromium the browser tests skip with a message saying how to enable
them, unless MML4_REQUIRE_BROWSER=1 (CI), which makes them fail instead.
"""

import os
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
