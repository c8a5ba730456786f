"""The book's configuration: Colab install cells, launch buttons, offline scripts."""

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    """mathjax_path and nb_ipywidgets_js point at files tools/vendor_assets.py copies."""
    sphinx = CONFIG["sphinx"]["config"]
    assert sphinx["html_static_path"] == ["book_assets/vendor"]
    assert not (ROOT / "_static").exists(), "a book-root _static/ gets a <script> per .js file"
    copied = {f"{dst}/{pattern}" for _, dst, patterns in vendor_assets.COPIES
              for pattern in patterns} | {dst for _, dst in vendor_assets.OWN}
    for path in [sphinx["mathjax_path"], *sphinx["nb_ipywidgets_js"]]:
        assert path in copied, f"{path} is not among the files tools/vendor_assets.py copies"
    assert list(sphinx["nb_ipywidgets_js"])[0] == "widgets/setup.js", "setup.js must load first"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    versions = {name.removeprefix("node_modules/"): p.get("version")
                for name, p in lock["packages"].items()}
    assert versions["mathjax"] == "3.2.2"
    assert versions["@jupyter-widgets/html-manager"] == "1.0.6"
    assert versions["requirejs"] == "2.3.4"


def test_offline_extension_falls_back_to_the_cdns(tmp_path, monkeypatch):
    offline_assets = load_tool("offline_assets")
    # A checkout where tools/vendor_assets.py could not run (no Node.js): nothing vendored.
    monkeypatch.setattr(offline_assets, "VENDOR", tmp_path / "book_assets" / "vendor")

    class Config:
        html_static_path = ["book_assets/vendor"]
        mathjax_path = "mathjax/tex-mml-chtml.js"
        nb_ipywidgets_js = {"widgets/setup.js": {}, "widgets/require.js": {}}

    class App:
        confdir = str(tmp_path)

    config = Config()
    offline_assets.use_cdn_when_not_vendored(App(), config)
    assert config.html_static_path == []  # else Sphinx warns about a missing folder (-W fails)
    assert config.mathjax_path.startswith("https://")
    assert all(url.startswith("https://") for url in config.nb_ipywidgets_js)


def test_offline_extension_keeps_the_vendored_settings(tmp_path, monkeypatch):
    offline_assets = load_tool("offline_assets")
    vendor = tmp_path / "book_assets" / "vendor"
    for name in ("mathjax/tex-mml-chtml.js", "widgets/setup.js"):
        (vendor / name).parent.mkdir(parents=True, exist_ok=True)
        (vendor / name).write_text("//")
    monkeypatch.setattr(offline_assets, "VENDOR", vendor)

    class Config:
        html_static_path = ["book_assets/vendor"]
        mathjax_path = "mathjax/tex-mml-chtml.js"
        nb_ipywidgets_js = {"widgets/setup.js": {}}

    class App:
        confdir = str(tmp_path)

    config = Config()
    offline_assets.use_cdn_when_not_vendored(App(), config)
    assert config.mathjax_path == "mathjax/tex-mml-chtml.js"
    assert config.html_static_path == ["book_assets/vendor"]
