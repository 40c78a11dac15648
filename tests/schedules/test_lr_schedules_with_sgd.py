"""Schedules driving the course's SGD: the first update uses step 0, as in Keras."""

import numpy as np

from course_lib import optimizers
from course_lib.schedules import ExponentialDecay, OneCycle, PiecewiseConstantDecay


def test_piecewise_rate_changes_after_the_boundary_step():
    # Loss ½θ², gradient θ: a step multiplies θ by (1 − η_t). Steps t = 0, 1, 2 use η = 0.5
    # (t ≤ 2), steps 3 and 4 use 0.25: θ₅ = 8 · 0.5³ · 0.75² = 0.5625.
    theta = np.array([8.0])
    sgd = optimizers.SGD(learning_rate=PiecewiseConstantDecay([2], [0.5, 0.25]))
    for _ in range(5):
        sgd.apply(theta.copy(), theta)
    np.testing.assert_allclose(theta, [8 * 0.5**3 * 0.75**2])


def test_exponential_decay_seen_through_current_learning_rate():
    sgd = optimizers.SGD(learning_rate=ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5))
    theta = np.zeros(3)
    rates = []
    for _ in range(5):
        rates.append(sgd.current_learning_rate)
        sgd.apply(np.ones(3), theta)
    # 0.1 · 0.5^(t/2) for t = 0 … 4.
    np.testing.assert_allclose(rates, [0.1 * 0.5 ** (t / 2) for t in range(5)])
    # θ moved by minus the sum of the rates, since every gradient was 1.
    np.testing.assert_allclose(theta, -sum(rates))


def test_a_schedule_survives_the_optimizers_config_round_trip():
    schedule = OneCycle(total_steps=100, max_learning_rate=0.5)
    sgd = optimizers.SGD(learning_rate=schedule, momentum=0.9)
    rebuilt = optimizers.SGD.from_config(sgd.get_config())
    assert isinstance(rebuilt.learning_rate, OneCycle)
    assert rebuilt.learning_rate.get_config() == schedule.get_config()
