"""Explorers: a matplotlib figure driven by a few discrete controls, live or precomputed.

A chapter writes two functions and lists its controls (``new_figure`` is in
``mml4_lib.plotting.render``)::

    def setup():                       # build the figure and its artists once
        fig = new_figure()
        ax = fig.add_subplot()
        (line,) = ax.plot([], [])
        return {"fig": fig, "line": line}

    def update(state, w):              # change the artists in place; may return a message
        state["line"].set_data(x, np.tanh(w * x))
        state["description"] = f"tanh({w} x): slope {w} at 0"   # the figure in words

    Explorer([slider("w", [0.5, 1, 2], value=1)], setup, update)

Artists that ``setup`` marks ``animated`` (``line.set_animated(True)``) are redrawn over a
cached picture of the rest, which is several times faster; do it only when ``update`` changes
nothing else (in particular not the axes limits).

The same notebook code runs in two modes, chosen by the environment variable ``MML4_WIDGETS``:

* ``live`` (the default, any running kernel): a control change calls ``update`` and shows the
  new PNG in an ``ipywidgets.Image``.
* ``static`` (``make book`` sets it): every combination of control values is rendered once
  into palette PNGs held in nested ``ipywidgets.Stack``s, and each control's ``index`` is
  linked to the stacks' ``selected_index`` with ``jslink``. The saved page then switches
  figures in the browser with no kernel.

``update`` never brings the explorer down: if it raises, the figure shows the error; if it
returns a string (for example "diverged at epoch 12"), the figure shows that message.
Introduced on the page "How the interactive figures work" (chapters/explorers.ipynb).
"""

import functools
import html
import itertools
import json
import os
import re
from dataclasses import dataclass
from importlib import resources

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.figure import Figure

from mml4_lib.plotting.render import Renderer, message_png

MODES = ("live", "static")
ENV_VAR = "MML4_WIDGETS"
KINDS = ("slider", "dropdown", "buttons", "play")

STATIC_NOTE = (
    "Precomputed figure: the book rendered it for every combination of the values on the "
    "controls, so it works without Python. To run it live with code you can change, launch "
    "this page in Binder or Colab with the rocket icon at the top of the page."
)


def launch_links(start=None):
    """HTML links that open the course live in Binder and Colab, or "" if they can't be made.

    The repository comes from ``repository: url`` and ``branch`` in the book's _config.yml,
    found in ``start`` (default: the working directory, which is chapters/ while the book
    executes a notebook) or a parent folder. Only GitHub repositories give launch links.
    """
    folder = os.path.abspath(start or os.getcwd())
    for _ in range(3):
        path = os.path.join(folder, "_config.yml")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            repo = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.M)
            branch = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+branch:\s*(\S+)",
                               text, re.M)
            gh = re.fullmatch(r"https://github\.com/([^/\s]+)/([^/\s]+?)(?:\.git)?/?",
                              repo.group(1)) if repo else None
            if not gh:
                return ""
            org, name = gh.groups()
            ref = branch.group(1) if branch else "main"
            binder = f"https://mybinder.org/v2/gh/{org}/{name}/{ref}?urlpath=lab/tree/chapters"
            colab = f"https://colab.research.google.com/github/{org}/{name}/blob/{ref}/chapters"
            return (f' Or open the chapters live: <a href="{html.escape(binder)}">Binder</a>, '
                    f'<a href="{html.escape(colab)}">Colab</a>.')
        folder = os.path.dirname(folder)
    return ""


# ----------------------------------------------------------------------------- controls
@dataclass(frozen=True)
class Control:
    """One discrete control: a name (the keyword ``update`` receives), its values and a widget kind.

    Build it with ``slider``, ``choice`` or ``play`` rather than directly.
    """

    name: str
    values: tuple
    labels: tuple
    value: object
    kind: str = "slider"
    description: str = ""
    continuous_update: bool | None = None  # None: decided by the explorer (False if it trains)
    interval: int = 400  # ms between frames of a "play" control

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"control name must be a Python identifier (it becomes a keyword "
                             f"argument of update), got {self.name!r}")
        if self.kind not in KINDS:
            raise ValueError(f"control {self.name!r}: kind must be one of {KINDS}, "
                             f"got {self.kind!r}")
        if len(self.values) == 0:
            raise ValueError(f"control {self.name!r}: values must not be empty")
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"control {self.name!r}: values must be distinct, "
                             f"got {list(self.values)}")
        if len(self.labels) != len(self.values):
            raise ValueError(f"control {self.name!r}: expected {len(self.values)} labels, "
                             f"got {len(self.labels)}")
        if self.value not in self.values:
            raise ValueError(f"control {self.name!r}: value must be one of {list(self.values)}, "
                             f"got {self.value!r}")

    @property
    def index(self):
        """Position of the initial value in ``values``."""
        return self.values.index(self.value)


