"""The batch-norm explorers: running statistics against the slide's formula, init-scale runs."""

import numpy as np
import pytest

from mml4_lib.explorers import batchnorm_running as b
from mml4_lib.explorers import batchnorm_scale as bs
from mml4_lib.lab import batchnorm as bc
from mml4_lib.layers import make_mlp
from mml4_lib.stats import network_stats


# ----------------------------------------------------------------------------- running stats
def test_population_has_the_stated_moments():
    assert bc.POPULATION.mean() == pytest.approx(bc.POP_MEAN, abs=1e-12)
    assert bc.POPULATION.var() == pytest.approx(bc.POP_VAR, rel=1e-12)


@pytest.mark.parametrize("momentum, batch_size", [(0.01, 2), (0.1, 8), (0.9, 128)])
def test_running_statistics_follow_the_slide_recursion(momentum, batch_size):
    r = bc.running_statistics(momentum, batch_size, n_steps=50)
    # Independent reference: the slide's update written out, from mean 0 and variance 1.
    mean, var = 0.0, 1.0
    for t in range(50):
        mean = momentum * r["batch_mean"][t] + (1 - momentum) * mean
        var = momentum * r["batch_var"][t] + (1 - momentum) * var
        assert r["running_mean"][t] == pytest.approx(mean, rel=1e-12, abs=1e-12)
        assert r["running_var"][t] == pytest.approx(var, rel=1e-12)
    np.testing.assert_array_equal(r["step"], np.arange(1, 51))


def test_running_statistics_are_seeded_and_converge():
    a = bc.running_statistics(0.1, 32, n_steps=300, seed=3)
    again = bc.running_statistics(0.1, 32, n_steps=300, seed=3)
    np.testing.assert_array_equal(a["running_mean"], again["running_mean"])
    # after 300 steps the start values weigh 0.9^300 ~ 2e-14: only the batch noise is left
    assert abs(a["running_mean"][-1] - bc.POP_MEAN) < 4 * bc.ema_noise_std(0.1, 32)
    assert abs(a["running_var"][-1] - bc.POP_VAR) < 4 * bc.ema_noise_std(0.1, 32, stat="var")


def test_ema_noise_formula_matches_simulation():
    # std of the settled running mean over many steps, against sqrt(alpha/(2-alpha) var/B)
    r = bc.running_statistics(0.2, 4, n_steps=20000, seed=1)
    settled = r["running_mean"][200:]
    assert settled.std() == pytest.approx(bc.ema_noise_std(0.2, 4), rel=0.1)
    assert r["running_var"][200:].std() == pytest.approx(bc.ema_noise_std(0.2, 4, stat="var"),
                                                         rel=0.15)


@pytest.mark.parametrize("kwargs, match", [
    (dict(momentum=0.0, batch_size=8), r"momentum \(the lecture's alpha\) must be"),
    (dict(momentum=1.0, batch_size=8), "momentum"),
    (dict(momentum="a", batch_size=8), "momentum"),
    (dict(momentum=0.1, batch_size=1), "batch_size must be an int >= 2"),
    (dict(momentum=0.1, batch_size=2.0), "batch_size must be an int >= 2"),
    (dict(momentum=0.1, batch_size=8, n_steps=0), "n_steps must be an int >= 1"),
])
def test_running_statistics_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bc.running_statistics(**kwargs)


def test_ema_noise_bad_stat():
    with pytest.raises(ValueError, match="stat must be 'mean' or 'var'"):
        bc.ema_noise_std(0.1, 8, stat="std")


