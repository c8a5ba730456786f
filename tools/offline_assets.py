"""Sphinx extension: serve the vendored MathJax and widget manager, or fall back to the CDNs.

`_config.yml` points `mathjax_path` and `nb_ipywidgets_js` at the files that
tools/vendor_assets.py puts into book_assets/vendor/ (served from `_static/`). When MathJax or
the widget bundle is missing (no Node.js on the machine) this extension switches to the public
CDNs and says so, instead of building pages that load scripts which do not exist. It logs
rather than warns, so `jupyter-book build -W` passes either way.

The CDN fallback serves the same versions as package-lock.json: MathJax 3.2.2 `tex-chtml.js`
from jsDelivr, require.js 2.3.4 from cdnjs and `@jupyter-widgets/html-manager` 1.0.6
`embed-amd.js` (every standard widget) from jsDelivr, each with a subresource-integrity hash
computed from the npm file (tests/test_book_config.py checks them against node_modules), after
the book's own widgets/setup.js, which vendor_assets.py copies with or without npm. MathJax
then loads its fonts and TeX extensions from jsDelivr as well (no integrity hash is possible
for those: MathJax adds them itself).

Pages with widgets also get the bundle's stylesheet (widgets/book-widgets.css), and only they,
and the bundle runs before MathJax (see widget_assets_first).

Loaded through `sphinx: local_extensions:` in `_config.yml`.
"""

from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

VENDOR = Path(__file__).resolve().parents[1] / "book_assets" / "vendor"
SETUP = "widgets/setup.js"
BUNDLE = "widgets/book-widgets.js"
BUNDLE_CSS = "widgets/book-widgets.css"

# The versions package-lock.json pins, so both builds typeset and render the same way.
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3.2.2/es5/tex-chtml.js"
MATHJAX_SRI = "sha384-AHAnt9ZhGeHIrydA1Kp1L7FN+2UosbF7RQg6C+9Is/a7kDpQ1684C2iH2VWil6r4"
REQUIRE_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"
REQUIRE_SRI = "sha256-Ae2Vz/4ePdIu6ZyI/5ZGsYnb+m0JlOmKPjt6XZ9JJkA="  # myst-nb's own
WIDGETS_CDN = ("https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/"
               "embed-amd.js")
WIDGETS_SRI = "sha384-8oRI1HqQDEJoGjgIf2e9f3+ZzRS8TK+TS8K3D35WjVATOJdyC9k8YXtNReXfHprZ"
# (CDN URL, the file in node_modules it is a copy of, its integrity value)
CDN_FILES = [
    (MATHJAX_CDN, "mathjax/es5/tex-chtml.js", MATHJAX_SRI),
    (WIDGETS_CDN, "@jupyter-widgets/html-manager/dist/embed-amd.js", WIDGETS_SRI),
]


def cdn_widgets_js(setup_available=True):
    """nb_ipywidgets_js for the CDN fallback: setup.js first, then require.js and embed-amd."""
    dist = WIDGETS_CDN.rsplit("/", 1)[0] + "/"
    scripts = {SETUP: {"data-widgets-dist": dist}} if setup_available else {}
    scripts[REQUIRE_CDN] = {"integrity": REQUIRE_SRI, "crossorigin": "anonymous"}
    scripts[WIDGETS_CDN] = {"integrity": WIDGETS_SRI, "crossorigin": "anonymous",
                            "data-jupyter-widgets-cdn": "https://cdn.jsdelivr.net/npm/"}
    return scripts


def _needed(config):
    """Vendored files the configuration refers to (paths relative to book_assets/vendor)."""
    return [config.mathjax_path, *config.nb_ipywidgets_js]


def use_cdn_when_not_vendored(app, config):
    missing = [p for p in _needed(config) if not (VENDOR / p).is_file()]
    if not missing:
        logger.info("offline assets: MathJax and the widget manager are served from _static/")
        return
    setup_available = (VENDOR / SETUP).is_file()
    logger.info(
        "offline assets: %s missing; run `python tools/vendor_assets.py` (needs Node.js). "
        "This build loads MathJax and the widget manager from CDNs.", ", ".join(missing),
    )
    if not setup_available:
        config.html_static_path = [p for p in config.html_static_path
                                   if (Path(app.confdir) / p).resolve() != VENDOR]
    config.mathjax_path = MATHJAX_CDN
    config.mathjax_options = {**(config.mathjax_options or {}),
                              "integrity": MATHJAX_SRI, "crossorigin": "anonymous"}
    config.nb_ipywidgets_js = cdn_widgets_js(setup_available)


def widget_assets_first(app, pagename, templatename, context, doctree):
    """On pages with the book's widget bundle: its stylesheet, and its scripts before MathJax.

    Both are deferred scripts, which run in page order; myst-nb adds the widget scripts after
    MathJax (both at Sphinx's default priority 500), so the first figure would wait for MathJax
    to typeset the whole page. Priority 400 (Sphinx sorts the scripts after this event) moves
    the bundle before it. (setup.js stays where it is: it runs while the page is parsed, after
    the MathJax configuration it adjusts.)
    """
    scripts = context.get("script_files") or []
    names = [str(getattr(s, "filename", s)).split("?")[0] for s in scripts]
    if not any(name.endswith(BUNDLE) for name in names):
        return
    app.add_css_file(BUNDLE_CSS)
    for i, (script, name) in enumerate(zip(scripts, names, strict=True)):
        if name.endswith(BUNDLE) and getattr(script, "priority", 400) > 400:
            scripts[i] = type(script)(script.filename, priority=400, **script.attributes)


def setup(app):
    app.connect("config-inited", use_cdn_when_not_vendored)
    # After myst-nb's handler (priority 500), which adds the widget scripts to the page.
    app.connect("html-page-context", widget_assets_first, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
