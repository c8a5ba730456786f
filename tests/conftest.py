"""Fixtures shared by the browser tests: the built book on 127.0.0.1 and one offline Chromium.

One Playwright per test session (per xdist worker); one Chromium for the book, shared by
test_browser.py and test_browser_quiz.py, and one for JupyterLab (test_browser_lab.py). Every
request to a host other than the local server is blocked.
"""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from browser_support import CHROMIUM, HTML, offline_chromium, require_book, unavailable


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
def playwright_session():
    """The one Playwright of this test session (two sync Playwrights cannot share a thread)."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
                     f"(the tests never download a browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python Playwright is missing: pip install -r requirements.txt")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser_context(book_url, playwright_session, tmp_path_factory):
    """One Chromium per test session (per xdist worker) for the built book, with a fresh profile."""
    context = offline_chromium(playwright_session, tmp_path_factory.mktemp("chromium-profile"),
                               book_url)
    yield context
    context.close()
