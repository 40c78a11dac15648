"""Exercise 03, Nesterov: the look-ahead point, the original form, and the Keras/PyTorch form."""

from __future__ import annotations

import numpy as np

from ..quadratic import QuadraticBowl
from ..spec import Case, Exercise, Mistake, Task, choice_task
from . import draw


def lookahead_point(theta, velocity, momentum):
    """Where Nesterov measures the gradient: θ + βm."""
    return theta + momentum * velocity


def _lookahead_sign_flipped(theta, velocity, momentum):
    return theta - momentum * velocity


def _lookahead_without_beta(theta, velocity, momentum):
    return theta + velocity


def _random_lookahead(rng, n):
    return {"theta": draw.vector(rng, n), "velocity": draw.vector(rng, n),
            "momentum": draw.uniform(rng, 0.5, 0.99)}


LOOKAHEAD = Task(
    id="ex03.q1",
    title="The look-ahead point",
    answer_name="lookahead_point",
    reference=lookahead_point,
    edge_cases=(
        Case("at rest (velocity 0)", {
            "theta": np.array([1.0, 2.0]), "velocity": np.array([0.0, 0.0]), "momentum": 0.9}),
        Case("rolling", {
            "theta": np.array([1.0, 2.0]), "velocity": np.array([0.5, -1.0]), "momentum": 0.9}),
    ),
    random_kwargs=lambda rng: _random_lookahead(rng, draw.size(rng)),
    mistakes=(
        Mistake("sign flipped",
                "Look ahead in the direction the ball is rolling: θ + βm, not θ − βm.",
                _lookahead_sign_flipped),
        Mistake("β missing (θ + m)",
                "Only the part of the velocity that survives the next step, βm, carries θ "
                "before the gradient acts.",
                _lookahead_without_beta),
    ),
    hints=(
        "Where will momentum alone carry θ during the next step?",
        "The next velocity starts as βm, so the look-ahead point is θ + βm.",
    ),
)


def nesterov_step(theta, velocity, grad_fn, learning_rate, momentum):
    """m ← βm − η∇J(θ + βm), then θ ← θ + m: the gradient measured at the look-ahead point."""
    velocity = momentum * velocity - learning_rate * grad_fn(theta + momentum * velocity)
    return theta + velocity, velocity


