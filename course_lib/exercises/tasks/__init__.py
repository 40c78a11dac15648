"""The graded exercises, one module per notebook, and lookup by id ("ex02", "ex02.q1").

The lessons without an exercise have self-check questions (``SELF_CHECKS``, by lesson): the
same ``check`` answers them, but they belong to no exercise notebook, so ``release``, ``score``
and the grader never see them.
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
    lesson01_selfcheck,
    lesson08_selfcheck,
    lesson11_selfcheck,
)

EXERCISES: dict[str, Exercise] = {
    module.EXERCISE.id: module.EXERCISE
    for module in (ex02_momentum, ex03_nesterov, ex04_adagrad_rmsprop, ex06_adam,
                   ex07_adamax_nadam, ex09_schedules, ex10_sparsity)
}

SELF_CHECKS: dict[str, tuple[Task, ...]] = {
    module.ID: module.TASKS
    for module in (lesson01_selfcheck, lesson08_selfcheck, lesson11_selfcheck)
}

TASKS: dict[str, Task] = {
    task.id: task
    for tasks in [*(e.tasks for e in EXERCISES.values()), *SELF_CHECKS.values()]
    for task in tasks
}


def get_exercise(exercise_id: str) -> Exercise:
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; "
                         f"the exercises are {', '.join(EXERCISES)}")
    return EXERCISES[exercise_id]


def get_task(task_id: str) -> Task:
    if task_id not in TASKS:
        exercise = EXERCISES.get(str(task_id).split(".")[0])
        known = exercise.tasks if exercise else ()
        listing = f"; this exercise's tasks are {', '.join(t.id for t in known)}" if known else ""
        raise ValueError(f"unknown task {task_id!r}{listing}")
    return TASKS[task_id]
