"""What an exercise notebook calls: ``check`` after each task and ``score`` at the end.

``check("ex02.q1", momentum_step)`` runs the function on the task's visible cases
(edge cases and a few random ones), and shows a line per case: what passed, what
failed, and for a wrong answer the likely mistake by name.
"""

from __future__ import annotations

import sys
from typing import Any

from .calling import call_learner
from .display import show_rich
from .feedback import score_html, score_rows, score_text, task_html, task_text
from .grader_flag import inside_grader
from .judge import Judge, TaskResult
from .tasks import get_exercise, get_task

_judges: dict[str, Judge] = {}
# The name each task's function was last checked under, so that score() can say so when the
# notebook defines it under another name than the one score and the grader look for.
_checked_as: dict[str, str] = {}


def check_result(task_id: str, answer: Any) -> TaskResult:
    """Judge ``answer`` (the learner's function) on the visible cases of ``task_id``."""
    task = get_task(task_id)
    if task_id not in _judges:
        _judges[task_id] = Judge(task, task.visible_cases())
    judge = _judges[task_id]
    return judge.judge([call_learner(answer, case.arguments()) for case in judge.cases])


def check(task_id: str, answer: Any) -> None:
    """Check your answer to a task and show the result, case by case.

    ``answer`` is the function you wrote (without parentheses), e.g.
    ``check("ex02.q1", momentum_step)``.
    """
    if inside_grader():
        return
    result = check_result(task_id, answer)
    name = getattr(answer, "__name__", "")
    if callable(answer) and name.isidentifier():
        _checked_as[task_id] = name
    show_rich(task_text(result), task_html(result))


def score(exercise_id: str, namespace: dict[str, Any] | None = None) -> None:
    """Show the score so far for a notebook: every task checked again on its visible cases.

    The functions are looked up by name in ``namespace``, by default the notebook's.
    """
    if inside_grader():
        return
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    exercise = get_exercise(exercise_id)
    answers = {task.id: namespace[task.answer_name]
               for task in exercise.tasks if task.answer_name in namespace}
    results = {task_id: check_result(task_id, answer) for task_id, answer in answers.items()}
    calls = {task_id: names for task_id, answer in answers.items()
             if (names := _names_used(answer)) is not None}
    checked_as = {task.id: _checked_as[task.id] for task in exercise.tasks
                  if task.id not in answers and _checked_as.get(task.id) in namespace}
    rows = score_rows(results, exercise.tasks, calls, checked_as)
    title = f"{exercise.id} · {exercise.title}"
    show_rich(score_text(title, rows), score_html(title, rows))


def _names_used(answer: Any) -> frozenset[str] | None:
    """The global names a function's code refers to (its own and its inner functions'), or
    None for an answer that is not plain Python code."""
    code = getattr(answer, "__code__", None)
    if code is None:
        return None
    names, codes = set(), [code]
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        codes += [const for const in current.co_consts if hasattr(const, "co_names")]
    return frozenset(names)
