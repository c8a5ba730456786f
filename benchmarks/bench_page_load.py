"""How fast the static book shows its interactive figures, in Chromium, on a local server.

    python benchmarks/bench_page_load.py [--repeats 3] [--html _build/html] [--trace PAGE]

Builds nothing: serves an existing `_build/html` (`make book`) on 127.0.0.1 and opens it in
Debian's Chromium (/usr/bin/chromium, through Playwright; every request to another host is
blocked, as offline). For every chapter page (chapters 1-10 and the page on interactive
figures) it measures, in a fresh browser context each time (empty cache, as a first visit):

- **first figure**: time from navigation until the first explorer's image (an `<img>` inside
  a rendered widget) is in the DOM, from a MutationObserver installed before the page's own
  scripts (`performance.now()`, whose origin is the navigation start);
- **plain page**: DOMContentLoaded of `chapters/notation.html` (text and math, no widgets),
  loaded right before each chapter load, so both see the same machine. The machine is shared
  with other jobs; interleaving the two is what makes their ratio fair;
- **ratio**: the median over the repeats of (first figure / the plain page loaded just before);
- **figure shown**: when that image is decoded and the browser starts the frame that paints
  it (an animation-frame callback; not a target: it shows the figure is not merely in the DOM
  while the page is still busy);
- **math typeset**: when MathJax inserted the page's last typeset formula;
- **script**: bytes of every script the page loaded (external files, including the ones loaded
  on demand), uncompressed and gzip-compressed (level 6, as a web server would send them).

Targets (issue 16): ratio at most 2.0 and at most 5 MB of script on every chapter page.

`--trace chapters/08_initialization.html` instead records one load's Chromium performance trace
and prints where the main thread spent its time until the first figure (per script: compile
and evaluation; HTML parsing; the widget manager's work after its script ran) and the timeline
of DOMContentLoaded, load and first figure.
"""

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PLAIN = "chapters/notation.html"
RATIO_TARGET = 2.0
SCRIPT_TARGET = 5_000_000

# Runs before any script of the page: note when the first widget image enters the DOM.
FIRST_IMAGE_PROBE = """
(() => {
  window.__firstFigure = null;
  window.__figureShown = null;
  const seen = () => document.querySelector('.widget-subarea img, .jupyter-widgets img');
  const obs = new MutationObserver(() => {
    const img = window.__firstFigure === null && seen();
    if (img) {
      window.__firstFigure = performance.now();
      obs.disconnect();
      // "shown": decoded, and the start of the next frame (whose paint includes it).
      img.decode().catch(() => null).then(() => requestAnimationFrame(
        () => { window.__figureShown = performance.now(); }));
    }
  });
  obs.observe(document, {childList: true, subtree: true});
  // When MathJax inserted its last typeset formula.
  window.__lastMath = null;
  new MutationObserver((records) => {
    if (records.some(r => Array.from(r.addedNodes).some(n => n.nodeName === 'MJX-CONTAINER'))) {
      window.__lastMath = performance.now();
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(html):
    handler = functools.partial(_Quiet, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def chapter_pages(html):
    """The chapter pages with an interactive figure (05b, the engine, has none), and the page on
    interactive figures."""
    pages = sorted(p for p in (html / "chapters").glob("[01]*.html")
                   if "application/vnd.jupyter.widget-view+json" in p.read_text(encoding="utf-8"))
    return [p.relative_to(html).as_posix() for p in pages] + ["chapters/explorers.html"]


def _offline(base, route):
    if route.request.url.startswith(base):
        route.continue_()
    else:
        route.abort()


def load_plain(browser, base):
    """DOMContentLoaded (ms after navigation) of the plain page, fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", functools.partial(_offline, base))
    page = context.new_page()
    page.goto(base + PLAIN, wait_until="domcontentloaded")
    dcl = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    context.close()
    return dcl


