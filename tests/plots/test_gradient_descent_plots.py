"""Lesson-1 pictures show the iterates and factors worked by hand, and refuse a condition number
below 1."""

import numpy as np
import pytest

from course_lib.plots import gradient_descent as plots


def test_the_zigzag_draws_the_iterates_worked_by_hand():
    # From the bowl's start (−8, 2), each step multiplies x by 1 − η and y by 1 − ηκ.
    kappa, eta, steps = 20.0, 0.095, 12
    landscape, sizes = plots.zigzag(condition_number=kappa, learning_rate=eta, steps=steps).axes
    k = np.arange(steps + 1)
    x, y = -8.0 * (1 - eta) ** k, 2.0 * (1 - eta * kappa) ** k
    (path,) = [line for line in landscape.get_lines() if len(line.get_xdata()) == steps + 1]
    np.testing.assert_allclose(path.get_xdata(), x, rtol=1e-12)
    np.testing.assert_allclose(path.get_ydata(), y, rtol=1e-12)
    flat, steep, guide = sizes.get_lines()
    for line, expected in ((flat, np.abs(x)), (steep, np.abs(y)), (guide, 8.0 * (1 - eta) ** k)):
        np.testing.assert_array_equal(line.get_xdata(), k)
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)
    assert sizes.get_yscale() == "log"


def test_the_contraction_factors_cross_at_the_best_rate_and_stop_past_the_limit():
    # κ = 4: the curves |1 − η| and |1 − 4η| cross at η = 2/5 with factor 3/5; 2/κ = 1/2.
    (ax,) = plots.contraction_factors(4.0).axes
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    flat, steep, slower = curves
    eta = flat.get_xdata()
    np.testing.assert_allclose(flat.get_ydata(), np.abs(1 - eta), atol=1e-15)
    np.testing.assert_allclose(steep.get_ydata(), np.abs(1 - 4 * eta), atol=1e-15)
    np.testing.assert_allclose(slower.get_ydata(), np.maximum(np.abs(1 - eta), np.abs(1 - 4 * eta)),
                               atol=1e-15)
    (best,) = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    assert (best.get_xdata()[0], best.get_ydata()[0]) == pytest.approx((0.4, 0.6), rel=1e-12)
    verticals = [line.get_xdata()[0] for line in ax.get_lines()
                 if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]]
    assert verticals == [pytest.approx(0.5, rel=1e-12)]
    assert ax.get_xlim() == pytest.approx((0.0, 1.25 * 0.5), rel=1e-12)
    assert eta[0] == 0 and eta[-1] == pytest.approx(0.625, rel=1e-12)


def test_condition_number_below_one_is_refused():
    refused = r"condition_number must be a finite number >= 1, got 0\.5"
    with pytest.raises(ValueError, match=refused):
        plots.contraction_factors(0.5)
