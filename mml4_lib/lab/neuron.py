"""The sigmoid neuron a(x) = sigma(w x + b): its output and slope along x.

NumPy only: the explorer ``mml4_lib.explorers.neuron`` draws it. Chapter 1 (Logistic
regression) and the page "How the interactive figures work".
"""

import numpy as np

from mml4_lib.activations import sigmoid, sigmoid_grad

__all__ = ["X", "neuron_curves"]


X = np.linspace(-6.0, 6.0, 241)


def neuron_curves(w, b, x=X):
    """The neuron's output and the sigmoid's slope along x: sigma(w x + b), sigma'(w x + b).

    w, b: scalars; x: (N,) -> (a, da), both (N,). sigma'(z) = sigma(z) (1 - sigma(z)) <= 1/4,
    so the curve's steepest slope in x is w * sigma'(0) = w / 4, at x = -b / w.
    """
    z = w * np.asarray(x, dtype=float) + b
    return sigmoid(z), sigmoid_grad(z)


