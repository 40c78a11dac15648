"""The graded exercises, one module per notebook, and lookup by id ("ex02", "ex02.q1").

``SELF_CHECKS`` are the questions of the lessons that have no exercise notebook ("l08",
"l11"): ``check`` and ``hint`` take their task ids like any other, but the instructor's
grader and ``release`` only know ``EXERCISES``.
"""

from __future__ import annotations

from ..spec import Exercise, Task
from . import (
    ex02_momentum,
    ex03_nesterov,
    ex04_adagrad_rmsprop,
    ex06_adam,
    ex07_adamax_nadam,
    ex09_schedules,
    ex10_sparsity,
    self_check_08_race,
    self_check_11_beyond,
)

EXERCISES: dict[str, Exercise] = {
    module.EXERCISE.id: module.EXERCISE
    for module in (ex02_momentum, ex03_nesterov, ex04_adagrad_rmsprop, ex06_adam,
                   ex07_adamax_nadam, ex09_schedules, ex10_sparsity)
}

SELF_CHECKS: dict[str, Exercise] = {
    module.SELF_CHECK.id: module.SELF_CHECK
    for module in (self_check_08_race, self_check_11_beyond)
}

TASKS: dict[str, Task] = {task.id: task for e in (*EXERCISES.values(), *SELF_CHECKS.values())
                          for task in e.tasks}


def get_exercise(exercise_id: str) -> Exercise:
    known = {**EXERCISES, **SELF_CHECKS}
    if exercise_id not in known:
        raise ValueError(f"unknown exercise {exercise_id!r}; "
                         f"the exercises are {', '.join(known)}")
    return known[exercise_id]


def get_task(task_id: str) -> Task:
    if task_id not in TASKS:
        exercise = EXERCISES.get(str(task_id).split(".")[0])
        known = exercise.tasks if exercise else ()
        listing = f"; this exercise's tasks are {', '.join(t.id for t in known)}" if known else ""
        raise ValueError(f"unknown task {task_id!r}{listing}")
    return TASKS[task_id]
