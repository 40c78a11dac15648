"""Lessons 08 and 11's self-checks: each answer agrees with what the course computes, worked out
independently of the task's own reference."""

import math

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.exercises import EXERCISES, TASKS, check_result
from course_lib.exercises.tasks import SELF_CHECKS
from course_lib.experiments import implicit_bias


def answer_of(task_id):
    return TASKS[task_id].reference()


def test_the_self_checks_are_reachable_by_check_but_are_no_exercises():
    for lesson, count in (("lesson08", 3), ("lesson11", 4)):
        assert [task.id for task in SELF_CHECKS[lesson]] == [
            f"{lesson}.q{n}" for n in range(1, count + 1)]
        assert lesson not in EXERCISES
        for task in SELF_CHECKS[lesson]:
            assert check_result(task.id, task.reference).passed


def test_the_wilson_answer_is_what_adam_does_on_the_lesson_problem():
    data = implicit_bias.separable_data(30)
    w1, w2, w3 = implicit_bias.fit(optimizers.Adam(learning_rate=0.01), data).weights[:3]
    assert w1 == pytest.approx(w2, abs=1e-3) and w2 == pytest.approx(w3, abs=1e-12)
    assert -w1 + w2 + w3 > 0                      # a new negative example is called positive
    assert answer_of("lesson08.q1") == "b"


def test_hessian_of_a_hundred_thousand_float32_parameters_by_hand():
    # 10⁵ × 10⁵ = 10¹⁰ entries of 4 bytes: 4·10¹⁰ bytes, 40 GB.
    assert answer_of("lesson08.q2") == pytest.approx(40.0)


def test_the_weight_left_is_what_adamw_leaves_of_a_weight_with_zero_gradient():
    theta = np.ones(1)
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.05)
    for _ in range(100):
        opt.apply(np.zeros(1), theta)
    assert answer_of("lesson11.q1") == pytest.approx(theta[0], rel=1e-12)
    assert answer_of("lesson11.q1") == pytest.approx(math.exp(100 * math.log(0.995)))


def test_pytorch_adam_weight_decay_is_l2():
    assert answer_of("lesson11.q3") == "b"       # verified in scripts/framework_claims.py
