"""Exercise 07, AdaMax and Nadam: the ℓ∞ norm in place of the ℓ2 norm, and Nesterov in Adam.

AdaMax follows Keras: u ← max(β₂u, |∇|) and θ ← θ − η/(1 − β₁ᵗ) · m ⊘ (u + ε).
Nadam is Dozat's form with a constant β₁, which the notebook states. Keras warms the
momentum up as μ_t = β₁(1 − ½·0.96ᵗ), within 1 % of β₁ from step 96 on; PyTorch's
schedule, 0.96^(0.004 t), takes about 24 000 steps to get there.
"""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Mistake, Task, choice_task, value_task
from . import draw


def adamax_step(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):
    """m ← β₁m + (1 − β₁)∇;  u ← max(β₂u, |∇|);  θ ← θ − η/(1 − β₁ᵗ) · m ⊘ (u + ε).
    Returns the new (θ, m, u)."""
    m = beta_1 * m + (1 - beta_1) * grad
    u = np.maximum(beta_2 * u, np.abs(grad))
    return theta - learning_rate / (1 - beta_1**t) * m / (u + epsilon), m, u


def _adamax(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon, *, absolute=True,
            corrected=True, u_corrected=False, decay_after_max=False, direction=-1.0):
    """AdaMax with one thing changed, to build the wrong variants from."""
    m = beta_1 * m + (1 - beta_1) * grad
    size = np.abs(grad) if absolute else grad
    u = beta_2 * np.maximum(u, size) if decay_after_max else np.maximum(beta_2 * u, size)
    scale = u / (1 - beta_2**t) if u_corrected else u
    rate = learning_rate / (1 - beta_1**t) if corrected else learning_rate
    return theta + direction * rate * m / (scale + epsilon), m, u


def _without_absolute(**kwargs):
    return _adamax(**kwargs, absolute=False)


def _without_correction(**kwargs):
    return _adamax(**kwargs, corrected=False)


def _u_corrected(**kwargs):
    return _adamax(**kwargs, u_corrected=True)


def _decay_after_max(**kwargs):
    return _adamax(**kwargs, decay_after_max=True)


def _adamax_sign_flipped(**kwargs):
    return _adamax(**kwargs, direction=1.0)


def _adamax_pytorch(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):
    """PyTorch's Adamax: ε inside the max, u ← max(β₂u, |∇| + ε), and the step divides by u."""
    m = beta_1 * m + (1 - beta_1) * grad
    u = np.maximum(beta_2 * u, np.abs(grad) + epsilon)
    return theta - learning_rate / (1 - beta_1**t) * m / u, m, u


