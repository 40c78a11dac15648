"""A tiny tanh network with a squared loss, its weights one flat vector (lesson 8's edge of
stability).

With x an image (64 pixels), one-hot target y and the weights w = (W₁, b₁, W₂, b₂)::

    a = tanh(x W₁ + b₁)      f(x) = a W₂ + b₂      J(w) = ½ · mean over the examples ‖f(x) − y‖²

``loss_and_gradient`` returns J and ∇J by backpropagation, as one vector in the order of w,
so that a Hessian-vector product is a difference of two gradients (:mod:`.sharpness`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.validation import integer, number


@dataclass(frozen=True)
class TanhNetwork:
    """``hidden`` tanh units between the inputs ``X`` (n × d) and the one-hot targets ``Y``."""

    X: np.ndarray
    Y: np.ndarray
    hidden: int

    @property
    def shapes(self) -> list[tuple[int, ...]]:
        d, k = self.X.shape[1], self.Y.shape[1]
        return [(d, self.hidden), (self.hidden,), (self.hidden, k), (k,)]

    @property
    def size(self) -> int:
        return sum(int(np.prod(shape)) for shape in self.shapes)

    def unpack(self, w: np.ndarray) -> list[np.ndarray]:
        """W₁, b₁, W₂, b₂ as views of the flat vector ``w``."""
        pieces, start = [], 0
        for shape in self.shapes:
            stop = start + int(np.prod(shape))
            pieces.append(w[start:stop].reshape(shape))
            start = stop
        return pieces

    def initial_weights(self, seed: int = 0, output_scale: float = 0.3) -> np.ndarray:
        """W₁ ~ N(0, 1/d), W₂ ~ N(0, output_scale²/hidden), biases 0."""
        seed = integer(seed, "seed", low=0)
        output_scale = number(output_scale, "output_scale", low=0)
        rng = np.random.default_rng(seed)
        d, k = self.X.shape[1], self.Y.shape[1]
        return np.concatenate([rng.standard_normal(d * self.hidden) / np.sqrt(d),
                               np.zeros(self.hidden),
                               rng.standard_normal(self.hidden * k) * output_scale
                               / np.sqrt(self.hidden),
                               np.zeros(k)])

    def loss_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """J(w) and ∇J(w), the gradient as one vector in the order of w."""
        W1, b1, W2, b2 = self.unpack(w)
        a = np.tanh(self.X @ W1 + b1)
        residual = a @ W2 + b2 - self.Y                          # f(x) − y
        n = len(self.X)
        loss = 0.5 * float(np.sum(residual * residual)) / n
        d_out = residual / n                                     # ∂J/∂f
        d_hidden = (d_out @ W2.T) * (1 - a * a)                  # ∂J/∂(x W₁ + b₁)
        return loss, np.concatenate([(self.X.T @ d_hidden).ravel(), d_hidden.sum(axis=0),
                                     (a.T @ d_out).ravel(), d_out.sum(axis=0)])