def _label(v):
    # Numbers read best in their shortest form: 0.001, 1e-05, 3, 0.5.
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


def _control(kind, name, values, value, labels, description, continuous_update, interval=400):
    try:
        values = tuple(values)
    except TypeError:
        raise TypeError(f"control {name!r}: values must be a sequence, "
                        f"got {type(values).__name__}") from None
    for v in values:
        try:
            hash(v)
        except TypeError:
            raise TypeError(f"control {name!r}: values must be hashable (numbers or strings), "
                            f"got {type(v).__name__}") from None
    if value is None and values:
        value = values[0]
    labels = tuple(_label(v) for v in values) if labels is None else tuple(map(str, labels))
    if not isinstance(interval, int) or interval <= 0:
        raise ValueError(f"control {name!r}: interval must be a positive int (ms), "
                         f"got {interval!r}")
    return Control(name, values, labels, value, kind, description or name,
                   continuous_update, interval)


def slider(name, values, *, value=None, labels=None, description=None, continuous_update=None):
    """A slider over ordered values (init scale 0.001 ... 3, depth 1 ... 10).

    name: the keyword ``update`` receives; values: sequence of numbers, in display order;
    value: the initial value (default the first); labels: optional display strings.
    Returns a Control.
    """
    return _control("slider", name, values, value, labels, description, continuous_update)


def choice(name, values, *, value=None, labels=None, description=None, buttons=False):
    """A choice between names (the activation, the initializer): a dropdown or toggle buttons.

    buttons=True shows all values side by side (best for 2-4 short names). Returns a Control.
    """
    kind = "buttons" if buttons else "dropdown"
    return _control(kind, name, values, value, labels, description, None)


def play(name, values, *, value=None, labels=None, description=None, interval=400):
    """A play button with a slider for an axis such as the training epoch.

    interval: milliseconds between frames while playing. Returns a Control.
    """
    return _control("play", name, values, value, labels, description, None, interval)


SELECTION_SLIDER_CLASS = "mml4-selection-slider"


def control_widget(control, continuous_update=True, *, layout=None):
    """The ipywidgets for a Control: (the widget whose ``index`` selects the value, the widget
    to show, its jslinks). layout: an optional ``ipywidgets.Layout`` (e.g. a width).

    Every control of the explorers and of the live playground is made here.
    """
    if not isinstance(control, Control):
        raise TypeError(f"control must be a Control (use slider, choice, play), "
                        f"got {type(control).__name__}")
    options = list(zip(control.labels, control.values, strict=True))
    # "initial": the label takes the room it needs instead of being cut at a fixed width.
    common = {"options": options, "index": control.index, "description": control.description,
              "style": {"description_width": "initial"}}
    if layout is not None:
        common["layout"] = layout
    if control.kind == "dropdown":
        w = widgets.Dropdown(**common)
        return w, w, []
    if control.kind == "buttons":
        w = widgets.ToggleButtons(**common)
        return w, w, []
    w = widgets.SelectionSlider(continuous_update=continuous_update, **common)
    # ipywidgets 8.1 makes a SelectionSlider's readout editable but never reads it: the live
    # script (assets/live-widgets.js) finds ours by this class and makes the readout plain text,
    # as the book's widget bundle does for every SelectionSlider.
    w.add_class(SELECTION_SLIDER_CLASS)
    if control.kind == "slider":
        return w, w, []
    player = widgets.Play(min=0, max=len(control.values) - 1, value=control.index,
                          interval=control.interval, description=control.description)
    # Linked in the browser, so the play button animates the static book with no kernel too.
    link = widgets.jslink((player, "value"), (w, "index"))
    return w, widgets.HBox([player, w]), [link]


