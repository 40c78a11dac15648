"""Adam and AdamW: momentum and RMSProp together, with bias correction (lesson 6)."""

from __future__ import annotations

import math

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Flag, Number
from course_lib.optimizers.moving_average import moving_average


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
    (The source text's m ← β₁ m − (1 − β₁) g walks uphill with its θ line:
    lesson 6 shows it; see "Errata in the source" in the README.)

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
                 amsgrad=False, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    @property
    def slot_names(self):
        return ("m", "s", "s_max") if self.amsgrad else ("m", "s")

    def _update(self, g, theta, slots, learning_rate, t):
        beta_1, beta_2, epsilon = self.beta_1, self.beta_2, self.epsilon
        m, s = slots["m"], slots["s"]
        moving_average(m, g, beta_1)                   # m ← β₁ m + (1 − β₁) g
        moving_average(s, g * g, beta_2)               # s ← β₂ s + (1 − β₂) g ⊗ g
        if self.amsgrad:
            s_max = slots["s_max"]
            s_max[...] = np.maximum(s_max, s)          # the largest s so far
            s = s_max
        # θ ← θ − η_t m ⊘ (√s + ε): m̂ and ŝ folded into the rate η_t, as in Keras
        learning_rate_t = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        theta -= learning_rate_t * (m / (np.sqrt(s) + epsilon))


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
                 epsilon=1e-7, amsgrad=False, **clipping):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, **clipping)
        self.weight_decay = weight_decay

    def _update(self, g, theta, slots, learning_rate, t):
        theta *= 1 - learning_rate * self.weight_decay      # θ ← (1 − η λ) θ
        super()._update(g, theta, slots, learning_rate, t)
