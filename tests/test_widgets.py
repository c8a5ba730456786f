"""mml4_lib.widgets and mml4_lib.explorers without a browser: live updates, static frames, links."""

import io
import json
import subprocess
import sys

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from mml4_lib import widgets as W
from mml4_lib.activations import sigmoid
from mml4_lib.explorers import EXPLORERS
from mml4_lib.explorers.neuron import B_VALUES, W_VALUES, X, make_neuron_explorer, neuron_curves
from mml4_lib.plotting.render import new_figure


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


# ----------------------------------------------------------------------------- a toy explorer
Z = np.linspace(-3, 3, 61)
FUNCS = {"tanh": np.tanh, "sigmoid": sigmoid}


def toy_setup():
    fig = new_figure(3, 2, dpi=50)
    ax = fig.add_subplot()
    (line,) = ax.plot(Z, np.tanh(Z))
    ax.set_ylim(-2, 2)
    return {"fig": fig, "line": line}


def toy_update(state, k, f, epoch):
    state["line"].set_ydata(FUNCS[f](k * Z) + 0.1 * epoch)


def toy_controls():
    return [W.slider("k", [0.5, 1.0, 2.0], value=1.0), W.choice("f", ["tanh", "sigmoid"],
            buttons=True), W.play("epoch", [0, 1, 2, 3], interval=100)]


def toy(mode, **kwargs):
    return W.Explorer(toy_controls(), toy_setup, toy_update, mode=mode, **kwargs)


# ----------------------------------------------------------------------------- controls
def test_control_helpers_build_the_right_widgets():
    ex = toy("live")
    assert isinstance(ex.widgets["k"], widgets.SelectionSlider)
    assert isinstance(ex.widgets["f"], widgets.ToggleButtons)
    assert isinstance(ex.widgets["epoch"], widgets.SelectionSlider)  # driven by a Play
    assert ex.widgets["k"].index == 1 and ex.widgets["f"].value == "tanh"
    assert W.choice("a", ["x", "y"]).kind == "dropdown"
    assert W.slider("lr", [0.001, 0.1]).labels == ("0.001", "0.1")
    plays = [c for c in ex.widget.children if isinstance(c, widgets.HBox)]
    assert len(plays) == 1 and isinstance(plays[0].children[0], widgets.Play)


@pytest.mark.parametrize("make, match", [
    (lambda: W.slider("not a name", [1, 2]), "identifier"),
    (lambda: W.slider("w", []), "must not be empty"),
    (lambda: W.slider("w", [1, 1]), "distinct"),
    (lambda: W.slider("w", [1, 2], value=3), r"value must be one of \[1, 2\], got 3"),
    (lambda: W.slider("w", [1, 2], labels=["a"]), "expected 2 labels, got 1"),
    (lambda: W.play("t", [0, 1], interval=0), "interval must be a positive int"),
    (lambda: W.Control("w", (1,), ("1",), 1, kind="knob"), "kind must be one of"),
])
def test_bad_controls_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("make, match", [
    (lambda: W.slider("w", 3), "values must be a sequence, got int"),
    (lambda: W.slider("w", [[1], [2]]), "values must be hashable"),
])
def test_bad_control_types_raise_type_error(make, match):
    with pytest.raises(TypeError, match=match):
        make()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"controls": []}, TypeError, "non-empty list of Control"),
    ({"controls": ["w"]}, TypeError, "Control objects"),
    ({"controls": [W.slider("w", [1]), W.slider("w", [2])]}, ValueError, "distinct"),
    ({"setup": None}, TypeError, "setup must be callable"),
    ({"update": 3}, TypeError, "update must be callable"),
    ({"mode": "dynamic"}, ValueError, r"one of \('live', 'static'\), got 'dynamic'"),
    ({"dpi": 0}, ValueError, "dpi must be a number"),
    ({"colors": 1000}, ValueError, "colors must be an int"),
    ({"max_frames": 10}, ValueError, "24 combinations, more than max_frames=10"),
    ({"setup": lambda: "fig"}, TypeError, "dict with a matplotlib Figure under 'fig', got str"),
])
def test_bad_explorer_arguments(kwargs, error, match):
    args = {"controls": toy_controls(), "setup": toy_setup, "update": toy_update, "mode": "live"}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        W.Explorer(args.pop("controls"), args.pop("setup"), args.pop("update"), **args)


def test_bad_environment_mode_names_the_variable(monkeypatch):
    monkeypatch.setenv("MML4_WIDGETS", "fast")
    with pytest.raises(ValueError, match=r"\$MML4_WIDGETS\) must be one of"):
        toy(None)


