"""Nadam: Adam with Nesterov's look-ahead on the momentum term (lesson 7)."""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Number
from course_lib.optimizers.moving_average import moving_average


class Nadam(Optimizer):
    """Nadam: Adam whose momentum term looks one step ahead, as Nesterov's does.

    The momentum coefficient warms up over the first steps::

        μ_t = β₁ (1 − ½ · 0.96ᵗ)          Π_t = μ_1 μ_2 … μ_t

    and at step t = 1, 2, …::

        m ← β₁ m + (1 − β₁) g
        s ← β₂ s + (1 − β₂) g ⊗ g
        m̂ = μ_{t+1} m / (1 − Π_{t+1}) + (1 − μ_t) g / (1 − Π_t)
        ŝ = s / (1 − β₂ᵗ)
        θ ← θ − η m̂ ⊘ (√ŝ + ε)

    The first term of m̂ is the momentum as it will be after the next step
    (the look-ahead), the second the current gradient. Π, the running product
    ``u_product``, is one number for the whole optimizer, updated once per
    step and saved with the state. The slots are ``"m"`` and ``"s"``.

    These are Keras 3's formulas: with β₁ = 0.9, μ_t starts at 0.468 and is
    within 1 % of β₁ after about 100 steps. PyTorch's ``torch.optim.NAdam``
    warms up far more slowly, μ_t = β₁ (1 − ½ · 0.96^(ψ t)) with
    ``momentum_decay`` ψ = 0.004: μ is still 0.52 after 1000 steps and 0.70
    after 5000. It also uses η = 0.002 and ε = 1e-8. ``TorchNadam`` in
    ``course_lib.optimizers.pytorch`` is that form.
    """

    slot_names = ("m", "s")
    _state_attributes = ("u_product",)
    beta_1 = Number(0.0, 1.0)
    beta_2 = Number(0.0, 1.0)
    epsilon = Number(0.0)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.u_product = 1.0

    def _mu(self, t):
        """μ_t = β₁ (1 − ½ · 0.96ᵗ)"""
        return self.beta_1 * (1 - 0.5 * 0.96**t)

    def _start_step(self, t):
        self.u_product *= self._mu(t)                  # Π_t = Π_{t−1} μ_t

    def _update(self, g, theta, slots, learning_rate, t):
        beta_2, epsilon = self.beta_2, self.epsilon
        m, s = slots["m"], slots["s"]
        moving_average(m, g, self.beta_1)              # m ← β₁ m + (1 − β₁) g
        moving_average(s, g * g, beta_2)               # s ← β₂ s + (1 − β₂) g ⊗ g
        mu, mu_next = self._mu(t), self._mu(t + 1)
        u_product = self.u_product                     # Π_t
        u_product_next = u_product * mu_next           # Π_{t+1}
        # η m̂ = η μ_{t+1} m / (1 − Π_{t+1}) + η (1 − μ_t) g / (1 − Π_t)
        learning_rate_m_hat = (learning_rate * mu_next / (1 - u_product_next) * m
                               + learning_rate * (1 - mu) / (1 - u_product) * g)
        s_hat = s / (1 - beta_2**t)
        # θ ← θ − η m̂ ⊘ (√ŝ + ε)
        theta -= learning_rate_m_hat / (np.sqrt(s_hat) + epsilon)
