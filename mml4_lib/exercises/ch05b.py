"""Checkers for chapter 5b (Write your own engine).

The learner writes a scalar ``Value`` class in the style of micrograd: each operation returns a
node ``Value(data, inputs)`` and sets ``out._backward`` to a function that adds the node's terms
``out.grad * d(out)/d(input)`` to its inputs' ``grad``; ``backward()`` calls them in reverse
topological order. A checker takes the learner's *class*, builds test expressions with it and
compares every value and gradient with the course library's :class:`mml4_lib.graph.Value` on the
same expression. It recognises the classic slips: a gradient assigned with ``=`` instead of
accumulated with ``+=``, the upstream ``out.grad`` left out, the two inputs of a product swapped,
tanh's derivative written ``1 - x**2`` of the input instead of ``1 - out**2`` of the output, a
node visited twice, the topological order not reversed, the seed ``grad = 1`` forgotten.
No learner code makes a checker raise.
"""

from __future__ import annotations

import math

import numpy as np

from mml4_lib.exercises import NOT_ATTEMPTED, Feedback, as_array, diagnose, hint, passed
from mml4_lib.graph import Value as LibraryValue
from mml4_lib.graph import topological_order

__all__ = [
    "check_add_mul",
    "check_unary",
    "check_backward",
    "usable_engine",
    "Value_reference",
]


