"""Run an optimizer on a 2-D problem and keep the path it walks."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from course_lib.problems.surfaces import Problem
from course_lib.validation import finite_array, integer, number

MAX_NORM = 1e6
"""A run whose point gets farther than this from the origin counts as diverged."""


@dataclass(frozen=True)
class Trajectory:
    """What one run left behind.

    ``path[k]`` is the point after k steps (``path[0]`` is the start) and
    ``losses[k]`` the loss there. When the run diverged, ``diverged_at`` is the
    step that failed and the arrays stop just before it, so
    ``len(path) == diverged_at``; otherwise it is None and the arrays hold
    ``steps + 1`` rows.
    """

    path: np.ndarray
    losses: np.ndarray
    diverged: bool
    diverged_at: int | None

    @property
    def final_point(self) -> np.ndarray:
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    def head(self, steps: int) -> Trajectory:
        """The same run seen after only ``steps`` steps.

        Explorers cache one long run and slice it for the steps slider.
        """
        steps = integer(steps, "steps", low=0)
        if self.diverged_at is not None and self.diverged_at <= steps:
            return self
        return Trajectory(self.path[: steps + 1], self.losses[: steps + 1], False, None)


def trajectory(optimizer, problem: Problem, start=None, steps: int = 100,
               max_norm: float = MAX_NORM) -> Trajectory:
    """Take ``steps`` steps of ``optimizer`` on ``problem`` from ``start``.

    Each step hands the exact gradient at the current point to
    ``optimizer.apply(gradient, point)``, which moves the point in place (a
    course_lib optimizer takes it through ``optimizer.stepper(point)``: the same
    numbers, with the point checked once per run). The optimizer keeps its own
    state (velocity, accumulators, ``iterations``) from call to call, so give
    each run a fresh optimizer.

    A run diverges when a gradient or a loss is not finite, or when the new
    point is not finite or lies farther than ``max_norm`` from the origin. The
    run then stops at once, flagged, and the point that failed is not kept:
    nothing non-finite ever reaches the optimizer or the result.

    ``start`` defaults to ``problem.default_start``.
    """
    if not callable(getattr(optimizer, "apply", None)):
        raise TypeError(f"optimizer must have an apply(grads, params) method, got {optimizer!r}")
    if not all(callable(getattr(problem, method, None)) for method in ("value", "gradient")):
        raise TypeError(f"problem must have value(xy) and gradient(xy), got {problem!r}")
    steps = integer(steps, "steps", low=0)
    # max_norm=inf turns the distance test off; any other value must be a finite number > 0.
    if max_norm != math.inf:
        max_norm = number(max_norm, "max_norm", low=0, low_inclusive=False)
    # A copy: the optimizer moves the point in place, never the caller's start.
    point = finite_array(problem.default_start if start is None else start, "start",
                         shape=(2,)).copy()
    if np.linalg.norm(point) > max_norm:
        raise ValueError(f"start must lie within max_norm={max_norm:g} of the origin, "
                         f"got {point} at distance {np.linalg.norm(point):g}")

    # The optimizer checks the point once; each gradient is checked here, before its step.
    step = (optimizer.stepper(point) if callable(getattr(optimizer, "stepper", None))
            else functools.partial(optimizer.apply, params=point))
    path = [point.copy()]
    losses = [float(problem.value(point))]
    diverged_at = None
    # A diverging run overflows on purpose; every number is checked below instead.
    with np.errstate(over="ignore", invalid="ignore"):
        if not math.isfinite(losses[0]):
            raise ValueError(f"the loss at start={point} is not finite")
        for k in range(1, steps + 1):
            grad = np.asarray(problem.gradient(point), dtype=np.float64)
            if grad.shape != (2,):
                raise ValueError(f"problem.gradient must return shape (2,), got {grad.shape}")
            # On two numbers, two math.isfinite calls take a twentieth of np.all(np.isfinite(grad)).
            if not (math.isfinite(grad[0]) and math.isfinite(grad[1])):
                diverged_at = k
                break
            step(grad)
            loss = float(problem.value(point))
            # math.hypot is NaN for a NaN coordinate and inf for an infinite one, so one
            # comparison catches a point that is not finite or too far.
            outside = not math.hypot(point[0], point[1]) <= max_norm
            if outside or not math.isfinite(loss):
                diverged_at = k
                break
            path.append(point.copy())
            losses.append(loss)
    return Trajectory(
        path=np.array(path),
        losses=np.array(losses),
        diverged=diverged_at is not None,
        diverged_at=diverged_at,
    )
