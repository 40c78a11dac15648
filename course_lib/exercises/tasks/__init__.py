"""The graded exercises, one module per notebook, and lookup by id ("ex02", "ex02.q1").

The lessons without an exercise have self-check questions (``SELF_CHECKS``, by lesson): the
same ``check`` answers them, but they belong to no exercise notebook, so ``release``, ``score``
and the grader never see them.

The tasks come from the modules named below, or, in the learner edition, which leaves those
modules out, from the data they were turned into at release time (``visible_cases.json``):
the same tasks either way, there without references or hidden cases.
"""

from __future__ import annotations

from importlib import import_module

from .. import visible_cases
from ..spec import Exercise, Task

EXERCISE_MODULES = ("ex02_momentum", "ex03_nesterov", "ex04_adagrad_rmsprop", "ex06_adam",
                    "ex07_adamax_nadam", "ex09_schedules", "ex10_sparsity")
SELF_CHECK_MODULES = ("lesson01_selfcheck", "lesson08_selfcheck", "lesson11_selfcheck")


def _from_modules() -> tuple[dict[str, Exercise], dict[str, tuple[Task, ...]]]:
    exercises = [import_module(f"{__name__}.{name}").EXERCISE for name in EXERCISE_MODULES]
    self_checks = [import_module(f"{__name__}.{name}") for name in SELF_CHECK_MODULES]
    return ({exercise.id: exercise for exercise in exercises},
            {module.ID: module.TASKS for module in self_checks})


EXERCISES: dict[str, Exercise]
SELF_CHECKS: dict[str, tuple[Task, ...]]
EXERCISES, SELF_CHECKS = (visible_cases.read() if visible_cases.DATA.exists()
                          else _from_modules())

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