def resolve_mode(mode):
    """"live" or "static": mode itself, or for None the environment variable MML4_WIDGETS.

    A running kernel defaults to live; ``make book`` sets MML4_WIDGETS=static.
    """
    if mode is None:
        mode = os.environ.get(ENV_VAR, "live") or "live"
    if mode not in MODES:
        raise ValueError(f"mode (or ${ENV_VAR}) must be one of {MODES}, got {mode!r}")
    return mode


def image_layout(fig):
    """The layout of an Image showing fig's PNGs: at most its own pixel width, never stretched.

    A wider output area would scale the picture up (soft text, oversized next to the
    controls); a narrower one (a phone) scales it down (max-width 100%).
    """
    width = round(fig.get_figwidth() * fig.get_dpi())
    return widgets.Layout(width=f"{width}px", max_width="100%", height="auto")


@functools.cache
def live_script():
    """The script shown after every live explorer: names its controls, shows keyboard focus.

    An ``IPython.display.Javascript`` of mml4_lib/assets/live-widgets.js (package data), called
    with the text of widgets-a11y.css, the focus styles the book's widget bundle has too. In a
    running kernel ipywidgets' own views draw the controls and give the Play buttons and the
    slider handles no name a screen reader can announce; the script names them (the static book's
    bundle does it in its views) and keeps the names in step. Nothing is loaded from the network.
    """
    from IPython.display import Javascript

    assets = resources.files(__package__).joinpath("assets")
    script = assets.joinpath("live-widgets.js").read_text(encoding="utf-8")
    css = assets.joinpath("widgets-a11y.css").read_text(encoding="utf-8")
    return Javascript(f"{script}({json.dumps(css)});")


