"""The 2-D logistic-regression explorer: scores, fitted optimum, contours and every control."""

import itertools

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_grid
from mml4_lib.explorers import logreg as lr
from mml4_lib.lab import logreg as lrc


@pytest.fixture(scope="module")
def data():
    return lrc.dataset()


def test_scores_at_zero_weights(data):
    X, y = data
    loss, acc = lrc.logreg_scores(X, y, [0.0, 0.0], 0.0)
    assert loss == pytest.approx(np.log(2))  # p = 1/2 for every example
    assert acc == pytest.approx(np.mean(y == 0))  # z = 0 is not > 0: everything is class 0


def test_scores_match_the_textbook_formula(data):
    X, y = data
    w, b = np.array([0.7, -0.2]), 0.4
    p = 1 / (1 + np.exp(-(X @ w + b)))
    loss, acc = lrc.logreg_scores(X, y, w, b)
    assert loss == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-12)
    assert acc == pytest.approx(np.mean((p > 0.5) == y))


def test_fit_matches_scikit_learn(data):
    X, y = data
    w, b = lrc.fit_logreg(X, y)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, y)  # C=inf: no penalty
    np.testing.assert_allclose(w, ref.coef_.ravel(), atol=1e-6)
    assert b == pytest.approx(ref.intercept_[0], abs=1e-6)


@pytest.mark.parametrize("w, b", [((1.0, 1.0), 0.0), ((2.0, -1.0), -3.0), ((0.0, 0.5), 3.0)])
def test_level_lines_lie_on_their_level(w, b):
    for level, ends in zip(lrc.LEVELS, lrc.level_lines(w, b, half_length=24.0), strict=True):
        t = np.linspace(0, 1, 7)[:, None]
        points = ends[0] + t * (ends[1] - ends[0])
        np.testing.assert_allclose(sigmoid(points @ np.array(w) + b), level, atol=1e-12)


@pytest.fixture(scope="module")
def live(data):
    return lr.make_logreg_explorer(*data, mode="live")


def test_every_combination_draws_the_direct_computation(live, data):
    X, y = data
    grid_n = live.state["image"].get_array().shape[0]
    grid, _, _ = make_grid(lr.LIM, grid_n)
    before = None
    for w1, w2, b in itertools.product(lr.W_VALUES, lr.W_VALUES, lr.B_VALUES):
        png = live.set(w1=w1, w2=w2, b=b)
        w = np.array([w1, w2])
        image = np.asarray(live.state["image"].get_array())
        np.testing.assert_allclose(image.ravel(), sigmoid(grid @ w + b), atol=1e-12)
        scores = live.state["points"].get_offsets()[:, 0]
        np.testing.assert_allclose(scores, np.clip(X @ w + b, -lr.Z_LIM, lr.Z_LIM))
        loss, _ = lrc.logreg_scores(X, y, w, b)
        assert f"log-loss {loss:.3f}" in live.state["title"].get_text()
        boundary = live.state["lines"][1]
        if w1 == w2 == 0:
            assert not live.state["arrow"].get_visible()
            assert np.all(np.isnan(boundary.get_xdata()))
        else:
            xs, ys = boundary.get_data()
            np.testing.assert_allclose(w1 * np.asarray(xs) + w2 * np.asarray(ys) + b, 0,
                                       atol=1e-9)
        assert png != before
        before = png
    assert live.errors == []


def test_arrow_starts_on_the_boundary(live):
    live.set(w1=2.0, w2=-1.0, b=3.0)
    start = live.state["arrow"].get_offsets()[0]
    assert 2.0 * start[0] - 1.0 * start[1] + 3.0 == pytest.approx(0, abs=1e-12)
    assert live.state["arrow"].get_visible()


def test_static_mode_has_every_frame_and_links(data):
    e = lr.make_logreg_explorer(*data, mode="static")
    n = len(lr.W_VALUES) ** 2 * len(lr.B_VALUES)
    assert len(e.frames) == n and e.errors == []
    assert len(set(e.frames.values())) == n  # every combination looks different
    # one jslink per stack: 1 + 5 + 25 stacks for the three nested levels
    assert len(e.links) == 1 + len(lr.W_VALUES) + len(lr.W_VALUES) ** 2
    assert e.frame(w1=1.0, w2=1.0, b=0.0) == e.frames[(1.0, 1.0, 0.0)]


@pytest.mark.parametrize("X, y, match", [
    (np.zeros((5, 3)), np.zeros(5), r"X must have shape \(N, 2\), got \(5, 3\)"),
    (np.zeros((5, 2)), np.zeros(4), r"y must have shape \(5,\) to match X, got \(4,\)"),
    (np.zeros((2, 2)), np.array([0, 2]), "y must hold labels 0 and 1"),
])
def test_bad_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        lr.make_logreg_explorer(X, y, mode="live")


def test_bad_weights(data):
    with pytest.raises(ValueError, match=r"w must have shape \(2,\), got \(3,\)"):
        lrc.logreg_scores(*data, [1.0, 2.0, 3.0], 0.0)
