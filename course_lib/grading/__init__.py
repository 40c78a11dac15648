"""Auto-graded exercises: checks and hints for the notebooks, and the instructor's grader.

In a notebook::

    from course_lib.grading import check, hint, hint_button, score
    check("ex02.q1", momentum_step)   # a line per case; a wrong answer's likely mistake by name
    hint_button("ex02.q1")            # hints one at a time (or hint("ex02.q1") as text)
    score("ex02")                     # the score so far

From a shell: ``python -m course_lib.grading release`` writes the student notebooks
from the solutions; ``python -m course_lib.grading grade SUBMISSIONS --out DIR``
grades submissions into grades.csv and a feedback file per learner.
"""

from .hints import hint, hint_button
from .notebook import check, check_result, score
from .tasks import EXERCISES, TASKS, get_exercise, get_task

__all__ = ["EXERCISES", "TASKS", "check", "check_result", "get_exercise", "get_task", "hint",
           "hint_button", "score"]