def load_chapter(browser, base, path, timeout_ms=30_000):
    """(first figure, shown, script bytes, gzip, DOMContentLoaded, load, math) for one page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", functools.partial(_offline, base))
    context.add_init_script(FIRST_IMAGE_PROBE)
    page = context.new_page()
    scripts = []
    page.on("response", lambda r: r.request.resource_type == "script" and scripts.append(r))
    page.goto(base + path, wait_until="domcontentloaded")
    page.wait_for_function("window.__figureShown !== null", timeout=timeout_ms, polling=50)
    first, shown = page.evaluate("[window.__firstFigure, window.__figureShown]")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # scripts loaded on demand (MathJax extensions, fonts' CSS)
    nav = page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return [n.domContentLoadedEventEnd, n.loadEventEnd]; })()")
    math = page.evaluate("async () => { if (window.MathJax && MathJax.startup) "
                         "await MathJax.startup.promise; return window.__lastMath; }")
    bodies = [r.body() for r in scripts if r.ok]
    raw = sum(len(b) for b in bodies)
    packed = sum(len(gzip.compress(b, compresslevel=6)) for b in bodies)
    context.close()
    return first, shown, raw, packed, nav[0], nav[1], math


def benchmark(html, repeats):
    from playwright.sync_api import sync_playwright

    server, base = serve(html)
    pages = chapter_pages(html)
    rows = {p: {"first": [], "shown": [], "plain": [], "ratio": [], "dcl": [], "load": [],
                "math": []}
            for p in pages}
    sizes = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            load_plain(browser, base)  # warm the server's and the OS's file cache
            for r in range(repeats):
                for path in pages:
                    plain = load_plain(browser, base)
                    first, shown, raw, packed, dcl, load, math = load_chapter(browser, base, path)
                    row = rows[path]
                    row["first"].append(first)
                    row["shown"].append(shown)
                    row["plain"].append(plain)
                    row["ratio"].append(first / plain)
                    row["dcl"].append(dcl)
                    row["load"].append(load)
                    row["math"].append(math or 0)
                    sizes[path] = (raw, packed)
                    print(f"  round {r + 1}: {path}: first figure {first:.0f} ms, "
                          f"plain {plain:.0f} ms", file=sys.stderr)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows, sizes


def table(rows, sizes):
    med = statistics.median
    lines = [
        "| page | first figure (s) | plain page DOMContentLoaded (s) | ratio | script (MB) | "
        "gzip (MB) | targets | figure shown (s) | math typeset (s) | page's DOMContentLoaded (s) "
        "| load (s) |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for path, row in rows.items():
        ratio = med(row["ratio"])
        raw, packed = sizes[path]
        missed = [name for name, ok in (("ratio", ratio <= RATIO_TARGET),
                                        ("script", raw <= SCRIPT_TARGET)) if not ok]
        lines.append(
            f"| {Path(path).stem} | {med(row['first']) / 1e3:.2f} | {med(row['plain']) / 1e3:.2f}"
            f" | {ratio:.1f}x | {raw / 1e6:.2f} | {packed / 1e6:.2f} | "
            f"{'MISSED: ' + ', '.join(missed) if missed else 'met'} | "
            f"{med(row['shown']) / 1e3:.2f} | {med(row['math']) / 1e3:.2f} | "
            f"{med(row['dcl']) / 1e3:.2f} | "
            f"{med(row['load']) / 1e3:.2f} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- --trace
TRACE_CATEGORIES = ["devtools.timeline", "v8", "v8.execute", "blink.user_timing", "loading"]


def trace(html, path):
    """One load's main-thread time by activity until the first figure (Chromium's trace)."""
    from playwright.sync_api import sync_playwright

    server, base = serve(html)
    out = Path("/tmp") / "bench_page_load_trace.json"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", functools.partial(_offline, base))
            context.add_init_script(FIRST_IMAGE_PROBE)
            page = context.new_page()
            browser.start_tracing(page=page, path=str(out), categories=TRACE_CATEGORIES)
            page.goto(base + path, wait_until="domcontentloaded")
            page.wait_for_function("window.__firstFigure !== null", timeout=30_000, polling=50)
            page.wait_for_load_state("load")
            marks = page.evaluate("""(() => {
              const n = performance.getEntriesByType('navigation')[0];
              const res = performance.getEntriesByType('resource')
                .filter(e => e.initiatorType === 'script' || e.name.endsWith('.js'))
                .map(e => [e.name.split('/').pop().split('?')[0], e.startTime, e.responseEnd]);
              return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                      first: window.__firstFigure, res}; })()""")
            browser.stop_tracing()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    events = json.loads(out.read_text())["traceEvents"]
    nav = next(e["ts"] for e in events if e.get("name") == "navigationStart")
    first_ts = nav + marks["first"] * 1e3
    main_tid = max(
        ({(e["pid"], e["tid"]) for e in events if e.get("name") == "ParseHTML"}),
        key=lambda k: sum(e.get("dur", 0) for e in events
                          if (e["pid"], e["tid"]) == k and e.get("name") == "ParseHTML"))
    spans = [e for e in events if (e.get("pid"), e.get("tid")) == main_tid and e.get("ph") == "X"
             and nav <= e["ts"] < first_ts]
    by = {}

    def add(key, dur):
        by[key] = by.get(key, 0) + dur / 1e3

    for e in spans:
        name, data = e["name"], e.get("args", {}).get("data", {})
        url = (data.get("url") or "").split("/")[-1].split("?")[0]
        if name == "EvaluateScript":
            add(f"evaluate {url or 'inline'}", e["dur"])
        elif name in ("v8.compile", "v8.compileModule", "CompileScript"):
            add(f"compile {url or data.get('fileName', '').split('/')[-1] or 'inline'}",
                e["dur"])
        elif name == "ParseHTML":
            add("parse HTML", e["dur"])
        elif name in ("FunctionCall", "TimerFire", "EventDispatch", "RunMicrotasks",
                      "FireAnimationFrame"):
            add(f"{name} {url}".strip(), e["dur"])
        elif name in ("Layout", "UpdateLayoutTree", "Paint", "PrePaint", "Layerize"):
            add("style, layout, paint", e["dur"])
        elif name in ("ParseAuthorStyleSheet",):
            add("parse CSS", e["dur"])
        elif name == "MajorGC" or name == "MinorGC":
            add("garbage collection", e["dur"])
    print(f"{path}: DOMContentLoaded {marks['dcl']:.0f} ms, load {marks['load']:.0f} ms, "
          f"first figure {marks['first']:.0f} ms")
    print("scripts (request start -> response end, ms):")
    for name, start, end in marks["res"]:
        print(f"  {name:40s} {start:7.0f} {end:7.0f}")
    print("main thread until the first figure (ms, top-level events; nested ones overlap):")
    for key, ms in sorted(by.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {key:60s} {ms:8.0f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--trace", metavar="PAGE", help="trace one page instead")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if not (args.html / PLAIN).is_file():
        parser.error(f"no built book at {args.html} (expected {PLAIN}): run `make book`")
    if args.trace:
        trace(args.html, args.trace)
        return 0
    rows, sizes = benchmark(args.html, args.repeats)
    print(table(rows, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
