"""Optimizers: SGD (with momentum, weight decay and the Playground's L1) and Adam.

`step(params, grads)` takes two dicts keyed by parameter name (a model's `params` and
`grads`), updates the arrays in `params` in place and keeps per-name state (velocity,
moments, dead L1 weights) inside the optimizer, so one optimizer belongs to one model.

Which parameters are weights: weight decay and L1 act on weights only. A parameter whose
name ends in `b`, `beta` or `gamma` (after the last dot, so `"0.b"` and
`"2.gamma"` of a `Sequential`) is a bias or a BatchNorm scale/shift and is never decayed;
every other name (`"0.W"`, `"w"`) is a weight.
"""

import numpy as np

from mml4_lib.base import check_nonnegative, check_real

__all__ = ["NO_DECAY_NAMES", "SGD", "Adam", "is_decayed"]

NO_DECAY_NAMES = ("b", "beta", "gamma")


def is_decayed(name):
    """Return True if weight decay and L1 apply to the parameter called `name`.

    Biases and BatchNorm parameters (names ending in "b", "beta", "gamma" after the last
    dot) are not decayed: shrinking them towards 0 does not make the function simpler.
    """
    return name.rsplit(".", 1)[-1] not in NO_DECAY_NAMES


def _check_fraction(value, name, owner):
    """Return value as float, raising unless 0 <= value < 1."""
    value = check_real(value, name, owner)
    if not 0 <= value < 1:
        raise ValueError(f"{owner}: {name} must be in [0, 1), got {value!r}")
    return value


def _check_pairs(params, grads, owner):
    """Raise unless params and grads have the same keys and matching shapes."""
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError(
            f"{owner}.step: params and grads must be dicts name -> array, got "
            f"{type(params).__name__} and {type(grads).__name__}"
        )
    if params.keys() != grads.keys():
        missing = sorted(params.keys() - grads.keys())
        extra = sorted(grads.keys() - params.keys())
        raise ValueError(
            f"{owner}.step: params and grads must have the same names; "
            f"missing in grads: {missing}, not in params: {extra}"
        )
    for name, p in params.items():
        g = grads[name]
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            got = f"a {p.dtype} array" if isinstance(p, np.ndarray) else type(p).__name__
            raise TypeError(
                f"{owner}.step: params[{name!r}] must be a float NumPy array (it is updated in "
                f"place), got {got}"
            )
        if not isinstance(g, np.ndarray):
            raise TypeError(
                f"{owner}.step: grads[{name!r}] must be a NumPy array, got {type(g).__name__}"
            )
        if p.shape != g.shape:
            raise ValueError(
                f"{owner}.step: grads[{name!r}] must have the shape of params[{name!r}] "
                f"{p.shape}, got {g.shape}"
            )


def _check_state(buffer, p, name, owner):
    """Raise if a stored buffer no longer fits its parameter (optimizer reused on a new model)."""
    if buffer.shape != p.shape:
        raise ValueError(
            f"{owner}.step: params[{name!r}] has shape {p.shape} but this optimizer's state "
            f"for it has shape {buffer.shape}; use one optimizer per model"
        )


class SGD:
    """Stochastic gradient descent with optional momentum, weight decay and L1.

    For every parameter p with gradient g (weights only get the wd and l1 terms):

        g = g + weight_decay * p          (L2 penalty weight_decay/2 * p**2)
        v = momentum * v + g;  p -= lr * v (PyTorch's form; v = g when momentum = 0)
        p -= lr * l1 * sign(p_old)         (L1 penalty l1 * |p|)

    L1 follows TensorFlow Playground: a weight that the L1 step pushes across zero is
    set to exactly 0 and stays 0 ("dead") in every later step.

    Arguments: lr >= 0, momentum in [0, 1), weight_decay >= 0, l1 >= 0.
    step(params, grads): dicts name -> array; each grads[name] has the shape of params[name].
    Introduced in chapter 4 (Training: gradients and the chain rule); momentum, weight
    decay and L1 in chapter 6 (The network playground).
    """

    def __init__(self, lr, momentum=0.0, weight_decay=0.0, l1=0.0):
        self.lr = check_nonnegative(lr, "lr", "SGD")
        self.momentum = _check_fraction(momentum, "momentum", "SGD")
        self.weight_decay = check_nonnegative(weight_decay, "weight_decay", "SGD")
        self.l1 = check_nonnegative(l1, "l1", "SGD")
        self.velocity = {}  # name -> v, only used when momentum > 0
        self.dead = {}  # name -> boolean mask of weights killed by L1

    def step(self, params, grads):
        _check_pairs(params, grads, "SGD")
        for name, p in params.items():
            g = grads[name]
            decayed = (self.weight_decay or self.l1) and is_decayed(name)
            if decayed and self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                v = self.velocity.get(name)
                if v is None:
                    v = self.velocity[name] = np.zeros_like(p)
                _check_state(v, p, name, "SGD")
                v *= self.momentum
                v += g
                g = v
            if decayed and self.l1:
                self._l1_step(name, p, g)
            else:
                p -= self.lr * g

    def _l1_step(self, name, p, g):
        """Gradient step, then the L1 step with the Playground's zero-crossing rule."""
        sign = np.sign(p)  # the penalty's derivative at the weight before this step
        p -= self.lr * g
        before = p.copy()
        p -= (self.lr * self.l1) * sign
        crossed = before * p < 0
        dead = self.dead.get(name)
        if dead is None:
            dead = crossed
        else:
            _check_state(dead, p, name, "SGD")
            dead |= crossed
        self.dead[name] = dead
        p[dead] = 0


class Adam:
    """Adam: per-parameter step sizes from running moments of the gradient.

    For every parameter p with gradient g, at step t = 1, 2, ... of that parameter:

        g = g + weight_decay * p           (weights only; L2 as in torch.optim.Adam)
        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g**2
        p -= lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    Arguments: lr >= 0, betas = (beta1, beta2) each in [0, 1), eps > 0, weight_decay >= 0.
    step(params, grads): dicts name -> array; each grads[name] has the shape of params[name].
    Introduced in chapter 9 (Batch normalization).
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.lr = check_nonnegative(lr, "lr", "Adam")
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = _check_fraction(betas[0], "betas[0]", "Adam")
        self.beta2 = _check_fraction(betas[1], "betas[1]", "Adam")
        self.eps = check_nonnegative(eps, "eps", "Adam")
        if self.eps == 0:
            raise ValueError(f"Adam: eps must be > 0, got {eps!r}")
        self.weight_decay = check_nonnegative(weight_decay, "weight_decay", "Adam")
        self.state = {}  # name -> [t, m, v]

    def step(self, params, grads):
        _check_pairs(params, grads, "Adam")
        b1, b2 = self.beta1, self.beta2
        for name, p in params.items():
            g = grads[name]
            if self.weight_decay and is_decayed(name):
                g = g + self.weight_decay * p
            state = self.state.get(name)
            if state is None:
                state = self.state[name] = [0, np.zeros_like(p), np.zeros_like(p)]
            _check_state(state[1], p, name, "Adam")
            state[0] += 1
            t, m, v = state
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            # Bias correction folded into two scalars: m_hat = m / c1, v_hat = v / c2.
            c1, c2 = 1 - b1**t, 1 - b2**t
            p -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)