def _adamax_beta_times_t(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    u = np.maximum(beta_2 * u, np.abs(grad))
    return theta - learning_rate / (1 - beta_1 * t) * m / (u + epsilon), m, u


def _random_adamax(rng):
    n = draw.size(rng)
    return {"theta": draw.vector(rng, n), "m": draw.vector(rng, n, 0.1),
            "u": draw.positive_vector(rng, n, 0.5), "grad": draw.vector(rng, n),
            "t": int(rng.integers(1, 101)), "learning_rate": draw.log_uniform(rng, 1e-4, 0.1),
            "beta_1": draw.uniform(rng, 0.8, 0.95), "beta_2": draw.near_one(rng, 1e-4, 1e-2),
            "epsilon": draw.log_uniform(rng, 1e-8, 1e-4)}


_DEFAULTS = {"learning_rate": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}

ADAMAX = Task(
    id="ex07.q1",
    title="One AdaMax step",
    answer_name="adamax_step",
    reference=adamax_step,
    outputs=("theta", "m", "u"),
    points=2,
    edge_cases=(
        Case("first step with a negative gradient", {
            "theta": np.array([1.0, 1.0]), "m": np.zeros(2), "u": np.zeros(2),
            "grad": np.array([-0.5, 2.0]), "t": 1, **_DEFAULTS}),
        Case("a big gradient long ago, small ones now", {
            "theta": np.array([0.0, 0.5]), "m": np.array([0.1, -0.1]),
            "u": np.array([3.0, 2.0]), "grad": np.array([0.2, -0.1]), "t": 50, **_DEFAULTS}),
        Case("tiny gradients with ε = 1e-3", {
            "theta": np.array([0.0, 0.0]), "m": np.zeros(2), "u": np.zeros(2),
            "grad": np.array([1e-3, -2e-3]), "t": 1, **{**_DEFAULTS, "epsilon": 1e-3}}),
    ),
    random_kwargs=_random_adamax,
    mistakes=(
        Mistake("AdaMax without the absolute value",
                "u tracks the size of the gradient: max(β₂u, |∇|). Without |·| a negative "
                "gradient never raises u. The source text drops the bars.",
                _without_absolute),
        Mistake("bias correction missing",
                "m still starts at 0: scale the step by η/(1 − β₁ᵗ).",
                _without_correction),
        Mistake("u bias-corrected too",
                "AdaMax has no correction for u: a max is not pulled toward 0 the way an "
                "average is.",
                _u_corrected),
        Mistake("β₂ applied after the max",
                "Decay the old u first, then compare: max(β₂u, |∇|), not β₂·max(u, |∇|).",
                _decay_after_max),
        Mistake("sign flipped",
                "The step goes against m: θ − η/(1 − β₁ᵗ) · m ⊘ (u + ε).",
                _adamax_sign_flipped),
        Mistake("PyTorch's form (ε inside the max)",
                "That is how PyTorch writes AdaMax, u ← max(β₂u, |∇| + ε), and it is right in "
                "PyTorch. This task follows Keras: u ← max(β₂u, |∇|), and ε is added when "
                "dividing, m ⊘ (u + ε).",
                _adamax_pytorch),
        Mistake("β·t where βᵗ belongs",
                "The correction raises β₁ to the power t: 1 - beta_1**t, with ** not *.",
                _adamax_beta_times_t),
    ),
    hints=(
        "m is exactly Adam's m. Only the second line and the step change.",
        "u = np.maximum(beta_2 * u, np.abs(grad)), element-wise.",
        "theta - learning_rate / (1 - beta_1**t) * m / (u + epsilon); return (theta, m, u).",
    ),
)


def nadam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    """Adam with Nesterov's look-ahead on m (constant β₁). Returns the new (θ, m, s).

    m ← β₁m + (1 − β₁)∇;  s ← β₂s + (1 − β₂)∇⊗∇;
    m̄ = β₁ m / (1 − β₁ᵗ⁺¹) + (1 − β₁) ∇ / (1 − β₁ᵗ);  ŝ = s / (1 − β₂ᵗ);
    θ ← θ − η m̄ ⊘ (√ŝ + ε).
    """
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_bar = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_bar / (np.sqrt(s_hat) + epsilon), m, s


def _nadam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon, *, lookahead=True,
           lookahead_power=1, corrected=True, epsilon_inside=False, direction=-1.0):
    """Nadam with one thing changed, to build the wrong variants from."""
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    if not corrected:
        m_bar, s_hat = beta_1 * m + (1 - beta_1) * grad, s
    elif lookahead:
        m_bar = (beta_1 * m / (1 - beta_1 ** (t + lookahead_power))
                 + (1 - beta_1) * grad / (1 - beta_1**t))
        s_hat = s / (1 - beta_2**t)
    else:
        m_bar, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
    root = np.sqrt(s_hat + epsilon) if epsilon_inside else np.sqrt(s_hat) + epsilon
    return theta + direction * learning_rate * m_bar / root, m, s


