"""Adam on a steady gradient is sign descent or SGD at η/ε; AMSGrad on Reddi et al.'s problem."""

import math

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.experiments.amsgrad import online_run
from course_lib.problems import online
from course_lib.problems.adam_steps import steady_gradient_step


@pytest.mark.parametrize("epsilon", [0.0, 1e-7, 1e-3, 10.0])
@pytest.mark.parametrize("t", [1, 2, 50])
def test_the_closed_form_is_the_optimizers_t_th_step(epsilon, t):
    g = np.array([2.0, -1e-3, 1e-6])
    theta = np.zeros(3)
    opt = optimizers.Adam(learning_rate=0.1, beta_1=0.8, beta_2=0.99, epsilon=epsilon)
    for _ in range(t - 1):
        opt.apply(g, theta)
    before = theta.copy()
    opt.apply(g, theta)
    np.testing.assert_allclose(before - theta, steady_gradient_step(g, t, 0.1, 0.99, epsilon),
                               rtol=1e-12)


def test_by_hand_at_step_one():
    # m = 0.1 g, s = 0.001 g², η₁ = η √0.001 / 0.1: the step is η g / (|g| + ε/√0.001).
    g, eta, eps = 4.0, 0.01, 1e-3
    expected = eta * math.sqrt(0.001) / 0.1 * (0.1 * g) / (math.sqrt(0.001) * g + eps)
    assert steady_gradient_step(np.array([g]), 1, eta, 0.999, eps)[0] == pytest.approx(
        expected, rel=1e-14)


def test_without_epsilon_every_gradient_moves_eta_times_its_sign():
    g = np.array([1e-6, -3.0, 500.0])
    assert steady_gradient_step(g, 1, 0.01, 0.999, 0.0).tolist() == [0.01, -0.01, 0.01]


def test_with_a_large_epsilon_the_step_is_proportional_to_g():
    g = np.array([1e-6, -1e-4, 1e-3])
    step = steady_gradient_step(g, 10_000, 0.01, 0.999, 100.0)
    np.testing.assert_allclose(step / g, 0.01 / 100.0, rtol=1e-4)


def test_reddis_gradients_by_hand():
    assert [online.gradient(t)[0] for t in range(1, 7)] == [3.0, -1.0, -1.0, 3.0, -1.0, -1.0]
    assert online.cycle_loss(-1.0, big=3.0) == -1.0
    with pytest.raises(ValueError, match="big must be a finite number > 2, got 2"):
        online.gradient(1, big=2)


def test_adam_goes_to_the_worst_point_and_amsgrad_to_the_best():
    adam, amsgrad = online_run(False), online_run(True)
    assert adam.x[-1] == 1.0 and amsgrad.x[-1] < -0.9
    assert np.all(np.diff(amsgrad.s_max) >= 0) and np.all(amsgrad.s_max >= amsgrad.s)
    assert np.any(np.diff(adam.s) < 0)        # Adam's own s forgets the large gradient
