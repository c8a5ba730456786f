"""Activation functions, their derivatives, and the same as modules for networks.

Functions take the pre-activation `z` (any shape) and work elementwise; `*_grad(z)` is the
derivative d act / dz evaluated at `z`. The modules (`Sigmoid`, `Tanh`, ...) wrap them with
a forward/backward pair for `Sequential`, and each module class carries the facts the rest
of the library needs about its activation (name, label, plotting range, what counts as
saturated or off, second-moment factor, gain): see `Activation`. Every list of activations
(`ACTIVATIONS`, `get_activation`, the statistics, the playground's menu) is derived from
`ACTIVATION_CLASSES`, so a new activation is one class here.

Sigmoid appears in chapter 1, its derivative in chapter 4; chapter 7 (Activations) compares
them all and ends with the modern ones (ELU, GELU, SiLU).
"""

import math

import numpy as np

from mml4_lib.base import Module, bad_input_error, check_real, float_array

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_CLASSES",
    "Activation",
    "ELU",
    "GELU",
    "Identity",
    "LeakyReLU",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Tanh",
    "activation_class",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "get_activation",
    "identity",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "silu",
    "silu_grad",
    "tanh",
    "tanh_grad",
]


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
    z = float_array(z)
    e = np.exp(-np.abs(z))
    d = 1 + e
    return np.where(z >= 0, 1 / d, e / d)


def sigmoid_grad(z):
    """Derivative of the sigmoid: sigma'(z) = sigma(z) (1 - sigma(z)) = sigma(z) sigma(-z).

    z: array_like, any shape -> array of the same shape, values in [0, 1/4].
    Written with sigma(-z) = 1 - sigma(z) so the factor keeps its precision when sigma(z) ~ 1.
    Derived in chapter 4 (Training: gradients and the chain rule).
    """
    z = float_array(z)
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    """Hyperbolic tangent: tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigma(2z) - 1.

    z: array_like, any shape -> array of the same shape, values in [-1, 1].
    Introduced in chapter 7 (Activations).
    """
    return np.tanh(float_array(z))


def tanh_grad(z):
    """Derivative of tanh: tanh'(z) = 1 - tanh(z)^2.

    z: array_like, any shape -> array of the same shape, values in [0, 1].
    Introduced in chapter 7 (Activations).
    """
    t = np.tanh(float_array(z))
    return 1 - t * t


def relu(z):
    """Rectified linear unit: relu(z) = max(z, 0).

    z: array_like, any shape -> array of the same shape.
    Introduced in chapter 7 (Activations).
    """
    return np.maximum(float_array(z), 0)


def relu_grad(z):
    """Derivative of ReLU: 1 where z > 0, else 0 (0 at the kink z = 0, as in PyTorch).

    z: array_like, any shape -> array of the same shape, values in {0, 1}.
    Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, alpha * z otherwise (the lecture's a, 0 <= alpha < 1).

    z: array_like, any shape -> array of the same shape.
    Introduced in chapter 7 (Activations).
    """
    alpha = _check_alpha(alpha, "leaky_relu")
    z = float_array(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """Derivative of Leaky ReLU: 1 where z > 0, else alpha (alpha at the kink z = 0).

    z: array_like, any shape -> array of the same shape, values in {alpha, 1}.
    Introduced in chapter 7 (Activations).
    """
    alpha = _check_alpha(alpha, "leaky_relu_grad")
    z = float_array(z)
    return np.where(z > 0, 1, alpha).astype(z.dtype)


def identity(z):
    """Identity ("linear" activation): identity(z) = z, returned as a new array.

    z: array_like, any shape -> array of the same shape. Its derivative is 1.
    Introduced in chapter 2 (Composing linear models).
    """
    return np.array(float_array(z), copy=True)


# --- modern activations: ELU, GELU, SiLU ----------------------------------------------------
# GELU needs the standard normal CDF Phi(z) = (1 + erf(z / sqrt 2)) / 2, and NumPy has no erf.
# The standard library's math.erf, applied elementwise (np.frompyfunc), is exact to double
# precision but runs one Python call per value: about 15 times slower than the vectorised
# rational approximations below on 1e6 values (benchmarks/bench_erf.py, benchmarks/README.md),
# and the chapter 7 explorer trains 100-wide deep networks through GELU. So Phi is computed
# here with W. J. Cody's rational Chebyshev approximations of erf and erfc (Cody 1969,
# Math. Comp. 23, the coefficients of his Fortran CALERF), which are accurate to double
# precision on their three intervals, and the factor exp(-z^2 / 2) in the tails is split so
# that it keeps full relative precision (below). The tests compare with mpmath to 1e-12.

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_PI = 1 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
# erf(y) = y P(y^2) / Q(y^2) for |y| <= 0.46875
_ERF_P = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)
_ERF_Q = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
# erfc(y) = exp(-y^2) P(y) / Q(y) for 0.46875 <= y <= 4
_ERFC_P = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
           2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
           2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_ERFC_Q = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
           1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
           3.43936767414372164e03, 1.23033935480374942e03)
