"""Exercise 02, momentum: one step, the terminal velocity 1/(1−β), and what β does."""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Mistake, Task, choice_task, value_task
from . import draw


def momentum_step(theta, velocity, grad, learning_rate, momentum):
    """m ← βm − η∇J(θ), then θ ← θ + m. Returns the new (θ, m)."""
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity, velocity


def _step_sign_flipped(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return theta + velocity, velocity


def _step_averaged(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - (1 - momentum) * learning_rate * grad
    return theta + velocity, velocity


def _step_without_friction(theta, velocity, grad, learning_rate, momentum):
    velocity = velocity - learning_rate * grad
    return theta + velocity, velocity


def _step_with_old_velocity(theta, velocity, grad, learning_rate, momentum):
    return theta + velocity, momentum * velocity - learning_rate * grad


def _step_pytorch(theta, velocity, grad, learning_rate, momentum):
    """PyTorch's SGD: v ← βv + ∇, then θ ← θ − ηv."""
    velocity = momentum * velocity + grad
    return theta - learning_rate * velocity, velocity


STEP = Task(
    id="ex02.q1",
    title="One momentum step",
    answer_name="momentum_step",
    reference=momentum_step,
    outputs=("theta", "velocity"),
    points=2,
    edge_cases=(
        Case("first step (velocity 0)", {
            "theta": np.array([1.0, -2.0]), "velocity": np.array([0.0, 0.0]),
            "grad": np.array([0.5, -1.0]), "learning_rate": 0.1, "momentum": 0.9}),
        Case("coasting (gradient 0)", {
            "theta": np.array([0.5, 0.5, -1.0]), "velocity": np.array([0.2, -0.1, 0.05]),
            "grad": np.array([0.0, 0.0, 0.0]), "learning_rate": 0.1, "momentum": 0.9}),
        Case("β = 0 is plain gradient descent", {
            "theta": np.array([2.0]), "velocity": np.array([0.3]), "grad": np.array([4.0]),
            "learning_rate": 0.05, "momentum": 0.0}),
    ),
    random_kwargs=draw.momentum_step,
    mistakes=(
        Mistake("sign flipped",
                "The velocity subtracts η·∇ (m ← βm − η∇): adding it walks uphill.",
                _step_sign_flipped),
        Mistake("gradient scaled by (1−β)",
                "That is Adam's running average; momentum subtracts the full η·∇: m ← βm − η∇.",
                _step_averaged),
        Mistake("β missing (no friction)",
                "The old velocity is multiplied by β before the gradient is subtracted.",
                _step_without_friction),
        Mistake("θ moved by the old velocity",
                "Update the velocity first, then move θ by the new velocity.",
                _step_with_old_velocity),
        Mistake("PyTorch's form (v ← βv + ∇, θ ← θ − ηv)",
                "That is how PyTorch writes momentum, and it is right in PyTorch. This task "
                "uses Keras's velocity, which already holds −η: m ← βm − η∇, then θ + m.",
                _step_pytorch),
    ),
    hints=(
        "First update the velocity, then move θ by the new velocity.",
        "The velocity keeps a fraction β of itself and subtracts η times the gradient: "
        "momentum * velocity - learning_rate * grad.",
        "Return two new arrays, (theta + velocity, velocity), and leave the arguments as "
        "they are: no -= or += on them.",
    ),
)


def terminal_velocity(grad, learning_rate, momentum):
    """The velocity under a constant gradient after many steps: m = −η∇ / (1 − β)."""
    return -learning_rate * grad / (1 - momentum)


def _terminal_one_plus(grad, learning_rate, momentum):
    return -learning_rate * grad / (1 + momentum)


def _terminal_sign_flipped(grad, learning_rate, momentum):
    return learning_rate * grad / (1 - momentum)


def _terminal_without_rate(grad, learning_rate, momentum):
    return -grad / (1 - momentum)


def _random_terminal(rng):
    return {"grad": draw.vector(rng, draw.size(rng, 1, 4)),
            "learning_rate": draw.uniform(rng, 0.01, 0.5),
            "momentum": draw.uniform(rng, 0.0, 0.99)}


TERMINAL = Task(
    id="ex02.q2",
    title="Terminal velocity",
    answer_name="terminal_velocity",
    reference=terminal_velocity,
    points=2,
    edge_cases=(
        Case("β = 0.9, the 10× case", {
            "grad": np.array([1.0, -2.0]), "learning_rate": 0.1, "momentum": 0.9}),
        Case("β = 0.99", {"grad": np.array([0.5]), "learning_rate": 0.01, "momentum": 0.99}),
        Case("β = 0: no momentum", {
            "grad": np.array([3.0, 1.0]), "learning_rate": 0.2, "momentum": 0.0}),
    ),
    random_kwargs=_random_terminal,
    mistakes=(
        Mistake("1+β where 1−β belongs",
                "Solving m = βm − η∇ gives m(1 − β) = −η∇, so divide by 1 − β. The source "
                "text prints 1/(1+β), but its own '10× for β = 0.9' only fits 1/(1−β).",
                _terminal_one_plus),
        Mistake("sign flipped",
                "The terminal velocity points downhill, against the gradient: −η∇/(1−β).",
                _terminal_sign_flipped),
        Mistake("learning rate left out",
                "The velocity is built from η·∇, so η stays in the answer: −η∇/(1−β).",
                _terminal_without_rate),
    ),
    hints=(
        "With a constant gradient the velocity stops changing: it reaches the m for which "
        "m = βm − η∇.",
        "Solve m = βm − η∇ for m: collect the m terms on one side.",
        "m − βm = −η∇, so m = −η∇ / (1 − β). Check it: β = 0.9 gives 10 times a plain step.",
    ),
)

SPEEDUP = value_task(
    id="ex02.q3",
    title="How much faster?",
    answer_name="speedup",
    answer=20.0,
    mistakes={
        1 / 1.95: ("1+β where 1−β belongs",
                   "The top speed is 1/(1−β) times a plain step; 1/(1+β) would be slower "
                   "than no momentum at all."),
        19.0: ("β/(1−β) instead of 1/(1−β)",
               "The terminal step includes the current gradient too: 1 + β + β² + … = 1/(1−β)."),
        10.0: ("the answer for β = 0.9",
               "10× is the top speed for β = 0.9; this question uses β = 0.95."),
    },
    hints=(
        "Use your terminal_velocity: how does its size compare with a plain step η·|∇|?",
        "The ratio is 1/(1−β) whatever the gradient and the learning rate.",
    ),
)

FRICTION = choice_task(
    id="ex02.q4",
    title="Lowering β",
    answer_name="lower_beta_answer",
    options={
        "a": "Less friction: the top speed goes up and the ball overshoots more.",
        "b": "More friction: the top speed drops from 100× to 10× a plain step, "
             "and the ball overshoots less.",
        "c": "Nothing changes once the ball rolls: β only matters for the first steps.",
        "d": "The updates change direction: with β = 0.9 the ball rolls uphill.",
    },
    correct="b",
    mistakes={
        "a": ("β read as friction",
              "β is how much of the velocity survives a step: β near 1 means almost no "
              "friction, so lowering β adds friction."),
        "c": ("top speed taken as independent of β",
              "The top speed is η|∇|/(1−β): 100× a plain step at β = 0.99, 10× at β = 0.9."),
        "d": ("β taken to change the direction",
              "Any β in [0, 1) keeps the velocity pointing downhill on a steady slope."),
    },
    hints=(
        "β is the fraction of the velocity kept from one step to the next.",
        "Compare the top speed 1/(1−β) for β = 0.99 and for β = 0.9.",
    ),
)

EXERCISE = Exercise("ex02", "Momentum", "ex02_momentum", (STEP, TERMINAL, SPEEDUP, FRICTION))
