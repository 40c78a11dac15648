"""PyTorch's formulas for SGD and Nadam, computed with NumPy, to set beside Keras's.

torch is not needed: these classes reproduce ``torch.optim.SGD`` and
``torch.optim.NAdam`` (no weight decay, no dampening) with the same
``apply(grads, params)`` as every other optimizer here, so a lesson can run
both frameworks' updates on one problem and show where they part.
"""

from __future__ import annotations

import numpy as np

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Flag, Number
from course_lib.optimizers.moving_average import moving_average
from course_lib.validation import number


class TorchSGD(Optimizer):
    """PyTorch's SGD: the velocity holds gradients, η is applied when stepping.

    ::

        b ← μ b + g
        θ ← θ − η b                 (Nesterov: θ ← θ − η (g + μ b))

    b is the slot ``"momentum_buffer"`` (PyTorch's name). With a constant η,
    b = −m / η for Keras's velocity m and the paths agree. After η changes,
    PyTorch's whole velocity is scaled by the new η at once, while Keras's
    velocity still carries the steps taken with the old one.
    PyTorch's default learning rate is 0.001.
    """

    momentum = Number(0.0, 1.0)
    nesterov = Flag()

    def __init__(self, learning_rate=0.001, momentum=0.0, nesterov=False, **clipping):
        super().__init__(learning_rate, **clipping)
        self.momentum = momentum
        self.nesterov = nesterov
        if self.nesterov:
            # As in PyTorch: Nesterov's look-ahead needs a velocity to look along.
            number(momentum, "momentum (with nesterov=True)", low=0, high=1,
                   low_inclusive=False, high_inclusive=False)

    @property
    def slot_names(self):
        return ("momentum_buffer",) if self.momentum > 0 else ()

    def _update(self, g, theta, slots, learning_rate, t):
        momentum = self.momentum
        if momentum == 0:
            theta -= learning_rate * g                         # θ ← θ − η g
            return
        velocity = slots["momentum_buffer"]                    # b
        velocity *= momentum
        velocity += g                                          # b ← μ b + g
        if self.nesterov:
            theta -= learning_rate * (g + momentum * velocity)   # θ ← θ − η (g + μ b)
        else:
            theta -= learning_rate * velocity                  # θ ← θ − η b


class TorchNadam(Optimizer):
    """PyTorch's NAdam: Nadam with a slow momentum warm-up and ε after bias correction.

    With ψ = ``momentum_decay``, at step t = 1, 2, …::

        μ_t = β₁ (1 − ½ · 0.96^(ψ t))     Π_t = μ_1 μ_2 … μ_t
        m ← β₁ m + (1 − β₁) g
        s ← β₂ s + (1 − β₂) g ⊗ g
        d = √(s / (1 − β₂ᵗ)) + ε
        θ ← θ − η (1 − μ_t) / (1 − Π_t) · g ⊘ d − η μ_{t+1} / (1 − Π_{t+1}) · m ⊘ d

    The same shape as Keras's Nadam, but with ψ = 0.004 the exponent ψ t
    stays small for thousands of steps: with β₁ = 0.9, μ_t is 0.45 at first,
    0.52 after 1000 steps and 0.70 after 5000, where Keras's μ_t is within
    1 % of β₁ after about 100 steps. Defaults are PyTorch's: η = 0.002,
    ε = 1e-8. Slots ``"m"`` and ``"s"``; the product Π
    is ``mu_product`` (PyTorch stores one per parameter, all equal).
    """

    slot_names = ("m", "s")
    _state_attributes = ("mu_product",)
    beta_1 = Number(0.0, 1.0)
    beta_2 = Number(0.0, 1.0)
    epsilon = Number(0.0)
    momentum_decay = Number(0.0)

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 momentum_decay=0.004, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentum_decay = momentum_decay
        self.mu_product = 1.0

    def _mu(self, t):
        """μ_t = β₁ (1 − ½ · 0.96^(ψ t))"""
        return self.beta_1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def _start_step(self, t):
        self.mu_product *= self._mu(t)                 # Π_t = Π_{t−1} μ_t

    def _update(self, g, theta, slots, learning_rate, t):
        beta_2, epsilon = self.beta_2, self.epsilon
        m, s = slots["m"], slots["s"]
        moving_average(m, g, self.beta_1)              # m ← β₁ m + (1 − β₁) g
        s *= beta_2
        s += (1 - beta_2) * (g * g)                    # s ← β₂ s + (1 − β₂) g ⊗ g
        mu, mu_next = self._mu(t), self._mu(t + 1)
        mu_product = self.mu_product                   # Π_t
        mu_product_next = mu_product * mu_next         # Π_{t+1}
        denominator = np.sqrt(s / (1 - beta_2**t)) + epsilon      # √ŝ + ε
        # As PyTorch: the current gradient's step, then the look-ahead momentum's
        theta -= learning_rate * (1 - mu) / (1 - mu_product) * (g / denominator)
        theta -= learning_rate * mu_next / (1 - mu_product_next) * (m / denominator)
