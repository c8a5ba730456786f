"""The `Module` base class shared by layers and activation modules.

A module maps a batch `x` (N, D) to an output with `forward(x)`, keeps only what its
backward pass needs, and `backward(dout)` returns `dx` and overwrites `grads[k]` for every
parameter name `k` in `params`; `backward_params(dout)` does the same without returning `dx`.

What a module keeps are references, not copies (as in PyTorch): `Linear` keeps its input x,
and `Identity` and `Dropout` in eval mode (or with keep_prob = 1) return x itself. Do not
modify x in place between `forward` and `backward`: the gradients would silently use the new
values (PyTorch raises there). Copying every input would cost 2 to 10 % of a training step
(benchmarks/README.md). Re-exported as `mml4_lib.layers.Module`; it lives in its own
file because the activation modules are modules too. Introduced in chapter 5 (Backpropagation).
"""

import math
import numbers
import warnings

import numpy as np

__all__ = ["Module", "NonFiniteWarning"]


class NonFiniteWarning(RuntimeWarning):
    """The library's warning for a result that became inf or NaN (a diverging model).

    It replaces NumPy's terse overflow / invalid-value warnings with one that names what
    is not finite. Like those, it follows NumPy's error state for invalid values: silent
    under ``np.errstate(invalid="ignore")`` (which `fit` and the explorers use, since they
    detect and report divergence themselves), a `FloatingPointError` under "raise".
    """


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

    def backward_params(self, dout):
        """Fill self.grads for the upstream gradient dout, and return nothing.

        What training needs: the gradient with respect to the input data is never used.
        The default runs `backward` and drops dx; `Linear` skips computing it.
        """
        self.backward(dout)

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
    if x.dtype.kind not in "biuf":
        return TypeError(f"{module!r}: input x must be an array of numbers, got dtype {x.dtype}")
    expected = "an array" if width is None else f"shape (N, {width})"
    return ValueError(f"{module!r}: input x must have {expected}, got shape {x.shape}")


def cast_input(module, x, dtype):
    """Return x converted to dtype (a copy), raising TypeError unless x holds numbers."""
    if x.dtype.kind not in "biuf":
        raise bad_input_error(module, x, None)
    return x.astype(dtype)


def float_array(z, name="z"):
    """Return z as a float array (ints and bools become float64); TypeError for non-numbers."""
    z = np.asarray(z)
    if z.dtype.kind == "f":
        return z
    if z.dtype.kind not in "biu":
        got = repr(z.item()) if z.ndim == 0 else f"an array of dtype {z.dtype}"
        raise TypeError(f"{name} must be a number or an array of numbers, got {got}")
    return z.astype(np.float64)


def readonly(a):
    """a as an array that cannot be written to: a cached result shared by every caller."""
    a = np.asarray(a)
    a.setflags(write=False)
    return a


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


def check_real(value, name, owner, *, finite=False):
    """Return value as float, raising TypeError unless it is a real number (not bool).

    finite=True also raises ValueError for inf and NaN.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r}")
    value = float(value)
    if finite and not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be a finite number, got {value!r}")
    return value


def check_nonnegative(value, name, owner):
    """Return value as float, raising unless it is a finite number >= 0 (NaN is rejected)."""
    value = check_real(value, name, owner)
    if not 0 <= value < math.inf:
        raise ValueError(f"{owner}: {name} must be a finite number >= 0, got {value!r}")
    return value


def warn_non_finite(message):
    """Report a non-finite result as a `NonFiniteWarning`, following np.errstate(invalid=...)."""
    mode = np.geterr()["invalid"]
    if mode == "ignore":
        return
    if mode == "raise":
        raise FloatingPointError(message)
    warnings.warn(message, NonFiniteWarning, stacklevel=4)  # the line that called forward
