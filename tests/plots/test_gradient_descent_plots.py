"""Lesson-1 pictures draw, and refuse a condition number below 1."""

import pytest
from matplotlib.figure import Figure

from course_lib.plots import gradient_descent as plots


def test_the_pictures_draw():
    assert isinstance(plots.zigzag(steps=5), Figure)
    assert isinstance(plots.contraction_factors(4.0), Figure)


def test_condition_number_below_one_is_refused():
    refused = r"condition_number must be a finite number >= 1, got 0\.5"
    with pytest.raises(ValueError, match=refused):
        plots.contraction_factors(0.5)
