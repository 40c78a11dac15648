"""The learner edition's tasks as data: the visible cases with the answers that judge them.

The learner edition a hub hands out for graded work holds no reference answer, no hidden
case and no mistake's code. What ``check``, ``hint`` and ``score`` need instead travels in
``visible_cases.json``, written at release time by running the task modules: for each task
its text (title, hints, the mistakes' names and explanations) and, for each visible case,
its inputs, the reference's answer and each named mistake's answer. :func:`read` rebuilds
the same :class:`Task` objects from it, with ``reference`` None, so the judge and the
feedback run unchanged and say exactly what they say in the full repository.

Values travel in the wire format (tagged arrays, tuples and quadratic bowls).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .calling import changed_in_place
from .judge import Judge
from .spec import Case, Exercise, Mistake, Task
from .wire import decode, encode

DATA = Path(__file__).with_name("visible_cases.json")


def to_data(exercises: dict[str, Exercise],
            self_checks: dict[str, tuple[Task, ...]]) -> dict[str, Any]:
    """The exercises and the lessons' self-checks as plain data, answers computed now."""
    return {
        "exercises": [{"id": exercise.id, "title": exercise.title,
                       "notebook": exercise.notebook,
                       "tasks": [_task_data(task) for task in exercise.tasks]}
                      for exercise in exercises.values()],
        "self_checks": {lesson: [_task_data(task) for task in tasks]
                        for lesson, tasks in self_checks.items()},
    }


def _task_data(task: Task) -> dict[str, Any]:
    judge = Judge(task, task.visible_cases())
    return {
        "id": task.id, "title": task.title, "answer_name": task.answer_name,
        "kind": task.kind, "points": task.points, "outputs": list(task.outputs),
        "options": dict(task.options), "rtol": task.rtol, "atol": task.atol,
        "builds_on": list(task.builds_on), "whole_number": task.whole_number,
        "hints": list(task.hints),
        "mistakes": [{"name": m.name, "explanation": m.explanation} for m in task.mistakes],
        "hidden_elsewhere": task.has_hidden_cases,
        "cases": [{"label": case.label, "kwargs": _travelling(task, case),
                   "expected": encode(judge.expected(index)),
                   "mistaken": [encode(judge.variant(index, mistake))
                                for mistake in range(len(task.mistakes))]}
                  for index, case in enumerate(judge.cases)],
    }


def _travelling(task: Task, case: Case) -> Any:
    """A case's inputs as data; ValueError if they would not come back as they are."""
    plain = {name: encode(value) for name, value in case.kwargs.items()}
    changed = changed_in_place(dict(case.kwargs), _arguments(plain))
    if changed:
        raise ValueError(f"{task.id}, {case.label}: {', '.join(changed)} cannot travel as data")
    return plain


def _arguments(plain: dict[str, Any]) -> dict[str, Any]:
    return {name: decode(value) for name, value in plain.items()}


def read(path: Path = DATA) -> tuple[dict[str, Exercise], dict[str, tuple[Task, ...]]]:
    """The exercises and the self-checks from the data :func:`to_data` wrote."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    exercises = {
        exercise["id"]: Exercise(exercise["id"], exercise["title"], exercise["notebook"],
                                 tuple(_task(task) for task in exercise["tasks"]))
        for exercise in data["exercises"]
    }
    self_checks = {lesson: tuple(_task(task) for task in tasks)
                   for lesson, tasks in data["self_checks"].items()}
    return exercises, self_checks


def _task(data: dict[str, Any]) -> Task:
    cases = tuple(
        Case(case["label"], _arguments(case["kwargs"]), expected=decode(case["expected"]),
             mistaken=tuple(decode(answer) for answer in case["mistaken"]))
        for case in data["cases"]
    )
    return Task(
        id=data["id"], title=data["title"], answer_name=data["answer_name"], reference=None,
        kind=data["kind"], edge_cases=cases, visible_random=0, hidden_random=0,
        mistakes=tuple(Mistake(m["name"], m["explanation"]) for m in data["mistakes"]),
        hints=tuple(data["hints"]), points=data["points"], outputs=tuple(data["outputs"]),
        options=data["options"], rtol=data["rtol"], atol=data["atol"],
        builds_on=tuple(data["builds_on"]), whole_number=data["whole_number"],
        hidden_elsewhere=data["hidden_elsewhere"],
    )
