"""Exercise 04, AdaGrad and RMSProp: per-coordinate scaling, and forgetting old gradients.

Both steps put ε inside the square root, as Keras does for Adagrad and RMSprop.
"""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Mistake, Task, choice_task
from . import draw


def adagrad_step(theta, s, grad, learning_rate, epsilon):
    """s ← s + ∇⊗∇, then θ ← θ − η ∇ ⊘ √(s + ε). Returns the new (θ, s)."""
    s = s + grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _adagrad_epsilon_outside(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta - learning_rate * grad / (np.sqrt(s) + epsilon), s


def _adagrad_old_s(theta, s, grad, learning_rate, epsilon):
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s + grad * grad


def _adagrad_not_squared(theta, s, grad, learning_rate, epsilon):
    s = s + grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _adagrad_without_root(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta - learning_rate * grad / (s + epsilon), s


def _adagrad_sign_flipped(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta + learning_rate * grad / np.sqrt(s + epsilon), s


def _random_adagrad(rng):
    n = draw.size(rng)
    return {"theta": draw.vector(rng, n), "s": draw.positive_vector(rng, n),
            "grad": draw.vector(rng, n), "learning_rate": draw.uniform(rng, 0.01, 1.0),
            "epsilon": draw.log_uniform(rng, 1e-7, 1e-2)}


EPSILON_MATTERS = Case("first step with tiny gradients and ε = 1e-3", {
    "theta": np.array([1.0, -1.0]), "s": np.array([0.0, 0.0]),
    "grad": np.array([0.01, -0.02]), "learning_rate": 0.1, "epsilon": 1e-3})

ADAGRAD = Task(
    id="ex04.q1",
    title="One AdaGrad step",
    answer_name="adagrad_step",
    reference=adagrad_step,
    outputs=("theta", "s"),
    points=2,
    edge_cases=(
        Case("a steep and a flat coordinate", {
            "theta": np.array([0.5, 0.5]), "s": np.array([4.0, 0.01]),
            "grad": np.array([2.0, 0.1]), "learning_rate": 0.5, "epsilon": 1e-7}),
        EPSILON_MATTERS,
    ),
    random_kwargs=_random_adagrad,
    mistakes=(
        Mistake("ε outside the square root",
                "This task follows Keras's Adagrad: ε goes inside, √(s + ε).",
                _adagrad_epsilon_outside),
        Mistake("old s used for the step",
                "Add this step's squared gradient to s first, then divide by √(s + ε).",
                _adagrad_old_s),
        Mistake("gradient not squared",
                "s accumulates squares: s + grad * grad (element-wise).",
                _adagrad_not_squared),
        Mistake("square root missing",
                "Divide by √(s + ε), not by s + ε.",
                _adagrad_without_root),
        Mistake("sign flipped",
                "The step goes against the gradient: θ − η∇ ⊘ √(s + ε).",
                _adagrad_sign_flipped),
    ),
    hints=(
        "Two lines: update s, then θ with the new s.",
        "⊗ and ⊘ are element-wise: grad * grad, and / between arrays.",
        "s = s + grad * grad; theta - learning_rate * grad / np.sqrt(s + epsilon).",
    ),
)


def rmsprop_step(theta, s, grad, learning_rate, rho, epsilon):
    """s ← ρs + (1 − ρ) ∇⊗∇, then θ ← θ − η ∇ ⊘ √(s + ε). Returns the new (θ, s)."""
    s = rho * s + (1 - rho) * grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _rmsprop_without_one_minus_rho(theta, s, grad, learning_rate, rho, epsilon):
    s = rho * s + grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _rmsprop_swapped(theta, s, grad, learning_rate, rho, epsilon):
    s = (1 - rho) * s + rho * grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _rmsprop_epsilon_outside(theta, s, grad, learning_rate, rho, epsilon):
    s = rho * s + (1 - rho) * grad * grad
    return theta - learning_rate * grad / (np.sqrt(s) + epsilon), s


def _rmsprop_no_decay(theta, s, grad, learning_rate, rho, epsilon):
    s = s + grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _rmsprop_sign_flipped(theta, s, grad, learning_rate, rho, epsilon):
    s = rho * s + (1 - rho) * grad * grad
    return theta + learning_rate * grad / np.sqrt(s + epsilon), s


def _rmsprop_one_plus_rho(theta, s, grad, learning_rate, rho, epsilon):
    s = rho * s + (1 + rho) * grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _rmsprop_adam_corrected(theta, s, grad, learning_rate, rho, epsilon):
    s = rho * s + (1 - rho) * grad * grad
    return theta - learning_rate * grad / np.sqrt(s / (1 - rho) + epsilon), s


def _random_rmsprop(rng):
    return {**_random_adagrad(rng), "rho": draw.uniform(rng, 0.5, 0.99)}


RMSPROP = Task(
    id="ex04.q2",
    title="One RMSProp step",
    answer_name="rmsprop_step",
    reference=rmsprop_step,
    outputs=("theta", "s"),
    points=2,
    edge_cases=(
        Case("a long history of large gradients, now small ones", {
            "theta": np.array([1.0, 2.0]), "s": np.array([9.0, 4.0]),
            "grad": np.array([0.1, -0.2]), "learning_rate": 0.01, "rho": 0.9,
            "epsilon": 1e-7}),
        Case("first step with tiny gradients and ε = 1e-3", {
            **EPSILON_MATTERS.kwargs, "rho": 0.9}),
    ),
    random_kwargs=_random_rmsprop,
    mistakes=(
        Mistake("RMSProp without (1−ρ)",
                "The new squared gradient is weighted by 1 − ρ: s ← ρs + (1−ρ)∇². The source "
                "text lost that operator; without it s grows about 1/(1−ρ) times too big.",
                _rmsprop_without_one_minus_rho),
        Mistake("ρ and 1−ρ swapped",
                "ρ (near 1) weighs the old average and 1 − ρ the new square: ρs + (1−ρ)∇².",
                _rmsprop_swapped),
        Mistake("ε outside the square root",
                "This task follows Keras's RMSprop: ε goes inside, √(s + ε).",
                _rmsprop_epsilon_outside),
        Mistake("AdaGrad's running sum (no decay)",
                "RMSProp forgets: multiply the old s by ρ and the new square by 1 − ρ.",
                _rmsprop_no_decay),
        Mistake("sign flipped",
                "The step goes against the gradient: θ − η∇ ⊘ √(s + ε).",
                _rmsprop_sign_flipped),
        Mistake("1+ρ where 1−ρ belongs",
                "s is a weighted average: the weights ρ and 1 − ρ add up to 1, so "
                "s ← ρs + (1−ρ)∇².",
                _rmsprop_one_plus_rho),
        Mistake("Adam's bias correction added (s/(1−ρ))",
                "RMSProp has no bias correction: the step divides by √(s + ε) with s "
                "itself.",
                _rmsprop_adam_corrected),
    ),
    hints=(
        "Only the first line differs from AdaGrad.",
        "s becomes a weighted average of the old s (weight ρ) and grad² (weight 1 − ρ).",
        "s = rho * s + (1 - rho) * grad * grad; then the same θ update as AdaGrad.",
    ),
)


def adagrad_step_size(grad, steps, learning_rate):
    """|Δθ| at step t of AdaGrad from s = 0 under a constant gradient g, ignoring ε:
    s = t g², so the step is η|g| / √(t g²) = η / √t, whatever g is."""
    return learning_rate / np.sqrt(steps)


def _size_without_root(grad, steps, learning_rate):
    return learning_rate / steps


def _size_old_s(grad, steps, learning_rate):
    return learning_rate / np.sqrt(steps - 1)


def _size_not_squared(grad, steps, learning_rate):
    return learning_rate * abs(grad) / np.sqrt(steps * abs(grad))


def _random_size(rng):
    return {"grad": draw.uniform(rng, 0.1, 10.0) * float(rng.choice([-1, 1])),
            "steps": int(rng.integers(1, 10_001)),
            "learning_rate": draw.log_uniform(rng, 1e-3, 1.0)}


STEP_SIZE = Task(
    id="ex04.q3",
    title="Why AdaGrad slows down",
    answer_name="adagrad_step_size",
    reference=adagrad_step_size,
    points=2,
    edge_cases=(
        Case("the first step", {"grad": 4.0, "steps": 1, "learning_rate": 0.1}),
        Case("step 100 with a large gradient", {"grad": -10.0, "steps": 100,
                                                "learning_rate": 0.1}),
        Case("step 4 with a small gradient", {"grad": 0.25, "steps": 4, "learning_rate": 0.5}),
    ),
    random_kwargs=_random_size,
    mistakes=(
        Mistake("square root missing",
                "After t steps s = t·g², and the step divides by √s = √t·|g|.",
                _size_without_root),
        Mistake("old s used (one step late)",
                "Step t already includes its own gradient: s = t·g², not (t − 1)·g².",
                _size_old_s),
        Mistake("gradient not squared",
                "s adds up g², so √s = √t·|g| and |g| cancels out.",
                _size_not_squared),
    ),
    hints=(
        "After t steps with the same gradient g, s = t·g².",
        "The step is η·|g| / √(t·g²). Simplify it.",
        "|g| cancels: the step is η/√t, the same for every g.",
    ),
)

STOPS_EARLY = choice_task(
    id="ex04.q4",
    title="Too early",
    answer_name="adagrad_stops_answer",
    options={
        "a": "s only ever grows, so every coordinate's step keeps shrinking, "
             "even long before the optimum.",
        "b": "It forgets old gradients too quickly, so the steps become noisy.",
        "c": "Its ε is too large and swamps the gradient.",
        "d": "It needs second derivatives, which deep networks cannot afford.",
    },
    correct="a",
    mistakes={
        "b": ("AdaGrad confused with RMSProp",
              "AdaGrad never forgets: s is a sum over all steps. Forgetting is RMSProp's fix."),
        "c": ("ε blamed",
              "ε only matters while s is near 0; the trouble is s growing without end."),
        "d": ("AdaGrad taken as second-order",
              "AdaGrad uses only gradients; its s is a sum of squared first derivatives."),
    },
    hints=(
        "Look at your adagrad_step_size: what happens to the step as t grows?",
        "Which of the two algorithms keeps every gradient it has ever seen?",
    ),
)

EXERCISE = Exercise("ex04", "AdaGrad and RMSProp", "ex04_adagrad_rmsprop",
                    (ADAGRAD, RMSPROP, STEP_SIZE, STOPS_EARLY))
