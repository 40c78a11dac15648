"""Lesson-2 plot helpers: step lengths on a constant slope, and what a learning-rate drop does."""

import numpy as np
import pytest

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


def test_the_terminal_velocity_curves_climb_to_their_dashed_ceilings():
    # On slope 1 the k-th step is η(1 − βᵏ)/(1 − β), drawn in units of η; ceiling 1/(1 − β).
    momentums, steps = (0.0, 0.5, 0.9), 10
    (ax,) = plots.terminal_velocity(momentums=momentums, learning_rate=0.01, steps=steps).axes
    k = np.arange(1, steps + 1)
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == steps]
    ceilings = [line.get_ydata()[0] for line in ax.get_lines() if len(line.get_xdata()) == 2]
    assert len(curves) == len(ceilings) == len(momentums)
    for curve, ceiling, beta in zip(curves, ceilings, momentums, strict=True):
        np.testing.assert_array_equal(curve.get_xdata(), k)
        np.testing.assert_allclose(curve.get_ydata(), (1 - beta**k) / (1 - beta), rtol=1e-9)
        assert ceiling == pytest.approx(1 / (1 - beta), rel=1e-12)


def test_friction_draws_the_heavy_ball_iterates_and_their_loss():
    # Keras's momentum on ½(x² + κy²) from (−8, 2), written out: m ← βm − η(x, κy), θ ← θ + m.
    momentums, eta, kappa, steps = (0.5, 0.9), 0.02, 20.0, 10
    figure = plots.friction(momentums=momentums, learning_rate=eta, condition_number=kappa,
                            steps=steps)
    for ax, beta in zip(figure.axes, momentums, strict=True):
        theta, m, path = np.array([-8.0, 2.0]), np.zeros(2), [np.array([-8.0, 2.0])]
        for _ in range(steps):
            m = beta * m - eta * np.array([1.0, kappa]) * theta
            theta = theta + m
            path.append(theta)
        path = np.array(path)
        (drawn,) = [line for line in ax.get_lines() if len(line.get_xdata()) == steps + 1]
        np.testing.assert_allclose(drawn.get_xydata(), path, rtol=1e-12)
        loss = 0.5 * (path[-1, 0] ** 2 + kappa * path[-1, 1] ** 2)
        assert ax.get_title() == f"β = {beta:g}: loss {loss:.1e} after {steps} steps"


def test_the_learning_rate_drop_shows_keras_carrying_the_old_rate_and_pytorch_not():
    # Steps 1–5 at η, 6 on at η' = η/10, slope 1. Keras: m ← βm − η_k, step |m|;
    # PyTorch: b ← βb + 1, step η_k b. Both start at η(1 − βᵏ)/(1 − β).
    eta, beta, drop_at, steps = 0.1, 0.9, 5, 10
    (ax,) = plots.learning_rate_drop(learning_rate=eta, momentum=beta, drop_at=drop_at,
                                     factor=0.1, steps=steps).axes
    rates = np.where(np.arange(1, steps + 1) <= drop_at, eta, eta / 10)
    keras, torch, m, b = [], [], 0.0, 0.0
    for rate in rates:
        m, b = beta * m - rate, beta * b + 1
        keras.append(abs(m))
        torch.append(rate * b)
    drawn_keras, drawn_torch = [line for line in ax.get_lines() if len(line.get_xdata()) == steps]
    np.testing.assert_allclose(drawn_keras.get_ydata(), keras, rtol=1e-12)
    np.testing.assert_allclose(drawn_torch.get_ydata(), torch, rtol=1e-12)
    assert drawn_keras.get_ydata()[drop_at] > 5 * drawn_torch.get_ydata()[drop_at]
    drop_lines = [line.get_xdata()[0] for line in ax.get_lines()
                  if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]]
    assert drop_lines == [drop_at + 0.5]
    assert ax.get_yscale() == "log"
