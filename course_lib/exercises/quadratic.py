"""A gradient handed to a learner's function as data: the quadratic bowl J(θ) = ½ θᵀAθ − bᵀθ.

Tasks such as Nesterov's look-ahead need "the gradient at any point", a function.
Functions cannot travel between the grader and the process that runs a submission,
but the two arrays that define a quadratic can, and both sides rebuild the same
callable from them.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import finite_array


class QuadraticBowl:
    """∇J(θ) = Aθ − b for J(θ) = ½ θᵀAθ − bᵀθ; call it with θ to get the gradient there."""

    def __init__(self, A, b):
        A = finite_array(A, "A", ndim=2)
        if A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square matrix, got shape {A.shape}")
        # Copies: the bowl must not change when the caller's arrays do.
        self.A = A.copy()
        self.b = finite_array(b, "b", shape=(len(A),)).copy()

    def __call__(self, theta):
        return self.A @ np.asarray(theta, dtype=np.float64) - self.b

    def __eq__(self, other):
        return (isinstance(other, QuadraticBowl) and np.array_equal(self.A, other.A)
                and np.array_equal(self.b, other.b))

    __hash__ = None

    def __repr__(self):
        return f"QuadraticBowl(A={self.A.tolist()}, b={self.b.tolist()})"
