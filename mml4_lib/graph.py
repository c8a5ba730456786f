"""A tiny scalar autograd, in the spirit of micrograd, that exists to *draw* backpropagation.

Every :class:`Value` is a node of a computational graph. It remembers the nodes it was computed
from (``inputs``) and, computed during the forward pass, the local derivative of its own value
with respect to each of them (``local_grads``). ``backward()`` then applies the lecture's
recursion to every node, outputs first:

    E_alpha = dQ/d(alpha) = sum over the children c of alpha of  E_c * dc/d(alpha),

where the children of alpha are the nodes computed directly from alpha. The layers in
``mml4_lib.layers`` do not use this module: their hand-written backward passes are the
vectorized version of the same rule.

Drawing lives on the figures side: ``mml4_lib.plotting.value_graph``. Introduced in chapter 5.
"""

from __future__ import annotations

import math
import numbers
import sys

from mml4_lib.base import check_real

__all__ = [
    "Value",
    "neuron",
    "squared_error",
    "topological_order",
    "children_of",
]


def _as_value(x, name):
    """Wrap a plain number as a constant leaf, so that ``w * 2`` and ``2 * w`` both work."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a Value or a real number, got {type(x).__name__}")
    return Value(x, label=f"{float(x):g}")


_LOG_MAX_FLOAT = math.log(sys.float_info.max)  # 709.78: e^x overflows beyond


def _sigmoid(x):
    # two branches so that exp never overflows: exp(-|x|) <= 1
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Value:
    """A scalar node of a computational graph: its value, its gradient and where it came from.

    Attributes:
        data: the value computed in the forward pass (float).
        grad: dQ/d(data) for the node Q on which ``backward()`` was last called (float).
        label: a name to draw (str, may be empty).
        op: the operation that produced this node ("" for a leaf).
        inputs: the nodes this one was computed from (tuple of Value).
        local_grads: d(this)/d(input) for each input, computed in the forward pass.
        grad_value: after ``backward(create_graph=True)``, the gradient as a ``Value`` (a node
            of the recorded backward graph, which can be differentiated again); else None.

    Build leaves with ``Value(0.5, "x")``; everything else comes from operations on values:
    ``+ - * /``, ``** c`` for a constant c, ``exp()``, ``tanh()``, ``relu()``, ``sigmoid()``
    (whose ``op`` is the Greek sigma). Introduced in chapter 5.
    """

    def __init__(self, data, label=""):
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self.data = check_real(data, "data", "Value", finite=True)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.inputs = ()
        self.local_grads = ()
        self.grad_value = None
        self._local_graph = None

    @classmethod
    def _from_op(cls, data, inputs, local_grads, op, label="", local_graph=None):
        """A node computed from ``inputs``; ``local_grads[k]`` is d(data)/d(inputs[k].data).

        ``local_graph(out)``, if given, returns the same local derivatives as Values (or plain
        numbers for constants) built from the inputs and ``out``, for ``create_graph=True``.
        """
        out = cls.__new__(cls)
        # No finiteness check: an overflow inside a graph is a result to show, not bad input.
        out.data, out.grad, out.label, out.op = float(data), 0.0, label, op
        out.inputs = tuple(inputs)
        out.local_grads = tuple(float(g) for g in local_grads)
        out.grad_value = None
        out._local_graph = local_graph
        return out

    def __repr__(self):
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"

    # ---------------------------------------------------------------- operations
    # Each one computes its value and the local derivatives d(out)/d(input).
    def __add__(self, other):
        other = _as_value(other, "other")
        out = self.data + other.data
        return Value._from_op(out, (self, other), (1.0, 1.0), "+",
                              local_graph=lambda _: (1.0, 1.0))

    def __mul__(self, other):
        other = _as_value(other, "other")
        out = self.data * other.data
        # d(a b)/da = b and d(a b)/db = a
        return Value._from_op(out, (self, other), (other.data, self.data), "*",
                              local_graph=lambda _: (other, self))

    def __sub__(self, other):
        other = _as_value(other, "other")
        out = self.data - other.data
        return Value._from_op(out, (self, other), (1.0, -1.0), "-",
                              local_graph=lambda _: (1.0, -1.0))

    def __truediv__(self, other):
        other = _as_value(other, "other")
        a, b = self.data, other.data
        if b == 0:
            raise ZeroDivisionError(f"division by a Value equal to 0 ({other!r})")
        return Value._from_op(a / b, (self, other), (1.0 / b, -a / (b * b)), "/",
                              local_graph=lambda _: (1.0 / other, -self / (other * other)))

    def __neg__(self):
        return Value._from_op(-self.data, (self,), (-1.0,), "neg", local_graph=lambda _: (-1.0,))

    def __pow__(self, k):
        # Only a constant exponent: x ** y with y a Value would need log(x), left out on purpose.
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"exponent must be a real number (a constant), got {type(k).__name__}")
        k = float(k)
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"exponent {k:g} needs a non-negative base, got {self.data:g}")
        if self.data == 0 and k < 1:
            raise ValueError(f"exponent {k:g} has no finite derivative at base 0")
        return Value._from_op(self.data**k, (self,), (k * self.data ** (k - 1),), f"**{k:g}",
                              local_graph=lambda _: (k * self ** (k - 1) if k != 1 else 1.0,))

    def __radd__(self, other):  # 2 + x
        return _as_value(other, "other") + self

    def __rmul__(self, other):  # 2 * x
        return _as_value(other, "other") * self

    def __rsub__(self, other):  # 2 - x
        return _as_value(other, "other") - self

    def __rtruediv__(self, other):  # 2 / x
        return _as_value(other, "other") / self

    def exp(self):
        """e^x; d/dx = e^x."""
        if self.data > _LOG_MAX_FLOAT:  # math.exp would only say "math range error"
            raise OverflowError(
                f"Value.exp: e^x is too large for a float for x = {self.data:g}; "
                f"expected x <= {_LOG_MAX_FLOAT:.2f} (the largest float is about e^709.78)"
            )
        out = math.exp(self.data)
        return Value._from_op(out, (self,), (out,), "exp", local_graph=lambda node: (node,))

    def tanh(self):
        """tanh x; d/dx = 1 - tanh(x)^2."""
        out = math.tanh(self.data)
        return Value._from_op(out, (self,), (1.0 - out * out,), "tanh",
                              local_graph=lambda node: (1.0 - node * node,))

    def relu(self):
        """max(0, x); d/dx = 1 for x > 0 and 0 otherwise (0 at the kink x = 0, as in PyTorch)."""
        local = float(self.data > 0)
        return Value._from_op(max(0.0, self.data), (self,), (local,), "ReLU",
                              local_graph=lambda _: (local,))

    def sigmoid(self):
        """sigma(x) = 1 / (1 + e^-x); d/dx = sigma(x) (1 - sigma(x))."""
        out = _sigmoid(self.data)
        # op is the Greek letter sigma, for the drawings
        return Value._from_op(out, (self,), (out * (1.0 - out),), "\u03c3",
                              local_graph=lambda node: (node * (1.0 - node),))

    # ---------------------------------------------------------------- backward pass
    def backward(self, *, create_graph=False):
        """Set ``grad`` of every node this one depends on to d(self)/d(node).

        Visits the nodes in reverse topological order, so a node is reached
        only after all of its children have added their terms:
        E_input += E_node * d(node)/d(input). Gradients are reset first, so
        calling ``backward()`` twice gives the same numbers.

        ``create_graph=True`` (as in PyTorch) also records the backward pass itself as Value
        nodes: every node's ``grad_value`` is then a Value equal to its ``grad``, built from
        the forward nodes by + and *, so ``w.grad_value.backward()`` gives second
        derivatives. It needs the elementary operations (not ``neuron`` or
        ``squared_error``, which keep their local derivatives only as numbers).
        """
        if not isinstance(create_graph, bool):
            raise TypeError(f"create_graph must be True or False, got {create_graph!r}")
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
            node.grad_value = None
        if create_graph:
            _record_backward(self, order)
            return
        self.grad = 1.0  # dQ/dQ
        for node in reversed(order):  # outputs first
            pairs = zip(node.inputs, node.local_grads, strict=True)
            for inp, local in pairs:
                # one term of the sum over the children of inp
                inp.grad += node.grad * local


def _record_backward(root, order):
    """The backward pass with every gradient a Value: E_input += E_node * local, as nodes."""
    for node in order:
        if node.inputs and node._local_graph is None:
            raise ValueError(
                f"backward(create_graph=True) needs local derivatives as Values, but the node "
                f"{node.label or node.op!r} (op {node.op!r}, from neuron() or squared_error()) "
                f"keeps them only as numbers; build the graph from + - * / ** exp tanh relu "
                f"sigmoid instead")
    root.grad_value = Value(1.0, "1")  # dQ/dQ, a constant leaf
    for node in reversed(order):  # outputs first
        E = node.grad_value
        node.grad = E.data
        if not node.inputs:  # a leaf: nothing to pass on
            continue
        for inp, local in zip(node.inputs, node._local_graph(node), strict=True):
            term = E * local  # a node of the backward graph
            inp.grad_value = term if inp.grad_value is None else inp.grad_value + term


def _check_activation(activation):
    if activation not in ("sigmoid", "tanh"):
        raise ValueError(f"activation must be 'sigmoid' or 'tanh', got {activation!r}")


def neuron(inputs, weights, bias, *, activation="tanh", label=""):
    """One node for a whole neuron, alpha = h(sum_k w_k * input_k + w_0), as in the lecture's graph.

    The weights are constants here, so the node's inputs are only the incoming units and its
    local derivatives are d(alpha)/d(input_k) = h'(s) w_k with s the weighted sum. The weight
    gradient then follows from the lecture's dQ/dw_k = E_alpha h'(s) input_k.

    Args:
        inputs: K Values (the units feeding this one).
        weights: K real numbers, one per input.
        bias: a real number (w_0).
        activation: "tanh" or "sigmoid" (h).
        label: name to draw.

    Returns:
        a Value whose ``op`` is "tanh(S)" or "sigma(S)", written with Greek letters (the
        activation of a weighted Sum). Introduced in chapter 5.
    """
    inputs, weights = list(inputs), list(weights)
    if not inputs or not all(isinstance(v, Value) for v in inputs):
        raise TypeError("inputs must be a non-empty sequence of Value")
    if len(weights) != len(inputs):
        raise ValueError(f"weights must have one number per input ({len(inputs)}), "
                         f"got {len(weights)}")
    weights = [check_real(w, "weights", "neuron", finite=True) for w in weights]
    bias = check_real(bias, "bias", "neuron", finite=True)
    s = bias + sum(w * v.data for w, v in zip(weights, inputs, strict=True))
    _check_activation(activation)
    if activation == "tanh":
        out = math.tanh(s)
        slope = 1.0 - out * out
    else:
        out = _sigmoid(s)
        slope = out * (1.0 - out)
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    # op "tanh(S)" or "sigma(S)" in Greek letters: the activation of a weighted Sum
    name = "tanh" if activation == "tanh" else "\u03c3"
    return Value._from_op(out, inputs, [slope * w for w in weights], f"{name}(\u03a3)", label)


def squared_error(pred, target, *, label="Q"):
    """The loss node Q = (pred - target)^2 / 2 for a constant target; dQ/dpred = pred - target.

    Args:
        pred: a Value. target: a real number. label: name to draw.

    Returns:
        a Value. Introduced in chapter 5.
    """
    if not isinstance(pred, Value):
        raise TypeError(f"pred must be a Value, got {type(pred).__name__}")
    t = check_real(target, "target", "squared_error", finite=True)
    diff = pred.data - t
    # op "1/2 (. - 1)^2" with the target's own value (a letter such as t could name a unit of
    # the same graph), and the half, the dot and the square as single characters
    return Value._from_op(0.5 * diff * diff, (pred,), (diff,), f"\u00bd(\u00b7-{t:g})\u00b2",
                          label)


def topological_order(root):
    """The nodes ``root`` depends on, each after all of its inputs; root last.

    A depth-first search that appends a node once its inputs are done.
    Deterministic: inputs are visited in the order the operation received
    them. Iterative (not recursive) so that long chains do not hit Python's
    recursion limit.

    Returns:
        list of Value. Introduced in chapter 5.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order, seen = [], set()
    stack = [(root, False)]  # (node, are its inputs done?)
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)  # every input is already in `order`
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))  # comes back after the inputs below
        for inp in reversed(node.inputs):
            if id(inp) not in seen:
                stack.append((inp, False))
    return order


def children_of(root):
    """For every node of the graph, the list of (child, d(child)/d(node)) pairs.

    A child is a node computed directly from this one; a node used twice by the same child
    (``x * x``) appears twice. These pairs are the terms of the sum in ``backward()``.

    Returns:
        dict from Value to list of (Value, float). Introduced in chapter 5.
    """
    order = topological_order(root)
    children = {node: [] for node in order}
    for node in order:
        for inp, local in zip(node.inputs, node.local_grads, strict=True):
            children[inp].append((node, local))
    return children
