"""Put MathJax and the book's widget manager into book_assets/vendor/, so the book works offline.

The versions are pinned in package.json / package-lock.json; this script runs `npm ci` when
node_modules is missing or older than the lock file, then fills book_assets/vendor/ with only
what the pages load:

    mathjax/   tex-chtml.js (TeX input, CHTML output: all the book uses), its CHTML fonts and
               the TeX extensions it autoloads
    widgets/   book-widgets.js and .css (+ fonts/): the widget manager, bundled here with esbuild
               from tools/widgets/book-widgets.js (only the widget models the book uses; see
               that file), and setup.js (book_assets/widgets-setup.js)
    book.css   the book's own stylesheet (book_assets/book.css), on every page

`_config.yml` points `mathjax_path` and `nb_ipywidgets_js` at these paths. Without Node.js (or
when `npm ci` fails) only setup.js is copied and tools/offline_assets.py (a Sphinx extension)
switches MathJax and the widget manager to the public CDNs, with integrity hashes, so the build
still passes, but the pages then need a network connection.

Usage: python tools/vendor_assets.py   (make book runs it)
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
LOCK = ROOT / "package-lock.json"
STAMP = NODE_MODULES / ".mml4-lock-sha256"  # hash of the lock file node_modules was built from
VENDOR = ROOT / "book_assets" / "vendor"

# (folder under node_modules, folder under book_assets/vendor, file patterns to copy)
COPIES = [
    # MathJax: one combined component (TeX in, CHTML out); it loads its fonts and, on demand,
    # TeX extensions (\boldsymbol, \cancel, ...) relative to its own URL. The rest of the 24 MB
    # package is unused; tex-mml-chtml.js would add MathML input, which no page has.
    ("mathjax/es5", "mathjax", [
        "tex-chtml.js",
        "output/chtml/fonts/woff-v2/*.woff",
        "input/tex/extensions/*.js",
    ]),
    ("mathjax", "licenses/mathjax", ["LICENSE"]),
    ("@jupyter-widgets/html-manager", "licenses/html-manager", ["LICENSE"]),
    ("@fortawesome/fontawesome-free", "licenses/fontawesome", ["LICENSE.txt"]),
]
# Never loaded on demand (only by an explicit \require{all-packages}): 212 kB saved.
SKIP = {"all-packages.js"}
# Our own files, copied with or without npm: the script loaded before the widget manager (see
# book_assets/widgets-setup.js; the CDN fallback needs it too) and the book's stylesheet
# (`html_css_files` in _config.yml: contrast fixes for the theme's colours).
OWN = [(ROOT / "book_assets" / "widgets-setup.js", "widgets/setup.js"),
       (ROOT / "book_assets" / "book.css", "book.css")]

# The widget manager, bundled by esbuild (the version in package-lock.json). `define` is
# replaced by `undefined` so that the bundled libraries' UMD wrappers (backbone, jquery, ...)
# take their CommonJS branch even if a page also loads require.js. The CSS imported by the
# entry goes to book-widgets.css, the fonts it refers to into fonts/.
BUNDLE_ENTRY = ROOT / "tools" / "widgets" / "book-widgets.js"
BUNDLE = "widgets/book-widgets.js"
BUNDLE_CSS = "widgets/book-widgets.css"
ESBUILD_ARGS = [
    "--bundle", "--minify", "--format=iife", "--target=es2019", "--log-level=warning",
    "--define:define=undefined", '--define:process.env.NODE_ENV="production"',
    *(f"--loader:.{ext}=file" for ext in ("woff2", "woff", "ttf", "eot", "svg")),
    "--asset-names=fonts/[name]-[hash]", "--legal-comments=linked",
]

NO_NODE = """\
vendor_assets: {reason}
  MathJax and the widget manager will load from public CDNs: the built book needs a network
  connection to show formulas and explorers. For an offline book install Node.js 18+ with npm
  (e.g. apt-get install nodejs npm) and run `make book` again."""


def lock_hash():
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def node_modules_current():
    return STAMP.is_file() and STAMP.read_text().strip() == lock_hash()


def npm_ci():
    """Install exactly the locked versions; True on success."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return False
    print("vendor_assets: npm ci (node_modules missing or older than package-lock.json)")
    # --ignore-scripts: no package needs its install script (esbuild finds its binary in the
    # locked @esbuild/<platform> package without it).
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    result = subprocess.run(cmd, cwd=ROOT, check=False)
    if result.returncode != 0:
        return False
    STAMP.write_text(lock_hash() + "\n")
    return True


def sri(path):
    """Subresource-integrity value (sha384, base64) of a file, as a <script integrity=...>."""
    import base64

    return "sha384-" + base64.b64encode(hashlib.sha384(Path(path).read_bytes()).digest()).decode()


def copy_own():
    """Copy the book's own scripts (needed with and without npm); returns (files, bytes)."""
    n_files = n_bytes = 0
    for src, dst in OWN:
        (VENDOR / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, VENDOR / dst)
        n_files, n_bytes = n_files + 1, n_bytes + src.stat().st_size
    return n_files, n_bytes


def build_widgets():
    """Bundle the widget manager with esbuild into book_assets/vendor/widgets/."""
    node = shutil.which("node")
    esbuild = NODE_MODULES / "esbuild" / "bin" / "esbuild"
    if node is None or not esbuild.is_file():
        raise FileNotFoundError("esbuild is not installed: run `npm ci`")
    cmd = [node, str(esbuild), str(BUNDLE_ENTRY), *ESBUILD_ARGS, f"--outfile={VENDOR / BUNDLE}"]
    subprocess.run(cmd, cwd=ROOT, check=True)


def copy_assets():
    """Rebuild book_assets/vendor from node_modules; returns (number of files, bytes)."""
    shutil.rmtree(VENDOR, ignore_errors=True)
    n_files = n_bytes = 0
    for src_dir, dst_dir, patterns in COPIES:
        src_root = NODE_MODULES / src_dir
        for pattern in patterns:
            matches = sorted(src_root.glob(pattern))
            if not matches:
                raise FileNotFoundError(f"node_modules/{src_dir}/{pattern} matched no file")
            for src in (m for m in matches if m.name not in SKIP):
                dst = VENDOR / dst_dir / src.relative_to(src_root)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
                n_files, n_bytes = n_files + 1, n_bytes + src.stat().st_size
    build_widgets()
    built = [p for p in (VENDOR / "widgets").rglob("*") if p.is_file()]
    own_files, own_bytes = copy_own()
    return (n_files + len(built) + own_files,
            n_bytes + sum(p.stat().st_size for p in built) + own_bytes)


def main():
    if not node_modules_current():
        if shutil.which("npm") is None:
            reason = "Node.js/npm not found."
        elif not npm_ci():
            reason = "`npm ci` failed (is the npm registry reachable?)."
        else:
            reason = None
        if reason is not None:
            shutil.rmtree(VENDOR, ignore_errors=True)
            copy_own()
            print(NO_NODE.format(reason=reason), file=sys.stderr)
            return 0  # the book still builds, from the CDNs
    n_files, n_bytes = copy_assets()
    print(f"vendor_assets: {n_files} files, {n_bytes / 1e6:.1f} MB -> "
          f"{VENDOR.relative_to(ROOT)}/ (the book works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