def test_mode_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MML4_WIDGETS", "static")
    assert toy(None).mode == "static"
    monkeypatch.delenv("MML4_WIDGETS")
    assert toy(None).mode == "live"


def test_training_explorers_update_on_release():
    assert toy("live").widgets["k"].continuous_update is True
    assert toy("live", update_on_release=True).widgets["k"].continuous_update is False
    slow = W.slider("k", [1, 2], continuous_update=False)
    ex = W.Explorer([slow], toy_setup, lambda s, k: None, mode="live")
    assert ex.widgets["k"].continuous_update is False


def test_set_rejects_unknown_controls_and_values():
    ex = toy("live")
    with pytest.raises(ValueError, match=r"unknown control 'q'; controls are \['k', 'f', 'ep"):
        ex.set(q=1)
    with pytest.raises(ValueError, match=r"control 'k': value must be one of \[0.5, 1.0, 2.0\]"):
        ex.set(k=3.0)
    with pytest.raises(ValueError, match="frame\\(\\) needs mode='static'"):
        ex.frame(k=1.0, f="tanh", epoch=0)


# ----------------------------------------------------------------------------- the neuron, live
def test_neuron_curves_match_the_formula():
    a, da = neuron_curves(2.0, -1.0, np.array([0.0, 0.5, 3.0]))
    z = np.array([-1.0, 0.0, 5.0])
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(da, np.exp(-z) / (1 + np.exp(-z)) ** 2)


@pytest.mark.parametrize("name, values", [("w", W_VALUES), ("b", B_VALUES)])
def test_neuron_live_every_value_redraws_the_curves(name, values):
    ex = make_neuron_explorer(mode="live")
    seen = set()
    for v in values:
        png = ex.set(**{name: v})
        w, b = ex.values["w"], ex.values["b"]
        assert ex.widgets[name].value == v
        z = w * X + b
        np.testing.assert_allclose(ex.state["a"].get_ydata(), 1 / (1 + np.exp(-z)))
        np.testing.assert_allclose(ex.state["da"].get_ydata(), np.exp(-z) / (1 + np.exp(-z)) ** 2)
        assert ex.state["mid"].get_visible() == (w != 0)
        if w != 0:
            assert ex.state["mid"].get_xdata()[0] == pytest.approx(-b / w)
        assert png == bytes(ex.image.value) and png.startswith(b"\x89PNG")
        seen.add(png)
    assert len(seen) == len(values), "every value must give a different picture"
    assert ex.errors == []


def test_neuron_live_image_follows_the_widget_directly():
    ex = make_neuron_explorer(mode="live")
    before = ex.image.value
    ex.widgets["b"].value = 2.0  # as a reader's slider move arrives from the browser
    assert ex.values["b"] == 2.0 and ex.image.value != before
    assert ex.state["a"].get_ydata()[0] == pytest.approx(float(sigmoid(1.0 * X[0] + 2.0)))


# ----------------------------------------------------------------------------- static mode
@pytest.fixture(scope="module")
def static_neuron():
    return make_neuron_explorer(mode="static")


def test_static_neuron_has_one_small_palette_frame_per_combination(static_neuron):
    ex = static_neuron
    assert len(ex.frames) == len(W_VALUES) * len(B_VALUES) == 49
    assert len(set(ex.frames.values())) == 49, "all frames differ"
    sizes = [len(png) for png in ex.frames.values()]
    assert max(sizes) < 30_000 and sum(sizes) < 1_000_000
    image = Image.open(io.BytesIO(ex.frames[(1.0, 0.0)]))
    assert image.mode == "P" and len(image.getcolors()) <= ex.colors
    assert image.size == (512, 256)  # 6.4 x 3.2 in at 80 dpi, no tight bounding box
    assert ex.errors == []


def test_static_stacks_are_nested_and_linked_per_control(static_neuron):
    ex = static_neuron
    assert [len(level) for level in ex.stacks] == [1, len(W_VALUES)]
    for c, level in zip(ex.controls, ex.stacks, strict=True):
        targets = {id(link.target[0]) for link in ex.links
                   if link.source == (ex.widgets[c.name], "index")}
        assert targets == {id(stack) for stack in level}, f"control {c.name}"
        assert all(link.target[1] == "selected_index" for link in ex.links)
        assert all(stack.selected_index == c.index for stack in level)
        assert all(len(stack.children) == len(c.values) for stack in level)


