"""The lesson-3 explorer draws the look-ahead point θ + βm and both gradients where they belong."""

import numpy as np
import pytest

from course_lib.widgets import show


@pytest.fixture(scope="module")
def explorer():
    return show("nesterov")


def book_nesterov(problem, learning_rate, momentum, steps):
    """The lesson's form, written out: m ← βm − η∇J(θ + βm), θ ← θ + m."""
    theta = np.array(problem.default_start, dtype=float)
    m = np.zeros(2)
    states = [(theta.copy(), m.copy())]
    for _ in range(steps):
        m = momentum * m - learning_rate * problem.gradient(theta + momentum * m)
        theta = theta + m
        states.append((theta.copy(), m.copy()))
    return states


@pytest.mark.parametrize("problem_name, learning_rate, step",
                         [("valley κ = 10", 0.05, 2), ("turned valley κ = 10", 0.05, 7),
                          ("Rosenbrock", 0.001, 40)])
def test_look_ahead_point_and_gradients_match_the_book_form(explorer, problem_name,
                                                            learning_rate, step):
    beta = 0.9
    explorer.set(problem=problem_name, learning_rate=learning_rate, momentum=beta,
                 step=step)
    problem = explorer.landscape.problem
    eta = explorer.controls["learning_rate"].value  # the slider's nearest stop
    theta, m = book_nesterov(problem, eta, beta, step)[step]
    view = explorer.view

    drawn_theta = np.array([view.theta.get_xdata()[0], view.theta.get_ydata()[0]])
    drawn_ahead = np.array([view.ahead.get_xdata()[0], view.ahead.get_ydata()[0]])
    np.testing.assert_allclose(drawn_theta, theta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(drawn_ahead, theta + beta * m, rtol=1e-9, atol=1e-12)

    def arrow(name):
        start, end = view.arrows[name]._posA_posB
        return np.array(start), np.array(end)

    start, end = arrow("velocity")
    np.testing.assert_allclose([start, end], [theta, theta + beta * m], rtol=1e-9, atol=1e-12)
    start, end = arrow("here")          # ∇₁ at θ, drawn as the push −η∇₁
    np.testing.assert_allclose(start, theta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(end - start, -eta * problem.gradient(theta), rtol=1e-7, atol=1e-12)
    start, end = arrow("ahead")         # ∇₂ at θ + βm
    np.testing.assert_allclose(start, theta + beta * m, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(end - start, -eta * problem.gradient(theta + beta * m),
                               rtol=1e-7, atol=1e-12)
    # Nesterov's next point is the book's next θ.
    next_theta, _ = book_nesterov(problem, eta, beta, step + 1)[step + 1]
    drawn_next = np.array([view.nesterov.get_xdata()[0], view.nesterov.get_ydata()[0]])
    np.testing.assert_allclose(drawn_next, next_theta, rtol=1e-9, atol=1e-12)


def test_at_step_zero_the_look_ahead_point_is_theta(explorer):
    explorer.set(problem="valley κ = 10", learning_rate=0.05, step=0)
    view = explorer.view
    assert view.ahead.get_xdata()[0] == view.theta.get_xdata()[0]
    assert "velocity is still zero" in explorer.last_status.message


def test_nesterov_diverges_below_momentums_limit(explorer):
    # Along curvature λ with a = ηλ, Nesterov's recurrence x' = (1 + β)(1 − a)x − β(1 − a)x_prev
    # is stable iff |β(1 − a)| < 1 and |(1 + β)(1 − a)| < 1 + β(1 − a); for a > 1 the second
    # gives a < 2(1 + β)/(1 + 2β) (1.357 at β = 0.9), well below momentum's 2(1 + β) = 3.8.
    beta, kappa = 0.9, 10.0
    nesterov_limit = 2 * (1 + beta) / (1 + 2 * beta) / kappa
    explorer.set(problem="valley κ = 10", momentum=beta, step=5)
    explorer.controls["learning_rate"].value = 1.15 * nesterov_limit
    message = explorer.last_status.message
    assert explorer.last_status.warning
    assert "Nesterov diverged" in message and "momentum diverged" not in message
    explorer.controls["learning_rate"].value = 0.85 * nesterov_limit
    assert not explorer.last_status.warning


def test_step_past_a_divergence_shows_the_last_good_step(explorer):
    explorer.set(problem="Rosenbrock", learning_rate=0.5, step=150)
    assert explorer.last_status.warning
    assert "showing step" in explorer.last_status.message
    assert np.all(np.isfinite(explorer.view.theta.get_xdata()))
