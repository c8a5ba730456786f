"""The training timeline: activation x init scale x step -> every layer during a run.

For a deep MLP (2 inputs, ``DEPTH`` hidden layers of 100 units, one logit) trained on the
circle data, the figure shows one row per hidden layer at a chosen step of the run: the
histogram of its activations (with std and saturated or switched-off share), the histogram
of log10 |dL/dW| of the weights feeding it, and log10 of the update-to-data ratio
||dW|| / ||W|| of that step's update (a dashed line at -3, the rule of thumb); on the right
the loss over the whole run with the chosen step marked.

Three layers: ``mml4_lib.lab.timeline`` computes (cached per run), ``setup_timeline``/
``update_timeline`` draw, ``make_timeline_explorer`` wires the controls.
Introduced in chapter 8 (Weight initialization).
"""

import functools

import numpy as np

from mml4_lib.activations import activation_class
from mml4_lib.lab.propagation import ACT_RANGES, GRAD_LOG_RANGE
from mml4_lib.lab.timeline import (
    ACTIVATIONS,
    DEPTH,
    RATIO_LOG_RANGE,
    RUN_STEPS,
    SCALES,
    SNAPSHOTS,
    timeline,
)
from mml4_lib.plotting import (
    ERROR_RED,
    PLAYGROUND_BLUE,
    chance_line,
    ridges,
    scale_label,
    weights_label,
)
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, choice, slider

__all__ = ["RULE_OF_THUMB", "setup_timeline", "update_timeline", "ratio_note",
           "describe_timeline", "make_timeline_explorer"]

RULE_OF_THUMB = -3.0  # log10 of Karpathy's ~1e-3 update-to-data ratio
_TEXT = ridges.NOTE_COLOR
_LOSS_TOP = 1.0


def ratio_note(log_ratio):
    """The number beside a layer's ratio marker: "-3.2", "none" for a zero update, "" for NaN."""
    if np.isnan(log_ratio):
        return ""
    if np.isneginf(log_ratio):
        return "none"
    return f"{log_ratio:.1f}"


def describe_timeline(run, shot, unit, weights, step):
    """The figure in words, from the numbers it draws (one line, the image's text alternative)."""
    head = f"{unit.label}, {weights}, {DEPTH} hidden layers of 100, step {step}"
    if shot is None:
        return f"{head}: the run diverged at step {run['diverged_at']}."
    ratio = shot["log_ratio"][np.isfinite(shot["log_ratio"])]
    ratios = (f"log10 update-to-data ratio {ratio.min():.1f} to {ratio.max():.1f}"
              if len(ratio) else "no layer updated")
    return (f"{head}: loss {run['loss'][step]:.3g}, accuracy {100 * run['acc'][step]:.0f}%; "
            f"activation std {shot['std'][0]:.2g} in layer 1 -> {shot['std'][-1]:.2g} in "
            f"layer {DEPTH}, up to {100 * shot['saturation'].max():.0f}% "
            f"{unit.inactive_word}; ||dL/dW|| {shot['grad_norm'][0]:.1e} in layer 1 -> "
            f"{shot['grad_norm'][-1]:.1e} in layer {DEPTH}; {ratios} (rule of thumb -3).")