def _lookahead_on_old_m(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    """The look-ahead term built from m before this step's update."""
    m_bar = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_bar / (np.sqrt(s_hat) + epsilon), m, s


def _plain_adam(**kwargs):
    return _nadam(**kwargs, lookahead=False)


def _lookahead_power_t(**kwargs):
    return _nadam(**kwargs, lookahead_power=0)


def _nadam_without_correction(**kwargs):
    return _nadam(**kwargs, corrected=False)


def _nadam_epsilon_inside(**kwargs):
    return _nadam(**kwargs, epsilon_inside=True)


def _nadam_sign_flipped(**kwargs):
    return _nadam(**kwargs, direction=1.0)


def _random_nadam(rng):
    kwargs = _random_adamax(rng)
    kwargs["s"] = draw.positive_vector(rng, len(kwargs.pop("u")), 0.01)
    return kwargs


NADAM = Task(
    id="ex07.q2",
    title="One Nadam step",
    answer_name="nadam_step",
    reference=nadam_step,
    outputs=("theta", "m", "s"),
    points=2,
    edge_cases=(
        Case("first step (t = 1, m = s = 0)", {
            "theta": np.array([1.0, -1.0]), "m": np.zeros(2), "s": np.zeros(2),
            "grad": np.array([0.5, -2.0]), "t": 1, **_DEFAULTS}),
        Case("tiny gradients with ε = 1e-3", {
            "theta": np.array([0.0, 0.0]), "m": np.zeros(2), "s": np.zeros(2),
            "grad": np.array([1e-3, -2e-3]), "t": 1, **{**_DEFAULTS, "epsilon": 1e-3}}),
        Case("a later step (t = 20)", {
            "theta": np.array([0.3, -0.3]), "m": np.array([0.05, 0.02]),
            "s": np.array([0.003, 0.002]), "grad": np.array([0.1, -0.2]), "t": 20,
            **_DEFAULTS}),
    ),
    random_kwargs=_random_nadam,
    mistakes=(
        Mistake("look-ahead built on the old m",
                "Update m first, then use the new m in β₁m/(1 − β₁ᵗ⁺¹). (While m starts at 0 "
                "this gives the same step as plain Adam, so the first step cannot tell them "
                "apart.)",
                _lookahead_on_old_m),
        Mistake("plain Adam (no look-ahead)",
                "Nadam mixes the next step's momentum into the step: β₁m/(1 − β₁ᵗ⁺¹) plus "
                "(1 − β₁)∇/(1 − β₁ᵗ).",
                _plain_adam),
        Mistake("look-ahead corrected with β₁ᵗ instead of β₁ᵗ⁺¹",
                "The look-ahead term belongs to the next step, t + 1.",
                _lookahead_power_t),
        Mistake("bias correction missing",
                "Divide by 1 − β₁ᵗ⁺¹, 1 − β₁ᵗ and 1 − β₂ᵗ as in the formula.",
                _nadam_without_correction),
        Mistake("ε inside the square root",
                "This task puts ε outside, as in Adam: √ŝ + ε.",
                _nadam_epsilon_inside),
        Mistake("sign flipped",
                "The step subtracts: θ − η m̄ ⊘ (√ŝ + ε).",
                _nadam_sign_flipped),
    ),
    hints=(
        "Start from your Adam step: m and s are updated the same way.",
        "Replace m̂ by m̄ = β₁ m / (1 − β₁ᵗ⁺¹) + (1 − β₁) grad / (1 − β₁ᵗ).",
        "theta - learning_rate * m_bar / (np.sqrt(s_hat) + epsilon).",
    ),
)

U_BY_HAND = value_task(
    id="ex07.q3",
    title="AdaMax's u by hand",
    answer_name="u_after_three_steps",
    answer=5.4,
    mistakes={
        1.62: ("AdaMax without the absolute value",
               "With |·| the −6 of step 2 counts as a size of 6."),
        4.86: ("β₂ applied after the max",
               "Decay first, then compare: u ← max(β₂u, |∇|)."),
        6.0: ("β₂ decay left out",
              "The old u is multiplied by β₂ = 0.9 before it is compared."),
    },
    hints=(
        "Write out u₁, u₂ and u₃ with u₀ = 0: u ← max(0.9·u, |g|).",
        "u₁ = max(0, 2) = 2. Go on with g = −6, then g = 1.",
    ),
)

NADAM_IS = choice_task(
    id="ex07.q4",
    title="What Nadam adds",
    answer_name="nadam_answer",
    options={
        "a": "The ℓ∞ norm: s is replaced by a decaying maximum of |∇|.",
        "b": "Nesterov's look-ahead: the step uses the momentum of the next step.",
        "c": "A learning rate that decays as 1/√t.",
        "d": "The largest s seen so far, so that the steps never grow (AMSGrad).",
    },
    correct="b",
    mistakes={
        "a": ("Nadam confused with AdaMax",
              "The decaying maximum is AdaMax. Nadam is Adam plus Nesterov."),
        "c": ("Nadam taken as a schedule",
              "Nadam changes the direction term, not the learning rate."),
        "d": ("Nadam confused with AMSGrad",
              "Keeping the largest s is AMSGrad (Adam(amsgrad=True) in Keras)."),
    },
    hints=(
        "The N stands for a method you met two lessons earlier.",
        "Which earlier method measured the gradient one momentum step ahead?",
    ),
)

EXERCISE = Exercise("ex07", "AdaMax and Nadam", "ex07_adamax_nadam",
                    (ADAMAX, NADAM, U_BY_HAND, NADAM_IS))
