"""Sphinx extension: serve the vendored MathJax and widget scripts, or fall back to the CDNs.

`_config.yml` points `mathjax_path` and `nb_ipywidgets_js` at the copies that
tools/vendor_assets.py puts into book_assets/vendor/ (served from `_static/`). When they are
missing (no Node.js on the machine) this extension switches those settings back to the public
CDNs and says so, instead of building pages that load scripts which do not exist. It logs
rather than warns, so `jupyter-book build -W` passes either way.

Loaded through `sphinx: local_extensions:` in `_config.yml`.
"""

from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

VENDOR = Path(__file__).resolve().parents[1] / "book_assets" / "vendor"
# The version package-lock.json pins, so both builds typeset the same way.
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3.2.2/es5/tex-mml-chtml.js"


def _needed(config):
    """Vendored files the configuration refers to (paths relative to book_assets/vendor)."""
    return [config.mathjax_path, *config.nb_ipywidgets_js]


def use_cdn_when_not_vendored(app, config):
    missing = [p for p in _needed(config) if not (VENDOR / p).is_file()]
    if not missing:
        logger.info("offline assets: MathJax and the widget scripts are served from _static/")
        return
    # myst-nb's own defaults are the CDN URLs (with their integrity hashes).
    from myst_nb.core.config import ipywidgets_js_factory

    logger.info(
        "offline assets: %s missing; run `python tools/vendor_assets.py` (needs Node.js). "
        "This build loads MathJax and the widget scripts from CDNs.", ", ".join(missing),
    )
    config.html_static_path = [p for p in config.html_static_path
                               if (Path(app.confdir) / p).resolve() != VENDOR]
    config.mathjax_path = MATHJAX_CDN
    config.nb_ipywidgets_js = ipywidgets_js_factory()


def setup(app):
    app.connect("config-inited", use_cdn_when_not_vendored)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