def setup_timeline():
    """Build the figure once: two ridge plots, the ratio column and the loss panel.

    All axes keep fixed limits; everything that changes is animated and redrawn over a
    cached background.
    """
    fig = new_figure(8.2, 3.6)  # 656 pixels wide at 80 dpi: the book's text column
    ax_act = fig.add_axes((0.05, 0.13, 0.22, 0.72))
    ax_grad = fig.add_axes((0.39, 0.13, 0.17, 0.72))
    ax_ratio = fig.add_axes((0.6, 0.13, 0.14, 0.72))
    ax_loss = fig.add_axes((0.81, 0.13, 0.175, 0.72))
    act_stairs, grad_stairs, animated = ridges.layer_ridges(ax_act, ax_grad, DEPTH)
    text = functools.partial(ridges.note, animated)  # an animated note: text(ax, x, y, ...)
    act_notes, ratio_notes = [], []
    act_y = ax_act.get_yaxis_transform()
    for l in range(DEPTH):
        act_notes.append(text(ax_act, 1.03, DEPTH - 1 - l + 0.3, transform=act_y,
                              va="center", family="monospace"))
        ratio_notes.append(text(ax_ratio, RATIO_LOG_RANGE[1] - 0.2, DEPTH - 1 - l + 0.5,
                                ha="right", va="center"))
        ax_act.text(-0.03, DEPTH - 1 - l + 0.3, str(l + 1), transform=act_y, fontsize=7.5,
                    va="center", ha="right", color=_TEXT)
    (ratio_marks,) = ax_ratio.plot([], [], "o", color="k", markersize=4)
    animated.append(ratio_marks)
    header = text(ax_act, 1.03, 1.0, transform=ax_act.transAxes, va="bottom", family="monospace")
    tick_labels, tick_marks = ridges.activation_axis(ax_act)
    animated += [*tick_labels, tick_marks]
    ridges.style_ridge_axes((ax_act, ax_grad, ax_ratio), DEPTH, labelsize=7.5)
    ax_act.set_ylabel("hidden layer", fontsize=8, labelpad=10)
    ax_act.set_title("activations", fontsize=8.5, loc="left")
    ax_grad.set_title("log10 |dL/dW|", fontsize=8.5, loc="left")
    ridges.gradient_log_axis(ax_grad, GRAD_LOG_RANGE)
    ax_ratio.axvline(RULE_OF_THUMB, color="0.6", linewidth=0.8, linestyle="--")
    ax_ratio.set_xlim(*RATIO_LOG_RANGE)
    ax_ratio.set_xticks([-9, -6, -3, 0])
    ax_ratio.set_title("log10 |dW|/|W|", fontsize=8.5, loc="left")
    chance_line(ax_loss)
    (loss_line,) = ax_loss.plot([], [], color="k", linewidth=1.3)
    step_line = ax_loss.axvline(0, color=PLAYGROUND_BLUE, linewidth=1.0)
    animated += [loss_line, step_line]
    ax_loss.set_xlim(0, RUN_STEPS)
    ax_loss.set_ylim(0, _LOSS_TOP)
    ax_loss.set_xticks([0, RUN_STEPS // 2, RUN_STEPS])
    ax_loss.set_xlabel("SGD step", fontsize=8)
    ax_loss.set_title("training loss", fontsize=8.5, loc="left")
    ax_loss.tick_params(labelsize=7.5, length=2)
    loss_text = text(ax_loss, 0.97, 0.97, transform=ax_loss.transAxes, ha="right", va="top")
    title = text(ax_act, 0.0, 1.12, transform=ax_act.transAxes, va="bottom")
    title.set_fontsize(9.5)
    title.set_weight("bold")
    for artist in animated:
        artist.set_animated(True)
    return {"fig": fig, "ax_act": ax_act, "ax_grad": ax_grad, "ax_ratio": ax_ratio,
            "ax_loss": ax_loss, "act_stairs": act_stairs, "grad_stairs": grad_stairs,
            "act_notes": act_notes, "ratio_notes": ratio_notes, "ratio_marks": ratio_marks,
            "header": header, "tick_labels": tick_labels, "tick_marks": tick_marks,
            "loss_line": loss_line, "step_line": step_line, "loss_text": loss_text,
            "title": title}


def update_timeline(state, activation, scale, step):
    """Redraw for one run and step; returns a message if the run diverged before that step."""
    run = timeline(scale, activation)
    unit = activation_class(activation)
    weights = weights_label(scale)
    state["title"].set_text(f"{unit.label}, {weights}, {DEPTH} hidden layers x 100: "
                            f"step {step}")
    loss = np.minimum(run["loss"], 5.0)
    state["loss_line"].set_data(np.arange(len(loss)), loss)
    state["step_line"].set_xdata([step, step])
    lo, hi = ACT_RANGES[activation]
    state["header"].set_text(f"   std {unit.inactive_short}")
    ridges.set_activation_ticks(state["tick_labels"], state["tick_marks"], unit.ticks, (lo, hi))
    shot = run["snapshots"].get(step)
    state["description"] = describe_timeline(run, shot, unit, weights, step)
    if shot is None:  # the run diverged before this step: nothing left to show per layer
        for l in range(DEPTH):
            for key in ("act_stairs", "grad_stairs"):
                state[key][l].set_data(np.zeros(1), [0, 1], baseline=0)
            state["act_notes"][l].set_text("")
            state["ratio_notes"][l].set_text("")
        state["ratio_marks"].set_data([], [])
        state["loss_text"].set_text(f"diverged at\nstep {run['diverged_at']}")
        state["loss_text"].set_color(ERROR_RED)
        return (f"diverged at step {run['diverged_at']} (the loss or a weight became "
                f"inf/NaN),\nbefore step {step}")
    state["loss_text"].set_color(_TEXT)
    state["loss_text"].set_text(f"step {step}:\nloss {run['loss'][step]:.3g}\n"
                                f"accuracy {100 * run['acc'][step]:.0f}%")
    act_edges = ridges.to_unit(run["act_edges"], (lo, hi))
    for l in range(DEPTH):
        base = DEPTH - 1 - l  # layer 1 at the top
        ridges.set_ridge(state["act_stairs"][l], shot["act_hist"][l], act_edges, base, 1.0)
        ridges.set_ridge(state["grad_stairs"][l], shot["grad_hist"][l], run["grad_edges"], base,
                         1.0)
        state["act_notes"][l].set_text(f"{shot['std'][l]:6.2g} "
                                       f"{100 * shot['saturation'][l]:3.0f}%")
        state["ratio_notes"][l].set_text(ratio_note(shot["log_ratio"][l]))
    # A zero update (-inf) sits at the left edge; its note says "none".
    shown = np.clip(np.nan_to_num(shot["log_ratio"], nan=np.nan, neginf=RATIO_LOG_RANGE[0]),
                    *RATIO_LOG_RANGE)
    state["ratio_marks"].set_data(shown, DEPTH - 1 - np.arange(DEPTH) + 0.5)
    return None


def make_timeline_explorer(*, mode=None):
    """Activation x init scale x step: 3 x 4 x 4 = 48 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    controls = [
        choice("activation", ACTIVATIONS, value="tanh",
               labels=[activation_class(a).label for a in ACTIVATIONS], buttons=True),
        choice("scale", SCALES, value=SCALES[0], buttons=True, description="init",
               labels=[scale_label(s) if isinstance(s, str) else f"{s:g} N(0,1)"
                       for s in SCALES]),
        slider("step", SNAPSHOTS, value=SNAPSHOTS[0], description="SGD step"),
    ]
    return Explorer(controls, setup_timeline, update_timeline, mode=mode,
                    update_on_release=True, dpi=80, colors=8)
