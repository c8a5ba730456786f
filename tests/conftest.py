"""Fixtures shared by the browser tests: the built book on 127.0.0.1 and one offline Chromium.

One browser per test session (per xdist worker), shared by test_browser.py and
test_browser_quiz.py. Every request to a host other than the local server is blocked.
"""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, HTML, require_book, unavailable


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def book_url():
    require_book()
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_context(book_url, tmp_path_factory):
    """One Chromium per test session (per xdist worker), with a fresh profile."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
                     f"(the tests never download a browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python Playwright is missing: pip install -r requirements.txt")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        blocked = []

        def offline(route):
            # The network is "off": only the local server answers.
            if route.request.url.startswith(book_url):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        context.blocked = blocked
        yield context
        context.close()
