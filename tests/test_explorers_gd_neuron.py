"""The gradient-descent explorer: loss, gradient, the path and what the figure shows."""

import numpy as np
import pytest

from mml4_lib.activations import sigmoid
from mml4_lib.explorers import gd_neuron as g
from mml4_lib.gradcheck import numerical_gradient, rel_error
from mml4_lib.lab import gd_neuron as gc


@pytest.fixture
def data():
    return gc.make_data(10, rng=np.random.default_rng(1))


def test_make_data_shapes_and_labels(data):
    x, y = data
    assert x.shape == y.shape == (20,)
    np.testing.assert_array_equal(y, np.repeat([0.0, 1.0], 10))
    x2, _ = gc.make_data(10, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(x, x2)


@pytest.mark.parametrize("w, b", [(0.0, 0.0), (-4.0, 3.0), (2.5, -1.0)])
def test_gradient_matches_centered_differences(data, w, b):
    x, y = data
    theta = np.array([w, b])

    def Q():
        return np.mean((y - sigmoid(theta[0] * x + theta[1])) ** 2)

    q, dw, db = gc.loss_and_grad(w, b, x, y)
    assert q == pytest.approx(Q())
    assert rel_error(np.array([dw, db]), numerical_gradient(Q, theta)) < 1e-7


def test_loss_surface_matches_pointwise_loss(data):
    x, y = data
    ws, bs = np.array([-1.0, 0.0, 2.0]), np.array([-3.0, 1.0])
    Q = gc.loss_surface(x, y, ws, bs)
    assert Q.shape == (2, 3)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            assert Q[i, j] == pytest.approx(gc.loss_and_grad(w, b, x, y)[0])


def test_gd_path_takes_the_documented_steps(data):
    x, y = data
    run = gc.gd_path(x, y, 3.0, 2, start=(0.5, -0.5))
    w, b = 0.5, -0.5
    for t in range(3):
        np.testing.assert_allclose(run["path"][t], [w, b])
        q, dw, db = gc.loss_and_grad(w, b, x, y)
        assert run["loss"][t] == pytest.approx(q)
        assert run["grad_norm"][t] == pytest.approx(np.hypot(dw, db))
        w, b = w - 3.0 * dw, b - 3.0 * db
    assert run["path"].shape == (3, 2) and run["diverged"] is None


def test_events_on_the_default_data():
    x, y = gc.dataset()
    calm = gc.gd_path(x, y, 10.0, 200)
    assert calm["rose"] is None and calm["left"] is None and calm["loss"][-1] < 0.11
    wild = gc.gd_path(x, y, 300.0, 200)
    assert wild["rose"] is not None and wild["left"] == 1
    assert np.any(np.diff(wild["loss"]) > 0)


def test_divergence_is_recorded_not_raised():
    x, y = np.array([-100.0, 100.0]), np.array([1.0, 0.0])
    run = gc.gd_path(x, y, 1e308, 5, start=(0.0, 0.0))
    assert run["diverged"] == 1 and len(run["path"]) == 1
    state = g.setup_gd(x, y)
    state["runs"][300.0] = run  # pretend the slider's largest rate blew up
    message = g.update_gd(state, 300.0, 200)
    assert message.startswith("diverged at step 1")


@pytest.mark.parametrize("call, match", [
    (lambda: gc.make_data(10, rng=0), "make_data: rng must be a np.random.Generator"),
    (lambda: gc.make_data(0, rng=np.random.default_rng(0)), "n_per_class must be"),
    (lambda: gc.loss_and_grad(0, 0, np.zeros(3), np.zeros(2)), "same length"),
    (lambda: gc.gd_path(np.zeros(2), np.zeros(2), -1.0, 5), "lr must be a positive number"),
    (lambda: gc.gd_path(np.zeros(2), np.zeros(2), 1.0, 2.5), "n_steps must be"),
])
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_every_control_value_shows_the_run_prefix():
    # update_gd on the explorer's own state, without rendering PNGs (fast)
    state = g.setup_gd()
    x, y = gc.dataset()
    for lr in g.LR_VALUES:
        run = gc.gd_path(x, y, lr, g.STEP_VALUES[-1])
        for step in g.STEP_VALUES:
            assert g.update_gd(state, lr, step) is None
            pw, pb = state["path"].get_data()
            np.testing.assert_allclose(np.column_stack([pw, pb]), run["path"][: step + 1])
            steps, loss = state["curve"].get_data()
            np.testing.assert_allclose(loss, run["loss"][: step + 1])
            note = state["note"].get_text()
            assert ("went UP" in note) == (run["rose"] is not None and run["rose"] <= step)


def test_live_explorer_redraws_on_each_control():
    ex = g.make_gd_neuron_explorer(mode="live")
    before = ex.image.value
    ex.set(step=20)
    after_step = ex.image.value
    ex.set(lr=100.0)
    assert before != after_step != ex.image.value and ex.errors == []


def test_plateau_note_appears_on_the_plateau():
    state = g.setup_gd()
    g.update_gd(state, 1.0, 50)  # Q ~ 0.5, |grad| ~ 0.02: every prediction near 1
    assert "plateau" in state["note"].get_text()
    g.update_gd(state, 10.0, 200)
    assert state["note"].get_text() == ""


def test_static_mode_frames_and_links():
    ex = g.make_gd_neuron_explorer(mode="static")
    assert len(ex.frames) == len(g.LR_VALUES) * len(g.STEP_VALUES)
    # the Play-slider link plus one link per stack (1 for lr, 7 for step)
    assert len(ex.links) == 1 + 1 + len(g.LR_VALUES)
