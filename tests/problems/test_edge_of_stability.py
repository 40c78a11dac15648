"""Sharpness by power iteration on finite-difference Hessian-vector products; the edge of
stability on the tiny tanh network."""

import numpy as np
import pytest

from course_lib.experiments.edge_of_stability import digits_network, sharpness_run
from course_lib.problems.sharpness import hessian_vector_product, sharpness
from course_lib.problems.tanh_network import TanhNetwork


def rotated_quadratic():
    """J(w) = ½ wᵀ A w with A = Q diag(1, 3, 10) Qᵀ: h_max = 10 along Q's last column."""
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((3, 3)))
    return Q @ np.diag([1.0, 3.0, 10.0]) @ Q.T, Q[:, 2]


def test_a_hessian_vector_product_of_a_quadratic_is_a_times_v():
    A, _ = rotated_quadratic()
    v = np.array([0.3, -1.0, 2.0])
    np.testing.assert_allclose(hessian_vector_product(lambda w: A @ w, np.ones(3), v), A @ v,
                               rtol=1e-9)


def test_power_iteration_finds_the_largest_curvature_and_its_direction():
    A, top = rotated_quadratic()
    curvature, v = sharpness(lambda w: A @ w, np.zeros(3), np.ones(3), iterations=60)
    assert curvature == pytest.approx(10.0, rel=1e-9)
    assert abs(v @ top) == pytest.approx(1.0, rel=1e-9)


def test_the_networks_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    network = TanhNetwork(rng.standard_normal((7, 4)), np.eye(3)[rng.integers(0, 3, 7)], 5)
    w = network.initial_weights(seed=2, output_scale=1.0) + 0.1 * rng.standard_normal(network.size)
    _, gradient = network.loss_and_gradient(w)
    step = 1e-6
    numeric = [(network.loss_and_gradient(w + step * e)[0]
                - network.loss_and_gradient(w - step * e)[0]) / (2 * step)
               for e in np.eye(network.size)]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)


def test_the_networks_loss_by_hand_at_zero_weights():
    # w = 0: a = tanh(0) = 0, f = 0, J = ½ mean ‖y‖² = ½ for one-hot targets.
    network = TanhNetwork(np.ones((4, 2)), np.eye(3)[[0, 1, 2, 0]], 3)
    assert network.loss_and_gradient(np.zeros(network.size))[0] == 0.5


def test_gradient_descent_sharpens_until_two_over_eta_and_stays_there():
    eta = 0.3
    run = sharpness_run(eta, steps=1000, every=50, network=digits_network())
    assert run.sharpness[0] < 0.85 * 2 / eta                       # starts well below the edge
    assert np.mean(run.sharpness[-7:]) == pytest.approx(2 / eta, rel=0.1)
    assert run.losses[-1] < run.losses[0] / 5                      # and it kept learning