def test_static_stacks_hold_each_frame_where_the_controls_point(static_neuron):
    ex = static_neuron
    for (w, b), png in ex.frames.items():
        i, j = W_VALUES.index(w), B_VALUES.index(b)
        assert ex.stacks[0][0].children[i].children[j].value == png
        assert ex.frame(w=w, b=b) == png


def test_static_frames_show_what_live_mode_draws(static_neuron):
    live = make_neuron_explorer(mode="live")
    for w, b in [(1.0, 0.0), (-2.0, 3.0), (0.0, -1.0)]:
        same = np.abs(pixels(static_neuron.frame(w=w, b=b)) - pixels(live.set(w=w, b=b))).mean()
        far = static_neuron.frame(w=W_VALUES[-1], b=B_VALUES[0])
        other = np.abs(pixels(far) - pixels(live.render())).mean()
        # The palette shifts anti-aliased pixels a little; another setting moves whole curves.
        assert same < 2.0 and other > 3 * same, (w, b, same, other)


def test_static_explorer_shows_the_precomputed_note(static_neuron):
    notes = [c for c in static_neuron.widget.children if isinstance(c, widgets.HTML)]
    assert len(notes) == 1 and "Precomputed" in notes[0].value
    assert "mml4-explorer-note" in notes[0].value  # the browser tests find explorers by it


def test_static_set_redraws_the_state_and_returns_the_frame(static_neuron):
    png = static_neuron.set(w=2.0, b=1.0)
    assert png == static_neuron.frames[(2.0, 1.0)]
    assert static_neuron.state["mid"].get_xdata()[0] == pytest.approx(-0.5)


def test_play_and_choice_controls_are_linked_in_static_mode():
    ex = toy("static")
    assert len(ex.frames) == 3 * 2 * 4
    assert [len(level) for level in ex.stacks] == [1, 3, 6]
    player = next(c for c in ex.widget.children if isinstance(c, widgets.HBox)).children[0]
    assert any(link.source == (player, "value") and link.target == (ex.widgets["epoch"], "index")
               for link in ex.links), "the Play button must drive the epoch slider in the browser"
    for name, level in zip(["k", "f", "epoch"], ex.stacks, strict=True):
        linked = {id(link.target[0]) for link in ex.links
                  if link.source == (ex.widgets[name], "index")}
        assert linked == {id(s) for s in level}


# ----------------------------------------------------------------------------- never raises
def failing_update(state, k, f, epoch):
    if k == 2.0:
        raise FloatingPointError("overflow in exp")
    toy_update(state, k, f, epoch)
    if epoch == 3:
        return "diverged at epoch 3"
    return None


def shown_texts(ex):
    """The visible figure-level texts of an explorer's figure (where messages are drawn)."""
    return [t.get_text() for t in ex.state["fig"].texts if t.get_visible()]


def test_an_update_that_raises_shows_a_message_instead():
    ex = W.Explorer(toy_controls(), toy_setup, failing_update, mode="live")
    fine = bytes(ex.image.value)
    png = ex.set(k=2.0)  # must not raise
    assert png != fine and ex.errors
    assert "FloatingPointError: overflow in exp" in ex.errors[-1][1]
    assert any("k=2" in t for t in shown_texts(ex))
    ex.set(k=1.0)
    assert not any("k=2" in t for t in shown_texts(ex)) and bytes(ex.image.value) == fine


def test_a_message_from_update_is_drawn_on_the_figure():
    ex = W.Explorer(toy_controls(), toy_setup, failing_update, mode="live")
    ex.set(epoch=3)
    assert "diverged at epoch 3" in shown_texts(ex)
    assert ex.errors == []  # a reported divergence is a result, not an error


def test_static_mode_survives_failing_combinations():
    ex = W.Explorer(toy_controls(), toy_setup, failing_update, mode="static")
    assert len(ex.frames) == 24
    assert len(ex.errors) == 2 * 4  # every combination with k = 2


def test_a_figure_that_cannot_render_becomes_a_message_picture():
    def bad_title(state, k):
        state["fig"].axes[0].set_title(r"$\frac{$" if k == 2 else "fine")

    ex = W.Explorer([W.slider("k", [1, 2])], toy_setup, bad_title, mode="live")
    png = ex.set(k=2)
    assert png.startswith(b"\x89PNG") and "Could not render k=2" in ex.errors[-1][1]


# ----------------------------------------------------------------------------- display, registry
def test_explorer_displays_as_its_widget():
    ex = toy("live")
    bundle = ex._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == ex.widget.model_id


