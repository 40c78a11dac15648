"""The stability limits of rates.py against hand derivations and against the optimizers run.

On J(θ) = ½ λ θ², with a = ηλ:
- gradient descent: θ ← (1 − a) θ, stable iff |1 − a| < 1, that is a < 2;
- heavy-ball momentum: θ_{k+1} = (1 + β − a) θ_k − β θ_{k−1}, stable iff a < 2(1 + β);
- Nesterov: θ_{k+1} = (1 + β)(1 − a) θ_k − β(1 − a) θ_{k−1}, stable iff a < 2(1 + β)/(1 + 2β).
The recurrences are run with course_lib's own SGD, not with the formulas under test.
"""

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.problems import rates

CURVATURE = 4.0


def growth(optimizer, steps: int = 3000) -> float:
    """|θ| after ``steps`` steps on ½ λ θ² from θ = 1 (inf once it overflows)."""
    theta = np.array([1.0])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            optimizer.apply(CURVATURE * theta, theta)
    return float(np.abs(theta[0])) if np.isfinite(theta[0]) else np.inf


def test_the_limits_match_the_hand_derivations():
    assert rates.gradient_descent_limit() == 2.0
    assert rates.gradient_descent_limit(10.0) == pytest.approx(0.2)
    assert rates.momentum_limit(0.9) == pytest.approx(3.8)
    assert rates.momentum_limit(0.5, curvature=2.0) == pytest.approx(1.5)
    assert rates.nesterov_limit(0.9) == pytest.approx(3.8 / 2.8)
    assert rates.nesterov_limit(0.5) == pytest.approx(1.5)
    # β = 0: both momentum limits fall back to gradient descent's.
    assert rates.momentum_limit(0.0) == rates.nesterov_limit(0.0) == 2.0
    assert rates.momentum_speedup(0.9) == pytest.approx(10.0)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_heavy_ball_is_stable_just_inside_its_limit_and_not_just_outside(momentum):
    limit = rates.momentum_limit(momentum, CURVATURE)
    inside = growth(optimizers.SGD(0.99 * limit, momentum=momentum))
    outside = growth(optimizers.SGD(1.01 * limit, momentum=momentum))
    assert inside < 1e-3 and outside > 1e3


@pytest.mark.parametrize("momentum", [0.3, 0.6, 0.9])
def test_nesterov_is_stable_just_inside_its_limit_and_not_just_outside(momentum):
    limit = rates.nesterov_limit(momentum, CURVATURE)
    inside = growth(optimizers.SGD(0.99 * limit, momentum=momentum, nesterov=True))
    outside = growth(optimizers.SGD(1.01 * limit, momentum=momentum, nesterov=True))
    assert inside < 1e-3 and outside > 1e3
    # Below heavy-ball's limit: at a rate heavy-ball survives, Nesterov diverges.
    assert growth(optimizers.SGD(1.01 * limit, momentum=momentum)) < 1e-3


def test_the_momentum_limit_is_where_the_predicted_rate_reaches_one():
    limit = rates.momentum_limit(0.7)
    assert rates.momentum_rate(0.999 * limit, 0.7, [1.0]) < 1
    assert rates.momentum_rate(1.001 * limit, 0.7, [1.0]) > 1


def test_the_top_speed_is_reached_on_a_constant_slope():
    optimizer = optimizers.SGD(0.01, momentum=0.8)
    theta = np.array([0.0])
    for _ in range(200):
        before = theta.copy()
        optimizer.apply(np.array([1.0]), theta)
    assert (before - theta)[0] / 0.01 == pytest.approx(rates.momentum_speedup(0.8))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: rates.momentum_limit(1.0), r"momentum must be a number in \[0, 1\), got 1\.0"),
    (lambda: rates.nesterov_limit(0.5, curvature=0.0),
     r"curvature must be a finite number > 0, got 0\.0"),
    (lambda: rates.gradient_descent_limit(-1.0),
     r"curvature must be a finite number > 0, got -1\.0"),
])
def test_bad_arguments_name_the_argument_and_the_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()
