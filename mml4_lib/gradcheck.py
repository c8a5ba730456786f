"""Gradient checking: compare a hand-written backward pass with centered differences.

Introduced in chapter 4 (Training: gradients and the chain rule); explained in chapter 5
(Backpropagation).
"""

import numpy as np

from mml4_lib.base import Module, check_generator, check_real

__all__ = ["check_module_gradients", "numerical_gradient", "rel_error"]


def numerical_gradient(f, x, *, h=1e-5, dout=None):
    """Centered-difference gradient: grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h).

    f: a function of no arguments that reads x; x is perturbed in place, one entry at a
    time, and restored afterwards (even if f raises). x: float array of any shape ->
    gradient of the same shape (float64). The error is O(h^2) plus round-off of order
    eps * |f| / h.
    Without dout, f returns a float. With dout, f returns an array of dout's shape and the
    result is the gradient of sum(f() * dout), computed as
    sum((f(x + h e_i) - f(x - h e_i)) * dout) / (2 h): outputs that x_i does not touch then
    cancel exactly instead of adding the round-off of the whole sum.
    """
    if not callable(f):
        raise TypeError(f"numerical_gradient: f must be a function () -> float, got {f!r}")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"numerical_gradient: x must be a float NumPy array, got {got}")
    h = check_real(h, "h", "numerical_gradient")
    if not h > 0:
        raise ValueError(f"numerical_gradient: h must be > 0, got {h!r}")
    if dout is None:
        value = f
    else:
        def value():
            return f() * dout
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + h
            f_plus = value()
            x[idx] = old - h
            f_minus = value()
        finally:
            x[idx] = old
        grad[idx] = np.sum(f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Maximum elementwise relative error: max |a - b| / max(1e-8, |a| + |b|).

    a, b: arrays of the same shape -> float. The floor 1e-8 keeps entries where both are
    (nearly) zero from dividing by zero; such entries then count with their absolute error.
    Rules of thumb for float64 and h = 1e-5: < 1e-7 is right, > 1e-4 is usually a bug.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"rel_error: a and b must have the same shape, got {a.shape} and {b.shape}"
        )
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _generators(module):
    """Every np.random.Generator a module (or its sub-modules) keeps as an attribute."""
    for value in vars(module).values():
        if isinstance(value, np.random.Generator):
            yield value
        elif isinstance(value, Module):
            yield from _generators(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, Module):
                    yield from _generators(item)


def check_module_gradients(module, x, *, rng, h=1e-5):
    """Max relative error between module.backward and numerical gradients, per array.

    Uses the scalar loss L = sum(module.forward(x) * dout) with a random upstream gradient
    dout ~ N(0, 1) drawn from rng, so backward(dout) should return dL/dx and fill
    grads = dL/dparams. module: a float64 Module (in whichever mode it is in);
    x: (N, D) array, copied and not modified.
    Returns {"x": error, name: error for every name in module.params}.
    Randomness inside the module (Dropout masks) is frozen: the state of every generator the
    module holds is saved before the first forward and restored before every forward, so all
    evaluations draw the same mask. Side effects of forward still happen on every evaluation
    (a BatchNorm in training mode updates its running statistics each time).
    """
    if not isinstance(module, Module):
        raise TypeError(f"check_module_gradients: module must be a Module, got {module!r}")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"check_module_gradients: x must be a NumPy array, got {type(x).__name__}")
    check_generator(rng, "check_module_gradients")
    x = np.array(x, dtype=np.float64)  # our own copy: it is perturbed in place below

    generators = list(_generators(module))
    states = [g.bit_generator.state for g in generators]

    def forward():
        for g, state in zip(generators, states, strict=True):
            g.bit_generator.state = state
        return module.forward(x)

    out = forward()
    dout = rng.standard_normal(out.shape)
    analytic = {"x": module.backward(dout)}
    analytic.update({k: np.array(g) for k, g in module.grads.items()})

    errors = {"x": rel_error(analytic["x"], numerical_gradient(forward, x, h=h, dout=dout))}
    for name, p in module.params.items():
        errors[name] = rel_error(analytic[name], numerical_gradient(forward, p, h=h, dout=dout))
    return errors
