"""mml4_lib.data against the TensorFlow Playground's definitions (shared/specs/tf-playground.md)."""

import numpy as np
import pytest

from mml4_lib import data

CLASSIFIERS = [data.make_circle, data.make_xor, data.make_gauss, data.make_spiral]
REGRESSORS = [data.make_plane, data.make_multi_gauss]
GENERATORS = CLASSIFIERS + REGRESSORS
# Generators that draw the first class first: (generator, label of the first class).
SPLIT_GENERATORS = [(data.make_circle, 1), (data.make_gauss, 1), (data.make_spiral, 1)]


def rng(seed=0):
    return np.random.default_rng(seed)


# --- shapes, dtypes, labels, determinism ------------------------------------------------------


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [1, 2, 7, 500])
def test_shapes_and_dtypes(make, n):
    X, y = make(n, 0.2, rng=rng())
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    if make in CLASSIFIERS:
        assert np.issubdtype(y.dtype, np.integer)
        assert set(np.unique(y)) <= {0, 1}
    else:
        assert y.dtype == np.float64


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_both_classes_present(make):
    _, y = make(500, 0.0, rng=rng())
    assert set(np.unique(y)) == {0, 1}


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(50, 0.3, rng=rng(7))
    X2, y2 = make(50, 0.3, rng=rng(7))
    X3, _ = make(50, 0.3, rng=rng(8))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize(("make", "first_label"), SPLIT_GENERATORS)