def test_every_running_frame_draws_the_simulation():
    state = b.setup_running()
    for momentum in b.MOMENTUM_VALUES:
        for batch_size in b.BATCH_VALUES:
            assert b.update_running(state, momentum, batch_size) is None
            r = bc.running_statistics(momentum, batch_size)
            for key in ("mean", "var"):
                x, y = state["panels"][key]["line"].get_data()
                np.testing.assert_array_equal(x, r["step"])
                np.testing.assert_allclose(y, r[f"running_{key}"])
                dots = state["panels"][key]["dots"].get_offsets()
                lo, hi = b.MEAN_LIM if key == "mean" else b.VAR_LIM
                np.testing.assert_allclose(dots[:, 1], np.clip(r[f"batch_{key}"], lo, hi))
            band = state["panels"]["mean"]["band"].get_paths()[0].vertices[:, 1]
            s = 2 * bc.ema_noise_std(momentum, batch_size)
            assert band.max() == pytest.approx(bc.POP_MEAN + s)
            assert band.min() == pytest.approx(bc.POP_MEAN - s)
            assert f"alpha = {momentum:g}, batch size {batch_size}" in state["title"].get_text()


def test_running_explorer_live_and_static():
    ex = b.make_batchnorm_running_explorer(mode="live")
    before = ex.image.value
    ex.set(momentum=0.9)
    assert ex.image.value != before and ex.errors == []
    ex = b.make_batchnorm_running_explorer(mode="static")
    assert len(ex.frames) == len(b.MOMENTUM_VALUES) * len(b.BATCH_VALUES)
    assert ex.errors == []
    assert ex.frame(momentum=0.01, batch_size=2) != ex.frame(momentum=0.9, batch_size=128)


# ----------------------------------------------------------------------------- init scale
def test_init_data_is_standardized_and_read_only():
    X, y = bc.dataset()
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(X.std(axis=0), 1, rtol=1e-5)
    assert X.dtype == np.float32 and not X.flags.writeable and set(np.unique(y)) == {0, 1}


def test_init_scale_run_activations_match_a_direct_forward_pass():
    run = bc.init_scale_run(0.01, False)
    X, _ = bc.dataset()
    model = make_mlp([2] + [bc.WIDTH] * bc.DEPTH + [1], activation="tanh", init="normal",
                     init_scale=0.01, rng=np.random.default_rng(0), dtype=np.float32)
    stats = network_stats(model, X)
    assert len(run["acts"]) == bc.DEPTH
    for got, want in zip(run["acts"], stats["a"], strict=True):
        np.testing.assert_allclose(got, want)
    # weights 0.01 x N(0, 1) on 32 inputs: each layer shrinks the std about 0.01 * sqrt(32) x
    assert run["std"][-1] < 1e-6


def test_batch_norm_rescues_a_bad_init_but_plain_training_stalls():
    plain, bn = bc.init_scale_run(0.01, False), bc.init_scale_run(0.01, True)
    assert plain["accuracy"] < 0.6 < 0.9 < bn["accuracy"]
    # with batch norm every hidden layer starts with a healthy spread of activations
    assert min(bn["std"]) > 0.4


def test_init_scale_run_is_cached_and_checks_its_input():
    assert bc.init_scale_run(0.1, True) is bc.init_scale_run(0.1, True)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        bc.init_scale_run(0.0, True)
    with pytest.raises(TypeError, match="batch_norm must be True or False"):
        bc.init_scale_run(0.1, "on")


def test_every_init_scale_frame_shows_its_run():
    state = bs.setup_init_scale()
    for scale in bs.SCALE_VALUES:
        for bn in (False, True):
            assert bs.update_init_scale(state, scale, bn) is None
            run = bc.init_scale_run(scale, bn)
            for stairs, a in zip(state["hist"]["stairs"], run["acts"], strict=True):
                data = stairs.get_data()
                np.testing.assert_array_equal(data.values, np.histogram(a, bins=data.edges)[0])
            line = state["loss"]["lines"][0]
            np.testing.assert_allclose(line.get_data()[1], run["history"].train_loss)
            shown = "on" if bn else "off"
            assert f"weights {scale:g} x N(0, 1), batch norm {shown}" in state["title"].get_text()


def test_init_scale_explorer_static_has_every_frame():
    ex = bs.make_batchnorm_scale_explorer(mode="static")
    assert len(ex.frames) == 2 * len(bs.SCALE_VALUES) and ex.errors == []
    assert ex.frame(scale=0.01, batch_norm=False) != ex.frame(scale=0.01, batch_norm=True)
