"""Lesson 6 pictures: what Adam's bias correction does, and where ε goes.

m and v start at 0, so after t steps of a steady gradient g they hold (1 − β₁ᵗ) g and
(1 − β₂ᵗ) g²: too small, and by different factors. Dividing by 1 − βᵗ (m̂, ŝ) undoes
both, and the step η m̂ ⊘ (√ŝ + ε) is about η · sign(g) from the very first step,
whatever the size of g. Without the correction the early steps are (1 − β₁ᵗ)/√(1 − β₂ᵗ)
times that: 3 to 6.6 times too long with the defaults β₁ = 0.9, β₂ = 0.999.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.optimizers.moving_average import moving_average
from course_lib.plots.colors import LOOKS, OKABE_ITO, SERIES, Look
from course_lib.plots.rmsprop import replay
from course_lib.validation import finite_array, integer

ADAM_COLOR = LOOKS["Adam"].color
UNCORRECTED_LOOK = Look("#994F00", ":", "x")
"""Adam without the correction: a darker vermillion, dotted, with crosses, never colour alone."""
PLACEMENT_LOOKS = {"Keras": Look(LOOKS["Adam"].color, "-", "o"),
                   "PyTorch": Look(OKABE_ITO["blue"], "--", "s"),
                   "book": Look("#7f7f7f", "-.", "^")}


class AdamWithoutCorrection(optimizers.Adam):
    """Adam with the bias correction left out, to show what it is for::

        m ← β₁ m + (1 − β₁) g       v ← β₂ v + (1 − β₂) g ⊗ g
        θ ← θ − η m ⊘ (√s + ε)

    No library offers this; it is Adam with 1 − β₁ᵗ and 1 − β₂ᵗ replaced by 1.
    """

    def _update(self, g, theta, slots, learning_rate, t):
        m, s = slots["m"], slots["s"]
        moving_average(m, g, self.beta_1)               # m ← β₁ m + (1 − β₁) g
        moving_average(s, g * g, self.beta_2)           # s ← β₂ s + (1 − β₂) g ⊗ g
        theta -= learning_rate * (m / (np.sqrt(s) + self.epsilon))


def steady_steps(optimizer, steps: int, gradient: float = 1.0) -> np.ndarray:
    """|step| / η of ``optimizer`` over ``steps`` steps of the same ``gradient``."""
    steps = integer(steps, "steps", low=1)
    moves, _ = replay(optimizer, np.full(steps, float(gradient)))
    return np.abs(moves) / optimizer.learning_rate


def moments(beta_1: float = 0.9, beta_2: float = 0.999, steps: int = 50,
            gradient: float = 1.0) -> dict[str, np.ndarray]:
    """m, s and their corrections m̂, ŝ after each step of a steady ``gradient``.

    m and s are read from the slots of the course's ``Adam``; m̂ = m/(1 − β₁ᵗ) and
    ŝ = s/(1 − β₂ᵗ) are the lesson's steps 3 and 4.
    """
    steps = integer(steps, "steps", low=1)
    optimizer = optimizers.Adam(learning_rate=1e-3, beta_1=beta_1, beta_2=beta_2)
    _, slots = replay(optimizer, np.full(steps, float(gradient)), slots=("m", "s"))
    t = np.arange(1, steps + 1)
    return {**slots, "m_hat": slots["m"] / (1 - beta_1**t), "s_hat": slots["s"] / (1 - beta_2**t)}


def bias_correction(beta_1: float = 0.9, beta_2: float = 0.999, steps: int = 50,
                    pairs=((0.9, 0.999), (0.9, 0.9), (0.99, 0.999))) -> Figure:
    """Left: m, √s and their corrected m̂, √ŝ on g = 1. Right: step / η with and without.

    With the correction every (β₁, β₂) pair steps exactly η; without it the step is
    (1 − β₁ᵗ)/√(1 − β₂ᵗ) η, too long when β₂ is closer to 1 than β₁, too short otherwise.
    """
    t = np.arange(1, steps + 1)
    fig = Figure(figsize=(10.0, 3.5), layout="constrained")
    left, right = fig.subplots(1, 2)
    averages = moments(beta_1, beta_2, steps)
    left.plot(t, averages["m"], color="#1f77b4", label="m")
    left.plot(t, averages["m_hat"], "--", color="#1f77b4", label="m̂ = m / (1 − β₁ᵗ)")
    left.plot(t, np.sqrt(averages["s"]), color="#ff7f0e", label="√s")
    left.plot(t, np.sqrt(averages["s_hat"]), ":", color="#ff7f0e", linewidth=2.2,
              label="√ŝ = √(s / (1 − β₂ᵗ))")
    left.set_xlabel("step t")
    left.set_title(f"g = 1 every step, β₁ = {beta_1:g}, β₂ = {beta_2:g}")
    left.set_ylim(0, 1.15)
    left.legend(fontsize=8, loc="center right")
    left.grid(True, alpha=0.3)

    for i, (b1, b2) in enumerate(pairs):
        without = steady_steps(AdamWithoutCorrection(learning_rate=1e-3, beta_1=b1, beta_2=b2),
                               steps)
        look = SERIES[i % len(SERIES)]
        right.plot(t, without, color=look.color, linestyle=look.linestyle, marker=look.marker,
                   markersize=3, markevery=(i, 5), label=f"without, β₁ = {b1:g}, β₂ = {b2:g}")
    corrected = steady_steps(optimizers.Adam(learning_rate=1e-3, beta_1=beta_1, beta_2=beta_2),
                             steps)
    right.plot(t, corrected, color="k", linewidth=2.2, label="with the correction (any β)")
    right.set_xlabel("step t")
    right.set_ylabel("step / η")
    right.set_title("the step on a steady gradient")
    right.set_ylim(0, None)
    right.legend(fontsize=8, loc="center right")
    right.grid(True, alpha=0.3)
    return fig


def first_steps_by_placement(gradients, learning_rate: float = 1.0, epsilon: float = 1e-7,
                             beta_1: float = 0.9, beta_2: float = 0.999) -> dict[str, np.ndarray]:
    """The first step / η on each |g| in ``gradients``, for three places of ε.

    - ``"Keras"``: the course's ``Adam`` (as Keras 3), θ ← θ − η_t m ⊘ (√s + ε);
    - ``"PyTorch"``: ε added to the corrected root, θ ← θ − η m̂ ⊘ (√ŝ + ε);
    - ``"book"``: ε inside the root, θ ← θ − η m̂ ⊘ √(ŝ + ε).

    One ``Adam`` takes one step on a parameter holding one coordinate per gradient; the
    other two are computed from that optimizer's slots m and v, so only ε moves.
    """
    g = np.abs(finite_array(gradients, "gradients", ndim=1))
    if g.size == 0 or np.any(g == 0):
        raise ValueError(f"gradients must be non-zero numbers, at least one, got {gradients!r}")
    optimizer = optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                                epsilon=epsilon)
    theta = np.zeros_like(g)
    optimizer.apply(g, theta)
    m_hat = optimizer.slots[0]["m"] / (1 - beta_1)
    s_hat = optimizer.slots[0]["s"] / (1 - beta_2)
    return {"Keras": -theta / learning_rate,
            "PyTorch": m_hat / (np.sqrt(s_hat) + epsilon),
            "book": m_hat / np.sqrt(s_hat + epsilon)}


def epsilon_placement(epsilon: float = 1e-7) -> Figure:
    """Adam's first step / η against |g| for the three places of ε (same ε for all three).

    ε inside the root starts to bite once g² is near ε (|g| ≈ √ε ≈ 3·10⁻⁴ for 1e-7);
    outside, only once |g| itself is near ε (Keras: near ε / √(1 − β₂) on the first step).
    """
    gradients = np.logspace(-12, 0, 121)
    steps = first_steps_by_placement(gradients, epsilon=epsilon)
    fig = Figure(figsize=(7.0, 3.4), layout="constrained")
    ax = fig.subplots()
    labels = {"Keras": "Keras 3: η_t m ⊘ (√s + ε)", "PyTorch": "PyTorch: η m̂ ⊘ (√ŝ + ε)",
              "book": "the book: η m̂ ⊘ √(ŝ + ε)"}
    for name, label in labels.items():
        look = PLACEMENT_LOOKS[name]
        ax.loglog(gradients, steps[name], color=look.color, linestyle=look.linestyle,
                  marker=look.marker, markersize=4, markevery=0.1, linewidth=1.8, label=label)
    ax.axvline(np.sqrt(epsilon), color="k", linestyle=":", linewidth=0.9)
    ax.text(np.sqrt(epsilon) * 1.3, 2e-6, "|g| = √ε", fontsize=8, va="bottom")
    ax.set_xlabel("|g| on the first step")
    ax.set_ylabel("first step / η")
    ax.set_title(f"where ε = {epsilon:g} goes decides when tiny gradients stop moving θ")
    ax.set_ylim(1e-6, 30)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig
