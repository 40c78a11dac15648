"""Lesson-3 helpers: course_lib's Nesterov run read back as the book's θ; one step taken apart."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.plots import nesterov as plots
from course_lib.problems import Bowl, Rosenbrock


def book_nesterov(problem, learning_rate, momentum, steps):
    """m ← βm − η∇J(θ + βm), θ ← θ + m, from the problem's start with m = 0."""
    theta, m = np.array(problem.default_start, dtype=float), np.zeros(2)
    points, velocities = [theta.copy()], [m.copy()]
    for _ in range(steps):
        m = momentum * m - learning_rate * problem.gradient(theta + momentum * m)
        theta = theta + m
        points.append(theta.copy())
        velocities.append(m.copy())
    return np.array(points), np.array(velocities)


@pytest.mark.parametrize("problem, learning_rate, momentum",
                         [(Bowl(10.0, angle=30.0), 0.05, 0.9), (Rosenbrock(), 1e-3, 0.8)])
def test_the_run_is_the_book_form_after_the_change_of_variable(problem, learning_rate, momentum):
    run = plots.nesterov_run(problem, learning_rate, momentum, steps=60)
    points, velocities = book_nesterov(problem, learning_rate, momentum, 60)
    np.testing.assert_allclose(run.points, points, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.velocities, velocities, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.lookaheads, points + momentum * velocities, rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(run.losses, problem.value(points), rtol=1e-9, atol=1e-12)
    assert not run.diverged


def test_without_momentum_it_is_plain_gradient_descent():
    problem = Bowl(4.0)
    run = plots.nesterov_run(problem, 0.1, 0.0, steps=20)
    k = np.arange(21)[:, None]
    shrink = (1 - 0.1 * np.array([1, 4])) ** k
    np.testing.assert_allclose(run.points, problem.default_start * shrink, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(run.points, run.lookaheads)


def test_a_diverging_run_stops_before_the_step_that_failed():
    run = plots.nesterov_run(Bowl(10.0), 0.5, 0.9, steps=200)
    assert run.diverged
    assert len(run.points) == len(run.velocities) == len(run.losses) == run.diverged_at
    assert np.all(np.isfinite(run.points))


def test_one_step_taken_apart_on_a_bowl():
    # Bowl with κ = 4: ∇J(x, y) = (x, 4y).
    problem = Bowl(4.0)
    theta, m, eta, beta = np.array([2.0, 1.0]), np.array([-1.0, -2.0]), 0.1, 0.5
    step = plots.look_ahead(problem, theta, m, eta, beta)
    ahead = np.array([1.5, 0.0])
    np.testing.assert_allclose(step.lookahead, ahead)
    np.testing.assert_allclose(step.gradient_here, [2.0, 4.0])
    np.testing.assert_allclose(step.gradient_ahead, [1.5, 0.0])
    np.testing.assert_allclose(step.nesterov_next, ahead - eta * np.array([1.5, 0.0]))
    np.testing.assert_allclose(step.momentum_next, ahead - eta * np.array([2.0, 4.0]))


def test_the_next_points_are_what_course_lib_does_from_that_state():
    problem = Rosenbrock()
    theta, m, eta, beta = np.array([-1.0, 1.5]), np.array([0.02, -0.01]), 1e-3, 0.9
    step = plots.look_ahead(problem, theta, m, eta, beta)
    # Plain momentum from θ with velocity m: one course_lib step.
    heavy = optimizers.SGD(learning_rate=eta, momentum=beta)
    heavy.set_state({"iterations": 0, "slots": [{"momentum": m.copy()}]})
    point = theta.copy()
    heavy.apply(problem.gradient(point), point)
    np.testing.assert_allclose(step.momentum_next, point, rtol=1e-12)
    # course_lib's Nesterov holds φ = θ + βm; after one step φ' = θ' + βm'.
    nesterov = optimizers.SGD(learning_rate=eta, momentum=beta, nesterov=True)
    nesterov.set_state({"iterations": 0, "slots": [{"momentum": m.copy()}]})
    phi = theta + beta * m
    nesterov.apply(problem.gradient(phi), phi)
    new_m = nesterov.slots[0]["momentum"]
    np.testing.assert_allclose(step.nesterov_next, phi - beta * new_m, rtol=1e-12)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\), got 1\.0"),
    ({"momentum": -0.1}, r"momentum must be a number in \[0, 1\), got -0\.1"),
    ({"learning_rate": 0.0}, r"learning_rate must be a finite number > 0, got 0\.0"),
])
def test_bad_step_arguments_are_refused_by_name(kwargs, message):
    arguments = {"learning_rate": 0.1, "momentum": 0.9, **kwargs}
    with pytest.raises(ValueError, match=message):
        plots.look_ahead(Bowl(), [1.0, 1.0], [0.0, 0.0], **arguments)


def test_damping_draws_both_runs_worked_by_hand_and_the_step_is_checked():
    assert isinstance(plots.look_ahead_step(steps=5), Figure)
    # Damping's paths, written out on ½(x² + κy²) from (−8, 2): m ← βm − η∇J(θ), θ ← θ + m for
    # momentum; Nesterov takes the gradient at the look-ahead point, m ← βm − η∇J(θ + βm).
    eta, beta, kappa, steps = 0.05, 0.9, 10.0, 10
    paths, losses = plots.damping(eta, beta, kappa, steps=steps).axes
    expected = {}
    for name, look_ahead in (("Momentum", False), ("Nesterov", True)):
        theta, m, path = np.array([-8.0, 2.0]), np.zeros(2), [np.array([-8.0, 2.0])]
        for _ in range(steps):
            g = np.array([1.0, kappa]) * (theta + beta * m if look_ahead else theta)
            m = beta * m - eta * g
            theta = theta + m
            path.append(theta)
        expected[name] = np.array(path)
    drawn = [line for line in paths.get_lines() if len(line.get_xdata()) == steps + 1]
    curves = [line for line in losses.get_lines() if len(line.get_xdata()) == steps + 1]
    for line, curve, name in zip(drawn, curves, ("Momentum", "Nesterov"), strict=True):
        assert line.get_label() == curve.get_label() == name
        np.testing.assert_allclose(line.get_xydata(), expected[name], rtol=1e-12)
        path = expected[name]
        loss = 0.5 * (path[:, 0] ** 2 + kappa * path[:, 1] ** 2)
        np.testing.assert_allclose(curve.get_ydata(), loss, rtol=1e-12)
    with pytest.raises(ValueError, match=r"step must be an integer in \[0, 5\], got 9"):
        plots.look_ahead_step(step=9, steps=5)
