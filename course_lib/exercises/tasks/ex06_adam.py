"""Exercise 06, Adam: the full step, the first step, and what bias correction is for.

Convention (stated in the notebook): m accumulates +∇ and the step subtracts, and ε
sits outside the square root, added to √ŝ as in the Adam paper and PyTorch. Keras
folds the bias correction into the learning rate instead, which moves ε by the factor
√(1 − β₂ᵗ); the two agree except while s is near 0. Keras's form, which lesson 06
teaches as what Keras does, is a named variant here, so that its feedback says which
convention the task uses.
"""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Mistake, Task, choice_task, value_task
from . import draw


def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    """One Adam step at iteration t (counted from 1). Returns the new (θ, m, s).

    m ← β₁m + (1 − β₁)∇;  s ← β₂s + (1 − β₂)∇⊗∇;
    m̂ = m / (1 − β₁ᵗ);  ŝ = s / (1 − β₂ᵗ);  θ ← θ − η m̂ ⊘ (√ŝ + ε).
    """
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat = m / (1 - beta_1**t)
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon, *, corrected=True,
          epsilon_inside=False, direction=-1.0, m_sign=1.0, shift=0, m_weight=None):
    """Adam with one thing changed, to build the wrong variants from."""
    m = beta_1 * m + m_sign * ((1 - beta_1) if m_weight is None else m_weight) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat, s_hat = m, s
    if corrected:
        m_hat = m / (1 - beta_1 ** (t + shift))
        s_hat = s / (1 - beta_2 ** (t + shift))
    root = np.sqrt(s_hat + epsilon) if epsilon_inside else np.sqrt(s_hat) + epsilon
    return theta + direction * learning_rate * m_hat / root, m, s


def _without_correction(**kwargs):
    return _adam(**kwargs, corrected=False)


def _epsilon_inside(**kwargs):
    return _adam(**kwargs, epsilon_inside=True)


def _sign_flipped(**kwargs):
    return _adam(**kwargs, direction=1.0)


def _source_sign_mix(**kwargs):
    return _adam(**kwargs, m_sign=-1.0)


def _one_step_late(**kwargs):
    return _adam(**kwargs, shift=1)


def _one_step_early(**kwargs):
    return _adam(**kwargs, shift=-1)


def _one_plus_betas(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 + beta_1) * grad
    s = beta_2 * s + (1 + beta_2) * grad * grad
    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def _one_plus_beta_in_m(**kwargs):
    return _adam(**kwargs, m_weight=1 + kwargs["beta_1"])


