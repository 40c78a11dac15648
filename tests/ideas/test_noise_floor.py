"""The noise floor: mini-batch SGD at a constant rate settles at η tr(C) / (4B) above J(w*)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.experiments.noise_floor import excess_loss_curve, measured_floor, noisy_regression
from course_lib.plots import noise_floor as plots


@pytest.fixture(scope="module")
def problem():
    return noisy_regression(n_samples=400, n_features=5, seed=1)


def test_a_batch_of_every_example_is_the_exact_gradient(problem):
    w = np.random.default_rng(0).standard_normal((2, 5))
    everything = np.tile(np.arange(400), (2, 1))
    h = 1e-6
    for r in range(2):
        numeric = [(problem.loss(w[r] + h * e) - problem.loss(w[r] - h * e)) / (2 * h)
                   for e in np.eye(5)]
        np.testing.assert_allclose(problem.batch_gradient(w, everything)[r], numeric, rtol=1e-6)


def test_the_mean_gradient_vanishes_at_the_minimum_but_single_examples_do_not(problem):
    everything = np.arange(400)[None, :]
    assert np.abs(problem.batch_gradient(problem.minimum[None, :], everything)).max() < 1e-12
    assert problem.noise() > 0.1


def test_a_one_dimensional_floor_matches_the_exact_stationary_variance():
    # One feature, x = ±1 so h = 1: the exact stationary variance is ηc / (B(2 − η)), and the
    # excess loss is half of it: η c / (2B(2 − η)), which the first-order η c / (4B) approaches.
    problem = noisy_regression(n_samples=2, n_features=1, seed=0)
    problem = type(problem)(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]), np.array([0.5]))
    eta, batch = 0.05, 1
    curve = excess_loss_curve(problem, eta, batch, steps=4000, replicas=64, seed=2)
    exact = eta * problem.noise() / (2 * batch * (2 - eta))
    assert measured_floor(curve, last=3000) == pytest.approx(exact, rel=0.05)
    assert problem.predicted_floor(eta, batch) == pytest.approx(exact, rel=eta)


def test_the_floor_scales_with_the_rate_over_the_batch_size(problem):
    floor = {(eta, b): measured_floor(excess_loss_curve(problem, eta, b, steps=1000))
             for eta, b in [(0.04, 8), (0.02, 8), (0.04, 16)]}
    assert floor[(0.04, 8)] / floor[(0.02, 8)] == pytest.approx(2, rel=0.15)
    assert floor[(0.04, 16)] == pytest.approx(floor[(0.02, 8)], rel=0.15)
    for (eta, b), measured in floor.items():
        assert measured == pytest.approx(problem.predicted_floor(eta, b), rel=0.15)


def test_the_lesson_runs_a_decaying_rate_below_every_constant_floor():
    curves = plots.runs()
    lowest = min(measured_floor(curves[key]) for key in plots.CONSTANT)
    assert curves["decay"][-100:].mean() < lowest / 2
    assert isinstance(plots.floors(), Figure)


@pytest.mark.parametrize(("batch_size", "error"), [(0, ValueError), (401, ValueError),
                                                   (2.0, TypeError), (True, TypeError)])
def test_a_batch_size_outside_the_data_is_refused(problem, batch_size, error):
    with pytest.raises(error, match=rf"^batch_size must be an integer in \[1, 400\], "
                                    rf"got {batch_size}$"):
        excess_loss_curve(problem, 0.1, batch_size, steps=2)
