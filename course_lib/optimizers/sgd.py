"""Gradient descent, momentum and Nesterov momentum (lessons 1 to 3)."""

from __future__ import annotations

from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.hyperparameters import Flag, Number


class SGD(Optimizer):
    """Gradient descent, with momentum or Nesterov momentum as options.

    With g the gradient, η the learning rate and β the momentum::

        plain (β = 0)   θ ← θ − η g
        momentum        m ← β m − η g        θ ← θ + m
        Nesterov        m ← β m − η g        θ ← θ + β m − η g

    m is the velocity, kept in the slot ``"momentum"`` (Keras's name). On a
    constant gradient it settles at −η g / (1 − β): with β = 0.9, ten plain
    steps' worth per step.

    The Nesterov line is the lesson's look-ahead form, m ← β m − η ∇J(θ + β m)
    then θ ← θ + m, written for the look-ahead point θ + β m, which is the
    point this optimizer keeps as θ: the same path, and the gradient is taken
    where the parameters are (lesson 3 shows the change of variable).

    PyTorch's ``torch.optim.SGD`` keeps b = −m / η instead: b ← μ b + g and
    θ ← θ − η b (Nesterov: θ ← θ − η (g + μ b)). At a constant η the steps
    are the same; once η changes they are not, because Keras's velocity still
    carries the old η and PyTorch's is rescaled at once. ``TorchSGD`` in
    ``course_lib.optimizers.pytorch`` is that form. PyTorch's default
    learning rate is 0.001, Keras's 0.01.
    """

    momentum = Number(0.0, 1.0)
    nesterov = Flag()

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **clipping):
        super().__init__(learning_rate, **clipping)
        self.momentum = momentum
        self.nesterov = nesterov

    @property
    def slot_names(self):
        return ("momentum",) if self.momentum > 0 else ()

    def _update(self, g, theta, slots, learning_rate, t):
        momentum = self.momentum
        gradient_step = learning_rate * g                   # η g
        if momentum == 0:
            theta -= gradient_step                          # θ ← θ − η g
            return
        velocity = slots["momentum"]                        # m
        velocity *= momentum
        velocity -= gradient_step                           # m ← β m − η g
        if self.nesterov:
            theta += momentum * velocity - gradient_step    # θ ← θ + β m − η g
        else:
            theta += velocity                               # θ ← θ + m
