"""Lesson-2 plot helpers: step lengths on a constant slope, and what a learning-rate drop does."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.plots import momentum as plots


def test_plain_gradient_descent_walks_the_slope_at_a_constant_pace():
    speeds = plots.speeds_on_a_slope(optimizers.SGD(learning_rate=0.3), steps=5, slope=-2.0)
    np.testing.assert_allclose(speeds, np.full(5, 0.3 * 2.0), rtol=1e-12)


def test_momentum_steps_are_partial_geometric_sums():
    # m_k = −ηg(1 + β + … + β^{k−1}), so the k-th step is ηg(1 − β^k)/(1 − β).
    eta, beta, g = 0.05, 0.7, 3.0
    speeds = plots.speeds_on_a_slope(optimizers.SGD(learning_rate=eta, momentum=beta), 30, g)
    k = np.arange(1, 31)
    np.testing.assert_allclose(speeds, eta * g * (1 - beta**k) / (1 - beta), rtol=1e-12)


@pytest.mark.parametrize(("steps", "slope", "error", "message"), [
    (0, 1.0, ValueError, r"steps must be an integer >= 1, got 0"),
    (2.5, 1.0, TypeError, r"steps must be an integer >= 1, got 2\.5"),
    (True, 1.0, TypeError, r"steps must be an integer >= 1, got True"),
    (3, 0.0, ValueError, r"slope must be a finite number other than 0, got 0\.0"),
    (3, float("nan"), ValueError, r"slope must be a finite number, got nan"),
])
def test_bad_arguments_are_refused_by_name(steps, slope, error, message):
    with pytest.raises(error, match=message):
        plots.speeds_on_a_slope(optimizers.SGD(), steps, slope)


def test_keras_velocity_carries_the_old_rate_and_pytorch_does_not():
    # Settled at η on slope 1: Keras m = −η/(1 − β), PyTorch b = 1/(1 − β). The first step at
    # η' = η/10: Keras moves |βm − η'| = βη/(1 − β) + η', PyTorch moves η'·(βb + 1) = η'/(1 − β).
    eta, beta, drop_at = 0.1, 0.9, 300
    new = eta / 10

    def schedule(step):
        return eta if step < drop_at else new

    keras = plots.speeds_on_a_slope(optimizers.SGD(learning_rate=schedule, momentum=beta),
                                    drop_at + 1)
    torch = plots.speeds_on_a_slope(optimizers.TorchSGD(learning_rate=schedule, momentum=beta),
                                    drop_at + 1)
    np.testing.assert_allclose(keras[:drop_at], torch[:drop_at], rtol=1e-9)
    assert keras[drop_at] == pytest.approx(beta * eta / (1 - beta) + new, rel=1e-6)
    assert torch[drop_at] == pytest.approx(new / (1 - beta), rel=1e-6)


def test_the_pictures_draw():
    for figure in (plots.terminal_velocity(steps=10), plots.friction(steps=10),
                   plots.learning_rate_drop(drop_at=5, steps=10)):
        assert isinstance(figure, Figure) and figure.axes
