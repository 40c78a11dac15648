"""The lesson-1 explorer tells stable from diverging runs by the limit η < 2/κ."""

import pytest

from course_lib.widgets import show


@pytest.mark.parametrize("condition_number", [4.0, 10.0, 100.0])
def test_diverged_state_appears_exactly_above_two_over_kappa(condition_number):
    explorer = show("gradient_descent", condition_number=condition_number, steps=300)
    # On ½(x² + κy²) gradient descent multiplies y by (1 − ηκ) each step: |1 − ηκ| > 1 iff η > 2/κ.
    explorer.controls["learning_rate"].value = 1.3 * 2 / condition_number
    assert explorer.last_status.warning
    assert "diverged" in explorer.last_status.message
    explorer.controls["learning_rate"].value = 0.7 * 2 / condition_number
    assert not explorer.last_status.warning


def test_set_moves_controls_by_name_and_refuses_unknown_names():
    explorer = show("gradient_descent")
    assert explorer.set(learning_rate=0.05, steps=50) is explorer
    assert explorer.values()["learning_rate"] == pytest.approx(0.05)
    assert explorer.values()["steps"] == 50
    with pytest.raises(ValueError, match=r"control's name must be one of \[.*'learning_rate'.*\], "
                                         r"got 'momentum'"):
        explorer.set(momentum=0.9)
