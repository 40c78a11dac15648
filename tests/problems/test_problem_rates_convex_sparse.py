"""The lesson 2-4 problems: quadratic rates, the convex race and the sparse regression."""

import math

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.problems import rates
from course_lib.problems.convex import SpreadQuadratic, accelerated_losses, losses_of
from course_lib.problems.rare_features import sparse_regression, train


@pytest.mark.parametrize(("eta", "curvatures"), [(0.1, [1.0, 10.0]), (0.019, [1.0, 100.0]),
                                                 (0.5, [3.0])])
def test_gradient_descent_rate_is_the_worst_one_minus_eta_lambda(eta, curvatures):
    # One step on ½ Σ λu² multiplies each u by 1 − ηλ: read the factor off an actual step.
    u = np.ones(len(curvatures))
    optimizers.SGD(eta).apply(np.asarray(curvatures) * u, u)
    assert rates.gradient_descent_rate(eta, curvatures) == pytest.approx(np.max(np.abs(u)))


def test_momentum_rate_at_beta_zero_is_gradient_descents():
    for eta in (0.01, 0.05, 0.3):
        assert rates.momentum_rate(eta, 0.0, [1.0, 10.0]) == pytest.approx(
            rates.gradient_descent_rate(eta, [1.0, 10.0]))


def test_under_damped_directions_shrink_by_root_beta():
    # (1 + β − ηλ)² < 4β for both curvatures: complex roots of modulus √β.
    assert rates.momentum_rate(0.02, 0.9, [1.0, 100.0]) == pytest.approx(math.sqrt(0.9))


@pytest.mark.parametrize("bad", [{"learning_rate": -0.1}, {"momentum": 1.0},
                                 {"curvatures": [0.0, 1.0]}, {"curvatures": [np.nan]}])
def test_bad_arguments_are_named(bad):
    arguments = {"learning_rate": 0.1, "momentum": 0.5, "curvatures": [1.0, 2.0], **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        rates.momentum_rate(**arguments)


def test_measured_rate_reads_a_geometric_decay_and_stops_at_the_floor():
    errors = 0.7 ** np.arange(200)
    assert rates.measured_rate(errors) == pytest.approx(0.7, rel=1e-9)
    # Past the floor, rounding noise must not be read as a rate.
    noisy = np.r_[0.5 ** np.arange(60), np.full(100, 1e-17)]
    assert rates.measured_rate(noisy) == pytest.approx(0.5, rel=1e-9)
    assert rates.measured_rate(np.array([1.0, 0.0])) is None


def test_accelerated_method_keeps_nesterovs_bound_and_gradient_descent_its_own():
    # The guarantees for L = 1: GD ‖θ₀ − θ*‖²/(2k), Nesterov 2‖θ₀ − θ*‖²/(k + 1)².
    problem = SpreadQuadratic(dimensions=21, smallest=1e-5)
    distance_squared = float(np.sum(problem.default_start**2))
    k = np.arange(1, 401)
    gd = losses_of(optimizers.SGD(1.0), problem, 400)
    nesterov = accelerated_losses(problem, 400)
    assert np.all(gd <= distance_squared / (2 * k))
    assert np.all(nesterov <= 2 * distance_squared / (k + 1) ** 2)
    assert nesterov[-1] < gd[-1] / 10


def test_noise_is_seeded_and_validated():
    problem = SpreadQuadratic()
    first = accelerated_losses(problem, 50, noise=0.01, seed=3)
    assert np.array_equal(first, accelerated_losses(problem, 50, noise=0.01, seed=3))
    assert not np.array_equal(first, accelerated_losses(problem, 50, noise=0.01, seed=4))
    with pytest.raises(ValueError, match="^noise must be a finite number >= 0, got -1.0$"):
        accelerated_losses(problem, 10, noise=-1.0)
    with pytest.raises(ValueError, match="^steps must be an integer >= 1, got 0$"):
        losses_of(optimizers.SGD(1.0), problem, 0)


def test_sparse_regression_rates_and_targets():
    data = sparse_regression(common=5, rare=20, common_rate=0.5, rare_rate=0.05, n_train=4000)
    on = data.X_train.mean(axis=0)
    assert on[~data.rare] == pytest.approx(np.full(5, 0.5), abs=0.04)
    assert on[data.rare] == pytest.approx(np.full(20, 0.05), abs=0.015)
    assert np.allclose(data.y_train, data.X_train @ data.w_true)
    assert data.test_loss(data.w_true) == 0.0


def test_adagrad_learns_rare_weights_that_sgd_leaves_behind():
    data = sparse_regression()
    sgd = train(optimizers.SGD(0.3), data)
    adagrad = train(optimizers.Adagrad(1.0), data)
    assert data.weight_errors(adagrad)[1] < data.weight_errors(sgd)[1] / 10
    # Past the common features' limit, SGD blows up and the toy says so instead of raising.
    assert not data.test_loss(train(optimizers.SGD(2.0), data)) < data.test_loss(0 * sgd)
