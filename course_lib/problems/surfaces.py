"""Two-dimensional test functions with exact gradients.

Each problem is a small object with

- ``name``: the key it has in ``PROBLEMS``;
- ``value(xy)``: the loss, for one point of shape ``(2,)`` or a whole grid of
  shape ``(..., 2)``, so a contour plot is one call::

      X, Y = np.meshgrid(np.linspace(*problem.bounds[0], 200), np.linspace(*problem.bounds[1], 200))
      Z = problem.value(np.stack([X, Y], axis=-1))

- ``gradient(xy)``: the exact gradient, same shapes (``(2,)`` in, ``(2,)`` out);
- ``minimum``: the known minimiser, or ``None`` when there is none (the saddle);
- ``default_start``: where the lessons start the race;
- ``bounds``: ``((xmin, xmax), (ymin, ymax))``, the window that shows the start
  and the minimum together;
- ``levels``: contour levels that show the shape of the surface well.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from course_lib.validation import number

Bounds = tuple[tuple[float, float], tuple[float, float]]


def _as_points(xy) -> np.ndarray:
    """``xy`` as a float64 array whose last axis holds (x, y)."""
    points = np.asarray(xy, dtype=np.float64)
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError(f"xy must have shape (2,) or (..., 2), got shape {points.shape}")
    return points


class Problem:
    """A loss surface over the plane, with its exact gradient."""

    name: str = "problem"
    minimum: np.ndarray | None = None
    default_start: np.ndarray
    bounds: Bounds
    levels: np.ndarray

    def value(self, xy) -> np.ndarray | float:
        """f at ``xy``: one number for a point of shape (2,), an array (...) for a grid (..., 2)."""
        points = _as_points(xy)
        return self._value(points[..., 0], points[..., 1])

    def gradient(self, xy) -> np.ndarray:
        """∇f at ``xy``, with the shape of ``xy``: (∂f/∂x, ∂f/∂y) along the last axis."""
        points = _as_points(xy)
        dx, dy = self._gradient(points[..., 0], points[..., 1])
        if points.ndim == 1:
            # One point, as a trajectory asks for at every step: np.stack would cost more
            # than the arithmetic.
            return np.array([dx, dy])
        return np.stack([dx, dy], axis=-1)

    def _value(self, x, y):
        raise NotImplementedError

    def _gradient(self, x, y):
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Bowl(Problem):
    """The elongated quadratic bowl f(x, y) = ½ · pᵀ H p.

    Along its own axes the bowl is ½ (u² + κ v²): curvature 1 along u and κ
    along v, so the Hessian H has eigenvalues 1 and κ and its condition number
    is κ. The axes (u, v) are the x and y axes turned by ``angle`` degrees
    counter-clockwise: H = R diag(1, κ) Rᵀ. At ``angle = 0`` the long axis of
    the valley is x, and a method that scales each coordinate on its own
    (AdaGrad, RMSProp, Adam) sees the valley as round; turned by 45° it does
    not.

    The gradient is H p and the minimum is at the origin.
    """

    name = "bowl"

    def __init__(self, condition_number: float = 10.0, angle: float = 0.0):
        self.condition_number = number(condition_number, "condition_number", low=1)
        self.angle = number(angle, "angle")
        turn = math.radians(self.angle)
        rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
        self.hessian = rotation @ np.diag([1.0, self.condition_number]) @ rotation.T
        self.minimum = np.zeros(2)
        self.default_start = rotation @ np.array([-8.0, 2.0])
        self.bounds = ((-10.0, 10.0), (-10.0, 10.0)) if self.angle else ((-10.0, 10.0), (-4.0, 4.0))
        self.levels = np.geomspace(0.05, 500.0, 16)

    def value(self, xy):
        points = _as_points(xy)
        return 0.5 * np.sum(points * (points @ self.hessian), axis=-1)

    def gradient(self, xy):
        return _as_points(xy) @ self.hessian.T

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(condition_number={self.condition_number:g}, "
                f"angle={self.angle:g})")


class RotatedBowl(Bowl):
    """The same bowl turned 45° (or ``angle`` degrees): its valley runs along x = y."""

    name = "rotated_bowl"

    def __init__(self, condition_number: float = 10.0, angle: float = 45.0):
        super().__init__(condition_number, angle)


class Rosenbrock(Problem):
    """Rosenbrock's banana valley f(x, y) = (a − x)² + b (y − x²)².

    ∂f/∂x = −2 (a − x) − 4 b x (y − x²),   ∂f/∂y = 2 b (y − x²).
    The minimum is at (a, a²), at the end of a long curved flat-bottomed valley.
    """

    name = "rosenbrock"

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a = number(a, "a")
        self.b = number(b, "b", low=0, low_inclusive=False)
        self.minimum = np.array([self.a, self.a**2])
        self.default_start = np.array([-1.5, 2.0])
        self.bounds = ((-2.0, 2.0), (-1.0, 3.0))
        self.levels = np.geomspace(0.1, 1000.0, 13)

    def _value(self, x, y):
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _gradient(self, x, y):
        valley = y - x**2
        return -2 * (self.a - x) - 4 * self.b * x * valley, 2 * self.b * valley

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


class Beale(Problem):
    """Beale's function, flat plateaus and steep walls, minimum 0 at (3, 0.5).

    f(x, y) = t₁² + t₂² + t₃² with t₁ = 1.5 − x + x y, t₂ = 2.25 − x + x y²,
    t₃ = 2.625 − x + x y³, so
    ∂f/∂x = 2 t₁ (y − 1) + 2 t₂ (y² − 1) + 2 t₃ (y³ − 1),
    ∂f/∂y = 2 t₁ x + 2 t₂ · 2 x y + 2 t₃ · 3 x y².
    """

    name = "beale"

    def __init__(self):
        self.minimum = np.array([3.0, 0.5])
        self.default_start = np.array([1.0, 1.5])
        self.bounds = ((-4.5, 4.5), (-4.5, 4.5))
        self.levels = np.geomspace(0.1, 1e5, 19)

    @staticmethod
    def _terms(x, y):
        return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3

    def _value(self, x, y):
        t1, t2, t3 = self._terms(x, y)
        return t1**2 + t2**2 + t3**2

    def _gradient(self, x, y):
        t1, t2, t3 = self._terms(x, y)
        dx = 2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1)
        dy = 2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y**2
        return dx, dy


class Saddle(Problem):
    """The saddle f(x, y) = x² − y²: a minimum along x, a maximum along y.

    The gradient (2x, −2y) vanishes at the origin, which is not a minimum:
    the loss has no minimiser (``minimum`` is None) and falls without end
    along y. Started near the x axis, plain gradient descent crawls towards the
    origin and only slowly leaves along y; momentum leaves much sooner.
    """

    name = "saddle"

    def __init__(self):
        self.minimum = None
        self.default_start = np.array([-1.5, 1e-3])
        self.bounds = ((-2.0, 2.0), (-2.0, 2.0))
        self.levels = np.linspace(-4.0, 4.0, 17)

    def _value(self, x, y):
        return x**2 - y**2

    def _gradient(self, x, y):
        return 2 * x, -2 * y


PROBLEMS: dict[str, Callable[..., Problem]] = {
    problem.name: problem for problem in (Bowl, RotatedBowl, Rosenbrock, Beale, Saddle)
}
"""Every test function by name; call the entry (with its arguments) to get a problem."""