# ----------------------------------------------------------------------------- reference
class Value_reference:  # public reference solutions end in _reference
    """A minimal scalar autograd node: ``data``, ``grad``, ``inputs`` and ``_backward``.

    The solution of chapter 5b's exercises. ``+``, ``*`` (with plain numbers on either side),
    ``-``, ``exp()``, ``relu()``, ``tanh()``; ``backward()`` sets ``grad`` of every node the
    output depends on to d(output)/d(node). Introduced in chapter 5b.
    """

    def __init__(self, data, inputs=()):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value_reference) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad          # d(a + b)/da = 1
            other.grad += out.grad         # d(a + b)/db = 1
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value_reference) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += out.grad * other.data   # d(a b)/da = b
            other.grad += out.grad * self.data   # d(a b)/db = a
        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def exp(self):
        out = type(self)(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.grad * out.data     # d e^x/dx = e^x
        out._backward = _backward
        return out

    def relu(self):
        out = type(self)(max(0.0, self.data), (self,))

        def _backward():
            self.grad += out.grad * (self.data > 0)   # 1 for x > 0, else 0
        out._backward = _backward
        return out

    def tanh(self):
        out = type(self)(math.tanh(self.data), (self,))

        def _backward():
            self.grad += out.grad * (1.0 - out.data**2)   # of the output, not the input
        out._backward = _backward
        return out

    def backward(self):
        order, visited = [], set()

        def build(node):
            if node not in visited:
                visited.add(node)
                for inp in node.inputs:
                    build(inp)
                order.append(node)       # after all of its inputs
        build(self)
        self.grad = 1.0
        for node in reversed(order):     # outputs first
            node._backward()


# ----------------------------------------------------------------------------- guards
class _Stop(Exception):
    """Carries the feedback out of a check as soon as one step fails."""

    def __init__(self, feedback):
        super().__init__(feedback.message)
        self.feedback = feedback


def _call(what, fn, *args):
    """Run a piece of the learner's code; a stub or a crash stops the check with feedback."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise _Stop(Feedback("not attempted", NOT_ATTEMPTED)) from None
    except _Stop:
        raise
    except Exception as exc:  # the learner's code may fail in any way
        raise _Stop(hint(f"{what} raised {type(exc).__name__}: {exc}")) from None


def _number(value, name):
    array, fb = as_array(value, name, shape=())
    if fb is not None:
        raise _Stop(fb)
    if array.shape != ():
        raise _Stop(hint(f"{name} has shape {array.shape}; expected one number"))
    if not np.isfinite(array):
        raise _Stop(hint(f"{name} is NaN or inf; expected a finite number"))
    return float(array)


def _node(obj, name):
    """The learner's node, or a stop naming what came instead of a Value."""
    try:
        ok = hasattr(obj, "data") and hasattr(obj, "grad")
    except Exception:  # an attribute lookup that fails in the learner's code
        ok = False
    if ok:
        return obj
    if obj is None:
        raise _Stop(hint(f"{name} is None; expected a Value (did you forget `return`?)"))
    array, fb = as_array(obj, name, shape=())
    if fb is not None:
        raise _Stop(fb)
    raise _Stop(hint(f"{name} is a {type(obj).__name__} of shape {array.shape}, not a node; "
                     f"expected a Value with .data and .grad"))


def _read(obj, attr, name):
    return _number(_call(f"reading {name}", getattr, obj, attr), name)


def _set_grad(node, value, name):
    _call(f"setting {name}.grad", setattr, node, "grad", value)


def _run_backward_of(node, name):
    fn = _call(f"reading {name}._backward", getattr, node, "_backward")
    if not callable(fn):
        raise _Stop(hint(f"{name}._backward is a {type(fn).__name__}; expected a function that "
                         f"adds {name}'s terms to its inputs' grad"))
    _call(f"{name}._backward()", fn)


def _leaf(Value, x, name):
    return _node(_call(f"Value({x:g})", Value, x), name)


def _guarded(check):
    """Turn a _Stop raised anywhere inside ``check`` into its feedback."""
    def wrapper(Value):
        if Value is None:
            return Feedback("not attempted", NOT_ATTEMPTED)
        if not callable(Value):
            return hint(f"expected your class Value, got a {type(Value).__name__}")
        try:
            return check(Value)
        except _Stop as stop:
            return stop.feedback
    wrapper.__name__, wrapper.__doc__ = check.__name__, check.__doc__
    return wrapper


def _expect(got, expected, name, candidates):
    bad = diagnose(got, expected, name, candidates, rtol=1e-9, atol=1e-12)
    if bad is not None:
        raise _Stop(bad)


# ----------------------------------------------------------------------------- add and mul
_A, _B, _UP = 2.0, -3.0, 1.5   # the inputs and the upstream gradient out.grad


def _binary(Value, op):
    a, b = _leaf(Value, _A, "Value(2.0)"), _leaf(Value, _B, "Value(-3.0)")
    symbol = "+" if op == "add" else "*"
    name = f"Value(2.0) {symbol} Value(-3.0)"
    out = _node(_call(name, (lambda: a + b) if op == "add" else (lambda: a * b)), name)
    return a, b, out, name


def _check_binary(Value, op):
    a, b, out, name = _binary(Value, op)
    expected_data = _A + _B if op == "add" else _A * _B
    _expect(_read(out, "data", f"({name}).data"), expected_data, f"({name}).data", [])
    _set_grad(out, _UP, "out")
    _run_backward_of(out, "out")
    got = [_read(a, "grad", "a.grad"), _read(b, "grad", "b.grad")]
    if op == "add":
        expected = [_UP, _UP]
        candidates = [
            ([1.0, 1.0], "out = a + b: you gave each input its local derivative 1 only; the "
                         "chain rule multiplies it by the upstream gradient: a.grad += out.grad"),
            ([_UP * _B, _UP * _A], "that is the rule of a product; for out = a + b both local "
                                   "derivatives are 1: a.grad += out.grad, b.grad += out.grad"),
        ]
    else:
        expected = [_UP * _B, _UP * _A]
        candidates = [
            ([_B, _A], "out = a * b: the upstream gradient is missing; the chain rule gives "
                       "a.grad += out.grad * b.data"),
            ([_UP * _A, _UP * _B], "the inputs are swapped: d(a b)/da = b, so a gets the "
                                   "*other* input: a.grad += out.grad * other.data"),
            ([_UP, _UP], "that is the rule of a sum; for out = a * b, a.grad += out.grad * "
                         "b.data and b.grad += out.grad * a.data"),
        ]
    _expect(got, expected, f"[a.grad, b.grad] after ({name})._backward() with out.grad = "
                           f"{_UP:g}", candidates)


def _check_accumulates(Value, op):
    """x + x and x * x: the two terms of one node must both arrive."""
    x = _leaf(Value, 3.0, "Value(3.0)")
    name = "x + x" if op == "add" else "x * x"
    out = _node(_call(name, (lambda: x + x) if op == "add" else (lambda: x * x)), name)
    _set_grad(out, 1.0, "out")
    _run_backward_of(out, "out")
    expected = 2.0 if op == "add" else 6.0
    assigned = 1.0 if op == "add" else 3.0
    _expect(_read(x, "grad", "x.grad"), expected, f"x.grad after ({name})._backward()", [
        (assigned, f"x.grad = {assigned:g} instead of {expected:g}: in {name} the node x is both "
                   f"inputs, and its second term overwrote the first. Accumulate with "
                   f"`self.grad += ...`, never assign with `=`"),
    ])


@_guarded
def check_add_mul(Value) -> Feedback:
    """Check ``__add__`` and ``__mul__`` of the learner's class: values and ``_backward``.

    Value: the learner's class, ``Value(data, inputs=())``. Introduced in chapter 5b.
    """
    for op in ("add", "mul"):
        _check_binary(Value, op)
    for op in ("add", "mul"):
        _check_accumulates(Value, op)
    return passed("correct: + and * compute their values and add out.grad times their local "
                  "derivatives (1 and 1, b and a) to their inputs' grad")


# ----------------------------------------------------------------------------- exp, relu, tanh
_XS = (-1.3, 0.4, 2.0)   # no x = 0: the kink of relu
_UNARY_UP = 0.7


def _unary_candidates(op, xs, out, up):
    xs, out = np.asarray(xs), np.asarray(out)
    local = {"exp": out, "relu": (xs > 0).astype(float), "tanh": 1 - out**2}[op]
    common = [(local, f"x.{op}(): the upstream gradient is missing; multiply the local "
                      f"derivative by out.grad")]
    if op == "tanh":
        return common + [
            (up * (1 - xs**2), "tanh's local derivative is 1 - tanh(x)**2, of the output "
                               "out.data, not 1 - x**2 of the input: "
                               "self.grad += out.grad * (1 - out.data**2)"),
            (up * (1 - out), "tanh's local derivative is 1 - out.data**2 (squared)"),
            (-up * (1 - out**2), "wrong sign: tanh is increasing"),
        ]
    if op == "exp":
        return common + [
            (up * xs, "the derivative of e^x is e^x itself (out.data), not x"),
            (up * np.ones_like(xs), "the derivative of e^x is e^x (out.data), not 1"),
        ]
    return common + [
        (up * out, "relu's local derivative is 1 for x > 0 and 0 otherwise, not the output "
                   "max(0, x): self.grad += out.grad * (self.data > 0)"),
        (up * np.ones_like(xs), "relu passes no gradient where x < 0: its local derivative "
                                "there is 0"),
    ]


@_guarded
def check_unary(Value) -> Feedback:
    """Check ``exp()``, ``relu()`` and ``tanh()`` of the learner's class against the library.

    Each at x = -1.3, 0.4 and 2.0 with out.grad = 0.7. Introduced in chapter 5b.
    """
    for op in ("exp", "relu", "tanh"):
        datas, grads, expected_data, expected_grad = [], [], [], []
        for x in _XS:
            ref = getattr(LibraryValue(x), op)()
            a = _leaf(Value, x, f"Value({x:g})")
            method = _call(f"Value({x:g}).{op}", getattr, a, op)
            out = _node(_call(f"Value({x:g}).{op}()", method), f"Value({x:g}).{op}()")
            datas.append(_read(out, "data", f"Value({x:g}).{op}().data"))
            _set_grad(out, _UNARY_UP, "out")
            _run_backward_of(out, "out")
            grads.append(_read(a, "grad", "x.grad"))
            expected_data.append(ref.data)
            expected_grad.append(_UNARY_UP * ref.local_grads[0])
        _expect(datas, expected_data, f"x.{op}().data at x = {list(_XS)}", [])
        _expect(grads, expected_grad,
                f"x.grad after x.{op}()._backward() with out.grad = {_UNARY_UP:g}, at x = "
                f"{list(_XS)}", _unary_candidates(op, _XS, expected_data, _UNARY_UP))
        # a gradient already there (from another use of x) must stay
        x = _leaf(Value, 0.4, "Value(0.4)")
        _set_grad(x, 0.25, "x")
        method = _call(f"Value(0.4).{op}", getattr, x, op)
        out = _node(_call(f"x.{op}()", method), f"x.{op}()")
        _set_grad(out, 1.0, "out")
        _run_backward_of(out, "out")
        local = getattr(LibraryValue(0.4), op)().local_grads[0]
        _expect(_read(x, "grad", "x.grad"), 0.25 + local,
                f"x.grad after x.{op}()._backward() when x.grad was already 0.25", [
                    (local, f"x.{op}() overwrote the 0.25 that x.grad already held (from "
                            f"another use of x): accumulate with `self.grad += ...`"),
                ])
    return passed("correct: exp, relu and tanh compute their values and add out.grad times "
                  "their local derivatives (e^x, [x > 0], 1 - tanh(x)^2) to x.grad")


# ----------------------------------------------------------------------------- backward
def _shared(V):
    """u is used three times and x twice, so order and sharing both matter."""
    x, w, b = V(0.5), V(-1.2), V(0.3)
    u = x * w + b
    out = u.tanh() * u + u.exp() + (u * w).relu() * x
    return out, (x, w, b)


def _chain(V):
    """A longer graph with a node squared (t * t) and a shared leaf."""
    a, c = V(0.8), V(-0.6)
    t = (a * c).tanh() + a
    out = (t * t + c).exp() * a + (t * c).relu()
    return out, (a, c)


_EXPRESSIONS = {
    "x, w, b = Value(0.5), Value(-1.2), Value(0.3); u = x * w + b; "
    "out = u.tanh() * u + u.exp() + (u * w).relu() * x": _shared,
    "a, c = Value(0.8), Value(-0.6); t = (a * c).tanh() + a; "
    "out = (t * t + c).exp() * a + (t * c).relu()": _chain,
}


def _push(node):
    for inp, local in zip(node.inputs, node.local_grads, strict=True):
        inp.grad += node.grad * local


def _slipped_backward(build, slip):
    """Leaf gradients of the library graph after a backward pass with one classic slip."""
    out, leaves = build(LibraryValue)
    order = topological_order(out)
    if slip == "twice":  # depth-first search without a visited set
        order = []

        def visit(node):
            for inp in node.inputs:
                visit(inp)
            order.append(node)
        visit(out)
    out.grad = 0.0 if slip == "no seed" else 1.0
    if slip == "forward order":
        visits = order
    elif slip == "output only":
        visits = [out]
    else:
        visits = list(reversed(order))
    for node in visits:
        _push(node)
    return [leaf.grad for leaf in leaves] + [out.grad]


_SLIPS = {
    "twice": "a node was visited more than once, so its terms reached its inputs several "
             "times: while building the topological order, skip a node already visited "
             "(keep a set of visited nodes)",
    "forward order": "the nodes were visited in topological order, inputs first; the backward "
                     "pass needs the reverse (outputs first): `for node in reversed(order)`, so "
                     "that each node's grad is complete before it is passed on",
    "no seed": "every gradient is 0: set self.grad = 1.0 (d out/d out) before calling the "
               "nodes' _backward",
    "output only": "only the output's own _backward ran; call _backward of every node, in "
                   "reverse topological order",
}


@_guarded
def check_backward(Value) -> Feedback:
    """Check ``backward()`` of the learner's class on two expressions against the library.

    Both expressions use +, *, exp, relu and tanh and reuse nodes, so a node visited twice or
    an order that is not reversed gives wrong leaf gradients. Introduced in chapter 5b.
    """
    for op_check in (check_add_mul, check_unary):
        fb = op_check(Value)
        if not fb.passed:
            if fb.status == "not attempted":
                return fb
            return hint(f"first make {op_check.__name__} pass: {fb.message}")
    for text, build in _EXPRESSIONS.items():
        out, leaves = _call(text, build, Value)
        out = _node(out, "out")
        _call("out.backward()", _call("reading out.backward", getattr, out, "backward"))
        got = [_read(leaf, "grad", "a leaf's grad") for leaf in leaves]
        got.append(_read(out, "grad", "out.grad"))
        ref_out, ref_leaves = build(LibraryValue)
        ref_out.backward()
        expected = [leaf.grad for leaf in ref_leaves] + [ref_out.grad]
        candidates = [(_slipped_backward(build, slip), message)
                      for slip, message in _SLIPS.items()]
        _expect(got, expected,
                f"the leaves' gradients and out.grad after out.backward(), for {text}", candidates)
    return passed("correct: backward() seeds grad = 1 and calls every node's _backward once, "
                  "outputs first; the gradients equal mml4_lib.graph.Value's")


# ----------------------------------------------------------------------------- the engine
def usable_engine(Value):
    """The learner's class if all three checks pass, else :class:`Value_reference`.

    Returns ``(engine_class, message)``, so that a notebook runs top to bottom while the
    exercises are still stubs. Never raises. Introduced in chapter 5b.
    """
    fb = check_backward(Value)
    if fb.passed:
        return Value, "training with your Value class (all three checks pass)"
    return Value_reference, (f"training with the reference engine, since your Value class is "
                             f"not finished ({fb.message})")