# erfc(y) = exp(-y^2) (1/sqrt(pi) - u P(u) / Q(u)) / y with u = 1 / y^2, for y > 4
_ERFC_TAIL_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
                1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_ERFC_TAIL_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
                6.05183413124413191e-2, 2.33520497626869185e-3)
_Z_MAX = 40.0  # z is clipped to +-40 (see _gelu_parts)


def _rational(t, p, q):
    """Cody's rational function of t, evaluated as he wrote it (Horner's scheme):

    (((p[-1] t + p[0]) t + p[1]) t ... + p[-2]) / (((t + q[0]) t + q[1]) t ... + q[-1]),
    evaluated in place on two arrays (the same operations, about twice as fast as new
    temporaries at every step).
    """
    num = p[-1] * t
    den = t.copy()
    for a, b in zip(p[:-2], q[:-1], strict=True):
        num += a
        num *= t
        den += b
        den *= t
    num += p[-2]
    den += q[-1]
    num /= den
    return num


def _gauss(z):
    """exp(-z^2 / 2) to full relative precision, also for |z| ~ 38 where it is ~1e-314.

    exp(-z * z / 2) loses about z^2 / 2 units in the last place (z * z is rounded): nothing
    to speak of for |z| <= 4, 1e-13 at |z| = 38. Beyond 4, Cody's split: z = z16 + d with
    z16 = trunc(16 z) / 16, whose square is exact, so exp(-z^2 / 2) = exp(-z16^2 / 2) *
    exp(-d (z + z16) / 2), the second factor close to 1.
    """
    g = np.exp(-0.5 * z * z)
    far = np.flatnonzero(np.abs(z) > 4)  # usually few: work on those only
    if far.size:
        zf = z.flat[far]
        z16 = np.trunc(16 * zf) / 16
        g.flat[far] = np.exp(-0.5 * z16 * z16) * np.exp(-0.5 * (zf - z16) * (zf + z16))
    return g


def _normal_cdf(z):
    """Phi(z) for a float array z with |z| <= 40; in float64 relative error ~1e-15 (Cody).

    With y = |z| / sqrt 2: Phi = (1 + erf(z / sqrt 2)) / 2 for y <= 0.46875 (Phi between
    0.26 and 0.74, no cancellation); otherwise erfc(y) = exp(-z^2 / 2) r(y) with Cody's r for
    0.46875 < y <= 4 or for y > 4, and Phi = erfc(y) / 2 (z < 0) or 1 - erfc(y) / 2.
    The two frequent approximations run on the whole array and np.where picks (indexing
    large subsets costs more than it saves); the rare tail ones run on their values only.
    """
    y = np.abs(z) * _SQRT_HALF
    r = _rational(y, _ERFC_P, _ERFC_Q)
    far = np.flatnonzero(y > 4)  # usually few: work on those only
    if far.size:
        yt = y.flat[far]
        u = 1 / (yt * yt)
        r.flat[far] = (_INV_SQRT_PI - u * _rational(u, _ERFC_TAIL_P, _ERFC_TAIL_Q)) / yt
    half_erfc = 0.5 * _gauss(z) * r
    tails = np.where(z < 0, half_erfc, 1 - half_erfc)
    w = z * _SQRT_HALF
    central = 0.5 + 0.5 * w * _rational(w * w, _ERF_P, _ERF_Q)
    return np.where(y <= 0.46875, central, tails)


