"""Copy MathJax, require.js and the Jupyter widget manager into book_assets/vendor/.

The built book then serves these scripts itself and works offline. The versions are pinned in
package.json / package-lock.json; this script runs `npm ci` when node_modules is missing or
older than the lock file, then copies only the files the pages load:

    book_assets/vendor/mathjax/   tex-mml-chtml.js, its CHTML fonts, the TeX extensions it autoloads
    book_assets/vendor/widgets/   require.js, embed-amd.js, the widget icon fonts, setup.js

`_config.yml` points `mathjax_path` and `nb_ipywidgets_js` at these paths. Without Node.js the
folder is removed and tools/offline_assets.py (a Sphinx extension) switches the book to the
public CDNs, so the build still passes, but the pages then need a network connection.

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
    # MathJax: one combined component; it loads its fonts and, on demand, TeX extensions
    # (\boldsymbol, \cancel, ...) relative to its own URL. The rest of the 24 MB package is unused.
    ("mathjax/es5", "mathjax", [
        "tex-mml-chtml.js",
        "output/chtml/fonts/woff-v2/*.woff",
        "input/tex/extensions/*.js",
    ]),
    ("mathjax", "licenses/mathjax", ["LICENSE"]),
    ("requirejs", "widgets", ["require.js"]),  # its MIT licence is in the file header
    # embed-amd.js bundles the widget models and views; browsers use the woff2/woff icon fonts.
    ("@jupyter-widgets/html-manager/dist", "widgets", ["embed-amd.js", "*.woff2", "*.woff"]),
    ("@jupyter-widgets/html-manager", "licenses/html-manager", ["LICENSE"]),
    ("@fortawesome/fontawesome-free", "licenses/fontawesome", ["LICENSE.txt"]),
]
# Never loaded on demand (only by an explicit \require{all-packages}): 212 kB saved.
SKIP = {"all-packages.js"}
# Our own script, loaded before the widget manager (see book_assets/widgets-setup.js).
OWN = [(ROOT / "book_assets" / "widgets-setup.js", "widgets/setup.js")]

NO_NODE = """\
vendor_assets: {reason}
  MathJax and the widget scripts will load from public CDNs: the built book needs a network
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
    # --ignore-scripts: we only copy files; no package needs its install script for that.
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    result = subprocess.run(cmd, cwd=ROOT, check=False)
    if result.returncode != 0:
        return False
    STAMP.write_text(lock_hash() + "\n")
    return True


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
    for src, dst in OWN:
        (VENDOR / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, VENDOR / dst)
        n_files, n_bytes = n_files + 1, n_bytes + src.stat().st_size
    return n_files, n_bytes


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
            print(NO_NODE.format(reason=reason), file=sys.stderr)
            return 0  # the book still builds, from the CDNs
    n_files, n_bytes = copy_assets()
    print(f"vendor_assets: {n_files} files, {n_bytes / 1e6:.1f} MB -> "
          f"{VENDOR.relative_to(ROOT)}/ (the book works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
