"""Momentum's noise floor is 1/(1 − β) times SGD's; the mean of the last K iterates is far below."""

import numpy as np
import pytest

from course_lib.experiments.momentum_floor import settled_run
from course_lib.problems.noisy_quadratic import averaged_variance, stationary_variance


def lyapunov_covariance(h, eta, beta, sigma2):
    """The stationary covariance P of the state (x_k, x_{k−1}): P = A P Aᵀ + Q, solved as a
    linear system in P's four entries (the oracle, independent of the closed form)."""
    A = np.array([[1 + beta - eta * h, -beta], [1.0, 0.0]])
    Q = np.array([[eta**2 * sigma2, 0.0], [0.0, 0.0]])
    P = np.linalg.solve(np.eye(4) - np.kron(A, A), Q.ravel()).reshape(2, 2)
    return A, P


@pytest.mark.parametrize(("h", "eta", "beta"), [(1.0, 0.05, 0.0), (1.0, 0.05, 0.9),
                                                 (3.0, 0.2, 0.5), (0.5, 1.5, 0.3)])
def test_the_stationary_variance_solves_the_lyapunov_equation(h, eta, beta):
    _, P = lyapunov_covariance(h, eta, beta, 2.0)
    assert stationary_variance(h, eta, beta, 2.0) == pytest.approx(P[0, 0], rel=1e-12)


def test_without_momentum_it_is_the_scalar_recursion_by_hand():
    # Var' = (1 − ηh)² Var + η²σ² settles at η²σ² / (1 − (1 − ηh)²) = ησ² / (h (2 − ηh)).
    h, eta, sigma2 = 2.0, 0.1, 3.0
    assert stationary_variance(h, eta, 0.0, sigma2) == pytest.approx(
        eta**2 * sigma2 / (1 - (1 - eta * h) ** 2), rel=1e-12)


def test_momentum_multiplies_the_floor_by_one_over_one_minus_beta_as_eta_shrinks():
    for beta in (0.5, 0.9, 0.99):
        ratio = stationary_variance(1, 1e-6, beta, 1) / stationary_variance(1, 1e-6, 0, 1)
        assert ratio == pytest.approx(1 / (1 - beta), rel=1e-5)


@pytest.mark.parametrize("window", [1, 2, 7, 50])
def test_the_averaged_variance_sums_the_state_space_autocovariances(window):
    h, eta, beta, sigma2 = 1.0, 0.1, 0.8, 1.5
    A, P = lyapunov_covariance(h, eta, beta, sigma2)
    gamma = [np.linalg.matrix_power(A, k)[0] @ P[:, 0] for k in range(window)]
    brute = sum(gamma[abs(i - j)] for i in range(window) for j in range(window)) / window**2
    assert averaged_variance(h, eta, beta, sigma2, window) == pytest.approx(brute, rel=1e-9)


def test_a_long_average_has_variance_sigma_squared_over_h_squared_k():
    for beta in (0.0, 0.9):
        variance = averaged_variance(2.0, 0.05, beta, 1.0, 100_000)
        assert variance == pytest.approx(1.0 / (4.0 * 100_000), rel=0.01)


def test_an_unstable_rate_is_refused_with_the_limit():
    with pytest.raises(ValueError,
                       match=r"learning_rate \* curvature must be < 2\(1 \+ momentum\)"):
        stationary_variance(1.0, 2.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="momentum must be"):
        stationary_variance(1.0, 0.1, 1.0, 1.0)


@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_measured_floor_and_average_match_the_closed_forms(beta):
    run = settled_run(0.05, beta, replicas=4000, seed=3)
    assert run.floor == pytest.approx(0.5 * stationary_variance(1, 0.05, beta, 1), rel=0.03)
    assert run.averaged == pytest.approx(0.5 * averaged_variance(1, 0.05, beta, 1, 500), rel=0.08)
