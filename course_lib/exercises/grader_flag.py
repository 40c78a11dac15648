"""The flag that tells a notebook it is being run by the instructor's grader.

The grader runs each submission in a process of its own with ``COURSE_LIB_GRADING_CHILD=1``
in its environment. There ``check``, ``hint`` and ``score`` do nothing: the grader judges
the answers itself, and showing feedback would only slow the submission down. The name
lives on the exercise side so that a learner's kernel never imports the grader to read it.
"""

from __future__ import annotations

import os

GRADER_ENV = "COURSE_LIB_GRADING_CHILD"


def inside_grader() -> bool:
    """True in the process where the instructor's grader runs a submission."""
    return os.environ.get(GRADER_ENV) == "1"
