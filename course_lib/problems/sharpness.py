"""The sharpness of a loss: the largest curvature, the top eigenvalue of its Hessian.

Found without the Hessian, by power iteration on Hessian-vector products, each the difference
of two gradients::

    H v ≈ (∇J(w + r v) − ∇J(w − r v)) / (2r)          (error O(r²))
    v ← H v / ‖H v‖,   repeated; then h_max ≈ vᵀ H v

Power iteration finds the eigenvalue of largest magnitude; near a minimum, and on the
networks of the lessons, that is the largest positive curvature. Started from the previous
measurement's ``v``, a few iterations suffice while training moves w a little at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.validation import integer, number


def hessian_vector_product(gradient: Callable[[np.ndarray], np.ndarray], w: np.ndarray,
                           v: np.ndarray, radius: float = 1e-5) -> np.ndarray:
    """(∇J(w + r v) − ∇J(w − r v)) / (2r): H v by central differences of the gradient."""
    radius = number(radius, "radius", low=0, low_inclusive=False)
    return (gradient(w + radius * v) - gradient(w - radius * v)) / (2 * radius)


def sharpness(gradient: Callable[[np.ndarray], np.ndarray], w: np.ndarray, v: np.ndarray,
              iterations: int = 20, radius: float = 1e-5) -> tuple[float, np.ndarray]:
    """(h_max, its unit eigenvector) after ``iterations`` power steps from the direction ``v``."""
    iterations = integer(iterations, "iterations", low=1)
    v = v / np.linalg.norm(v)
    for _ in range(iterations):
        product = hessian_vector_product(gradient, w, v, radius)
        curvature = float(v @ product)
        v = product / np.linalg.norm(product)
    return curvature, v
