"""Nadam: Adam with Nesterov's look-ahead on the momentum term (lesson 7)."""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Number


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
    # m̂ and √ŝ + ε are needed at the same time, so this update needs two.
    scratch_buffers = 2
    _state_attributes = ("u_product",)
    beta_1 = Number(0.0, 1.0)
    beta_2 = Number(0.0, 1.0)
    epsilon = Number(0.0)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.u_product = 1.0

    def _coefficients(self, learning_rate, step):
        mu = self.beta_1 * (1 - 0.5 * 0.96**step)
        mu_next = self.beta_1 * (1 - 0.5 * 0.96 ** (step + 1))
        self.u_product *= mu                          # Π_t, once per step
        u_product_next = self.u_product * mu_next     # Π_{t+1}
        # η is folded into the two weights of m̂, so the code computes η m̂ directly.
        return {"one_minus_beta_1": 1 - self.beta_1, "one_minus_beta_2": 1 - self.beta_2,
                "momentum_weight": learning_rate * mu_next / (1 - u_product_next),
                "gradient_weight": learning_rate * (1 - mu) / (1 - self.u_product),
                "bias_correction_2": 1 - self.beta_2**step, "epsilon": self.epsilon}

    def _update(self, g, theta, slots, c, w, w2):
        m, s = slots["m"], slots["s"]
        np.subtract(g, m, out=w)
        w *= c.one_minus_beta_1
        m += w                                        # m ← m + (1 − β₁)(g − m)
        np.square(g, out=w)
        w -= s
        w *= c.one_minus_beta_2
        s += w                                        # s ← s + (1 − β₂)(g ⊗ g − s)
        np.multiply(m, c.momentum_weight, out=w)
        np.multiply(g, c.gradient_weight, out=w2)
        w += w2                                       # w = η m̂
        np.divide(s, c.bias_correction_2, out=w2)
        np.sqrt(w2, out=w2)
        w2 += c.epsilon                               # w2 = √ŝ + ε
        np.divide(w, w2, out=w)
        theta -= w                                    # θ ← θ − η m̂ ⊘ (√ŝ + ε)
