"""AdaGrad: a step per coordinate that shrinks with every gradient seen (lesson 4)."""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Number


class Adagrad(Optimizer):
    """AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    ::

        s ← s + g ⊗ g
        θ ← θ − η g ⊘ √(s + ε)

    s starts at ``initial_accumulator_value`` and is kept in the slot ``"s"``
    (Keras calls it the accumulator). ε sits inside the square root, as in the
    lesson and in Keras. On a constant gradient s grows like t g², so the step
    shrinks like η / √t: steep coordinates slow down first, and on a deep
    network every coordinate may stop before the minimum.

    PyTorch's ``torch.optim.Adagrad`` starts s at 0, adds ε = 1e-10 outside
    the root, θ ← θ − η g ⊘ (√s + ε), and defaults to η = 0.01.
    """

    slot_names = ("s",)
    initial_accumulator_value = Number(0.0)
    epsilon = Number(0.0)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **clipping):
        super().__init__(learning_rate, **clipping)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _initial_slot(self, name, theta):
        return np.full(theta.shape, self.initial_accumulator_value, theta.dtype)

    def _update(self, g, theta, slots, learning_rate, t):
        epsilon = self.epsilon
        s = slots["s"]
        s += g * g                                          # s ← s + g ⊗ g
        theta -= learning_rate * g / np.sqrt(s + epsilon)   # θ ← θ − η g ⊘ √(s + ε)
