"""Schedule-free AdamW (Defazio et al., 2024), as Keras 3.15's ``ScheduleFreeAdamW`` computes it.

No schedule, and still the effect of a decaying rate: the optimizer takes Adam-like steps on a
sequence z, keeps x, the running average of every z so far, and computes the gradient at y,
a point between them. At step t = 1, 2, … with g the gradient at y::

    s ← β₂ s + (1 − β₂) g ⊗ g
    z ← z − η_t g ⊘ (√(s / (1 − β₂ᵗ)) + ε)         η_t = η · min(t / warmup_steps, 1)
    x ← (1 − 1/t) x + (1/t) z                      the mean of z₁, …, z_t
    y = (1 − β₁) z + β₁ x                          what the parameters hold

The parameters are y; z (slot ``"z"``, Keras's ``"momentum"``, starting at the initial
parameters) and s (slot ``"s"``, Keras's ``"velocity"``) are the slots, and x is not stored:
it is (y − (1 − β₁) z) / β₁, which ``averaged`` returns. The paper evaluates the model at x;
Keras's parameters stay at y. Averaging every z equally is what a falling rate does to the
last iterate: it damps the noise of late steps without a planned end. Keras's ``weight_decay``
is not implemented here.

Checked against Keras 3.15.1 step by step (``scripts/framework_claims.py``): z agrees to
1e-9, y does not. Keras's source takes x from the z *before* the step, as above, but on the
torch backend the z it saved is the tensor the step then changes in place, so Keras computes x
from the new z; replaying that reading reproduces Keras's y to 2e-8. This class follows the
source and the paper.
"""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Number
from course_lib.optimizers.moving_average import moving_average
from course_lib.validation import integer


class ScheduleFreeAdamW(Optimizer):
    """Keras 3.15's ``ScheduleFreeAdamW``: defaults η = 0.0025, β₁ = 0.9, β₂ = 0.999, ε = 1e-8."""

    slot_names = ("z", "s")
    beta_1 = Number(0.0, 1.0)
    beta_2 = Number(0.0, 1.0)
    epsilon = Number(0.0)

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = beta_1
        if self.beta_1 == 0:
            raise ValueError("beta_1 must be a number in (0, 1), got 0: x is recovered as "
                             "(y − (1 − β₁) z) / β₁")
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = integer(warmup_steps, "warmup_steps", low=0)

    def _initial_slot(self, name, theta):
        return theta.copy() if name == "z" else np.zeros(theta.shape, theta.dtype)

    def _update(self, g, theta, slots, learning_rate, t):
        beta_1, beta_2 = self.beta_1, self.beta_2
        if self.warmup_steps:
            learning_rate *= min(t / self.warmup_steps, 1.0)
        z, s = slots["z"], slots["s"]
        x = (theta - (1 - beta_1) * z) / beta_1                 # x before this step
        moving_average(s, g * g, beta_2)                        # s ← β₂ s + (1 − β₂) g ⊗ g
        z -= learning_rate * g / (np.sqrt(s / (1 - beta_2**t)) + self.epsilon)
        x += (z - x) / t                                        # x ← (1 − 1/t) x + z/t
        theta[...] = (1 - beta_1) * z + beta_1 * x              # y = (1 − β₁) z + β₁ x

    def averaged(self, params) -> list[np.ndarray]:
        """x = (y − (1 − β₁) z) / β₁ for each parameter: the average the paper evaluates."""
        params = [params] if isinstance(params, np.ndarray) else list(params)
        if len(params) != len(self.slots):
            raise ValueError(f"params must be the {len(self.slots)} parameters this optimizer "
                             f"has stepped, got {len(params)}")
        return [(theta - (1 - self.beta_1) * slots["z"]) / self.beta_1
                for theta, slots in zip(params, self.slots, strict=True)]