def _corrected_returned(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m_hat, s_hat


def _beta_times_t(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat, s_hat = m / (1 - beta_1 * t), s / (1 - beta_2 * t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def _keras_folded(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    """Keras's Adam: θ ← θ − η_t m ⊘ (√s + ε) with η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)."""
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    folded_rate = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return theta - folded_rate * m / (np.sqrt(s) + epsilon), m, s


def _betas_swapped(**kwargs):
    beta_1, beta_2 = kwargs["beta_1"], kwargs["beta_2"]
    return _adam(**{**kwargs, "beta_1": beta_2, "beta_2": beta_1})


def _m_without_weight(**kwargs):
    return _adam(**kwargs, m_weight=1.0)


def _random_adam(rng):
    n = draw.size(rng)
    return {"theta": draw.vector(rng, n), "m": draw.vector(rng, n, 0.1),
            "s": draw.positive_vector(rng, n, 0.01), "grad": draw.vector(rng, n),
            "t": int(rng.integers(1, 101)), "learning_rate": draw.log_uniform(rng, 1e-4, 0.1),
            "beta_1": draw.uniform(rng, 0.8, 0.95), "beta_2": draw.near_one(rng, 1e-4, 1e-2),
            "epsilon": draw.log_uniform(rng, 1e-8, 1e-4)}


_DEFAULTS = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}

STEP = Task(
    id="ex06.q1",
    title="One Adam step",
    answer_name="adam_step",
    reference=adam_step,
    outputs=("theta", "m", "s"),
    points=2,
    edge_cases=(
        Case("first step (t = 1, m = s = 0)", {
            "theta": np.array([1.0, -1.0, 0.5]), "m": np.zeros(3), "s": np.zeros(3),
            "grad": np.array([0.5, -2.0, 4.0]), "t": 1, **_DEFAULTS}),
        Case("tiny gradients with ε = 1e-3", {
            "theta": np.array([1.0, -1.0]), "m": np.zeros(2), "s": np.zeros(2),
            "grad": np.array([1e-3, -2e-3]), "t": 1,
            **{**_DEFAULTS, "learning_rate": 0.01, "epsilon": 1e-3}}),
        Case("a later step (t = 1000)", {
            "theta": np.array([0.2, 0.3]), "m": np.array([0.05, -0.02]),
            "s": np.array([0.004, 0.001]), "grad": np.array([0.1, -0.05]), "t": 1000,
            **_DEFAULTS}),
    ),
    random_kwargs=_random_adam,
    mistakes=(
        Mistake("bias correction missing",
                "Divide m by 1 − β₁ᵗ and s by 1 − β₂ᵗ before the step. Without it the step "
                "is (1 − β₁ᵗ)/√(1 − β₂ᵗ) times the corrected one: with the default betas "
                "3.16× too long at t = 1.",
                _without_correction),
        Mistake("ε inside the square root",
                "This task puts ε outside, as the Adam paper and PyTorch do: √ŝ + ε.",
                _epsilon_inside),
        Mistake("Keras's folded form (ε on the uncorrected √s)",
                "That is how Keras computes Adam, η√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m ⊘ (√s + ε), and it "
                "is right in Keras. This task uses the paper's and PyTorch's convention, ε "
                "added to the corrected root: θ − η m̂ ⊘ (√ŝ + ε). The two differ while √ŝ "
                "is near ε.",
                _keras_folded),
        Mistake("sign flipped",
                "With m averaging +∇, the step subtracts: θ − η m̂ ⊘ (√ŝ + ε).",
                _sign_flipped),
        Mistake("m accumulates −∇ while the step subtracts (the source's sign mix-up)",
                "The source text writes m ← β₁m − (1−β₁)∇ and θ ← θ − η m̂…: together they walk "
                "uphill. Average +∇ into m.",
                _source_sign_mix),
        Mistake("bias correction one step off (t + 1)",
                "t counts from 1 at the first step: divide by 1 − βᵗ, not 1 − βᵗ⁺¹.",
                _one_step_late),
        Mistake("β₁ and β₂ swapped",
                "β₁ (0.9) averages the gradients in m, β₂ (0.999) the squares in s.",
                _betas_swapped),
        Mistake("(1−β₁) missing in m",
                "m is an average: β₁m + (1 − β₁)∇, not a sum β₁m + ∇.",
                _m_without_weight),
        Mistake("bias correction one step early (t − 1)",
                "t is already this step's number, counted from 1: divide by 1 − βᵗ. With "
                "t − 1 the first step divides by 1 − β⁰ = 0.",
                _one_step_early),
        Mistake("1+β where 1−β belongs",
                "m and s are weighted averages: the weights β and 1 − β add up to 1, so "
                "β₁m + (1 − β₁)∇ and β₂s + (1 − β₂)∇².",
                _one_plus_betas),
        Mistake("1+β₁ where 1−β₁ belongs (in m)",
                "m is a weighted average: the weights β₁ and 1 − β₁ add up to 1, so "
                "β₁m + (1 − β₁)∇.",
                _one_plus_beta_in_m),
        Mistake("m̂ and ŝ returned instead of m and s",
                "The corrected m̂ and ŝ are only for this step; keep and return the running "
                "averages m and s, which the next step corrects with its own t.",
                _corrected_returned),
        Mistake("β·t where βᵗ belongs",
                "The correction raises β to the power t: 1 - beta_1**t, with ** not *.",
                _beta_times_t),
    ),
    hints=(
        "Five lines, in order: m, s, m̂, ŝ, θ.",
        "t counts from 1: at the first step 1 − β₁ᵗ = 1 − β₁ = 0.1 for β₁ = 0.9.",
        "theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), and return (theta, m, s).",
    ),
)


def adam_first_step(grad, learning_rate, beta_1, beta_2, epsilon):
    """Δθ of Adam's first step from m = s = 0: m̂ = ∇ and ŝ = ∇², so Δθ = −η∇ ⊘ (|∇| + ε)."""
    return -learning_rate * grad / (np.abs(grad) + epsilon)


def _first_without_correction(grad, learning_rate, beta_1, beta_2, epsilon):
    return -learning_rate * (1 - beta_1) * grad / (np.sqrt(1 - beta_2) * np.abs(grad) + epsilon)


def _first_epsilon_inside(grad, learning_rate, beta_1, beta_2, epsilon):
    return -learning_rate * grad / np.sqrt(grad * grad + epsilon)


def _first_keras_folded(grad, learning_rate, beta_1, beta_2, epsilon):
    return -learning_rate * grad / (np.abs(grad) + epsilon / np.sqrt(1 - beta_2))


def _first_sign_flipped(grad, learning_rate, beta_1, beta_2, epsilon):
    return learning_rate * grad / (np.abs(grad) + epsilon)


def _first_sign_of_gradient(grad, learning_rate, beta_1, beta_2, epsilon):
    return -learning_rate * np.sign(grad)


def _random_first(rng):
    return {"grad": draw.vector(rng, draw.size(rng), 5.0),
            "learning_rate": draw.log_uniform(rng, 1e-4, 0.1),
            "beta_1": draw.uniform(rng, 0.8, 0.95), "beta_2": draw.near_one(rng, 1e-4, 1e-2),
            "epsilon": draw.log_uniform(rng, 1e-8, 1e-4)}


FIRST_STEP = Task(
    id="ex06.q2",
    title="Adam's first step",
    answer_name="adam_first_step",
    reference=adam_first_step,
    points=2,
    edge_cases=(
        Case("gradients of very different sizes", {
            "grad": np.array([3.0, -0.01, 100.0]), **_DEFAULTS}),
        Case("tiny gradients with ε = 1e-4", {
            "grad": np.array([1e-3, -1e-4]), **{**_DEFAULTS, "epsilon": 1e-4}}),
    ),
    random_kwargs=_random_first,
    mistakes=(
        Mistake("bias correction missing",
                "At t = 1, m = (1 − β₁)∇ and s = (1 − β₂)∇²; dividing by 1 − β₁ and 1 − β₂ "
                "gives back m̂ = ∇ and ŝ = ∇².",
                _first_without_correction),
        Mistake("ε inside the square root",
                "This task puts ε outside: √ŝ + ε = |∇| + ε.",
                _first_epsilon_inside),
        Mistake("Keras's folded form (ε on the uncorrected √s)",
                "Keras's Adam gives −η∇ ⊘ (|∇| + ε/√(1 − β₂)) at t = 1, and that is right in "
                "Keras. This task uses the paper's and PyTorch's convention, ε added to the "
                "corrected root: −η∇ ⊘ (|∇| + ε).",
                _first_keras_folded),
        Mistake("sign flipped",
                "The step goes against the gradient: Δθ = −η ∇ ⊘ (|∇| + ε).",
                _first_sign_flipped),
        Mistake("ε left out (−η·sign(∇))",
                "−η·sign(∇) is the size the first step nearly has, not the step: ε stays in "
                "the denominator, −η∇ ⊘ (|∇| + ε), and for gradients near ε it makes the step "
                "much shorter than η.",
                _first_sign_of_gradient),
    ),
    hints=(
        "Run your adam_step once from θ = 0, m = s = 0, t = 1 and return the new θ, or work "
        "it out by hand.",
        "At t = 1 the bias correction gives m̂ = ∇ and ŝ = ∇² exactly.",
        "So Δθ = −η ∇ ⊘ (|∇| + ε): about η in every coordinate, whatever the gradient's size.",
    ),
)

CORRECTION_TIME = value_task(
    id="ex06.q3",
    title="When bias correction fades",
    answer_name="steps_until_correction_below_two",
    answer=693,
    whole_number=True,
    mistakes={
        692: ("one step early (off-by-one)",
              "At t = 692, 1/(1 − 0.999ᵗ) is still a little above 2; look for the first t "
              "where it is below."),
        694: ("one step late (off-by-one)",
              "At t = 693 the factor is already below 2."),
        1000: ("the averaging window 1/(1−β₂) instead",
               "1/(1 − β₂) = 1000 is how many steps s averages over, not when the correction "
               "halves."),
    },
    hints=(
        "The factor ŝ/s is 1/(1 − β₂ᵗ). Find the first t with 1/(1 − 0.999ᵗ) < 2.",
        "That is 0.999ᵗ < 1/2, so t > ln(1/2)/ln(0.999). Or loop over t until it holds.",
    ),
)

WHY_CORRECTION = choice_task(
    id="ex06.q4",
    title="What bias correction is for",
    answer_name="bias_correction_answer",
    options={
        "a": "m and s start at 0, so their early averages are pulled toward 0; dividing by "
             "1 − βᵗ undoes that.",
        "b": "It stops the step from walking uphill.",
        "c": "It moves ε to the right place in the square root.",
        "d": "It is a learning-rate schedule that slows training down over time.",
    },
    correct="a",
    mistakes={
        "b": ("correction confused with the sign",
              "The direction comes from the signs in the m update and the step, not from "
              "the correction."),
        "c": ("correction confused with ε's place",
              "ε's place is a separate choice; the correction divides m and s by 1 − βᵗ."),
        "d": ("correction taken as a schedule",
              "The factor 1/(1 − βᵗ) falls to 1 within a few hundred steps and then does "
              "nothing; it repairs the start, it does not schedule."),
    },
    hints=(
        "What are m and s before the first step?",
        "After one step m = (1 − β₁)∇: only a tenth of the gradient for β₁ = 0.9.",
    ),
)

EXERCISE = Exercise("ex06", "Adam", "ex06_adam",
                    (STEP, FIRST_STEP, CORRECTION_TIME, WHY_CORRECTION))
