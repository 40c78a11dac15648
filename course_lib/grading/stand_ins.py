"""``course_lib.exercises`` and ``course_lib.grading`` as a submission sees them in the sandbox.

The sandbox holds only the runner and the few modules it calls (see :mod:`.jail`); the
course's own code — the tasks and their reference answers, the optimizers, the schedules,
sparsity — is not there, so an answer is the learner's own. A notebook still begins with
``from course_lib.exercises import check, hint, hint_button, score`` (or, released before
the packages were split, ``from course_lib.grading import …``): this file is bound in the
sandbox in place of both packages' ``__init__.py``, and those four names do nothing there,
as they do in any run by the grader.
"""


def check(*args, **kwargs) -> None:
    """Does nothing: the grader judges the answers itself."""


def check_result(*args, **kwargs) -> None:
    """Does nothing: the grader judges the answers itself."""


def hint(*args, **kwargs) -> None:
    """Does nothing: no hint while grading."""


def hint_button(*args, **kwargs) -> None:
    """Does nothing: no hint while grading."""


def score(*args, **kwargs) -> None:
    """Does nothing: the grader computes the score."""
