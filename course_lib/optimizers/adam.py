"""Adam and AdamW: momentum and RMSProp together, with bias correction (lesson 6)."""

from __future__ import annotations

import math

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Flag, Number


class Adam(Optimizer):
    """Adam: a decaying average of g (like momentum) over the root of one of g² (like RMSProp).

    As the lesson writes it, at step t = 1, 2, …::

        m ← β₁ m + (1 − β₁) g
        s ← β₂ s + (1 − β₂) g ⊗ g
        m̂ = m / (1 − β₁ᵗ)       ŝ = s / (1 − β₂ᵗ)
        θ ← θ − η m̂ ⊘ (√ŝ + ε)

    m and s start at 0, so early on they are too small; dividing by 1 − βᵗ
    undoes that. The first step is then about η · sign(g), whatever the size
    of g. Keras (and this class) folds the two corrections into the rate::

        θ ← θ − η_t m ⊘ (√s + ε)      η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)

    which is the lesson's update with ε replaced by ε / √(1 − β₂ᵗ): the two
    differ only while √ŝ is as small as ε. The slots are ``"m"`` and ``"s"``.
    (The source text's m ← β₁ m − (1 − β₁) g walks uphill with its θ line;
    see ERRATA.md.)

    ``amsgrad=True`` divides by the largest s seen so far (slot ``"s_max"``),
    so a coordinate's step cannot grow because its s decayed.

    PyTorch's ``torch.optim.Adam`` uses the lesson's form, ε added to √ŝ,
    with ε = 1e-8 (Keras: 1e-7).
    """

    beta_1 = Number(0.0, 1.0)
    beta_2 = Number(0.0, 1.0)
    epsilon = Number(0.0)
    amsgrad = Flag()

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False):
        super().__init__(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    @property
    def slot_names(self):
        return ("m", "s", "s_max") if self.amsgrad else ("m", "s")

    def _coefficients(self, learning_rate, step):
        corrected = learning_rate * math.sqrt(1 - self.beta_2**step) / (1 - self.beta_1**step)
        return {"corrected_learning_rate": corrected, "one_minus_beta_1": 1 - self.beta_1,
                "one_minus_beta_2": 1 - self.beta_2, "epsilon": self.epsilon}

    def _update(self, g, theta, slots, c, w):
        m, s = slots["m"], slots["s"]
        np.subtract(g, m, out=w)
        w *= c.one_minus_beta_1
        m += w                                        # m ← m + (1 − β₁)(g − m)
        np.square(g, out=w)
        w -= s
        w *= c.one_minus_beta_2
        s += w                                        # s ← s + (1 − β₂)(g ⊗ g − s)
        if self.amsgrad:
            s = np.maximum(slots["s_max"], s, out=slots["s_max"])
        np.sqrt(s, out=w)
        w += c.epsilon
        np.divide(m, w, out=w)
        w *= c.corrected_learning_rate
        theta -= w                                    # θ ← θ − η_t m ⊘ (√s + ε)


class AdamW(Adam):
    """Adam with decoupled weight decay: shrink θ, then take the Adam step.

    ::

        θ ← θ − η λ θ = (1 − η λ) θ          (λ = weight_decay)
        then Adam's update

    Keras shrinks first, with the same η as the step. An L2 penalty added to
    g would be divided by √s like the rest of the gradient; this shrinkage is
    not, so every weight decays at the same rate.

    PyTorch's ``torch.optim.AdamW`` decays the same way, before the step, with
    λ = 0.01 (Keras: 0.004) and ε = 1e-8 added to √ŝ as in its Adam.
    """

    weight_decay = Number(0.0)

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad)
        self.weight_decay = weight_decay

    def _coefficients(self, learning_rate, step):
        return {**super()._coefficients(learning_rate, step),
                "shrink": 1 - learning_rate * self.weight_decay}

    def _update(self, g, theta, slots, c, w):
        theta *= c.shrink                             # θ ← (1 − η λ) θ
        super()._update(g, theta, slots, c, w)
