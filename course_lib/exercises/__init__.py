"""The exercises a learner works through: tasks, ``check``, ``hint`` and ``score``.

In a notebook::

    from course_lib.exercises import check, hint, hint_button, score
    check("ex02.q1", momentum_step)   # a line per case; a wrong answer's likely mistake by name
    hint_button("ex02.q1")            # hints one at a time (or hint("ex02.q1") as text)
    score("ex02")                     # the score so far

What is here: the task content (``tasks/``: reference answers, cases, named mistakes,
hints, one module per notebook) and its schema (``spec``); judging an answer (``judge``,
``compare``), calling a learner's function (``calling``), the plain data answers travel
as (``wire``, with ``quadratic`` for a gradient sent as data); and what a learner sees
(``checks``, ``hints``, ``feedback``, ``display``). The instructor's grader,
:mod:`course_lib.grading`, builds on this package; nothing here imports it, so a
learner's kernel never loads the grader.
"""

from .checks import check, check_result, score
from .hints import hint, hint_button
from .tasks import EXERCISES, TASKS, get_exercise, get_task

__all__ = ["EXERCISES", "TASKS", "check", "check_result", "get_exercise", "get_task", "hint",
           "hint_button", "score"]