def elu(z):
    """Exponential linear unit (alpha = 1): z where z > 0, exp(z) - 1 otherwise.

    z: array_like, any shape -> array of the same shape, values in (-1, inf).
    exp(z) - 1 is computed with expm1, which keeps its relative precision for z near 0.
    Clevert, Unterthiner & Hochreiter (2016). Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def elu_grad(z):
    """Derivative of ELU (alpha = 1): 1 where z > 0, exp(z) otherwise (1 at the kink z = 0).

    z: array_like, any shape -> array of the same shape, values in (0, 1].
    Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    return np.where(z > 0, 1, np.exp(np.minimum(z, 0))).astype(z.dtype)


def _gelu_parts(z):
    """z clipped to [-40, 40] and Phi of it, in float64 for float64 input, float32 for float32.

    Beyond |z| = 40, Phi is 0 or 1 in float64 (Phi(-38.5) is below the smallest subnormal),
    and clipping keeps inf out. float32 networks get float32 arithmetic, as fast as NumPy goes
    and as accurate as their float32 values (float16 is computed in float32).
    """
    z = np.asarray(z, dtype=np.result_type(z.dtype, np.float32))
    clipped = np.clip(z, -_Z_MAX, _Z_MAX)
    return clipped, _normal_cdf(clipped)


def _gelu_slope(clipped, cdf):
    # gelu'(z) = Phi(z) + z phi(z), from the parts that the forward pass computed.
    return cdf + clipped * _INV_SQRT_2PI * _gauss(clipped)


def gelu(z):
    """Gaussian error linear unit, exact form: gelu(z) = z Phi(z) = z (1 + erf(z / sqrt 2)) / 2.

    z: array_like, any shape -> array of the same shape, values in [-0.17, inf).
    Phi is the standard normal CDF (see _normal_cdf). PyTorch's default GELU, not the tanh
    approximation. Hendrycks & Gimpel (2016). Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    clipped, cdf = _gelu_parts(z)
    # Left of -40, Phi = 0 and the output is -0.0 (also for -inf); right of 40, Phi = 1.
    return (np.maximum(z, -_Z_MAX) * cdf).astype(z.dtype, copy=False)


def gelu_grad(z):
    """Derivative of the exact GELU: gelu'(z) = Phi(z) + z phi(z), phi = exp(-z^2/2) / sqrt(2 pi).

    z: array_like, any shape -> array of the same shape, values in [-0.13, 1.13].
    Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    return _gelu_slope(*_gelu_parts(z)).astype(z.dtype, copy=False)


