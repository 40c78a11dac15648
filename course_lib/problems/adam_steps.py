"""How far Adam moves on a steady gradient: sign descent or SGD, as ε decides (lesson 6).

On the same gradient g at every step, m = (1 − β₁ᵗ) g and s = (1 − β₂ᵗ) g², so Keras's
update η √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√s + ε) is exactly

    step = η g / (|g| + ε / √(1 − β₂ᵗ)),

whatever β₁. Two regimes:

- ε ≪ |g| √(1 − β₂ᵗ): step ≈ η sign(g), the same length for every gradient (sign descent);
- ε ≫ |g| √(1 − β₂ᵗ): step ≈ (η √(1 − β₂ᵗ) / ε) g, proportional to g: SGD at the rate
  η/ε once t is large (at t = 1, η √(1 − β₂)/ε, since Keras adds ε to the uncorrected √s).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.validation import finite_array, integer, number


def steady_gradient_step(g, t: int, learning_rate: float = 0.001, beta_2: float = 0.999,
                         epsilon: float = 1e-7) -> np.ndarray:
    """η g / (|g| + ε / √(1 − β₂ᵗ)): the t-th step of Keras's Adam on a steady gradient g."""
    g = finite_array(g, "g")
    t = integer(t, "t", low=1)
    learning_rate = number(learning_rate, "learning_rate", low=0)
    beta_2 = number(beta_2, "beta_2", low=0, high=1, high_inclusive=False)
    epsilon = number(epsilon, "epsilon", low=0)
    return learning_rate * g / (np.abs(g) + epsilon / math.sqrt(1 - beta_2**t))