def _nesterov_plain_momentum(theta, velocity, grad_fn, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad_fn(theta)
    return theta + velocity, velocity


def _nesterov_looking_back(theta, velocity, grad_fn, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad_fn(theta - momentum * velocity)
    return theta + velocity, velocity


def _nesterov_sign_flipped(theta, velocity, grad_fn, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad_fn(theta + momentum * velocity)
    return theta + velocity, velocity


def _nesterov_without_beta(theta, velocity, grad_fn, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad_fn(theta + velocity)
    return theta + velocity, velocity


def random_bowl(rng: np.random.Generator, n: int) -> QuadraticBowl:
    """A random bowl with curvatures between 0.5 and 5 along random directions."""
    rotation, _ = np.linalg.qr(rng.normal(size=(n, n)))
    curvatures = rng.uniform(0.5, 5.0, n)
    A = draw.rounded(rotation @ np.diag(curvatures) @ rotation.T)
    return QuadraticBowl((A + A.T) / 2, draw.vector(rng, n))


def _random_nesterov(rng):
    n = draw.size(rng, 2, 3)
    return {"theta": draw.vector(rng, n), "velocity": draw.vector(rng, n, 0.5),
            "grad_fn": random_bowl(rng, n), "learning_rate": draw.uniform(rng, 0.01, 0.2),
            "momentum": draw.uniform(rng, 0.5, 0.95)}


_ELONGATED = QuadraticBowl(np.array([[10.0, 0.0], [0.0, 1.0]]), np.array([0.0, 0.0]))

ORIGINAL = Task(
    id="ex03.q2",
    title="Nesterov, the original form",
    answer_name="nesterov_step",
    reference=nesterov_step,
    outputs=("theta", "velocity"),
    points=2,
    edge_cases=(
        Case("rolling across an elongated bowl", {
            "theta": np.array([1.0, 1.0]), "velocity": np.array([-0.5, 0.2]),
            "grad_fn": _ELONGATED, "learning_rate": 0.05, "momentum": 0.9}),
        Case("at rest: the first step", {
            "theta": np.array([1.0, -1.0]), "velocity": np.array([0.0, 0.0]),
            "grad_fn": _ELONGATED, "learning_rate": 0.05, "momentum": 0.9}),
    ),
    random_kwargs=_random_nesterov,
    mistakes=(
        Mistake("gradient at θ, not at the look-ahead point",
                "That is plain momentum. Nesterov measures the gradient at θ + βm.",
                _nesterov_plain_momentum),
        Mistake("look-ahead in the wrong direction (θ − βm)",
                "Look ahead the way the ball rolls: θ + βm.",
                _nesterov_looking_back),
        Mistake("sign flipped",
                "The velocity subtracts η·∇ (m ← βm − η∇): adding it walks uphill.",
                _nesterov_sign_flipped),
        Mistake("look-ahead without β (θ + m)",
                "The look-ahead point is θ + βm: the velocity that survives the next step.",
                _nesterov_without_beta),
    ),
    hints=(
        "grad_fn(point) returns the gradient at any point; you choose the point.",
        "The point is your lookahead_point(theta, velocity, momentum).",
        "velocity = momentum * velocity - learning_rate * grad_fn(theta + momentum * velocity), "
        "then theta + velocity.",
    ),
)


def nesterov_step_keras(theta, velocity, grad, learning_rate, momentum):
    """The form Keras and PyTorch use, with ∇ taken at the stored parameters:
    m ← βm − η∇, then θ ← θ + βm − η∇ (with the new m)."""
    velocity = momentum * velocity - learning_rate * grad
    return theta + momentum * velocity - learning_rate * grad, velocity


def _keras_plain_momentum(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity, velocity


def _keras_sign_flipped(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return theta + momentum * velocity + learning_rate * grad, velocity


def _keras_without_beta(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity - learning_rate * grad, velocity


def _keras_extra_step_uphill(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return theta + momentum * velocity + learning_rate * grad, velocity


def _keras_pytorch(theta, velocity, grad, learning_rate, momentum):
    """PyTorch's Nesterov: v ← βv + ∇, then θ ← θ − η(∇ + βv)."""
    velocity = momentum * velocity + grad
    return theta - learning_rate * (grad + momentum * velocity), velocity


PRACTICAL = Task(
    id="ex03.q3",
    title="The form Keras and PyTorch use",
    answer_name="nesterov_step_keras",
    reference=nesterov_step_keras,
    outputs=("theta", "velocity"),
    points=2,
    edge_cases=(
        Case("first step (velocity 0)", {
            "theta": np.array([1.0, -2.0]), "velocity": np.array([0.0, 0.0]),
            "grad": np.array([0.5, -1.0]), "learning_rate": 0.1, "momentum": 0.9}),
        Case("coasting (gradient 0)", {
            "theta": np.array([0.0, 1.0]), "velocity": np.array([0.4, -0.2]),
            "grad": np.array([0.0, 0.0]), "learning_rate": 0.1, "momentum": 0.9}),
    ),
    random_kwargs=draw.momentum_step,
    mistakes=(
        Mistake("plain momentum step (θ + m)",
                "Nesterov's practical form moves θ by βm − η∇ with the new m: the momentum "
                "step plus one more gradient step.",
                _keras_plain_momentum),
        Mistake("sign flipped",
                "Both updates subtract η·∇: m ← βm − η∇ and θ ← θ + βm − η∇.",
                _keras_sign_flipped),
        Mistake("look-ahead term without β (θ + m − η∇)",
                "θ moves by β times the new velocity, then η∇ more: θ + βm − η∇.",
                _keras_without_beta),
        Mistake("extra gradient step uphill (+η∇)",
                "The extra term is one more gradient step, so it subtracts too: "
                "θ + βm − η∇.",
                _keras_extra_step_uphill),
        Mistake("PyTorch's form (v ← βv + ∇, θ ← θ − η(∇ + βv))",
                "That is how PyTorch writes Nesterov, and it is right in PyTorch. This task "
                "uses Keras's velocity, which already holds −η: m ← βm − η∇, then "
                "θ + βm − η∇.",
                _keras_pytorch),
    ),
    hints=(
        "Update the velocity exactly as plain momentum does.",
        "Then move θ by β·(new velocity) − η·grad instead of by the velocity.",
        "theta + momentum * velocity - learning_rate * grad, with the new velocity.",
    ),
)

STORED_POINT = choice_task(
    id="ex03.q4",
    title="Same algorithm, different point",
    answer_name="stored_point_answer",
    options={
        "a": "θ itself, the same point the original form stores.",
        "b": "The look-ahead point θ + βm, where the next gradient is measured.",
        "c": "The point θ − η∇J(θ), one plain gradient step ahead.",
        "d": "The velocity m.",
    },
    correct="b",
    mistakes={
        "a": ("both forms taken to store θ",
              "The practical form is the original one rewritten for φ = θ + βm, so that the "
              "gradient is measured at the stored parameters."),
        "c": ("look-ahead taken as a gradient step",
              "Nesterov looks ahead along the momentum, by βm, not along the gradient."),
        "d": ("parameters confused with the velocity",
              "The velocity is kept in its own slot; the parameters are a point in θ-space."),
    },
    hints=(
        "In the practical form the gradient is taken at the parameters the optimizer holds.",
        "In the original form the gradient is taken at θ + βm.",
    ),
)

EXERCISE = Exercise("ex03", "Nesterov", "ex03_nesterov",
                    (LOOKAHEAD, ORIGINAL, PRACTICAL, STORED_POINT))