def silu(z):
    """Sigmoid linear unit (Swish with beta = 1): silu(z) = z sigma(z).

    z: array_like, any shape -> array of the same shape, values in [-0.28, inf).
    Elfwing, Uchibe & Doya (2018); Ramachandran, Zoph & Le (2017) as Swish.
    Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    # sigma(z) = 0 left of -746, so the output is -0.0 there (also for z = -inf).
    return np.maximum(z, -800) * sigmoid(z)


def _silu_slope(z, s):
    # silu'(z) = sigma(z) (1 + z (1 - sigma(z))), from z and s = sigma(z). Where sigma ~ 1,
    # 1 - s has lost its relative precision, but then z (1 - s) is tiny next to 1.
    return s * (1 + z * (1 - s))


def silu_grad(z):
    """Derivative of SiLU: silu'(z) = sigma(z) (1 + z (1 - sigma(z))).

    z: array_like, any shape -> array of the same shape, values in [-0.10, 1.10].
    Introduced in chapter 7 (Activations).
    """
    z = float_array(z)
    clipped = np.clip(z, -800, 800)  # sigma is exactly 0 or 1 there; keeps inf * 0 out
    return _silu_slope(clipped, sigmoid(clipped))


# --- modules --------------------------------------------------------------------------
# Each keeps only what its backward pass needs: the output for sigmoid, tanh and ELU (their
# derivatives are functions of the output), the sign mask for ReLU and Leaky ReLU, the
# input for GELU and SiLU.


class Activation(Module):
    """Base class of the elementwise activation modules; each subclass carries its facts.

    Class attributes (the one home of every per-activation table in the library):
      name            registry key, as in ACTIVATIONS and make_mlp(activation=...)
      label           for figures and menus ("ReLU", "Leaky ReLU", ...)
      output_range    (inf, sup) of h(z) over all real z (-inf / inf where unbounded)
      plot_range      (low, high): the fixed histogram range of the outputs h(z) in the
                      explorers; with unit-variance z it holds the bulk of the outputs
      bounded         True when plot_range is the function's true range (sigmoid, tanh);
                      stats.network_stats then uses it, otherwise a range from the data
      ticks           tick positions within plot_range for an axis of outputs
      inactive(a)     bool mask of the outputs a where the unit is saturated (flat) or off
      inactive_word   what `inactive` means for it: "saturated" or "off"
      inactive_short  the same in at most 3 letters, for narrow table headers
      moment_factor   E[h(z)^2] / Var(z) for zero-mean Gaussian z where it is a constant
                      (it does not depend on Var(z)), else None
      gain            torch.nn.init.calculate_gain's recommended gain, None where PyTorch
                      has none
    Subclasses implement forward and backward. Chapter 7 (Activations).
    """

    name = None
    label = None
    output_range = (-math.inf, math.inf)
    plot_range = None
    ticks = ()
    inactive_word = "saturated"
    inactive_short = "sat"
    bounded = False
    moment_factor = None
    gain = None

    @staticmethod
    def inactive(a):
        """Bool mask of the outputs a (any shape) that count as saturated or off."""
        return np.zeros(np.shape(a), dtype=bool)

    def _check_input(self, x):
        if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
            raise bad_input_error(self, x, None)

    def _saved(self, saved, dout):
        """What forward saved for backward, once forward has run and dout has its shape."""
        if saved is None:
            raise self._no_forward_error()
        self._check_dout(dout, saved.shape)
        return saved


class _SavesOutput(Activation):
    """An activation whose derivative is a function of its output (sigmoid, tanh, ELU):
    forward keeps out = function(x), and each subclass's backward needs only that."""

    function = None  # the elementwise function, a staticmethod of each subclass

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        self._check_input(x)
        self.out = self.function(x)
        return self.out


class Sigmoid(_SavesOutput):
    """Sigmoid module: out = sigma(x); backward dx = dout * out * (1 - out).

    x: (N, D) -> out: (N, D). Saturated where out < 0.03 or out > 0.97: the derivative
    out (1 - out) is below 0.03 there. Introduced in chapter 1 (Logistic regression).
    """

    name, label = "sigmoid", "sigmoid"
    output_range = plot_range = (0.0, 1.0)
    bounded = True
    ticks = (0.0, 0.5, 1.0)
    gain = 1.0

    @staticmethod
    def inactive(a):
        a = np.asarray(a)
        return (a < 0.03) | (a > 0.97)

    function = staticmethod(sigmoid)

    def backward(self, dout):
        out = self._saved(self.out, dout)  # forward's output; dout must have its shape
        return dout * out * (1 - out)


class Tanh(_SavesOutput):
    """Tanh module: out = tanh(x); backward dx = dout * (1 - out^2).

    x: (N, D) -> out: (N, D). Saturated where |out| > 0.97: the derivative 1 - out^2 is
    below 0.06 there. Introduced in chapter 7 (Activations).
    """

    name, label = "tanh", "tanh"
    output_range = plot_range = (-1.0, 1.0)
    bounded = True
    ticks = (-1.0, 0.0, 1.0)
    gain = 5 / 3

    @staticmethod
    def inactive(a):
        return np.abs(a) > 0.97

    function = staticmethod(np.tanh)

    def backward(self, dout):
        out = self._saved(self.out, dout)  # forward's output; dout must have its shape
        return dout * (1 - out * out)


