"""The lesson-2 explorer measures momentum's top speed and flags the runs that blow up."""

import re

import pytest

from course_lib.problems import Bowl
from course_lib.widgets import show
from course_lib.widgets.momentum import slope_speeds


@pytest.fixture(scope="module")
def explorer():
    return show("momentum")


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9, 0.95, 0.99])
def test_measured_top_speed_matches_one_over_one_minus_beta(momentum):
    # Constant gradient g: m_k = βm_{k−1} − ηg from m_0 = 0 sums to −ηg(1 + β + … + β^{k−1}),
    # so the k-th step is η|g|(1 − β^k)/(1 − β), which tends to η|g|/(1 − β).
    speeds = slope_speeds(0.01, momentum)
    for k in sorted({1, 2, len(speeds)} & set(range(1, len(speeds) + 1))):
        assert speeds[k - 1] == pytest.approx((1 - momentum**k) / (1 - momentum), rel=1e-9)
    assert speeds[-1] == pytest.approx(1 / (1 - momentum), rel=1e-3)


def test_status_reports_the_measured_and_the_predicted_top_speed(explorer):
    explorer.set(problem="valley κ = 10", learning_rate=0.01, momentum=0.8)
    message = explorer.last_status.message
    measured = float(re.search(r"[Mm]easured top speed ([\d.]+)×", message).group(1))
    predicted = float(re.search(r"1/\(1−β\) = ([\d.]+)", message).group(1))
    assert measured == pytest.approx(5.0, abs=0.01)
    assert predicted == pytest.approx(5.0)
    # The dashed ceiling on the speed panel sits at the prediction.
    assert list(explorer.ceiling.get_ydata()) == pytest.approx([5.0, 5.0])


def test_momentum_survives_learning_rates_that_break_plain_descent(explorer):
    # On ½(x² + κy²) each direction with curvature λ is its own 1-D problem: SGD multiplies the
    # error by 1 − ηλ (stable iff ηλ < 2); momentum's recurrence x' = (1 + β − ηλ)x − βx_prev
    # has both roots inside the unit circle iff ηλ < 2(1 + β). Between 2/κ and 2(1 + β)/κ only
    # SGD diverges.
    kappa, beta = 100.0, 0.9
    explorer.set(problem="valley κ = 100", momentum=beta)
    explorer.controls["learning_rate"].value = 1.5 * 2 / kappa
    status = explorer.last_status
    assert status.warning
    assert "SGD diverged" in status.message and "Momentum diverged" not in status.message
    explorer.controls["learning_rate"].value = 1.2 * 2 * (1 + beta) / kappa
    assert "Momentum diverged" in explorer.last_status.message
    explorer.controls["learning_rate"].value = 0.8 * 2 / kappa
    assert not explorer.last_status.warning


def test_switching_problem_moves_the_window_to_the_problem(explorer):
    explorer.set(learning_rate=1e-3)
    for name, problem in explorer.landscape.problems.items():
        explorer.controls["problem"].value = name
        (x0, x1), (y0, y1) = problem.bounds
        assert explorer.landscape.ax.get_xlim() == (x0, x1)
        assert explorer.landscape.ax.get_ylim() == (y0, y1)
        assert explorer.paths["SGD"].line.get_xdata()[0] == problem.default_start[0]
    assert isinstance(explorer.landscape.problems["valley κ = 100"], Bowl)
