"""The universal-approximation explorer: constructed bump networks, their error, the figure."""

import numpy as np
import pytest

from mml4_lib.activations import Sigmoid, sigmoid
from mml4_lib.explorers import universal as u
from mml4_lib.lab import universal as uc
from mml4_lib.layers import Linear, Sequential


def _direct(target, n_hidden, s, x, lo=0.0, hi=1.0):
    """Independent reference: sum of K bumps h_k [sigma(s(x - l_k)) - sigma(s(x - r_k))]."""
    K = n_hidden // 2
    width = (hi - lo) / K
    total = np.zeros_like(x)
    for k in range(K):
        left = lo + k * width if k > 0 else lo - width
        right = lo + (k + 1) * width if k < K - 1 else hi + width
        h = target(np.array([lo + (k + 0.5) * width]))[0]
        total += h * (sigmoid(s * (x - left)) - sigmoid(s * (x - right)))
    return total


@pytest.mark.parametrize("n_hidden, s", [(2, 5), (6, 50), (16, 200), (64, 5000)])
def test_network_output_matches_the_sum_of_bumps(n_hidden, s):
    x = np.linspace(-0.2, 1.2, 301)
    params = uc.bump_network(uc.nielsen_target, n_hidden, s)
    expected = _direct(uc.nielsen_target, n_hidden, s, x)
    np.testing.assert_allclose(uc.network_output(params, x), expected, atol=1e-12)
    np.testing.assert_allclose(uc.bump_outputs(params, x).sum(axis=0), expected, atol=1e-12)
    assert uc.bump_outputs(params, x).shape == (n_hidden // 2, len(x))


def test_network_is_a_library_mlp():
    # The constructed weights drop into Linear -> Sigmoid -> Linear and give the same output.
    params = uc.bump_network(uc.nielsen_target, 8, 100)
    rng = np.random.default_rng(0)
    net = Sequential(Linear(1, 8, rng=rng), Sigmoid(), Linear(8, 1, rng=rng))
    net.layers[0].params["W"][...] = params["W1"]
    net.layers[0].params["b"][...] = params["b1"]
    net.layers[2].params["W"][...] = params["W2"]
    net.layers[2].params["b"][...] = params["b2"]
    x = np.linspace(0, 1, 50)
    np.testing.assert_allclose(net.forward(x[:, None]).ravel(), uc.network_output(params, x))


def test_weights_have_the_documented_layout():
    p = uc.bump_network(lambda x: 2 * x, 4, 10.0)
    np.testing.assert_allclose(p["W1"], np.full((1, 4), 10.0))
    np.testing.assert_allclose(p["centres"], [0.25, 0.75])
    np.testing.assert_allclose(p["heights"], [0.5, 1.5])
    np.testing.assert_allclose(p["W2"].ravel(), [0.5, -0.5, 1.5, -1.5])
    # unit positions -b1/W1: outer edges one bin width outside [0, 1], inner edge at 0.5 twice
    np.testing.assert_allclose(-p["b1"] / 10.0, [-0.5, 0.5, 0.5, 1.5])


def test_constant_target_is_reproduced_exactly():
    # adjacent bumps of equal height sum to exactly that height: h (1 - sigma) + h sigma = h
    params = uc.bump_network(lambda x: np.full_like(x, 0.5), 8, 200)
    err = uc.approximation_error(lambda x: np.full_like(x, 0.5), params)
    assert err["max"] < 1e-9


def test_error_goes_to_zero_with_more_and_sharper_units():
    errors = [uc.approximation_error(uc.nielsen_target,
                                    uc.bump_network(uc.nielsen_target, 2 * K, 1000.0 * K))["max"]
              for K in (4, 16, 64, 256, 1024)]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))
    assert errors[-1] < 0.005


def test_error_values():
    params = uc.bump_network(uc.nielsen_target, 16, 200)
    e = uc.approximation_error(uc.nielsen_target, params)
    diff = uc.network_output(params, uc.X) - uc.nielsen_target(uc.X)
    assert e["max"] == pytest.approx(np.abs(diff).max())
    assert e["rms"] == pytest.approx(np.sqrt(np.mean(diff**2)))


@pytest.mark.parametrize("kwargs, match", [
    (dict(target=1.0, n_hidden=4, steepness=1), "target must be a function"),
    (dict(target=np.sin, n_hidden=3, steepness=1), "n_hidden must be an even integer"),
    (dict(target=np.sin, n_hidden=0, steepness=1), "n_hidden must be an even integer"),
    (dict(target=np.sin, n_hidden=True, steepness=1), "n_hidden must be an even integer"),
    (dict(target=np.sin, n_hidden=4, steepness=0), "steepness must be a positive number"),
    (dict(target=np.sin, n_hidden=4, steepness="a"), "steepness must be a positive number"),
    (dict(target=np.sin, n_hidden=4, steepness=1, lo=1.0, hi=0.0), "need finite lo < hi"),
    (dict(target=lambda x: 1.0, n_hidden=4, steepness=1), r"expected shape \(2,\)"),
])
def test_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        uc.bump_network(**kwargs)


def test_explorer_bad_target():
    with pytest.raises(TypeError, match="target must be a function"):
        u.make_universal_explorer(mode="live", target=None)


def test_every_control_value_draws_the_constructed_network():
    # update_universal on the explorer's own state, without rendering PNGs (fast)
    state = u.setup_universal()
    for n_hidden in u.HIDDEN_VALUES:
        for s in u.STEEPNESS_VALUES:
            assert u.update_universal(state, n_hidden, s) is None
            params = uc.bump_network(uc.nielsen_target, n_hidden, s)
            x, y = state["net"].get_data()
            np.testing.assert_allclose(y, uc.network_output(params, uc.X))
            assert len(state["bumps"].get_segments()) == n_hidden // 2
            e = uc.approximation_error(uc.nielsen_target, params)
            assert f"max |F - f| = {e['max']:.3f}" in state["title"].get_text()
            np.testing.assert_allclose(state["err"].get_data()[1],
                                       e["error"])  # in full: ERROR_LIM covers the grid


def test_live_explorer_redraws_on_each_control():
    ex = u.make_universal_explorer(mode="live")
    before = ex.image.value
    ex.set(n_hidden=32)
    after_units = ex.image.value
    ex.set(steepness=1000)
    assert before != after_units != ex.image.value and ex.errors == []


def test_static_mode_has_every_frame_linked():
    ex = u.make_universal_explorer(mode="static")
    assert len(ex.frames) == len(u.HIDDEN_VALUES) * len(u.STEEPNESS_VALUES)
    # one link per stack: 1 outer stack for n_hidden, 6 inner ones for steepness
    assert len(ex.links) == 1 + len(u.HIDDEN_VALUES)
    assert ex.frame(n_hidden=2, steepness=5) != ex.frame(n_hidden=64, steepness=200)


@pytest.mark.parametrize("target, match", [
    (lambda x: 1.0, r"target must return one value per input: expected shape \(1001,\)"),
    (lambda x: ["a"] * len(x), "target must return numbers"),
    (3.0, "target must be a function of x, got float"),
])
def test_a_bad_target_is_named_when_the_explorer_is_made(target, match):
    # issue 14 item 10: a constant target failed before with a matplotlib shape error
    with pytest.raises((TypeError, ValueError), match=match):
        u.make_universal_explorer(target=target, mode="live")
