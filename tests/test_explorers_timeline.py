"""The training-timeline explorer: every control value draws its run's snapshot, or says why not."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from explorer_support import stand_in_figure

from mml4_lib.activations import activation_class  # noqa: E402
from mml4_lib.explorers import timeline as te  # noqa: E402
from mml4_lib.lab import propagation as pr  # noqa: E402
from mml4_lib.lab import timeline as tl  # noqa: E402
from mml4_lib.plotting import scale_label  # noqa: E402

# Every control value at least once (each distinct run costs a 200-step training).
COMBOS = sorted({(a, "xavier", tl.SNAPSHOTS[-1]) for a in tl.ACTIVATIONS}
                | {("tanh", s, tl.SNAPSHOTS[1]) for s in tl.SCALES}
                | {("tanh", "xavier", t) for t in tl.SNAPSHOTS}, key=str)


@pytest.fixture(scope="module")
def state():
    return te.setup_timeline()


@pytest.mark.parametrize("activation, scale, step", COMBOS)
def test_update_draws_the_snapshot_of_the_run(state, activation, scale, step):
    message = te.update_timeline(state, activation, scale, step)
    run = tl.timeline(scale, activation)
    shot = run["snapshots"].get(step)
    if shot is None:  # a diverged run: a message instead of stale histograms
        assert f"diverged at step {run['diverged_at']}" in message
        assert all(n.get_text() == "" for n in state["act_notes"])
        return
    assert message is None
    lo, hi = pr.ACT_RANGES[activation]
    for l in range(tl.DEPTH):
        base = tl.DEPTH - 1 - l
        for key, counts, edges in (
                ("act_stairs", shot["act_hist"][l], (run["act_edges"] - lo) / (hi - lo)),
                ("grad_stairs", shot["grad_hist"][l], run["grad_edges"])):
            data = state[key][l].get_data()
            np.testing.assert_allclose(data.edges, edges)
            assert data.baseline == pytest.approx(base)
            assert data.values.max() <= base + 1 + 1e-9
            np.testing.assert_array_equal(np.argmax(data.values), np.argmax(counts))
        assert state["ratio_notes"][l].get_text() == te.ratio_note(shot["log_ratio"][l])
    x, y = state["ratio_marks"].get_data()
    finite = np.isfinite(shot["log_ratio"])
    np.testing.assert_allclose(np.asarray(x)[finite], np.clip(shot["log_ratio"][finite],
                                                              *tl.RATIO_LOG_RANGE))
    assert list(np.argsort(-np.asarray(y))) == list(range(tl.DEPTH))  # layer 1 on top
    np.testing.assert_allclose(state["loss_line"].get_ydata(), np.minimum(run["loss"], 5.0))
    assert state["step_line"].get_xdata()[0] == step
    title = state["title"].get_text()
    assert scale_label(scale) in title and activation_class(activation).label in title
    assert f"step {step}" in title


def test_a_diverged_run_is_reported_for_every_later_step(state):
    run = tl.timeline(1.0, "relu")
    assert run["diverged_at"] is not None
    later = [t for t in tl.SNAPSHOTS if t >= run["diverged_at"]]
    assert later
    for t in later:
        te.update_timeline(state, "tanh", "xavier", tl.SNAPSHOTS[0])
        message = te.update_timeline(state, "relu", 1.0, t)
        assert "diverged" in message and len(state["ratio_marks"].get_xdata()) == 0
        # the axes describe the run shown, not the frame before it
        assert activation_class("relu").inactive_short in state["header"].get_text()
        assert [lab.get_text() for lab in state["tick_labels"] if lab.get_visible()] == [
            f"{v:g}" for v in activation_class("relu").ticks]


@pytest.mark.parametrize("value, text", [(-3.24, "-3.2"), (-np.inf, "none"), (np.nan, "")])
def test_ratio_note(value, text):
    assert te.ratio_note(value) == text


def test_live_explorer_redraws_on_each_control():
    ex = te.make_timeline_explorer(mode="live")
    shown = [ex.image.value]
    for values in ({"step": tl.SNAPSHOTS[-1]}, {"scale": "xavier"}, {"activation": "relu"}):
        ex.set(**values)
        shown.append(ex.image.value)
    assert len(set(shown)) == len(shown) and ex.errors == []


def test_static_mode_renders_every_combination(monkeypatch):
    # Frames and links only: a trivial figure stands in for the real one (tested above).
    stand_in_figure(monkeypatch, te, "setup_timeline", "update_timeline")
    ex = te.make_timeline_explorer(mode="static")
    n = len(tl.ACTIVATIONS) * len(tl.SCALES) * len(tl.SNAPSHOTS)
    assert len(ex.frames) == n and ex.errors == []
    a = ex.frame(activation="relu", scale="he", step=tl.SNAPSHOTS[1])
    assert a != ex.frame(activation="relu", scale="he", step=tl.SNAPSHOTS[2])
    assert a != ex.frame(activation="tanh", scale="he", step=tl.SNAPSHOTS[1])
    assert a != ex.frame(activation="relu", scale="xavier", step=tl.SNAPSHOTS[1])


def test_every_control_value_renders_without_error():
    ex = te.make_timeline_explorer(mode="live")
    for scale in tl.SCALES:
        ex.set(activation="tanh", scale=scale, step=tl.SNAPSHOTS[-1])
    for activation in tl.ACTIVATIONS:
        ex.set(activation=activation, scale="xavier", step=tl.SNAPSHOTS[0])
    ex.set(activation="relu", scale=1.0, step=tl.SNAPSHOTS[-1])  # diverged: a message
    assert ex.errors == []
