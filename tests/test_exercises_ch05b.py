"""Chapter 5b checkers: the reference engine passes, each classic slip gets its own hint."""

import math

import numpy as np
import pytest

from mml4_lib.exercises import NOT_ATTEMPTED
from mml4_lib.exercises.ch05b import (
    Value_reference,
    check_add_mul,
    check_backward,
    check_unary,
    usable_engine,
)
from mml4_lib.gradcheck import numerical_gradient, rel_error

CHECKS = [check_add_mul, check_unary, check_backward]


class Stub:
    """The notebook's stub: the constructor is given, every exercise raises."""

    def __init__(self, data, inputs=()):
        self.data, self.grad, self.inputs = float(data), 0.0, tuple(inputs)
        self._backward = lambda: None

    def __add__(self, other):
        raise NotImplementedError

    __mul__ = __add__

    def exp(self):
        raise NotImplementedError

    relu = tanh = backward = exp


@pytest.mark.parametrize("check", CHECKS)
def test_reference_passes(check):
    fb = check(Value_reference)
    assert fb.passed, fb


@pytest.mark.parametrize("check", CHECKS)
def test_stub_and_none_are_not_attempted(check):
    assert check(Stub).status == "not attempted" and check(Stub).message == NOT_ATTEMPTED
    assert check(None).status == "not attempted"


def test_reference_matches_centered_differences():
    # independent of the checkers: d/dx of an expression using every operation
    def f(x):
        v = Value_reference(x)
        return ((v * v).tanh() + v.exp() * 0.5 - (v * -2.0).relu() + 3 * v).data

    for x0 in (-0.7, 0.3, 1.1):
        v = Value_reference(x0)
        ((v * v).tanh() + v.exp() * 0.5 - (v * -2.0).relu() + 3 * v).backward()
        x = np.array([x0])
        numeric = numerical_gradient(lambda x=x: f(x[0]), x)
        assert rel_error(np.array([v.grad]), numeric) < 1e-8


def test_usable_engine_falls_back_to_the_reference_until_the_class_passes():
    cls, message = usable_engine(Stub)
    assert cls is Value_reference and "reference" in message
    cls, message = usable_engine(Value_reference)
    assert cls is Value_reference and "your Value class" in message


# ----------------------------------------------------------------------------- the slips
class AssignAdd(Value_reference):
    def __add__(self, other):
        other = other if isinstance(other, Value_reference) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad = out.grad      # slip: = instead of +=
            other.grad = out.grad
        out._backward = _backward
        return out


class AssignMul(Value_reference):
    def __mul__(self, other):
        other = other if isinstance(other, Value_reference) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad = out.grad * other.data   # slip: = instead of +=
            other.grad = out.grad * self.data
        out._backward = _backward
        return out


class SwappedMul(Value_reference):
    def __mul__(self, other):
        other = other if isinstance(other, Value_reference) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += out.grad * self.data   # slip: its own value, not the other's
            other.grad += out.grad * other.data
        out._backward = _backward
        return out


class NoUpstreamMul(Value_reference):
    def __mul__(self, other):
        other = other if isinstance(other, Value_reference) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data   # slip: out.grad left out
            other.grad += self.data
        out._backward = _backward
        return out


class TanhOfInput(Value_reference):
    def tanh(self):
        out = type(self)(math.tanh(self.data), (self,))

        def _backward():
            self.grad += out.grad * (1 - self.data**2)   # slip: 1 - x^2 of the input
        out._backward = _backward
        return out


class ReluGradIsOutput(Value_reference):
    def relu(self):
        out = type(self)(max(0.0, self.data), (self,))

        def _backward():
            self.grad += out.grad * out.data   # slip: the output instead of [x > 0]
        out._backward = _backward
        return out


class AssignExp(Value_reference):
    def exp(self):
        out = type(self)(math.exp(self.data), (self,))

        def _backward():
            self.grad = out.grad * out.data   # slip: = instead of +=
        out._backward = _backward
        return out


def slipped_backward(*, visited=True, reverse=True, seed=True):
    """Value.backward as a learner writes it, with one of the three slips switched on: no
    visited set (a shared node is built twice), the order not reversed, the seed forgotten."""
    def backward(self):
        order, seen = [], set()

        def build(node):
            if visited and node in seen:
                return
            seen.add(node)
            for inp in node.inputs:
                build(inp)
            order.append(node)
        build(self)
        if seed:
            self.grad = 1.0
        for node in reversed(order) if reverse else order:
            node._backward()
    return backward


def with_backward(name, **slip):
    return type(name, (Value_reference,), {"backward": slipped_backward(**slip)})


VisitedTwice = with_backward("VisitedTwice", visited=False)
ForwardOrder = with_backward("ForwardOrder", reverse=False)
NoSeed = with_backward("NoSeed", seed=False)


def test_the_slip_free_backward_passes():
    # The three slips above differ from a right answer in their one switch only.
    assert check_backward(with_backward("Right")).passed


@pytest.mark.parametrize("cls, check, words", [
    (AssignAdd, check_add_mul, "x.grad = 1 instead of 2"),
    (AssignMul, check_add_mul, "x.grad = 3 instead of 6"),
    (SwappedMul, check_add_mul, "the inputs are swapped"),
    (NoUpstreamMul, check_add_mul, "the upstream gradient is missing"),
    (TanhOfInput, check_unary, "not 1 - x**2 of the input"),
    (ReluGradIsOutput, check_unary, "not the output"),
    (AssignExp, check_unary, "x.exp() overwrote the 0.25"),
    (VisitedTwice, check_backward, "visited more than once"),
    (ForwardOrder, check_backward, "`for node in reversed(order)`"),
    (NoSeed, check_backward, "set self.grad = 1.0"),
])
def test_each_slip_gets_its_hint(cls, check, words):
    fb = check(cls)
    assert fb.status == "hint" and words in fb.message, fb


def test_backward_names_an_unfinished_operation_first():
    fb = check_backward(TanhOfInput)
    assert fb.status == "hint" and fb.message.startswith("first make check_unary pass")


def test_a_class_whose_operation_crashes_gets_the_exception():
    class Broken(Value_reference):
        def __add__(self, other):
            raise KeyError("oops")

    fb = check_add_mul(Broken)
    assert fb.status == "hint" and "KeyError" in fb.message and "+" in fb.message


def test_not_a_class():
    assert "expected your class Value" in check_add_mul(3.0).message