@pytest.mark.parametrize("n", [7, 501])
def test_odd_n_first_class_gets_n_div_2(make, first_label, n):
    _, y = make(n, 0.0, rng=rng())
    assert np.all(y[: n // 2] == first_label)
    assert np.all(y[n // 2 :] == 1 - first_label)


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_make_dataset_dispatches(name):
    X1, y1 = data.make_dataset(name, 30, 0.1, rng=rng(3))
    X2, y2 = data.DATASETS[name](30, 0.1, rng=rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


def test_dataset_groups_cover_all_names():
    groups = data.CLASSIFICATION_DATASETS + data.REGRESSION_DATASETS
    assert sorted(groups) == sorted(data.DATASETS)


# --- circle -----------------------------------------------------------------------------------


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_circle_radii(noise):
    n = 1001
    X, _ = data.make_circle(n, noise, rng=rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all(r[: n // 2] < 2.5)
    assert np.all((r[n // 2 :] >= 3.5) & (r[n // 2 :] <= 5.0))


def test_circle_zero_noise_labels_are_the_disc():
    X, y = data.make_circle(500, 0.0, rng=rng())
    np.testing.assert_array_equal(y, (np.hypot(X[:, 0], X[:, 1]) < 2.5).astype(int))


def test_circle_noise_flips_labels_near_the_boundary_only():
    noise = 0.3
    X0, y0 = data.make_circle(2000, 0.0, rng=rng(1))
    X, y = data.make_circle(2000, noise, rng=rng(1))
    np.testing.assert_array_equal(X, X0)  # stored points do not move
    flipped = y != y0
    assert 0 < flipped.sum() < len(y) // 2
    # A flip needs the perturbation (each coordinate at most 5 * noise) to cross r = 2.5.
    r = np.hypot(X[flipped, 0], X[flipped, 1])
    assert np.all(np.abs(r - 2.5) <= 5 * noise * np.sqrt(2))


# --- xor --------------------------------------------------------------------------------------


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_xor_padding_keeps_points_off_the_axes(noise):
    X, _ = data.make_xor(2000, noise, rng=rng())
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    # U(-5, 5) shifted outwards by 0.3: both sides of each axis are used.
    assert X[:, 0].min() < -4 and X[:, 0].max() > 4


def test_xor_zero_noise_labels_are_the_quadrants():
    X, y = data.make_xor(500, 0.0, rng=rng())
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(int))


def test_xor_noise_flips_labels_near_the_axes_only():
    noise = 0.2
    X0, y0 = data.make_xor(2000, 0.0, rng=rng(2))
    X, y = data.make_xor(2000, noise, rng=rng(2))
    np.testing.assert_array_equal(X, X0)
    flipped = y != y0
    assert flipped.sum() > 0
    # A flip needs a coordinate to change sign: it was within 5 * noise of an axis.
    assert np.all(np.abs(X[flipped]).min(axis=1) <= 5 * noise)


# --- gauss ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("noise", "variance"), [(0.0, 0.5), (0.25, 2.25), (0.5, 4.0)])
def test_gauss_blob_means_and_variance(noise, variance):
    n = 40000
    X, y = data.make_gauss(n, noise, rng=rng())
    pos, neg = X[y == 1], X[y == 0]
    assert len(pos) == len(neg) == n // 2
    # The standard error of a mean is sqrt(4 / 20000) = 0.014 at the largest variance.
    np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.06)
    np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.06)
    np.testing.assert_allclose(pos.var(axis=0), variance, rtol=0.05)
    np.testing.assert_allclose(neg.var(axis=0), variance, rtol=0.05)


# --- spiral -----------------------------------------------------------------------------------


def test_spiral_known_points_without_noise():
    X, y = data.make_spiral(8, 0.0, rng=rng())  # n/2 = 4 points per arm
    # i = 2: r = 5 * 2 / 4 = 2.5, t = 1.75 * 2 pi * 2 / 4 = 1.75 pi.
    np.testing.assert_allclose(X[2], [2.5 * np.sin(1.75 * np.pi), 2.5 * np.cos(1.75 * np.pi)])
    np.testing.assert_allclose(X[0], [0.0, 0.0])
    # The second arm is the first one turned by pi.
    np.testing.assert_allclose(X[4:], -X[:4], atol=1e-12)
    np.testing.assert_array_equal(y, [1, 1, 1, 1, 0, 0, 0, 0])


def test_spiral_radius_grows_linearly_along_each_arm():
    n = 500
    X, _ = data.make_spiral(n, 0.0, rng=rng())
    r = np.hypot(X[:, 0], X[:, 1])
    expected = 5 * np.arange(n // 2) / (n / 2)
    np.testing.assert_allclose(r[: n // 2], expected, atol=1e-12)
    np.testing.assert_allclose(r[n // 2 :], expected, atol=1e-12)


def test_spiral_odd_n_stays_inside_radius_5():
    X, _ = data.make_spiral(7, 0.0, rng=rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() < 5.0


def test_spiral_noise_moves_the_stored_points():
    noise = 0.4
    X0, y0 = data.make_spiral(500, 0.0, rng=rng(4))
    X, y = data.make_spiral(500, noise, rng=rng(4))
    np.testing.assert_array_equal(y, y0)  # labels never change
    shift = np.abs(X - X0)
    assert np.all(shift <= noise + 1e-12)
    assert shift.mean() > noise / 4  # U(-1, 1) * noise has mean |.| = noise / 2


# --- regression -------------------------------------------------------------------------------


def test_plane_zero_noise_label_is_sum_over_10():
    X, y = data.make_plane(500, 0.0, rng=rng())
    assert np.all(np.abs(X) <= 6)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10, rtol=0, atol=1e-15)


def test_plane_noise_perturbs_only_the_label():
    noise = 0.5
    X0, y0 = data.make_plane(500, 0.0, rng=rng(5))
    X, y = data.make_plane(500, noise, rng=rng(5))
    np.testing.assert_array_equal(X, X0)
    assert not np.allclose(y, y0)
    # Each coordinate moves by at most 6 * noise: the label by at most 2 * 6 * noise / 10.
    assert np.all(np.abs(y - y0) <= 1.2 * noise + 1e-12)


def multi_gauss_reference(x, y):
    """The Playground's getLabel, transcribed loop for loop."""
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    label = 0.0
    for cx, cy, sign in bumps:
        d = np.sqrt((x - cx) ** 2 + (y - cy) ** 2)
        new = sign * min(max(1 - d / 2, 0.0), 1.0)
        if abs(new) > abs(label):
            label = new
    return label


def test_multi_gauss_zero_noise_matches_reference():
    X, y = data.make_multi_gauss(1200, 0.0, rng=rng())
    assert np.all(np.abs(X) <= 6)
    expected = [multi_gauss_reference(a, b) for a, b in X]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-15)
    assert y.min() < -0.5 and y.max() > 0.5 and np.all(np.abs(y) <= 1)
    # The signs alternate: the bump at (-4, 2.5) is positive, the one at (0, 2.5) negative.
    near = np.hypot(X[:, 0] + 4, X[:, 1] - 2.5) < 1
    assert np.all(y[near] > 0)
    near = np.hypot(X[:, 0], X[:, 1] - 2.5) < 1
    assert np.all(y[near] < 0)


def test_multi_gauss_noise_perturbs_only_the_label():
    X0, y0 = data.make_multi_gauss(500, 0.0, rng=rng(6))
    X, y = data.make_multi_gauss(500, 0.3, rng=rng(6))
    np.testing.assert_array_equal(X, X0)
    assert not np.allclose(y, y0)


# --- train_test_split -------------------------------------------------------------------------


@pytest.mark.parametrize(("test_ratio", "n_test"), [(0.5, 250), (0.3, 150), (0.1, 50)])
def test_split_sizes(test_ratio, n_test):
    X, y = data.make_circle(500, 0.0, rng=rng())
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_ratio, rng=rng(1))
    assert X_test.shape == (n_test, 2) and y_test.shape == (n_test,)
    assert X_train.shape == (500 - n_test, 2) and y_train.shape == (500 - n_test,)


def test_split_keeps_every_pair_once_and_shuffles():
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20) * 10
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, 0.25, rng=rng(2))
    X_all = np.concatenate([X_train, X_test])
    y_all = np.concatenate([y_train, y_test])
    np.testing.assert_array_equal(X_all[:, 0], 2 * y_all / 10)  # rows stay with their labels
    np.testing.assert_array_equal(np.sort(y_all), y)  # nothing lost or duplicated
    assert not np.array_equal(y_all, y)  # shuffled


def test_split_is_deterministic_and_accepts_column_labels():
    X, y = data.make_plane(30, 0.0, rng=rng())
    a = data.train_test_split(X, y[:, None], 0.2, rng=rng(9))
    b = data.train_test_split(X, y[:, None], 0.2, rng=rng(9))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert a[3].shape == (6, 1)


def test_split_never_leaves_a_part_empty():
    X, y = np.zeros((3, 2)), np.zeros(3)
    X_train, X_test, _, _ = data.train_test_split(X, y, 0.01, rng=rng())
    assert len(X_train) == 2 and len(X_test) == 1


# --- load_digits, polynomial_features, make_grid ---------------------------------------------


def test_load_digits():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == set(range(10))
    np.testing.assert_array_equal(X * 16, sklearn_datasets.load_digits().data)


def test_polynomial_features_values():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    out = data.polynomial_features(X, list(data.FEATURE_NAMES))
    expected = np.array([
        [1.0, 2.0, 1.0, 4.0, 2.0, np.sin(1.0), np.sin(2.0)],
        [-0.5, 3.0, 0.25, 9.0, -1.5, np.sin(-0.5), np.sin(3.0)],
    ])
    np.testing.assert_allclose(out, expected)
    assert out.dtype == np.float64


def test_polynomial_features_follow_the_order_of_names():
    X = np.array([[1.0, 2.0]])
    np.testing.assert_allclose(data.polynomial_features(X, ("x1*x2", "x1")), [[2.0, 1.0]])
    assert data.polynomial_features(X, ["x2^2"]).shape == (1, 1)


def test_make_grid_layout():
    grid, xs, ys = data.make_grid(6.0, 4)  # cells of width 3: centres -4.5, -1.5, 1.5, 4.5
    assert grid.shape == (16, 2)
    np.testing.assert_allclose(xs, [-4.5, -1.5, 1.5, 4.5])
    np.testing.assert_allclose(ys, xs)
    cells = grid.reshape(4, 4, 2)
    np.testing.assert_allclose(cells[1, 3], [xs[3], ys[1]])  # rows run along y
    default, xs, _ = data.make_grid()
    assert default.shape == (10000, 2)
    np.testing.assert_allclose([xs[0], xs[-1]], [-5.94, 5.94])


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_reject_bad_input(make):
    with pytest.raises(ValueError, match="n_samples must be positive, got 0"):
        make(0, 0.0, rng=rng())
    with pytest.raises(ValueError, match="n_samples must be positive, got -3"):
        make(-3, 0.0, rng=rng())
    with pytest.raises(TypeError, match="n_samples must be an int, got float"):
        make(10.0, 0.0, rng=rng())
    with pytest.raises(ValueError, match=r"noise must be in \[0, 0.5\].*got 0.6"):
        make(10, 0.6, rng=rng())
    with pytest.raises(ValueError, match=r"noise must be in \[0, 0.5\].*got -0.1"):
        make(10, -0.1, rng=rng())
    with pytest.raises(ValueError, match="noise must be in"):
        make(10, float("nan"), rng=rng())
    with pytest.raises(TypeError, match="noise must be a number"):
        make(10, "0.1", rng=rng())
    with pytest.raises(TypeError, match="rng must be a np.random.Generator.*got int"):
        make(10, 0.0, rng=0)
    with pytest.raises(TypeError):
        make(10, 0.0, np.random.default_rng(0))  # rng is keyword-only


def test_make_dataset_rejects_unknown_name():
    with pytest.raises(ValueError, match=r"name must be one of \['circle'.*got 'moons'"):
        data.make_dataset("moons", 10, 0.0, rng=rng())
    with pytest.raises(TypeError, match="name must be a str"):
        data.make_dataset(["circle"], 10, 0.0, rng=rng())


def test_split_rejects_bad_input():
    X, y = np.zeros((10, 2)), np.zeros(10)
    for bad in (0.0, 1.0, 1.5, -0.2):
        with pytest.raises(ValueError, match=rf"test_ratio must be in \(0, 1\), got {bad}"):
            data.train_test_split(X, y, bad, rng=rng())
    with pytest.raises(TypeError, match="test_ratio must be a number"):
        data.train_test_split(X, y, "0.5", rng=rng())
    with pytest.raises(ValueError, match=r"X must be 2-D .*got shape \(10,\)"):
        data.train_test_split(np.zeros(10), y, 0.5, rng=rng())
    with pytest.raises(ValueError, match=r"y must have N = 10 rows.*got shape \(9,\)"):
        data.train_test_split(X, np.zeros(9), 0.5, rng=rng())
    with pytest.raises(ValueError, match="at least 2 rows"):
        data.train_test_split(np.zeros((1, 2)), np.zeros(1), 0.5, rng=rng())
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        data.train_test_split(X, y, 0.5, rng=None)


def test_polynomial_features_rejects_bad_input():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"names must come from \['x1', 'x2', 'x1\^2'.*\['x3'\]"):
        data.polynomial_features(X, ["x1", "x3"])
    with pytest.raises(ValueError, match="at least one"):
        data.polynomial_features(X, [])
    with pytest.raises(TypeError, match="names must be a list or tuple"):
        data.polynomial_features(X, "x1")
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\), got shape \(4, 3\)"):
        data.polynomial_features(np.zeros((4, 3)), ["x1"])
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\), got shape \(2,\)"):
        data.polynomial_features(np.zeros(2), ["x1"])


def test_make_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="lim must be positive and finite, got 0"):
        data.make_grid(0.0)
    with pytest.raises(ValueError, match="n must be >= 2, got 1"):
        data.make_grid(6.0, 1)
    with pytest.raises(TypeError, match="n must be an int"):
        data.make_grid(6.0, 10.5)


def test_make_grid_takes_a_pair_of_limits():
    # [low, high]^2 for plots of data that are not centred; x1 moves fastest along the rows.
    grid, xs, ys = data.make_grid((0.0, 4.0), 4)
    np.testing.assert_allclose(xs, [0.5, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(grid[1], [1.5, 0.5])
    np.testing.assert_allclose(grid[4], [0.5, 1.5])
    # a symmetric pair is the same grid as the number
    np.testing.assert_array_equal(data.make_grid((-6.0, 6.0), 10)[0], data.make_grid(6.0, 10)[0])


@pytest.mark.parametrize("lim", [(1.0, 1.0), (2.0, -2.0), (0.0, np.inf), (np.nan, 1.0)])
def test_make_grid_rejects_bad_pairs(lim):
    with pytest.raises(ValueError, match=r"lim must be a pair \(low, high\) of finite numbers"):
        data.make_grid(lim, 4)
