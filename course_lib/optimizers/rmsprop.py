"""RMSProp: AdaGrad with a decaying average in place of the sum (lesson 5)."""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Flag, Number


class RMSprop(Optimizer):
    """RMSProp: divide the step by the root of a moving average of g².

    ::

        s ← ρ s + (1 − ρ) g ⊗ g
        θ ← θ − η g ⊘ √(s + ε)

    The average forgets old gradients: it looks back about 1 / (1 − ρ)
    steps, so unlike AdaGrad the step does not shrink for good. s is the slot
    ``"s"``; ε sits inside the root, as in Keras. (The source text drops the
    "+ (1 − ρ)" in the first line: lesson 5 says so; see "Errata in the source"
    in the README.)

    ``centered=True`` also averages the gradient, ḡ ← ρ ḡ + (1 − ρ) g (slot
    ``"g_bar"``), and divides by √(s − ḡ ⊗ ḡ + ε), the root of a variance.
    ``momentum`` > 0 sends the step through a velocity (slot ``"momentum"``):
    m ← β m + η g ⊘ √(…), then θ ← θ − m.

    PyTorch's ``torch.optim.RMSprop`` calls ρ ``alpha`` and defaults it to
    0.99 (Keras: 0.9), adds ε = 1e-8 outside the root, θ ← θ − η g ⊘ (√s + ε),
    defaults to η = 0.01, and keeps η out of its velocity:
    b ← μ b + g ⊘ (√s + ε), θ ← θ − η b.
    """

    rho = Number(0.0, 1.0)
    momentum = Number(0.0, 1.0)
    epsilon = Number(0.0)
    centered = Flag()

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **clipping):
        super().__init__(learning_rate, **clipping)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    @property
    def slot_names(self):
        return ("s",) + ("g_bar",) * self.centered + ("momentum",) * (self.momentum > 0)

    def _update(self, g, theta, slots, learning_rate, t):
        rho, momentum, epsilon = self.rho, self.momentum, self.epsilon
        s = slots["s"]
        s *= rho
        s += (1 - rho) * (g * g)                            # s ← ρ s + (1 − ρ) g ⊗ g
        if self.centered:
            g_bar = slots["g_bar"]
            g_bar *= rho
            g_bar += (1 - rho) * g                          # ḡ ← ρ ḡ + (1 − ρ) g
            root = np.sqrt(s - g_bar * g_bar + epsilon)     # √(s − ḡ ⊗ ḡ + ε)
        else:
            root = np.sqrt(s + epsilon)                     # √(s + ε)
        if momentum == 0:
            theta -= learning_rate * g / root               # θ ← θ − η g ⊘ √(s + ε)
            return
        velocity = slots["momentum"]
        velocity *= momentum
        velocity += learning_rate * g / root                # m ← β m + η g ⊘ √(…)
        theta -= velocity                                   # θ ← θ − m
