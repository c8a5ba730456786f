"""The `Module` base class shared by layers and activation modules.

A module maps a batch `x` (N, D) to an output with `forward(x)`, keeps only what its
backward pass needs, and `backward(dout)` returns `dx` and overwrites `grads[k]` for every
parameter name `k` in `params`. Re-exported as `mml4_lib.layers.Module`; it lives in its own
file because the activation modules are modules too. Introduced in chapter 5 (Backpropagation).
"""

import numpy as np

__all__ = ["Module"]


class Module:
    """Base class: `out = forward(x)`, `dx = backward(dout)`, `params`/`grads` dicts.

    Attributes: `params` and `grads` map the same names to arrays of the same shapes
    (`grads` starts as zeros); `training` is True after construction and switched by
    `train()` / `eval()`. Subclasses implement `forward` and `backward`.
    Introduced in chapter 5 (Backpropagation).
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.training = True

    def forward(self, x):
        """Return the output for the input batch x."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, dout):
        """Return dL/dx for the upstream gradient dout = dL/dout; fill self.grads."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def __call__(self, x):
        return self.forward(x)

    def train(self):
        """Switch to training mode (batch statistics, dropout on); return self."""
        self.training = True
        return self

    def eval(self):
        """Switch to evaluation mode (running statistics, dropout off); return self."""
        self.training = False
        return self

    def __repr__(self):
        return f"{type(self).__name__}()"

    # Helpers for the checks every subclass makes. They only build messages, so the
    # fast path of forward/backward stays a few attribute comparisons.

    def _no_forward_error(self):
        return RuntimeError(
            f"{self!r}: backward called before forward; call forward(x) first so the "
            f"layer has the values its backward pass needs"
        )

    def _check_dout(self, dout, shape):
        """Raise unless dout is an array of the forward output's shape."""
        if getattr(dout, "shape", None) != shape:
            got = dout.shape if isinstance(dout, np.ndarray) else type(dout).__name__
            raise ValueError(
                f"{self!r}.backward: dout must have the shape of the forward output "
                f"{shape}, got {got}"
            )


def bad_input_error(module, x, width):
    """The error for an input that is not an (N, width) array (or any array if width is None)."""
    if not isinstance(x, np.ndarray):
        return TypeError(f"{module!r}: input x must be a NumPy array, got {type(x).__name__}")
    expected = "an array" if width is None else f"shape (N, {width})"
    return ValueError(f"{module!r}: input x must have {expected}, got shape {x.shape}")


def check_generator(rng, owner):
    """Raise TypeError unless rng is a np.random.Generator."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{owner}: rng must be a np.random.Generator (e.g. np.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )


def check_float_dtype(dtype, owner):
    """Return np.dtype(dtype), raising TypeError unless it is a floating-point type."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind != "f":
        raise TypeError(f"{owner}: dtype must be a float type such as np.float64, got {dtype!r}")
    return dt


def check_positive_int(value, name, owner):
    """Return value as int, raising unless it is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an int >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{owner}: {name} must be an int >= 1, got {value!r}")
    return int(value)


def check_real(value, name, owner):
    """Return value as float, raising TypeError unless it is a real number (not bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r}")
    return float(value)
