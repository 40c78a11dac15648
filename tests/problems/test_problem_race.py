"""The course's own optimizers run through trajectory(), checked against what theory predicts."""

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.problems import Bowl, trajectory

START = np.array([-8.0, 2.0])


def test_plain_sgd_on_the_kappa_100_bowl_follows_the_closed_form():
    # η = 0.01 on ½(x² + 100y²): y is wiped out in one step (1 − 0.01·100 = 0),
    # x shrinks by 0.99 a step, so after k steps the loss is ½ · 64 · 0.99^(2k).
    run = trajectory(optimizers.SGD(learning_rate=0.01), Bowl(condition_number=100), START,
                     steps=200)
    assert not run.diverged
    assert run.final_loss == pytest.approx(32 * 0.99**400, rel=1e-9)


def test_momentum_reaches_the_bottom_of_the_kappa_100_bowl_far_sooner():
    # With β = 0.9 and η = 0.01 both eigen-directions (λ = 1 and λ = 100) have complex roots
    # of z² − (1 + β − ηλ) z + β, of modulus √β ≈ 0.949: the error shrinks about 0.949× a step
    # in every direction, against 0.99× for plain SGD along the flat axis.
    bowl = Bowl(condition_number=100)
    plain = trajectory(optimizers.SGD(learning_rate=0.01), bowl, START, steps=200)
    heavy = trajectory(optimizers.SGD(learning_rate=0.01, momentum=0.9), bowl, START, steps=200)
    assert not heavy.diverged
    assert heavy.final_loss < plain.final_loss / 1000


def test_sgd_with_too_large_a_learning_rate_is_flagged_diverged():
    # η = 0.03: y is multiplied by 1 − 0.03·100 = −2 each step;
    # |y_k| = 2^(k+1) first passes 10⁶ at k = 19.
    run = trajectory(optimizers.SGD(learning_rate=0.03), Bowl(condition_number=100), START,
                     steps=100)
    assert run.diverged and run.diverged_at == 19
    assert len(run.path) == 19 and np.all(np.isfinite(run.path))


def test_adams_first_step_moves_each_coordinate_by_the_learning_rate():
    # After one step m̂ = g and ŝ = g², so the step is η g / (|g| + ε): η per coordinate,
    # whatever the scale of g (here −8 along x and 200 along y).
    run = trajectory(optimizers.Adam(learning_rate=0.1), Bowl(condition_number=100), START,
                     steps=1)
    np.testing.assert_allclose(run.path[1], [-7.9, 1.9], atol=1e-6)
