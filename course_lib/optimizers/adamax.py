"""AdaMax: Adam with the largest recent |g| in place of the root of s (lesson 7)."""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Number
from course_lib.optimizers.moving_average import moving_average


class Adamax(Optimizer):
    """AdaMax: scale the step by a decaying maximum of |g| instead of √s.

    At step t = 1, 2, …::

        m ← β₁ m + (1 − β₁) g
        u ← max(β₂ u, |g|)
        θ ← θ − η m ⊘ ((1 − β₁ᵗ)(u + ε))

    u is Adam's √s with the ℓ2 norm over time replaced by the ℓ∞ norm; it
    needs no bias correction. The absolute value matters: without it a
    negative gradient would never raise u (the source text drops it: lesson 7
    shows it; see "Errata in the source" in the README). The slots are
    ``"m"`` and ``"u"``. As Adam does, the code folds m's correction into the
    rate, η_t = η / (1 − β₁ᵗ), and computes θ ← θ − η_t m ⊘ (u + ε).

    PyTorch's ``torch.optim.Adamax`` puts ε inside the maximum,
    u ← max(β₂ u, |g| + ε), then θ ← θ − η m ⊘ ((1 − β₁ᵗ) u), with η = 0.002
    and ε = 1e-8 (Keras: 0.001 and 1e-7).
    """

    slot_names = ("m", "u")
    beta_1 = Number(0.0, 1.0)
    beta_2 = Number(0.0, 1.0)
    epsilon = Number(0.0)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _update(self, g, theta, slots, learning_rate, t):
        beta_1, beta_2, epsilon = self.beta_1, self.beta_2, self.epsilon
        m, u = slots["m"], slots["u"]
        moving_average(m, g, beta_1)                   # m ← β₁ m + (1 − β₁) g
        u[...] = np.maximum(beta_2 * u, np.abs(g))     # u ← max(β₂ u, |g|)
        # θ ← θ − η_t m ⊘ (u + ε): m̂ folded into the rate η_t, as in Keras
        learning_rate_t = learning_rate / (1 - beta_1**t)
        theta -= learning_rate_t * (m / (u + epsilon))
