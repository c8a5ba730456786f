"""The playground's controls: a live ipywidgets panel, or precomputed runs for the static book.

    playground()                                  # the Playground's defaults, every control
    playground(presets={"xor": "dataset=xor"})    # a preset menu too

`playground` returns a `PlaygroundWidget` in a running kernel (mode "live"): every control
of TensorFlow Playground with its values and defaults, and the book's additions in a
"Beyond the Playground" box; a Play button trains one epoch per tick. In the static book
(MML4_WIDGETS=static) it returns precomputed runs instead (`static_playground`): for each
preset, the figure at a few epochs, played by a Play button in the browser with no kernel.
The notebook code is the same in both modes. Chapter 6.
"""


import html
import time

import ipywidgets as widgets

from mml4_lib.plotting.palette import ERROR_RED
from mml4_lib.widgets import (
    DescribedImage,
    Explorer,
    choice,
    control_widget,
    image_layout,
    play,
    resolve_mode,
    show,
    slider,
)

from . import config as cfg
from .config import PlaygroundConfig
from .model import Playground, as_config
from .view import PlaygroundView

__all__ = ["PlaygroundWidget", "STATIC_EPOCHS", "playground", "static_playground"]

STATIC_EPOCHS = (0, 1, 2, 5, 10, 20, 50, 100)


def _configs(presets):
    """{label: PlaygroundConfig} from a dict of configs or config strings."""
    if not isinstance(presets, dict) or not presets:
        raise TypeError(f"presets must be a non-empty dict label -> config, got {presets!r}")
    return {str(k): as_config(v) for k, v in presets.items()}


def playground(config=None, *, presets=None, epochs=STATIC_EPOCHS, mode=None, dpi=None):
    """The playground for a notebook cell: live widget in a kernel, precomputed runs in the book.

    config: the starting config (a PlaygroundConfig, its string, or None for the defaults);
    presets: optional dict label -> config (live: a menu that loads them; static: the runs
    that are precomputed, default {"run": config}); epochs: the epochs shown by the static
    runs; mode: "live", "static" or None (read MML4_WIDGETS). Returns a PlaygroundWidget
    (live) or a static Explorer; both display as their widget.
    """
    mode = resolve_mode(mode)
    runs = _configs(presets) if presets is not None else {"run": as_config(config)}
    if mode == "static":
        return static_playground(runs, epochs, dpi=dpi or 70)
    start = as_config(config) if config is not None else next(iter(runs.values()))
    return PlaygroundWidget(start, presets=runs if presets is not None else None,
                            dpi=dpi or 80)


def static_playground(runs, epochs=STATIC_EPOCHS, *, dpi=70, colors=32):
    """Precomputed runs that play without a kernel: an Explorer with a run choice and an epoch Play.

    runs: dict label -> config (any mix of network layouts); epochs: increasing epoch numbers
    >= 0. Every (run, epoch) frame is rendered once as a palette PNG. Returns the Explorer
    (mode "static"; it displays as its widget).
    """
    runs = _configs(runs)
    epochs = tuple(epochs)
    if not epochs or any(not isinstance(e, int) or e < 0 for e in epochs) or \
            list(epochs) != sorted(set(epochs)):
        raise ValueError(f"epochs must be increasing ints >= 0, got {epochs!r}")
    views = {}  # one PlaygroundView per network layout, shared by the runs that have it

    def setup():
        first = next(iter(runs))
        pg = Playground(runs[first])
        view = views[PlaygroundView.layout_key(pg.config)] = PlaygroundView(pg, dpi=dpi)
        return {"fig": view.fig, "runs": {first: pg}}  # update goes on training this one

    def update(state, epoch, run=None):
        label = run if run is not None else next(iter(runs))
        pg = state["runs"].get(label)
        if pg is None or pg.epoch > epoch:
            pg = state["runs"][label] = Playground(runs[label])
        pg.step(epoch - pg.epoch)  # frames come in increasing epochs: each run trains once
        key = PlaygroundView.layout_key(pg.config)
        view = views.get(key)
        if view is None:
            view = views[key] = PlaygroundView(pg, dpi=dpi)
        view.update(pg)
        state["fig"] = view.fig  # the explorer renders the chosen view's figure
        state["description"] = view.description

    controls = [play("epoch", epochs, description="epoch", interval=700)]
    if len(runs) > 1:
        controls.insert(0, choice("run", list(runs), buttons=True, description="run"))
    return Explorer(controls, setup, update, mode="static", update_on_release=True, dpi=dpi,
                    colors=colors)


PLAY_INTERVAL = 100  # ms between Play ticks: ten pictures a second
PLAY_SHARE = 0.6  # of a tick spent training and drawing; the rest is the front end's
STATUS_CHARS = 300  # an error echoes at most this much of what the learner typed


def _not_applied(err):
    """The status line for a change that was refused: the message, escaped and capped.

    Config strings are shared between learners, and an HTML widget renders its value as
    markup, so the text that reaches it is escaped (html.escape) and cut to STATUS_CHARS.
    """
    text = str(err)
    if len(text) > STATUS_CHARS:
        text = text[:STATUS_CHARS] + f"... ({len(text) - STATUS_CHARS} more characters)"
    return f"<span style='color:{ERROR_RED}'>Not applied: {html.escape(text)}</span>"


class PlaygroundWidget:
    """The live playground: every control of TensorFlow Playground and the book's additions.

    config: the starting config (or its string); presets: optional dict label -> config for a
    menu; dpi: of the figure; interval: ms between Play ticks (each trains as many epochs as
    fit, see ``play_tick``).
    Attributes: pg (the Playground), view (its PlaygroundView), controls (field -> widget),
    play, image, status, config_text, widget (the box to display). `set(**changes)` does
    what a control change does; `tick()` what one Play tick does. Chapter 6.
    """

    def __init__(self, config=None, *, presets=None, dpi=80, interval=PLAY_INTERVAL):
        self.pg = Playground(as_config(config))
        self.presets = _configs(presets) if presets is not None else {}
        self.dpi = dpi
        self.view = PlaygroundView(self.pg, dpi=dpi)
        self._syncing = False
        self._draw_seconds = 0.0
        self.image = DescribedImage(format="png", layout=image_layout(self.view.fig))
        self.status = widgets.HTML()
        self._build_controls(interval)
        self._sync()
        self.redraw()

    # ------------------------------------------------------------------ controls
    def _build_controls(self, interval):
        W = widgets
        small = W.Layout(width="auto")

        def dropdown(values, label, labels=None):
            w, _, _ = control_widget(choice("value", values, labels=labels, description=label))
            return w

        def selection_slider(values, label):
            w, _, _ = control_widget(slider("value", values, description=label),
                                     continuous_update=False)
            return w

        c = {
            "lr": dropdown(cfg.LEARNING_RATES, "learning rate"),
            "activation": dropdown(cfg.ACTIVATIONS, "activation",
                                   [label for label, _ in cfg.ACTIVATION_OPTIONS]),
            "regularization": dropdown(cfg.REGULARIZATIONS, "regularization"),
            "reg_rate": dropdown(cfg.REG_RATES, "reg. rate"),
            "problem": dropdown(cfg.PROBLEMS, "problem type"),
            "dataset": W.ToggleButtons(options=cfg.DATASETS["classification"],
                                       description="data", style={"button_width": "80px"}),
            "train_ratio": selection_slider(cfg.TRAIN_RATIOS, "training %"),
            "noise": selection_slider(cfg.NOISES, "noise"),
            "batch_size": selection_slider(cfg.BATCH_SIZES, "batch size"),
            "show_test": W.Checkbox(description="show test data", indent=False, layout=small),
            "discretize": W.Checkbox(description="discretize output", indent=False,
                                     layout=small),
            "init": dropdown(cfg.INITS, "weight init"),
            "init_scale": dropdown(cfg.INIT_SCALES, "init scale"),
            "bias_init": dropdown(cfg.BIAS_INITS, "bias init"),
            "loss": dropdown(cfg.LOSSES, "loss"),
            "keep_prob": dropdown(cfg.KEEP_PROBS, "keep prob"),
            "batch_norm": W.Checkbox(description="batch normalization", indent=False,
                                     layout=small),
            "diagnostics": W.Checkbox(description="diagnostics panel", indent=False,
                                      layout=small),
            "seed": W.BoundedIntText(min=0, max=cfg.MAX_SEED, description="seed",
                                     layout=W.Layout(width="190px"),
                                     style={"description_width": "85px"}),
            "stop_epochs": W.BoundedIntText(min=0, max=10**6, description="stop at epoch",
                                            layout=W.Layout(width="190px"),
                                            style={"description_width": "initial"}),
            "stop_test_loss": W.BoundedFloatText(min=0, max=10, step=0.01,
                                                 description="stop at test loss",
                                                 layout=W.Layout(width="230px"),
                                                 style={"description_width": "initial"}),
        }
        for field, w in c.items():
            w.observe(lambda change, field=field: self._on_control(field, change["new"]),
                      names="value")
        self.controls = c
        self.features = {name: W.ToggleButton(description=name, layout=W.Layout(width="70px"))
                         for name in cfg.FEATURE_NAMES}
        for w in self.features.values():
            w.observe(self._on_features, names="value")

        self.play = W.Play(min=0, max=10**9, interval=interval, show_repeat=False,
                           description="play")
        self.play.observe(self._on_play, names="value")
        buttons = {"step": ("step-forward", self.tick), "reset": ("undo", self.reset),
                   "regenerate": ("refresh", self.regenerate)}
        self.buttons = {}
        for name, (icon, action) in buttons.items():
            b = W.Button(description=name, icon=icon, layout=W.Layout(width="110px"))
            b.on_click(lambda _b, action=action: action())
            self.buttons[name] = b
        self.layers_box = W.HBox()
        self.config_text = W.Text(description="config", layout=W.Layout(width="95%"))
        apply = W.Button(description="apply", icon="check", layout=W.Layout(width="90px"))
        apply.on_click(lambda _b: self.apply_string(self.config_text.value))
        self.buttons["apply"] = apply

        top = W.HBox([self.play, *[self.buttons[k] for k in ("step", "reset", "regenerate")]])
        model_row = W.HBox([c[k] for k in ("lr", "activation", "regularization", "reg_rate",
                                           "problem")], layout=W.Layout(flex_flow="row wrap"))
        data = W.VBox([c["dataset"], W.HBox([c["train_ratio"], c["noise"], c["batch_size"]],
                                            layout=W.Layout(flex_flow="row wrap"))])
        feats = W.HBox([W.Label("features"), *self.features.values()],
                       layout=W.Layout(flex_flow="row wrap"))
        output = W.HBox([c["show_test"], c["discretize"]])
        beyond = W.VBox([
            W.HBox([c[k] for k in ("init", "init_scale", "bias_init", "loss", "keep_prob")],
                   layout=W.Layout(flex_flow="row wrap")),
            W.HBox([c["batch_norm"], c["diagnostics"], c["seed"], c["stop_epochs"],
                    c["stop_test_loss"]], layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.config_text, apply]),
        ])
        accordion = W.Accordion([beyond], titles=("Beyond the Playground",))
        # Play and the picture (with its loss chart) first: together they are about 430 px
        # tall, so they fit a 1280 x 800 screen at once; the settings follow below.
        parts = [top, self.image, self.status, model_row, data, feats,
                 self.layers_box, output, accordion]
        if self.presets:
            # No value at first unless the run is one of the presets: the menu loads a preset,
            # it does not describe the run (the config string does).
            start = next((k for k, v in self.presets.items() if v == self.pg.config), None)
            self.preset_menu = W.Dropdown(options=list(self.presets), value=start,
                                          description="load preset",
                                          style={"description_width": "initial"})
            self.preset_menu.observe(self._on_preset, names="value")
            parts.insert(0, self.preset_menu)
        self.widget = W.VBox(parts)

    def _on_preset(self, change):
        # The menu loads a preset and then empties itself, so choosing the same preset again
        # (after editing the run) loads it again.
        if change["new"] is None:
            return
        self.load(self.presets[change["new"]])
        self.preset_menu.value = None

    def _layer_buttons(self):
        """The +/- buttons for the number of hidden layers and the neurons of each layer."""
        W, hidden = widgets, self.pg.config.hidden

        def button(text, action, disabled, name):
            # name: what a screen reader announces (the button's title) for a bare "+" or "-"
            b = W.Button(description=text, layout=W.Layout(width="32px"), disabled=disabled,
                         tooltip=name)
            b.on_click(lambda _b: action())
            return b

        boxes = [W.VBox([W.Label(f"{len(hidden)} hidden layers"), W.HBox([
            button("-", lambda: self._set_hidden(hidden[:-1]), not hidden,
                   "Remove a hidden layer"),
            button("+", lambda: self._set_hidden((*hidden, 2)), len(hidden) == cfg.MAX_LAYERS,
                   "Add a hidden layer"),
        ])])]
        for l, n in enumerate(hidden):
            def resize(delta, l=l):
                h = list(self.pg.config.hidden)
                h[l] += delta
                self._set_hidden(tuple(h))
            boxes.append(W.VBox([W.Label(f"layer {l + 1}: {n}"), W.HBox([
                button("-", lambda resize=resize: resize(-1), n == 1,
                       f"Remove a neuron from layer {l + 1}"),
                button("+", lambda resize=resize: resize(+1), n == cfg.MAX_NEURONS,
                       f"Add a neuron to layer {l + 1}")])]))
        self.layers_box.children = boxes

    def _set_hidden(self, hidden):
        self.set(hidden=tuple(hidden))

    # ------------------------------------------------------------------ actions
    def set(self, **changes):
        """Change config fields as the controls do; an invalid change shows in the status line."""
        try:
            if "problem" in changes and changes["problem"] != self.pg.config.problem:
                problem = changes["problem"]
                changes.setdefault("dataset", cfg.DATASETS[problem][0])
                if problem == "regression":
                    changes["loss"] = "squared"
            self.pg.set(**changes)
            self.status.value = ""
        except (ValueError, TypeError) as err:
            self.status.value = _not_applied(err)
        self._after_change()

    def load(self, config):
        """Start a new run from a config (or its string), like pasting a config string."""
        self.pg = Playground(as_config(config))
        self._after_change()

    def apply_string(self, text):
        """Parse a config string and start that run; a bad string shows in the status line."""
        try:
            self.load(PlaygroundConfig.from_string(text))
            self.status.value = ""
        except (ValueError, TypeError) as err:
            self.status.value = _not_applied(err)

    def tick(self):
        """One epoch and a redraw (the step button); pauses when training stops."""
        if self.pg.step(1) == 0 or self.pg.stopped:
            self.play.playing = False
        self.redraw()

    def play_tick(self):
        """What one Play tick does: as many epochs as fit in the frame, then one redraw.

        TensorFlow Playground trains an epoch per animation frame; here a frame (the Play
        interval) costs a PNG, so the kernel trains for the part of the interval that the
        redraw leaves free (PLAY_SHARE of it, at least one epoch) and then draws once: the
        picture and the epoch counter stay in step and the kernel never falls behind the
        front end's ticks, so a pause stops within one frame. Returns the epochs trained.
        """
        start = time.perf_counter()
        budget = PLAY_SHARE * self.play.interval / 1000 - self._draw_seconds
        done = 0
        while True:
            trained = self.pg.step(1)
            done += trained
            if trained == 0 or self.pg.stopped:
                self.play.playing = False
                break
            if time.perf_counter() - start >= budget:
                break
        drawn = time.perf_counter()
        self.redraw()
        # a running estimate of the redraw's cost, so the next frame leaves room for it
        self._draw_seconds = 0.7 * self._draw_seconds + 0.3 * (time.perf_counter() - drawn)
        return done

    def reset(self):
        """Epoch 0 with the same data and the same initial weights."""
        self.play.playing = False
        self.pg.reset()
        self.redraw()

    def regenerate(self):
        """New data: the next seed (after the largest, 0 again)."""
        self.set(seed=(self.pg.config.seed + 1) % (cfg.MAX_SEED + 1))

    def redraw(self):
        """Show the current epoch (a new view only if the network's layout changed)."""
        if not self.view.matches(self.pg):
            self.view = PlaygroundView(self.pg, dpi=self.dpi)
        self.view.update(self.pg)
        png = self.view.render()
        self.image.tooltip = self.view.description  # its text alternative, set first
        self.image.value = png

    # ------------------------------------------------------------------ plumbing
    def _after_change(self):
        self._sync()
        self.redraw()

    def _on_control(self, field, value):
        if not self._syncing:
            self.set(**{field: value})

    def _on_features(self, _change):
        if not self._syncing:
            self.set(features=tuple(n for n, w in self.features.items() if w.value))

    def _on_play(self, change):
        if change["new"] == change["old"] + 1:  # a tick; a reset of the Play widget is not
            self.play_tick()

    def _sync(self):
        """Make every control show the current config (without triggering the handlers)."""
        c = self.pg.config
        self._syncing = True
        try:
            self.controls["dataset"].options = cfg.DATASETS[c.problem]
            for field, w in self.controls.items():
                w.value = getattr(c, field)
            self.controls["loss"].disabled = c.problem == "regression"
            for name, w in self.features.items():
                w.value = name in c.features
            self.config_text.value = c.to_string()
            self._layer_buttons()
        finally:
            self._syncing = False

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        # The widget, and the script that names its Play and slider controls (always live).
        show(self.widget, "live")