def show(widget, mode):
    """Display an explorer's widget in a notebook; live, with ``live_script()`` after it.

    widget: the ipywidgets widget to show; mode: "live" or "static" (the static book names
    its controls in its own widget bundle, so it gets the widget alone).
    """
    from IPython.display import display

    if not isinstance(widget, widgets.Widget):
        raise TypeError(f"widget must be an ipywidgets Widget, got {type(widget).__name__}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    display(widget)
    if mode == "live":
        display(live_script())


class DescribedImage(widgets.Image):
    """An Image whose ``tooltip`` is its text alternative (the img's title; the book's widget
    bundle also makes it the alt).

    It syncs an empty ``description``: ipywidgets 8.1's front end (JupyterLab's, and the CDN
    html-manager's) reads ``model.description.length`` whenever a widget has a tooltip, and an
    Image has no description, so the view failed to render ("Could not create a view").
    """

    description = traitlets.Unicode("").tag(sync=True)


# ----------------------------------------------------------------------------- explorer
class Explorer:
    """One figure, a few discrete controls, live (kernel) or static (precomputed) behaviour.

    controls: list of Control (``slider``, ``choice``, ``play``); setup() -> dict with key "fig"
    (a matplotlib Figure, see ``new_figure``) and the artists update changes;
    update(state, **values) changes them in place and returns None or a message to show; it
    also puts the figure's text alternative, computed from the numbers it drew, under
    state["description"] (a screen reader reads it; the static book stores one per frame).
    mode: "live" or "static"; None reads the environment variable MML4_WIDGETS (default live).
    update_on_release: sliders call update only when released (for updates that train).
    budget_ms: the latency an update must meet (benchmarks/bench_widgets.py holds every
    explorer to it); None: 250 ms for an update that trains (update_on_release), else 120 ms
    for a forward pass.
    dpi: resolution of the PNGs; colors: palette size of static frames;
    max_frames: refuse more combinations than this (each frame adds ~10-20 kB to the page).

    Attributes for notebooks and tests: ``widget`` (the ipywidgets box), ``state``,
    ``controls``, ``widgets`` (name -> control widget), ``values``, ``frames`` (static:
    values tuple -> PNG bytes), ``description`` (the text alternative of the figure shown),
    ``descriptions`` (static: values tuple -> text alternative), ``stacks`` (static: one list
    of Stacks per control),
    ``links`` (static: the jslinks), ``errors`` (list of (values, message)).
    """

    def __init__(self, controls, setup, update, *, mode=None, update_on_release=False,
                 budget_ms=None, dpi=80, colors=64, max_frames=256, note=STATIC_NOTE):
        controls = list(controls) if isinstance(controls, (list, tuple)) else controls
        if not isinstance(controls, list) or not controls:
            raise TypeError(f"controls must be a non-empty list of Control, got {controls!r}")
        for c in controls:
            if not isinstance(c, Control):
                raise TypeError(f"controls must hold Control objects (use slider, choice, play), "
                                f"got {type(c).__name__}")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be distinct, got {names}")
        for arg, f in (("setup", setup), ("update", update)):
            if not callable(f):
                raise TypeError(f"{arg} must be callable, got {type(f).__name__}")
        mode = resolve_mode(mode)
        if budget_ms is None:
            budget_ms = 250 if update_on_release else 120
        if isinstance(budget_ms, bool) or not isinstance(budget_ms, (int, float)) or not (
                0 < budget_ms < np.inf):
            raise ValueError(f"budget_ms must be a positive number of milliseconds, "
                             f"got {budget_ms!r}")
        if not isinstance(dpi, (int, float)) or not 20 <= dpi <= 300:
            raise ValueError(f"dpi must be a number in [20, 300], got {dpi!r}")
        if not isinstance(colors, int) or not 2 <= colors <= 256:
            raise ValueError(f"colors must be an int in [2, 256], got {colors!r}")
        n_frames = int(np.prod([len(c.values) for c in controls]))
        if n_frames > max_frames:
            raise ValueError(f"controls give {n_frames} combinations, more than "
                             f"max_frames={max_frames}: offer fewer values per control")

        self.controls, self.mode = controls, mode
        self.update_on_release, self.budget_ms = bool(update_on_release), budget_ms
        self.dpi, self.colors = dpi, colors
        self._update = update
        self.errors = []
        self.frames, self.descriptions, self.stacks, self.links = {}, {}, [], []
        self.description = ""
        self.image = None

        self.state = setup()
        if not isinstance(self.state, dict) or not isinstance(self.state.get("fig"), Figure):
            raise TypeError(f"setup() must return a dict with a matplotlib Figure under 'fig', "
                            f"got {type(self.state).__name__}")
        self.state["fig"].set_dpi(dpi)
        Renderer.of(self.state["fig"])  # made now, after the dpi is final

        continuous = not self.update_on_release
        self.widgets, shown = {}, []
        for c in controls:
            cu = continuous if c.continuous_update is None else c.continuous_update
            w, box, links = control_widget(c, cu)
            self.widgets[c.name] = w
            shown.append(box)
            self.links += links
        self.values = {c.name: c.value for c in controls}

        if mode == "static":
            display = self._build_static()
            parts = [*shown, display]
            if note:
                links = launch_links() if note == STATIC_NOTE else ""
                parts.append(widgets.HTML(f'<p class="mml4-explorer-note"><small>{note}'
                                          f"{links}</small></p>"))
        else:
            self.image = DescribedImage(value=self._draw(self.values), format="png",
                                        layout=image_layout(self.state["fig"]),
                                        tooltip=self.description)
            for c in controls:
                self.widgets[c.name].observe(self._on_change, names="index")
            display = self.image
            parts = [*shown, display]
        self.widget = widgets.VBox(parts)

    # -- drawing
    def _draw(self, values, colors=None):
        """Run update for these values and render; never raises (errors show on the figure)."""
        message = None
        self.state["description"] = ""
        try:
            message = self._update(self.state, **values)
        except Exception as exc:  # noqa: BLE001 - the explorer must keep working for any value
            message = f"Could not draw {_describe(values)}:\n{type(exc).__name__}: {exc}"
            self.errors.append((dict(values), message))
        if message is not None and not isinstance(message, str):
            message = str(message)
        self.description = describe_frame(self.state.get("description"), message, values)
        try:
            # update may show another figure (the playground's runs): each has its renderer
            renderer = Renderer.of(self.state["fig"])
            renderer.set_message(message)
            return renderer.png(colors=colors)
        except Exception as exc:  # noqa: BLE001
            text = f"Could not render {_describe(values)}: {type(exc).__name__}: {exc}"
            self.errors.append((dict(values), text))
            return message_png(text, self.dpi)

    def _on_change(self, change):
        name = next(n for n, w in self.widgets.items() if w is change["owner"])
        self.values = {**self.values, name: self.widgets[name].value}
        png = self._draw(self.values)
        self.image.tooltip = self.description  # set first: the picture and its words agree
        self.image.value = png

    def _build_static(self):
        """Render every combination and nest Stacks: level k is selected by control k."""
        sizes = [len(c.values) for c in self.controls]
        self.stacks = [[] for _ in self.controls]
        # One shared Layout for all frames and one for all Stacks keep the saved page small
        # (each widget otherwise stores its own ~1 kB Layout); max_width fits narrow screens.
        frame_layout, stack_layout = image_layout(self.state["fig"]), widgets.Layout()
        for combo in itertools.product(*(c.values for c in self.controls)):
            values = dict(zip(self.values, combo, strict=True))
            self.frames[combo] = self._draw(values, colors=self.colors)
            self.descriptions[combo] = self.description

        def build(level, prefix):
            if level == len(sizes):  # a frame, with its text alternative
                return DescribedImage(value=self.frames[prefix], format="png",
                                      layout=frame_layout, tooltip=self.descriptions[prefix])
            c = self.controls[level]
            stack = widgets.Stack([build(level + 1, (*prefix, v)) for v in c.values],
                                  selected_index=c.index, layout=stack_layout)
            self.stacks[level].append(stack)
            return stack

        outer = build(0, ())
        for c, level_stacks in zip(self.controls, self.stacks, strict=True):
            for stack in level_stacks:
                self.links.append(widgets.jslink((self.widgets[c.name], "index"),
                                                 (stack, "selected_index")))
        # Leave the state drawn for the initial values, as the controls show.
        self._draw(self.values)
        return outer

    # -- public helpers
    def set(self, **values):
        """Set controls by name and return the PNG now shown (live: rendered; static: the frame)."""
        for name, v in values.items():
            if name not in self.widgets:
                raise ValueError(f"unknown control {name!r}; controls are {list(self.widgets)}")
            c = next(c for c in self.controls if c.name == name)
            if v not in c.values:
                raise ValueError(f"control {name!r}: value must be one of {list(c.values)}, "
                                 f"got {v!r}")
        for name, v in values.items():
            self.widgets[name].value = v  # live mode: the observer redraws
        if self.mode == "static":
            self.values = {**self.values, **values}
            self._draw(self.values)
            return self.frame(**self.values)
        return bytes(self.image.value)

    def frame(self, **values):
        """Static mode: the PNG the nested Stacks hold for these values (walks the Stacks)."""
        if self.mode != "static":
            raise ValueError("frame() needs mode='static'")
        node = self.stacks[0][0]
        for c in self.controls:
            if values.get(c.name) not in c.values:
                raise ValueError(f"control {c.name!r}: value must be one of {list(c.values)}, "
                                 f"got {values.get(c.name)!r}")
            node = node.children[c.values.index(values[c.name])]
        return bytes(node.value)

    def render(self, *, colors=None):
        """PNG bytes of the figure as it is now (colors=k: a k-colour palette PNG, as stored)."""
        return Renderer.of(self.state["fig"]).png(colors=colors)

    def _repr_mimebundle_(self, **kwargs):
        # The explorer's representation is its widget's.
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        # Displaying the explorer (a cell can end with `explorer`) shows its widget and, live,
        # the script that names its controls (IPython prefers this to _repr_mimebundle_).
        show(self.widget, self.mode)


def describe_frame(description, message, values):
    """The text alternative of one frame: the explorer's description of what it drew, and the
    message shown over the figure (a divergence, an error), or at least the control values."""
    parts = [p for p in (description, message) if p]
    return ("; ".join(parts) if parts else f"Figure for {_describe(values)}").replace("\n", " ")


def _describe(values):
    return ", ".join(f"{k}={_label(v)}" for k, v in values.items())
