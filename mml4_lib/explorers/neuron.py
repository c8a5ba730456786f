"""The sigmoid neuron a(x) = sigma(w x + b): how the weight and the bias shape it.

Three layers, as every explorer in the book: ``mml4_lib.lab.neuron.neuron_curves`` computes
(numbers in, numbers out), ``setup_neuron``/``update_neuron`` draw, ``make_neuron_explorer``
wires the controls. Introduced in chapter 1 (Logistic regression) and on the page "How the
interactive figures work".
"""

from mml4_lib.lab.neuron import X, neuron_curves
from mml4_lib.plotting import PLAYGROUND_BLUE, PLAYGROUND_ORANGE
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, slider

__all__ = ["W_VALUES", "B_VALUES", "setup_neuron", "update_neuron", "make_neuron_explorer"]


# Evenly spaced, as the sliders' tracks are.
W_VALUES = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0)
B_VALUES = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)


def setup_neuron():
    """Build the figure once: the two curves, the 0.5 level, the midpoint marker, the legend."""
    fig = new_figure(6.4, 3.2)
    ax = fig.add_axes((0.09, 0.15, 0.88, 0.72))
    (a_line,) = ax.plot([], [], color=PLAYGROUND_BLUE, linewidth=2, label=r"$\sigma(wx+b)$")
    (da_line,) = ax.plot([], [], color=PLAYGROUND_ORANGE, linewidth=2, linestyle="--",
                         label=r"$\sigma'(wx+b)$")
    ax.axhline(0.5, color="0.85", linewidth=0.8, zorder=0)
    mid = ax.axvline(0.0, color="0.5", linewidth=1, linestyle=":")
    ax.set_xlim(X[0], X[-1])
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("x")
    legend = ax.legend(loc="center right", fontsize=9)
    title = ax.set_title("")
    # Only these change (the axes limits never do), so the explorer redraws just them.
    for artist in (a_line, da_line, mid, title, legend):
        artist.set_animated(True)
    return {"fig": fig, "ax": ax, "a": a_line, "da": da_line, "mid": mid, "title": title}


def update_neuron(state, w, b):
    """Redraw for weight w and bias b: new curve data, midpoint x = -b/w, a title with the slope."""
    a, da = neuron_curves(w, b)
    state["a"].set_data(X, a)
    state["da"].set_data(X, da)
    state["description"] = (f"Sigmoid neuron with w = {w:g}, b = {b:g}: output from "
                            f"{a[0]:.2f} at x = {X[0]:g} to {a[-1]:.2f} at x = {X[-1]:g}, "
                            f"steepest slope {da.max() * abs(w):.3g}")
    if w == 0:
        state["mid"].set_visible(False)
        state["title"].set_text(f"w = 0: the output is sigma(b) = {a[0]:.2f} for every x")
    else:
        x_mid = -b / w + 0.0  # + 0.0: -0.0 prints as 0.00
        state["mid"].set_xdata([x_mid, x_mid])
        state["mid"].set_visible(True)
        state["title"].set_text(f"w = {w:g}, b = {b:g}: sigma = 0.5 at x = -b/w = {x_mid:.2f}, "
                                f"slope there w/4 = {w / 4:g}")


def make_neuron_explorer(*, mode=None):
    """Sliders for w and b over a sigmoid neuron: 7 x 7 = 49 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    controls = [slider("w", W_VALUES, value=1.0), slider("b", B_VALUES, value=0.0)]
    return Explorer(controls, setup_neuron, update_neuron, mode=mode)
