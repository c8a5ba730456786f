"""Checkers for chapter 6 (The network playground).

``check_half_squared_error`` and ``check_l1_step`` compare the learner's function with the
reference on fixed inputs and recognise the typical mistakes (no 1/2, a sum instead of a
mean, the L1 step without the Playground's zero-crossing rule, ...). ``check_xor_config``
trains the playground the learner's config string describes and says what to change.
"""

import functools

import numpy as np

from mml4_lib.exercises import (
    Feedback,
    as_array,
    attempt,
    check_array,
    format_pair,
    hint,
    known_mistake,
    matches,
    passed,
)

__all__ = ["check_half_squared_error", "check_l1_step", "check_xor_config"]


_same = functools.partial(matches, atol=1e-10)
_first_match = functools.partial(known_mistake, atol=1e-10)


# ----------------------------------------------------------------------------- the loss
def _loss_data():
    rng = np.random.default_rng(6)
    return np.tanh(rng.normal(size=(8, 1))), rng.choice([-1.0, 1.0], size=8)


def check_half_squared_error(half_squared_error) -> Feedback:
    """Check ``half_squared_error(out, t) -> (loss, dout)``: the Playground's loss and gradient.

    loss = mean over the batch of 1/2 (out - t)^2, dout = (out - t) / N; out (N, 1), t (N,).
    Introduced in chapter 6.
    """
    out, t = _loss_data()
    result, fb = attempt(half_squared_error, out.copy(), t.copy())
    if fb is not None:
        return fb
    if not isinstance(result, tuple) or len(result) != 2:
        return hint("return a pair (loss, dout): the number and the gradient array")
    loss, fb = as_array(result[0], "the loss", shape=())
    if fb is None:
        dout, fb = as_array(result[1], "dout", shape=out.shape)
    if fb is not None:
        return fb
    diff = out - t[:, None]
    N = len(t)
    if loss.shape not in ((), (1,)):
        if loss.shape == (N, N):
            return hint("the loss is an (N, N) table: out (N, 1) minus t (N,) broadcasts; "
                        "subtract t[:, None] (or out[:, 0] - t)")
        return hint(f"the loss should be one number, got an array of shape {loss.shape}")
    if not np.all(np.isfinite(loss)):
        return hint(f"the loss is {float(loss.ravel()[0])}: NaN or inf instead of a number")
    expected = 0.5 * np.mean(diff**2)
    table = out - t  # (N, 1) - (N,) broadcasts to (N, N): every out against every t
    wrong_loss = _first_match(loss, [
        (0.5 * np.mean(table**2), f"out has shape ({N}, 1) and t shape ({N},), so out - t "
                                  f"broadcasts to an ({N}, {N}) table of every output against "
                                  f"every target, and its mean is not the loss. Subtract "
                                  f"t[:, None] (or use out[:, 0] - t)"),
        (np.mean(diff**2), "the loss is twice too large: the Playground's error is "
                           "1/2 (out - t)^2"),
        (0.5 * np.sum(diff**2), "the loss is a sum over the batch; the Playground averages it "
                                "(divide by N)"),
        (np.sum(diff**2), "the loss is a sum of (out - t)^2: take the mean, and the factor 1/2"),
        (0.5 * np.mean(np.abs(diff)), "that is an absolute error; the loss squares (out - t)"),
    ])
    if wrong_loss:
        return hint(wrong_loss)
    if not _same(loss, expected):
        e, g = format_pair(expected, np.ravel(loss)[0])
        return hint(f"the loss should be {e}, got {g}")
    if dout.shape == (N, N):
        return hint("dout is an (N, N) table: keep out - t as an (N, 1) column")
    wrong_grad = _first_match(dout, [
        (2 * diff / N, "dout has an extra factor 2: the 1/2 in the loss cancels the 2 of the "
                       "derivative of a square"),
        (diff, "dout is missing the 1/N: the loss is a mean, so each point's share is "
               "(out - t) / N"),
        (-diff / N, "dout has the wrong sign: d/d out of 1/2 (out - t)^2 is out - t"),
        (diff.ravel() / N, f"dout has shape ({N},); give it the shape of out, ({N}, 1)"),
    ])
    if wrong_grad:
        return hint(wrong_grad)
    bad = check_array(dout, diff / N, "dout")
    if bad is not None:
        return bad
    return passed(f"loss = {expected:.4f} and dout = (out - t) / N: the Playground's squared "
                  f"error, half of MSELoss")


# ----------------------------------------------------------------------------- L1 step
def _l1_reference(w, grad, lr, rate):
    w_new = w - lr * grad
    after = w_new - lr * rate * np.sign(w)
    return np.where(w_new * after < 0, 0.0, after)