class _OffBelowZero(Activation):
    """The ReLU family (ReLU, Leaky ReLU, GELU, SiLU): off where out <= 0, i.e. x <= 0.

    They share one output axis, -0.5 to 3.5 (3.5 standard deviations of a unit-variance z on
    the positive side; GELU's and SiLU's dips fit), so their histograms compare bin by bin.
    """

    plot_range = (-0.5, 3.5)
    ticks = (0.0, 1.0, 2.0, 3.0)
    inactive_word, inactive_short = "off", "off"

    @staticmethod
    def inactive(a):
        return np.asarray(a) <= 0


class ReLU(_OffBelowZero):
    """ReLU module: out = max(x, 0); backward dx = dout where x > 0, else 0.

    x: (N, D) -> out: (N, D). Off (not saturated: its slope is 1 however large x is) where
    out <= 0, i.e. x <= 0. E[relu(z)^2] = Var(z) / 2. Introduced in chapter 7 (Activations).
    """

    name, label = "relu", "ReLU"
    output_range = (0.0, math.inf)
    moment_factor = 0.5
    gain = math.sqrt(2.0)

    def __init__(self):
        super().__init__()
        self.mask = None

    def forward(self, x):
        self._check_input(x)
        self.mask = x > 0
        return relu(x)

    def backward(self, dout):
        mask = self._saved(self.mask, dout)  # where forward's input was > 0
        return dout * mask


class LeakyReLU(_OffBelowZero):
    """Leaky ReLU module: out = x where x > 0, else alpha * x; dx = dout * (1 or alpha).

    x: (N, D) -> out: (N, D); 0 <= alpha < 1. Off where out <= 0 (the side with slope
    alpha), as ReLU. moment_factor (1 + alpha^2) / 2 and gain sqrt(2 / (1 + alpha^2))
    depend on alpha: the class attributes hold them for the default alpha = 0.01, an
    instance for its own alpha. Introduced in chapter 7 (Activations).
    """

    name, label = "leaky_relu", "Leaky ReLU"
    alpha = 0.01
    moment_factor = (1 + alpha**2) / 2
    gain = math.sqrt(2 / (1 + alpha**2))

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = _check_alpha(alpha, "LeakyReLU")
        self.moment_factor = (1 + self.alpha**2) / 2
        self.gain = math.sqrt(2 / (1 + self.alpha**2))
        self.mask = None

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"

    def forward(self, x):
        self._check_input(x)
        self.mask = x > 0
        return np.where(self.mask, x, self.alpha * x)

    def backward(self, dout):
        mask = self._saved(self.mask, dout)  # where forward's input was > 0
        return np.where(mask, dout, self.alpha * dout)


class Identity(Activation):
    """Identity module ("linear" activation): out = x, dx = dout (the same arrays, no copy).

    x: (N, D) -> out: (N, D). Never inactive: its slope is 1 everywhere, so the share of
    saturated outputs is 0 by definition. Introduced in chapter 2 (Composing linear models).
    """

    name, label = "linear", "linear"
    # The outputs are z itself: +-3.5, ReLU's upper edge mirrored (3.5 standard deviations
    # of a unit-variance z; the rest lands in the edge bins).
    plot_range = (-3.5, 3.5)
    ticks = (-3.0, 0.0, 3.0)
    moment_factor = 1.0
    gain = 1.0

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


class ELU(_SavesOutput):
    """ELU module (alpha = 1): out = x where x > 0, else exp(x) - 1; dx = dout * (1 or out + 1).

    x: (N, D) -> out: (N, D). For x <= 0 the derivative exp(x) is out + 1, so backward needs
    only the output (as PyTorch's ELU). Saturated where out < -0.97: it flattens towards -1
    on the negative side, and there its slope out + 1 is below 0.03 (the sigmoid's
    criterion). Clevert et al. (2016). Introduced in chapter 7 (Activations).
    """

    name, label = "elu", "ELU"
    output_range = (-1.0, math.inf)
    # Down to the infimum -1, up to ReLU's upper edge.
    plot_range = (-1.0, 3.5)
    ticks = (-1.0, 0.0, 1.0, 2.0, 3.0)

    @staticmethod
    def inactive(a):
        return np.asarray(a) < -0.97

    function = staticmethod(elu)

    def backward(self, dout):
        out = self._saved(self.out, dout)  # forward's output; dout must have its shape
        return dout * np.where(out > 0, 1, out + 1)


