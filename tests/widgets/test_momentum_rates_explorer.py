"""The lesson-2 rate explorer: measured rates land on the ones the 2×2 iteration matrix predicts."""

import math
import re

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.problems import Bowl, trajectory
from course_lib.problems.rates import best_momentum, measured_rate, momentum_rate
from course_lib.widgets import show
from course_lib.widgets.momentum_rates import relative_errors


def spectral_radius(learning_rate, momentum, curvature):
    """Momentum on ½λu²: (u_{k+1}, u_k) = M (u_k, u_{k−1}) with M = [[1 + β − ηλ, −β], [1, 0]].

    The error shrinks per step by the largest eigenvalue modulus of M, computed here by LAPACK
    rather than by the quadratic formula the library uses.
    """
    matrix = np.array([[1 + momentum - learning_rate * curvature, -momentum], [1.0, 0.0]])
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def measured(kappa, learning_rate, momentum, steps=600):
    run = trajectory(optimizers.SGD(learning_rate=learning_rate, momentum=momentum), Bowl(kappa),
                     steps=steps)
    return measured_rate(relative_errors(run))


@pytest.fixture(scope="module")
def explorer():
    return show("momentum_rates")


@pytest.mark.parametrize("kappa", [100.0, 1000.0])
def test_best_eta_and_beta_give_the_rate_root_kappa(kappa):
    eta, beta, rate = best_momentum(kappa)
    by_hand = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    assert rate == pytest.approx(by_hand, rel=1e-12)
    # Both ends of the spectrum have the double root the matrix confirms: modulus √β.
    for curvature in (1.0, kappa):
        assert spectral_radius(eta, beta, curvature) == pytest.approx(by_hand, rel=1e-6)
    # The critically damped ends carry a factor (1 + ck) on top of the rate, so a finite run
    # reads a little slow; within 1.5 % at these κ.
    assert measured(kappa, eta, beta) == pytest.approx(by_hand, rel=0.015)
    # Gradient descent at its best rate is (κ − 1)/(κ + 1): it needs about √κ times more steps.
    steps_ratio = math.log(by_hand) / math.log((kappa - 1) / (kappa + 1))
    assert steps_ratio == pytest.approx(math.sqrt(kappa), rel=0.05)


@pytest.mark.parametrize(("kappa", "eta", "beta"),
                         [(100.0, 0.01, 0.9), (100.0, 0.02, 0.5), (10.0, 0.1, 0.8),
                          (1000.0, 0.002, 0.95)])
def test_measured_rate_is_the_largest_eigenvalue_of_the_iteration_matrix(kappa, eta, beta):
    predicted = max(spectral_radius(eta, beta, curvature) for curvature in (1.0, kappa))
    assert momentum_rate(eta, beta, (1.0, kappa)) == pytest.approx(predicted, rel=1e-9)
    assert measured(kappa, eta, beta) == pytest.approx(predicted, rel=2e-3)


def test_past_two_plus_two_beta_over_kappa_the_rate_passes_one():
    # The steep direction's matrix has an eigenvalue beyond −1 once ηκ > 2(1 + β).
    beta, kappa = 0.5, 100.0
    below, above = 0.99 * 2 * (1 + beta) / kappa, 1.01 * 2 * (1 + beta) / kappa
    assert momentum_rate(below, beta, (1.0, kappa)) < 1 < momentum_rate(above, beta, (1.0, kappa))


def numbers_in(message):
    number = r"(\d+(?:\.\d+)?)"
    found = re.search(f"momentum predicted {number}, measured {number}; GD at its best η "
                      f"predicted {number}, measured {number}", message)
    return [float(x) for x in found.groups()]


def test_status_shows_predicted_and_measured_rates_that_agree(explorer):
    explorer.set(condition_number=100.0, learning_rate=0.01, momentum=0.9)
    momentum_predicted, momentum_measured, gd_predicted, gd_measured = numbers_in(
        explorer.last_status.message)
    assert momentum_predicted == pytest.approx(spectral_radius(0.01, 0.9, 1.0), abs=1e-4)
    assert momentum_measured == pytest.approx(momentum_predicted, rel=2e-3)
    assert gd_predicted == pytest.approx(99 / 101, abs=1e-4)
    assert gd_measured == pytest.approx(gd_predicted, abs=1e-4)
    # The dashed line is the predicted rate raised to the step.
    steps, line = explorer.predicted["Momentum"].get_data()
    assert line[50] == pytest.approx(momentum_predicted ** 50, rel=1e-3)


def test_a_learning_rate_past_the_limit_is_flagged_not_a_traceback(explorer):
    explorer.set(condition_number=100.0, momentum=0.5, learning_rate=0.1)
    status = explorer.last_status
    assert status.warning and "Momentum diverged" in status.message
    assert "2(1 + β) = 3" in status.message
