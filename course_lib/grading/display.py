"""Showing feedback: rich HTML with a text fallback inside Jupyter, plain text anywhere else.

Inside the grader's process for a submission the checks are switched off (they would
only slow it down), which the grader signals through an environment variable.
"""

from __future__ import annotations

import os
import sys

GRADER_ENV = "COURSE_LIB_GRADING_CHILD"


def inside_grader() -> bool:
    """True in the process where the instructor's grader runs a submission."""
    return os.environ.get(GRADER_ENV) == "1"


def in_kernel() -> bool:
    """True when running in a Jupyter kernel, which can show HTML."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_rich(text: str, html: str) -> None:
    """Display HTML where the front end can, with ``text`` for nbval and terminals."""
    if in_kernel():
        from IPython.display import display

        display({"text/plain": text, "text/html": html}, raw=True)
    else:
        print(text)