@pytest.fixture
def shown():
    """shown(obj): the outputs a notebook cell shows for obj, as a list of mimebundles."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()

    def show(obj):
        with capture_output() as cap:
            display(obj)
        return [o.data for o in cap.outputs]

    yield show
    InteractiveShell.clear_instance()


def test_a_live_explorer_shows_the_script_that_names_its_controls(shown):
    from mml4_lib.playground import PlaygroundWidget

    for obj in (toy("live"), PlaygroundWidget(dpi=30)):
        widget, script = shown(obj)
        assert widget["application/vnd.jupyter.widget-view+json"]["model_id"] == \
            obj.widget.model_id
        assert script["application/javascript"] == W.live_script().data


def test_a_static_explorer_shows_its_widget_only(shown):
    # The static book's widget bundle names the controls itself.
    (widget,) = shown(toy("static"))
    assert set(widget) == {"text/plain", "application/vnd.jupyter.widget-view+json"}


def test_live_script_is_package_data_with_the_focus_styles_and_loads_nothing():
    from importlib import resources

    assets = resources.files("mml4_lib").joinpath("assets")
    css = assets.joinpath("widgets-a11y.css").read_text(encoding="utf-8")
    script = W.live_script().data
    assert assets.joinpath("live-widgets.js").read_text(encoding="utf-8") in script
    assert ":focus-visible" in css and json.dumps(css) in script
    for name in ("aria-label", "aria-valuetext", "alt", "MutationObserver"):
        assert name in script
    # nothing from the network, no other script or module
    for loader in ("http:", "https:", "fetch(", "import(", "XMLHttpRequest", "src ="):
        assert loader not in script, loader


def test_show_names_a_bad_argument():
    with pytest.raises(TypeError, match="widget must be an ipywidgets Widget, got str"):
        W.show("not a widget", "live")
    with pytest.raises(ValueError, match="mode must be one of .* got 'book'"):
        W.show(widgets.Label("x"), "book")


def test_every_explorer_is_named_after_its_file():
    # make_<name>_explorer lives in explorers/<name>.py, so a name finds its file and its lab twin
    for name, make in EXPLORERS.items():
        assert make.__module__ == f"mml4_lib.explorers.{name}", (name, make.__module__)


def test_explorers_do_not_touch_pyplot():
    """Figures come from matplotlib.figure (new_figure), so none leaks into a notebook's output.

    Importing every explorer module must not import pyplot either.
    """
    code = ("import sys; from mml4_lib.explorers import EXPLORERS; "
            "EXPLORERS['neuron'](mode='live'); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# Static mode of every explorer in the book is checked on the built pages, where `make book`
# has already paid for the frames: tests/test_browser.py (frame counts and links from the
# saved widget state, then the controls in Chromium). Here: neuron and the toy above.
@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_registered_explorer_handles_every_value(name):
    live = EXPLORERS[name](mode="live")
    for c in live.controls:
        pictures = {live.set(**{c.name: v}) for v in c.values}
        assert len(pictures) > 1, f"{name}: control {c.name} never changes the picture"
        live.set(**{c.name: c.value})
    assert live.errors == [], f"{name}: {live.errors[:3]}"


def test_static_note_links_to_the_live_launch_from_config(tmp_path, monkeypatch):
    from mml4_lib.widgets import launch_links

    (tmp_path / "chapters").mkdir()
    (tmp_path / "_config.yml").write_text(
        "title: x\nrepository:\n  url: https://github.com/org/course\n  branch: dev\n"
    )
    monkeypatch.chdir(tmp_path / "chapters")
    html = launch_links()
    assert 'href="https://mybinder.org/v2/gh/org/course/dev?urlpath=lab/tree/chapters"' in html
    assert 'href="https://colab.research.google.com/github/org/course/blob/dev/chapters"' in html
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://example.org/x\n")
    assert launch_links() == ""


def test_the_books_own_config_gives_launch_links():
    import pathlib

    from mml4_lib.widgets import launch_links

    root = pathlib.Path(__file__).resolve().parents[1]
    assert "mybinder.org/v2/gh/" in launch_links(root / "chapters")



def test_the_live_script_finds_our_sliders_by_the_class_control_widget_gives_them():
    # The live script makes the readout of these SelectionSliders plain text (ipywidgets 8.1
    # never reads what is typed there); tests/test_browser_lab.py checks the result live.
    assert f'"{W.SELECTION_SLIDER_CLASS}"' in W.live_script().data
