"""Activation functions, their derivatives, and the same as modules for networks.

Functions take the pre-activation `z` (any shape) and work elementwise; `*_grad(z)` is the
derivative d act / dz evaluated at `z`. The modules (`Sigmoid`, `Tanh`, ...) wrap them with
a forward/backward pair for `Sequential`. Sigmoid appears in chapter 1, its derivative in
chapter 4; chapter 7 (Activations) compares them all.
"""

import numpy as np

from mml4_lib.base import Module, bad_input_error, check_real, float_array

__all__ = [
    "ACTIVATIONS",
    "Identity",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "get_activation",
    "identity",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


def _as_float(z):
    # Integer input would give integer outputs (relu) or integer gradients: use float64.
    return float_array(z)


def _check_alpha(alpha, owner):
    alpha = check_real(alpha, "alpha", owner)
    if not 0 <= alpha < 1:
        raise ValueError(
            f"{owner}: alpha (the slope for z < 0) must be in [0, 1), got {alpha!r}; "
            f"alpha = 1 would make the unit linear"
        )
    return alpha


# --- functions ------------------------------------------------------------------------


def sigmoid(z):
    """Logistic sigmoid: sigma(z) = 1 / (1 + exp(-z)).

    z: array_like, any shape -> array of the same shape, values in [0, 1].
    Stable for any z: with e = exp(-|z|) <= 1 (never overflows),
    sigma(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0.
    Introduced in chapter 1 (Logistic regression).
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))
    d = 1 + e
    return np.where(z >= 0, 1 / d, e / d)


def sigmoid_grad(z):
    """Derivative of the sigmoid: sigma'(z) = sigma(z) (1 - sigma(z)) = sigma(z) sigma(-z).

    z: array_like, any shape -> array of the same shape, values in [0, 1/4].
    Written with sigma(-z) = 1 - sigma(z) so the factor keeps its precision when sigma(z) ~ 1.
    Derived in chapter 4 (Training: gradients and the chain rule).
    """
    z = _as_float(z)
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    """Hyperbolic tangent: tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigma(2z) - 1.

    z: array_like, any shape -> array of the same shape, values in [-1, 1].
    Introduced in chapter 7 (Activations).
    """
    return np.tanh(_as_float(z))


def tanh_grad(z):
    """Derivative of tanh: tanh'(z) = 1 - tanh(z)^2.

    z: array_like, any shape -> array of the same shape, values in [0, 1].
    Introduced in chapter 7 (Activations).
    """
    t = np.tanh(_as_float(z))
    return 1 - t * t


def relu(z):
    """Rectified linear unit: relu(z) = max(z, 0).

    z: array_like, any shape -> array of the same shape.
    Introduced in chapter 7 (Activations).
    """
    return np.maximum(_as_float(z), 0)


def relu_grad(z):
    """Derivative of ReLU: 1 where z > 0, else 0 (0 at the kink z = 0, as in PyTorch).

    z: array_like, any shape -> array of the same shape, values in {0, 1}.
    Introduced in chapter 7 (Activations).
    """
    z = _as_float(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, alpha * z otherwise (the lecture's a, 0 <= alpha < 1).

    z: array_like, any shape -> array of the same shape.
    Introduced in chapter 7 (Activations).
    """
    alpha = _check_alpha(alpha, "leaky_relu")
    z = _as_float(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """Derivative of Leaky ReLU: 1 where z > 0, else alpha (alpha at the kink z = 0).

    z: array_like, any shape -> array of the same shape, values in {alpha, 1}.
    Introduced in chapter 7 (Activations).
    """
    alpha = _check_alpha(alpha, "leaky_relu_grad")
    z = _as_float(z)
    return np.where(z > 0, 1, alpha).astype(z.dtype)


def identity(z):
    """Identity ("linear" activation): identity(z) = z, returned as a new array.

    z: array_like, any shape -> array of the same shape. Its derivative is 1.
    Introduced in chapter 2 (Composing linear models).
    """
    return np.array(_as_float(z), copy=True)


# --- modules --------------------------------------------------------------------------
# Each keeps only what its backward pass needs: the output for sigmoid and tanh (their
# derivatives are functions of the output), the sign mask for ReLU and Leaky ReLU.


class _Activation(Module):
    """Shared input check for the elementwise activation modules."""

    def _check_input(self, x):
        if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
            raise bad_input_error(self, x, None)


class Sigmoid(_Activation):
    """Sigmoid module: out = sigma(x); backward dx = dout * out * (1 - out).

    x: (N, D) -> out: (N, D). Introduced in chapter 1 (Logistic regression).
    """

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        self._check_input(x)
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        out = self.out
        if out is None:
            raise self._no_forward_error()
        self._check_dout(dout, out.shape)
        return dout * out * (1 - out)


class Tanh(_Activation):
    """Tanh module: out = tanh(x); backward dx = dout * (1 - out^2).

    x: (N, D) -> out: (N, D). Introduced in chapter 7 (Activations).
    """

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        self._check_input(x)
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        out = self.out
        if out is None:
            raise self._no_forward_error()
        self._check_dout(dout, out.shape)
        return dout * (1 - out * out)


class ReLU(_Activation):
    """ReLU module: out = max(x, 0); backward dx = dout where x > 0, else 0.

    x: (N, D) -> out: (N, D). Introduced in chapter 7 (Activations).
    """

    def __init__(self):
        super().__init__()
        self.mask = None

    def forward(self, x):
        self._check_input(x)
        self.mask = x > 0
        return relu(x)

    def backward(self, dout):
        mask = self.mask
        if mask is None:
            raise self._no_forward_error()
        self._check_dout(dout, mask.shape)
        return dout * mask


class LeakyReLU(_Activation):
    """Leaky ReLU module: out = x where x > 0, else alpha * x; dx = dout * (1 or alpha).

    x: (N, D) -> out: (N, D); 0 <= alpha < 1. Introduced in chapter 7 (Activations).
    """

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = _check_alpha(alpha, "LeakyReLU")
        self.mask = None

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"

    def forward(self, x):
        self._check_input(x)
        self.mask = x > 0
        return np.where(self.mask, x, self.alpha * x)

    def backward(self, dout):
        mask = self.mask
        if mask is None:
            raise self._no_forward_error()
        self._check_dout(dout, mask.shape)
        return np.where(mask, dout, self.alpha * dout)


class Identity(_Activation):
    """Identity module ("linear" activation): out = x, dx = dout (the same arrays, no copy).

    x: (N, D) -> out: (N, D). Introduced in chapter 2 (Composing linear models).
    """

    def __init__(self):
        super().__init__()
        self.shape = None

    def forward(self, x):
        self._check_input(x)
        self.shape = x.shape
        return x

    def backward(self, dout):
        if self.shape is None:
            raise self._no_forward_error()
        self._check_dout(dout, self.shape)
        return dout


_MODULES = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "linear": Identity,
}


def get_activation(name):
    """Return a new activation module for `name`, one of ACTIVATIONS.

    name: "sigmoid", "tanh", "relu", "leaky_relu" (alpha = 0.01) or "linear" (identity).
    Introduced in chapter 6 (The network playground).
    """
    if not isinstance(name, str):
        raise TypeError(f"get_activation: name must be a str, got {type(name).__name__}")
    if name not in _MODULES:
        raise ValueError(
            f"get_activation: unknown activation {name!r}; valid names are {', '.join(ACTIVATIONS)}"
        )
    return _MODULES[name]()
