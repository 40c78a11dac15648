"""The lesson-1 explorer flags a run as diverged when its steep coordinate, growing once η > 2/κ,
leaves the window within the steps shown."""

import pytest

from course_lib.problems.trajectory import MAX_NORM
from course_lib.widgets import show


@pytest.mark.parametrize("condition_number, steps", [(4.0, 300), (10.0, 100), (100.0, 300)])
def test_diverged_state_appears_once_the_steep_coordinate_leaves_the_window(condition_number,
                                                                            steps):
    # On ½(x² + κy²) from (−8, 2) gradient descent multiplies y by (1 − ηκ) each step, so past
    # η = 2/κ it grows as 2(ηκ − 1)ᵏ; a run counts as diverged once its point is farther than
    # MAX_NORM = 10⁶ from the origin (x stays within 8). Within ``steps`` steps that happens
    # exactly when η > η* = (1 + (10⁶/2)^(1/steps))/κ: 2.2 % above 2/κ at 300 steps, 7 % at 100.
    limit = (1 + (MAX_NORM / 2) ** (1 / steps)) / condition_number
    explorer = show("gradient_descent", condition_number=condition_number, steps=steps)
    explorer.controls["learning_rate"].value = limit * (1 + 1e-6)
    assert explorer.last_status.warning
    assert explorer.last_status.message.startswith(f"diverged at step {steps}:")
    explorer.controls["learning_rate"].value = limit * (1 - 1e-6)
    assert not explorer.last_status.warning


def test_set_moves_controls_by_name_and_refuses_unknown_names():
    explorer = show("gradient_descent")
    assert explorer.set(learning_rate=0.05, steps=50) is explorer
    assert explorer.values()["learning_rate"] == pytest.approx(0.05)
    assert explorer.values()["steps"] == 50
    with pytest.raises(ValueError, match=r"control's name must be one of \[.*'learning_rate'.*\], "
                                         r"got 'momentum'"):
        explorer.set(momentum=0.9)