class GELU(_OffBelowZero):
    """GELU module, exact form: out = x Phi(x); backward dx = dout * (Phi(x) + x phi(x)).

    x: (N, D) -> out: (N, D); keeps x (clipped to +-40) and Phi(x), so that backward adds
    only x phi(x) instead of computing Phi again. Off where out <= 0, i.e. x <= 0, as ReLU:
    there the output is at most 0.17 below 0 and the slope below 1/2 in size, falling to 0
    for very negative x (where the output cannot tell the two sides of the dip apart, but
    its sign tells the side of 0). Hendrycks & Gimpel (2016). Chapter 7 (Activations).
    """

    name, label = "gelu", "GELU"
    output_range = (-0.16997120747990366, math.inf)  # the minimum, at x = -0.7518 (tested)

    def __init__(self):
        super().__init__()
        self.clipped = self.cdf = None

    def forward(self, x):
        self._check_input(x)
        self.clipped, self.cdf = _gelu_parts(x)
        return (np.maximum(x, -_Z_MAX) * self.cdf).astype(x.dtype, copy=False)

    def backward(self, dout):
        return dout * _gelu_slope(self.clipped, self._saved(self.cdf, dout))


class SiLU(_OffBelowZero):
    """SiLU (Swish) module: out = x sigma(x); backward dx = dout * sigma(x) (1 + x sigma(-x)).

    x: (N, D) -> out: (N, D); keeps x (clipped to +-800) and sigma(x), so that backward needs
    no exp. Off where out <= 0, i.e. x <= 0, as ReLU and GELU: the output is at most 0.28
    below 0 there. Elfwing et al. (2018), Ramachandran
    et al. (2017). Introduced in chapter 7 (Activations).
    """

    name, label = "silu", "SiLU"
    output_range = (-0.2784645427610738, math.inf)  # the minimum, at x = -1.2785 (tested)

    def __init__(self):
        super().__init__()
        self.clipped = self.s = None

    def forward(self, x):
        self._check_input(x)
        self.clipped = np.clip(x, -800, 800)
        self.s = sigmoid(self.clipped)
        return np.maximum(x, -800) * self.s  # as silu(x)

    def backward(self, dout):
        return dout * _silu_slope(self.clipped, self._saved(self.s, dout))


# --- the registry -----------------------------------------------------------------------

# In the order of the menus: the lecture's five, then the modern three.
ACTIVATION_CLASSES = (Sigmoid, Tanh, ReLU, LeakyReLU, Identity, ELU, GELU, SiLU)
ACTIVATIONS = tuple(cls.name for cls in ACTIVATION_CLASSES)
_BY_NAME = {cls.name: cls for cls in ACTIVATION_CLASSES}


def activation_class(name):
    """The activation module class registered under `name` (one of ACTIVATIONS).

    Its class attributes are the activation's facts: activation_class("relu").plot_range.
    Introduced in chapter 7 (Activations).
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str, got {type(name).__name__}")
    if name not in _BY_NAME:
        raise ValueError(
            f"unknown activation {name!r}; valid names are {', '.join(ACTIVATIONS)}"
        )
    return _BY_NAME[name]


def get_activation(name, **params):
    """Return a new activation module for `name`, one of ACTIVATIONS.

    name: "sigmoid", "tanh", "relu", "leaky_relu" (alpha = 0.01 unless given in params),
    "linear" (identity), "elu" (alpha = 1), "gelu" or "silu"; params: keyword arguments of
    the class (only LeakyReLU takes one, alpha). Introduced in chapter 6 (The network
    playground).
    """
    if not isinstance(name, str):
        raise TypeError(f"get_activation: name must be a str, got {type(name).__name__}")
    if name not in _BY_NAME:
        raise ValueError(
            f"get_activation: unknown activation {name!r}; valid names are {', '.join(ACTIVATIONS)}"
        )
    cls = _BY_NAME[name]
    unknown = sorted(set(params) - ({"alpha"} if cls is LeakyReLU else set()))
    if unknown:
        takes = "only alpha" if cls is LeakyReLU else "no parameters"
        raise TypeError(f"get_activation: {name!r} takes {takes}, got {unknown}")
    return cls(**params)
