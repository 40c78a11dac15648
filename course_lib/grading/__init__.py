"""The instructor's grader: ``python -m course_lib.grading release`` and ``… grade``.

``release`` writes the student notebooks from the solutions; ``grade SUBMISSIONS --out DIR``
grades submissions into grades.csv and feedback per learner; ``export`` and ``return`` take
them to an LMS and back to the learners; ``collect`` gathers them from a hub's homes.

What is here: finding who handed in what (``learners``, ``reading``, with ``identity`` for
look-alike ids and ``copies`` for hard links and identical notebooks), running a submission
in a sandbox (``sandbox``, ``jail``, ``seccomp``, ``cgroups``, ``scratch``, ``runner``, with
``stand_ins`` for the course's packages inside it), grading it (``grader``, with the result
types in ``results``), writing the grades and feedback (``gradebook``, ``outputs``),
exporting, returning and collecting (``exports``, ``returning``, ``collecting``) and
releasing notebooks and the learner edition (``release``). The exercises themselves and the
learner's ``check``, ``hint`` and ``score`` are :mod:`course_lib.exercises`.

The names below are re-exported for one reason: exercise notebooks released before the
two packages were split begin with ``from course_lib.grading import check, hint,
hint_button, score``, and a learner's copy must keep working unchanged. They come from
:mod:`course_lib.exercises`, and this file imports no grader module, so that line still
loads nothing of the grader. New notebooks import from :mod:`course_lib.exercises`.
"""

from course_lib.exercises import (
    EXERCISES,
    TASKS,
    check,
    check_result,
    get_exercise,
    get_task,
    hint,
    hint_button,
    score,
)

__all__ = ["EXERCISES", "TASKS", "check", "check_result", "get_exercise", "get_task", "hint",
           "hint_button", "score"]
