"""The book's configuration: Colab install cells, launch buttons, offline scripts."""

import json

import pytest
import yaml
from project_files import ROOT, load_tool

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


sync_repo_url = load_tool("sync_repo_url")
vendor_assets = load_tool("vendor_assets")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_from_the_configured_repository(path):
    url, branch = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
    expected = sync_repo_url.install_cell_source(url.rstrip("/"), branch)
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "".join(first["source"]) == expected, (
        f"{path.name}: the first code cell must be the Colab install cell for {url}@{branch}; "
        f"run `make sync-repo-url`")


def test_intro_clones_the_configured_repository():
    # tools/sync_repo_url.py rewrites the install cells only: a new url must be put here by hand
    url = CONFIG["repository"]["url"].rstrip("/")
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    assert f"git clone {url}\ncd {url.rsplit('/', 1)[1]}\n" in intro, (
        f"intro.md must show `git clone {url}` and cd into its directory")


def test_install_cell_does_nothing_outside_colab():
    source = sync_repo_url.install_cell_source("https://github.com/o/r", "main")
    assert 'if "google.colab" in sys.modules:' in source
    assert "mml4_lib[course] @ git+https://github.com/o/r@main" in source
    scope = {}
    exec(compile(source, "install-cell", "exec"), scope)  # here: not Colab, so no pip call
    assert "subprocess" not in scope


