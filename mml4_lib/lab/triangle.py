"""The triangle of chapter 2: its data, and the sides that a hidden unit's boundary can follow.

NumPy only. Chapter 2 builds a classifier for it by hand (one logistic regression per side);
chapter 5 trains a 2-3-1 network on it with backpropagation and compares the learned hidden
boundaries with those sides.
"""

import numpy as np

from mml4_lib.base import check_generator, check_positive_int, check_real

__all__ = ["ANGLES", "NORMALS", "INRADIUS", "make_triangle", "match_sides"]

ANGLES = np.radians([-90, 30, 150])                          # directions of the 3 sides
NORMALS = np.column_stack([np.cos(ANGLES), np.sin(ANGLES)])  # (3, 2) outward unit normals
INRADIUS = 2.5                                               # distance of each side from 0


def make_triangle(n_samples, noise, *, rng, inradius=INRADIUS):
    """Points uniform on [-6, 6]^2, class 1 inside the triangle max_k n_k^T x <= inradius.

    As in TensorFlow Playground, the label is taken at a noisy copy of the point (shifted by
    noise * U(-6, 6) per coordinate), so a few labels near the sides are flipped.

    Returns X (n_samples, 2) and y (n_samples,) of 0/1 ints. Introduced in chapter 2.
    """
    check_positive_int(n_samples, "n_samples", "make_triangle")
    noise = check_real(noise, "noise", "make_triangle", finite=True)
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"make_triangle: noise must be in [0, 0.5], got {noise}")
    inradius = check_real(inradius, "inradius", "make_triangle", finite=True)
    if inradius <= 0:
        raise ValueError(f"make_triangle: inradius must be positive, got {inradius}")
    check_generator(rng, "make_triangle")
    X = rng.uniform(-6, 6, (n_samples, 2))
    shifted = X + rng.uniform(-6, 6, (n_samples, 2)) * noise
    y = (np.max(shifted @ NORMALS.T, axis=1) <= inradius).astype(int)
    return X, y


def match_sides(W, b):
    """For each unit's line w_j^T x + b_j = 0, the side of the triangle it lies along.

    W: (2, H) with one column per unit (a Linear layer's W), b: (H,).
    Returns side (H,) ints in 0..2, the |cosine| (H,) between the line's normal and that
    side's normal (1 = parallel) and the line's distance |b_j| / |w_j| (H,) from the origin.
    Introduced in chapter 5.
    """
    W = np.asarray(W, dtype=float)
    b = np.asarray(b, dtype=float)
    if W.ndim != 2 or W.shape[0] != 2:
        raise ValueError(f"match_sides: W must have shape (2, H), got {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"match_sides: b must have shape ({W.shape[1]},), got {b.shape}")
    norms = np.linalg.norm(W, axis=0)
    if np.any(norms == 0):
        raise ValueError("match_sides: a column of W is zero, so its unit draws no line")
    cosines = np.abs((W / norms).T @ NORMALS.T)              # (H, 3)
    side = np.argmax(cosines, axis=1)
    return side, cosines[np.arange(W.shape[1]), side], np.abs(b) / norms