def _l1_data():
    # Large weights, weights the L1 step pushes across 0, a zero weight, and one (0.05) that
    # the gradient step alone carries across 0 (it must survive).
    w = np.array([0.8, -0.5, 0.004, -0.003, 0.0, 0.3, 0.05])
    grad = np.array([0.5, -1.0, 0.0, 0.01, 0.2, -0.4, 1.0])
    return w, grad, 0.1, 0.1


def check_l1_step(l1_step) -> Feedback:
    """Check ``l1_step(w, grad, lr, rate) -> w_new``: gradient step, then the Playground's L1 step.

    w_half = w - lr grad; w_new = w_half - lr rate sign(w), except that a weight the L1
    step pushes across zero becomes exactly 0. w, grad: (D,). Introduced in chapter 6.
    """
    w, grad, lr, rate = _l1_data()
    got, fb = attempt(l1_step, w.copy(), grad.copy(), lr, rate)
    if fb is not None:
        return fb
    expected = _l1_reference(w, grad, lr, rate)
    no_clip = w - lr * grad - lr * rate * np.sign(w)
    half = w - lr * grad
    message = _first_match(got, [
        (no_clip, "weights that cross zero must become exactly 0 (the Playground's rule); "
                  "here they flip sign and the penalty then pushes them back and forth"),
        (half - lr * rate * np.sign(half),
         "take the sign of the weight before the step, sign(w), as the Playground does"),
        (np.where(half * (half - lr * rate * np.sign(half)) < 0, 0.0,
                  half - lr * rate * np.sign(half)),
         "take the sign of the weight before the step, sign(w), as the Playground does"),
        (half - lr * rate * w, "that is the L2 step (derivative rate * w); L1's derivative is "
                               "rate * sign(w)"),
        (half, "the L1 step is missing: subtract lr * rate * sign(w) after the gradient step"),
        (np.where(half * (half - rate * np.sign(w)) < 0, 0.0, half - rate * np.sign(w)),
         "the L1 step is lr * rate * sign(w): it is scaled by the learning rate too"),
        (np.where(w * no_clip < 0, 0.0, no_clip),
         "compare the weight after the L1 step with the weight after the gradient step, not "
         "with the old w: only the L1 step's own zero crossing kills a weight"),
    ])
    if message:
        return hint(message)
    bad = check_array(got, expected, "w_new")
    if bad is not None:
        return bad
    killed = int(np.sum((expected == 0) & (w != 0)))
    return passed(f"the L1 step with the zero-crossing rule: {killed} of {len(w)} weights "
                  f"became exactly 0 in this step")


# ----------------------------------------------------------------------------- a config
LEARNED = 0.25  # training must lower the training loss by at least this fraction


def check_xor_config(config) -> Feedback:
    """Check a config string for xor with no hidden layer that reaches > 90 % test accuracy
    after 50 epochs, and whose training lowered the training loss by at least a quarter
    (seed 0's initial weights already separate xor with the feature x1*x2, so accuracy alone
    does not show that anything was learned). Introduced in chapter 6."""
    from mml4_lib.playground import Playground, PlaygroundConfig

    if config is None:
        return Feedback("not attempted", "not attempted yet")
    try:
        c = config if isinstance(config, PlaygroundConfig) else \
            PlaygroundConfig.from_string(config)
    except (TypeError, ValueError) as err:
        return hint(f"the config does not parse: {err}")
    if c.dataset != "xor":
        return hint(f"the exercise is about the xor data: set dataset=xor (got {c.dataset})")
    if c.hidden:
        return hint(f"no hidden layers allowed: set hidden= (empty), got hidden={c.hidden}")
    pg = Playground(c)
    pg.step(50)
    acc = pg.history["test_acc"][-1]
    if pg.diverged_at is not None:
        return hint(f"training diverged at epoch {pg.diverged_at}: lower the learning rate")
    first, last = pg.history["train_loss"][0], pg.history["train_loss"][-1]
    if acc > 0.9 and not last <= (1 - LEARNED) * first:
        return hint(f"test accuracy {100 * acc:.1f}%, but training hardly changed the loss in "
                    f"50 epochs (training loss {first:.4f} before, {last:.4f} after): the "
                    f"random initial weights already separate the data, and the network "
                    f"learned nothing. Raise the learning rate (lr={c.lr:g}) until training "
                    f"lowers the loss")
    if acc > 0.9:
        return passed(f"test accuracy {100 * acc:.1f}% with inputs {', '.join(c.features)} "
                      f"and no hidden layer")
    if "x1*x2" not in c.features:
        return hint(f"test accuracy {100 * acc:.1f}%: xor's label is + where x1 and x2 have "
                    f"the same sign. Which of the input features has exactly that sign?")
    return hint(f"test accuracy {100 * acc:.1f}% after 50 epochs: the right feature is there; "
                f"check the learning rate (and what else the network gets as input)")