def test_sync_inserts_and_rewrites_the_install_cell(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# T"]},
                    {"cell_type": "code", "execution_count": None, "id": "c", "metadata": {},
                     "outputs": [], "source": ["x = 1"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    old = sync_repo_url.install_cell_source("https://github.com/a/b", "main")
    assert sync_repo_url.sync(path, old) is True
    cells = json.loads(path.read_text())["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code"]
    assert "".join(cells[1]["source"]) == old and "".join(cells[2]["source"]) == "x = 1"
    new = sync_repo_url.install_cell_source("https://github.com/c/d", "dev")
    assert sync_repo_url.sync(path, new) is True and sync_repo_url.sync(path, new) is False
    cells = json.loads(path.read_text())["cells"]
    assert len(cells) == 3 and "".join(cells[1]["source"]) == new


def test_repository_url_must_be_https(tmp_path):
    bad = tmp_path / "_config.yml"
    bad.write_text("repository:\n  url: git@github.com:o/r.git\n")
    with pytest.raises(ValueError, match="repository.url must be an https:// URL"):
        sync_repo_url.repository(bad)


def test_launch_and_download_buttons_are_configured():
    launch = CONFIG["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert launch["thebe"] is True
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
    assert (ROOT / "requirements.txt").is_file() and (ROOT / "runtime.txt").is_file()


def test_offline_settings_name_files_that_vendor_assets_provides():
    """mathjax_path and nb_ipywidgets_js point at files tools/vendor_assets.py provides."""
    sphinx = CONFIG["sphinx"]["config"]
    assert sphinx["html_static_path"] == ["book_assets/vendor"]
    assert not (ROOT / "_static").exists(), "a book-root _static/ gets a <script> per .js file"
    provided = {f"{dst}/{pattern}" for _, dst, patterns in vendor_assets.COPIES
                for pattern in patterns} | {dst for _, dst in vendor_assets.OWN}
    provided.add(vendor_assets.BUNDLE)
    for path in [sphinx["mathjax_path"], *sphinx["nb_ipywidgets_js"]]:
        assert path in provided, f"{path} is not among the files tools/vendor_assets.py provides"
    scripts = sphinx["nb_ipywidgets_js"]
    assert list(scripts) == ["widgets/setup.js", vendor_assets.BUNDLE], "setup.js must load first"
    assert scripts[vendor_assets.BUNDLE].get("defer"), (
        "the widget manager must not block the text and math from showing (defer)")
    assert not scripts["widgets/setup.js"], (
        "setup.js must run while the page is parsed, before the theme's deferred Font Awesome")
    assert sphinx["mathjax_path"].endswith("tex-chtml.js"), "TeX input and CHTML output only"
    for path in sphinx.get("html_css_files", []):
        assert path in provided, f"{path} is not among the files tools/vendor_assets.py provides"


def test_npm_versions_are_exact_and_locked():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    versions = {name.removeprefix("node_modules/"): p.get("version")
                for name, p in lock["packages"].items()}
    pinned = {**package["dependencies"], **package.get("devDependencies", {})}
    assert pinned["esbuild"] and pinned["mathjax"] == "3.2.2" and "requirejs" not in pinned
    assert pinned["@jupyter-widgets/html-manager"] == "1.0.6"
    for name, version in pinned.items():
        assert version[0].isdigit(), f"{name}: {version} is a range, not an exact version"
        assert versions[name] == version, f"{name}: package-lock.json has {versions[name]}"
    assert lock["packages"][""]["devDependencies"] == package.get("devDependencies", {})


def test_cdn_fallback_integrity_hashes_match_the_npm_files():
    """The fallback's SRI values are those of the very files npm vendors (same versions)."""
    offline_assets = load_tool("offline_assets")
    node_modules = ROOT / "node_modules"
    if not (node_modules / ".mml4-lock-sha256").is_file():
        pytest.skip("node_modules not installed (run `make vendor`, which needs npm)")
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for url, npm_path, integrity in offline_assets.CDN_FILES:
        package = npm_path.split("/es5/")[0].split("/dist/")[0]
        assert f"{package}@{lock['node_modules/' + package]['version']}/" in url, url
        assert vendor_assets.sri(node_modules / npm_path) == integrity, f"{url}: stale hash"


class _Config:
    html_static_path = ["book_assets/vendor"]
    mathjax_path = "mathjax/tex-chtml.js"
    mathjax_options = {}
    nb_ipywidgets_js = {"widgets/setup.js": {}, "widgets/book-widgets.js": {"defer": "defer"}}


def test_offline_extension_falls_back_to_the_cdns(tmp_path, monkeypatch):
    offline_assets = load_tool("offline_assets")
    # A checkout where tools/vendor_assets.py never ran: nothing vendored, not even setup.js.
    monkeypatch.setattr(offline_assets, "VENDOR", tmp_path / "book_assets" / "vendor")

    class App:
        confdir = str(tmp_path)

    config = _Config()
    offline_assets.use_cdn_when_not_vendored(App(), config)
    assert config.html_static_path == []  # else Sphinx warns about a missing folder (-W fails)
    assert config.mathjax_path.startswith("https://")
    assert config.mathjax_options["integrity"].startswith("sha384-")
    assert all(url.startswith("https://") for url in config.nb_ipywidgets_js)
    assert all(attrs["integrity"] for attrs in config.nb_ipywidgets_js.values())


def test_cdn_fallback_keeps_the_setup_script(tmp_path, monkeypatch):
    """Without npm, vendor_assets.py copies only setup.js: it still loads, before require.js."""
    offline_assets = load_tool("offline_assets")
    vendor = tmp_path / "book_assets" / "vendor"
    (vendor / "widgets").mkdir(parents=True)
    (vendor / "widgets" / "setup.js").write_text("//")
    monkeypatch.setattr(offline_assets, "VENDOR", vendor)

    class App:
        confdir = str(tmp_path)

    config = _Config()
    offline_assets.use_cdn_when_not_vendored(App(), config)
    assert config.html_static_path == ["book_assets/vendor"]
    scripts = list(config.nb_ipywidgets_js.items())
    assert scripts[0][0] == "widgets/setup.js"
    assert [url.split("/")[-1] for url, _ in scripts[1:]] == ["require.min.js", "embed-amd.js"]
    assert all(attrs["integrity"] and attrs["crossorigin"] == "anonymous"
               for _, attrs in scripts[1:])
    assert config.mathjax_options["integrity"] == offline_assets.MATHJAX_SRI


def test_offline_extension_keeps_the_vendored_settings(tmp_path, monkeypatch):
    offline_assets = load_tool("offline_assets")
    vendor = tmp_path / "book_assets" / "vendor"
    for name in ("mathjax/tex-chtml.js", "widgets/setup.js", "widgets/book-widgets.js"):
        (vendor / name).parent.mkdir(parents=True, exist_ok=True)
        (vendor / name).write_text("//")
    monkeypatch.setattr(offline_assets, "VENDOR", vendor)

    class App:
        confdir = str(tmp_path)

    config = _Config()
    offline_assets.use_cdn_when_not_vendored(App(), config)
    assert config.mathjax_path == "mathjax/tex-chtml.js"
    assert config.html_static_path == ["book_assets/vendor"]
    assert list(config.nb_ipywidgets_js) == ["widgets/setup.js", "widgets/book-widgets.js"]


def test_book_has_a_favicon():
    favicon = ROOT / CONFIG["html"]["favicon"]
    assert favicon.is_file() and favicon.stat().st_size < 4096
