"""The lessons' self-checks (08, 11): answers agree with what the lessons compute, and the
instructor's grader does not treat them as exercises."""

import numpy as np
import pytest

from course_lib import implicit_bias, optimizers
from course_lib.grading import EXERCISES, SELF_CHECKS, TASKS, check_result


def test_self_checks_are_checkable_but_not_graded_exercises():
    assert set(SELF_CHECKS) == {"l08", "l11"} and not set(SELF_CHECKS) & set(EXERCISES)
    for exercise in SELF_CHECKS.values():
        for task in exercise.tasks:
            assert check_result(task.id, task.reference).passed


def test_hessian_of_the_lesson_mlp_by_hand():
    # 4810² = 23 136 100 entries, 8 bytes each: 185.0888 MB.
    assert TASKS["l08.q2"].reference(n_parameters=4810, bytes_per_number=8) == pytest.approx(
        185.0888)


def test_the_wilson_answer_is_what_adam_does_on_the_lesson_problem():
    data = implicit_bias.separable_data(30)
    w1, w2, w3 = implicit_bias.fit(optimizers.Adam(learning_rate=0.01), data).weights[:3]
    assert w1 == pytest.approx(w2, abs=1e-3) and w2 == pytest.approx(w3, abs=1e-12)
    assert -w1 + w2 + w3 > 0                     # a new negative example is called positive
    assert TASKS["l08.q1"].reference() == "b"


def test_weight_left_after_the_lesson_decay_by_hand():
    # 0.99^200 = e^(200 ln 0.99) = 0.13398...
    assert TASKS["l11.q1"].reference(learning_rate=0.01, weight_decay=1.0, steps=200) == (
        pytest.approx(0.133979, rel=1e-5))


def test_weight_left_matches_adamw_on_a_zero_gradient():
    theta = np.ones(1)
    opt = optimizers.AdamW(learning_rate=0.05, weight_decay=0.3)
    for _ in range(40):
        opt.apply(np.zeros(1), theta)
    assert theta[0] == pytest.approx(
        TASKS["l11.q1"].reference(learning_rate=0.05, weight_decay=0.3, steps=40), rel=1e-12)
