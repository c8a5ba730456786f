"""mml4_lib.lab.triangle: chapter 2's triangle data and the side a unit's line follows."""

import numpy as np
import pytest

from mml4_lib.lab.triangle import INRADIUS, NORMALS, make_triangle, match_sides


def test_without_noise_the_label_is_the_triangle():
    X, y = make_triangle(500, 0.0, rng=np.random.default_rng(0))
    assert X.shape == (500, 2) and y.shape == (500,) and set(np.unique(y)) == {0, 1}
    np.testing.assert_array_equal(y, np.max(X @ NORMALS.T, axis=1) <= INRADIUS)


def test_noise_flips_only_labels_near_a_side():
    X, y = make_triangle(2000, 0.05, rng=np.random.default_rng(1))
    margin = np.max(X @ NORMALS.T, axis=1) - INRADIUS
    flipped = y != (margin <= 0)
    assert 0 < flipped.sum() < 200
    # the label is taken at a point moved by at most 0.05 * 6 per coordinate
    assert np.all(np.abs(margin[flipped]) <= 0.3 * np.sqrt(2))


def test_match_sides_finds_the_sides_themselves():
    # unit j: -n_k^T x + r = 0 (an inward normal) is side k, at distance r
    W = -NORMALS[[2, 0, 1]].T * 3.0
    b = np.full(3, INRADIUS * 3.0)
    side, cosine, distance = match_sides(W, b)
    np.testing.assert_array_equal(side, [2, 0, 1])
    np.testing.assert_allclose(cosine, 1.0)
    np.testing.assert_allclose(distance, INRADIUS)


@pytest.mark.parametrize("call, error, match", [
    (lambda: make_triangle(0, 0.1, rng=np.random.default_rng(0)), ValueError, "n_samples"),
    (lambda: make_triangle(10, 0.9, rng=np.random.default_rng(0)), ValueError, "noise"),
    (lambda: make_triangle(10, 0.1, rng=0), TypeError, "rng"),
    (lambda: make_triangle(10, 0.1, rng=np.random.default_rng(0), inradius=-1), ValueError,
     "inradius"),
    (lambda: match_sides(np.ones((3, 2)), np.ones(2)), ValueError, r"W must have shape \(2, H\)"),
    (lambda: match_sides(np.ones((2, 3)), np.ones(2)), ValueError, r"b must have shape \(3,\)"),
    (lambda: match_sides(np.zeros((2, 1)), np.ones(1)), ValueError, "column of W is zero"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_chapter_2_quotes_the_whole_body_without_its_checks():
    # Chapter 2 shows make_triangle with `:lines: 1, 17-` ("without its argument checks it is
    # four lines"): fixed line numbers, which a new docstring line or check would shift
    # silently. The quoted lines must be the signature and exactly the computation.
    import inspect
    import json
    import re

    from project_files import ROOT

    notebook = json.loads((ROOT / "chapters" / "02_composing_linear_models.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in notebook["cells"])
    quote = re.search(r":pyobject: make_triangle\n:lines: ([^\n]+)\n", text)
    assert quote, "chapter 2 no longer quotes make_triangle with :lines:"
    source = inspect.getsource(make_triangle).splitlines()
    shown = []
    for part in quote.group(1).split(","):
        first, _, last = part.strip().partition("-")
        stop = len(source) if _ and not last else int(last or first)
        shown += source[int(first) - 1:stop]
    assert shown[0].startswith("def make_triangle(")
    body = [line.strip() for line in shown[1:]]
    assert len(body) == 4 and body[-1] == "return X, y", body
    assert not any("check" in line or "raise" in line or '"""' in line for line in body), body
