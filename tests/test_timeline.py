"""lab.timeline: the snapshots of a training run match the library's own training loop."""

import numpy as np
import pytest

from mml4_lib import optim, train
from mml4_lib.lab import propagation as pr
from mml4_lib.lab import timeline as tl
from mml4_lib.layers import Linear
from mml4_lib.losses import BCEWithLogitsLoss

SHOTS = (0, 3, 7)


def _fit_weights(scale, activation, depth, steps, lr=pr.LR):
    """Independent: the library's fit, one full-batch epoch per step, weights after each."""
    X, y = pr.dataset()
    model = pr.make_deep_mlp(scale, activation, depth, rng=np.random.default_rng(0))
    linears = [m for m in model.layers if isinstance(m, Linear)][:depth]
    weights = [[lin.params["W"].copy() for lin in linears]]

    def record(epoch, history, model):
        weights.append([lin.params["W"].copy() for lin in linears])

    history = train.fit(model, BCEWithLogitsLoss(), optim.SGD(lr, momentum=pr.MOMENTUM), X, y,
                        epochs=steps, rng=np.random.default_rng(0), callback=record)
    return history, weights


def test_losses_and_update_ratios_match_the_library_fit():
    run = tl.timeline("he", "relu", depth=3, snapshots=SHOTS)
    history, weights = _fit_weights("he", "relu", 3, SHOTS[-1] + 1)
    np.testing.assert_allclose(run["loss"], history.train_loss, rtol=1e-5)
    assert set(run["snapshots"]) == set(SHOTS)
    for t in SHOTS:
        direct = [np.linalg.norm(after - before) / np.linalg.norm(before)
                  for before, after in zip(weights[t], weights[t + 1], strict=True)]
        np.testing.assert_allclose(run["snapshots"][t]["log_ratio"], np.log10(direct),
                                   atol=1e-4)


def test_step_0_is_the_network_at_initialization():
    run = tl.timeline(0.01, "tanh", depth=3, snapshots=SHOTS)
    diag = pr.initial_diagnostics(0.01, "tanh", 3)
    shot = run["snapshots"][0]
    for key in ("act_hist", "grad_hist"):
        np.testing.assert_array_equal(shot[key], diag[key])
    np.testing.assert_allclose(shot["grad_norm"], diag["grad_norm"], rtol=1e-5)
    np.testing.assert_allclose(shot["std"], diag["std"], rtol=1e-5)
    np.testing.assert_allclose(run["act_edges"], diag["act_edges"])
    np.testing.assert_allclose(run["grad_edges"], diag["grad_edges"])


def test_small_noise_barely_moves_and_he_moves_near_the_rule_of_thumb():
    small = tl.timeline(0.01, "tanh", snapshots=SHOTS)["snapshots"][0]["log_ratio"]
    he = tl.timeline("he", "relu", snapshots=SHOTS)["snapshots"][0]["log_ratio"]
    assert np.all(small < -6) and np.all(np.abs(he + 3) < 1.5)


def test_a_diverged_run_keeps_only_the_steps_it_reached():
    run = tl.timeline(3.0, "relu", depth=6, snapshots=(0, 10))
    assert run["diverged_at"] is not None and run["diverged_at"] <= 10
    assert list(run["snapshots"]) == [0] and len(run["loss"]) == run["diverged_at"]


def test_results_are_cached_and_read_only():
    run = tl.timeline("xavier", "tanh", depth=2, snapshots=(0, 1))
    assert tl.timeline("xavier", "tanh", depth=2, snapshots=(0, 1)) is run
    with pytest.raises(ValueError):
        run["snapshots"][0]["log_ratio"][0] = 0.0


@pytest.mark.parametrize("kwargs, match", [
    (dict(scale=-1, activation="tanh"), "scale"),
    (dict(scale="glorot", activation="tanh"), "scale"),
    (dict(scale=0.1, activation="linear"), "activation"),
    (dict(scale=0.1, activation="tanh", depth=0), "depth"),
    (dict(scale=0.1, activation="tanh", snapshots=(5, 2)), "snapshots"),
    (dict(scale=0.1, activation="tanh", snapshots=[0, 1]), "snapshots"),
    (dict(scale=0.1, activation="tanh", snapshots=(0, -1)), "snapshots"),
    (dict(scale=0.1, activation="tanh", seed=1.5), "seed"),
    (dict(scale=0.1, activation="tanh", width=0), "width"),
    (dict(scale=0.1, activation="tanh", lr=-0.1), "lr"),
])
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tl.timeline(**kwargs)
