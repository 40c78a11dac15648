"""Calling a learner's function on one case and recording what happened, as plain data.

The same code runs in the notebook (``check``) and in the process that runs a
submission for the grader, so a learner sees in the notebook exactly what the
grader will see. An :class:`Outcome` is plain data: in the grader it arrives from
the submission's process and is validated by :meth:`Outcome.from_plain`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from .quadratic import QuadraticBowl
from .wire import encode_answer

# Statuses an outcome can have; the last four are set by the grader, never by the submission.
ANSWERED, NOT_ATTEMPTED, ERROR, MISSING = "answered", "not_attempted", "error", "missing"
TIMEOUT, CRASHED, NOT_RUN = "timeout", "crashed", "not_run"
MAX_DETAIL = 300


@dataclass(frozen=True)
class Outcome:
    """What one call produced: the answer as plain data, or why there is none."""

    status: str
    answer: Any = None
    detail: str = ""
    mutated: tuple[str, ...] = ()

    def to_plain(self) -> dict:
        return {"status": self.status, "answer": self.answer, "detail": self.detail,
                "mutated": list(self.mutated)}

    @classmethod
    def from_plain(cls, data: Any) -> Outcome:
        """Rebuild an outcome sent by a submission's process; ValueError if malformed."""
        if not isinstance(data, dict) or set(data) != {"status", "answer", "detail", "mutated"}:
            raise ValueError("an outcome must be a dict with status, answer, detail, mutated")
        status, detail, mutated = data["status"], data["detail"], data["mutated"]
        if status not in (ANSWERED, NOT_ATTEMPTED, ERROR, MISSING):
            raise ValueError(f"unknown outcome status {status!r}")
        if not isinstance(detail, str):
            raise ValueError("an outcome's detail must be a string")
        if not isinstance(mutated, list) or not all(isinstance(name, str) for name in mutated):
            raise ValueError("an outcome's mutated must be a list of names")
        return cls(status, data["answer"], detail[:MAX_DETAIL],
                   tuple(name[:100] for name in mutated[:20]))


def one_line(error: BaseException) -> str:
    """An exception as 'raised Type: message' on one line, short enough to read at a glance."""
    if isinstance(error, SystemExit):
        return "called sys.exit(); a function should return its answer instead"
    message = " ".join(str(error).split())
    text = f"raised {type(error).__name__}" + (f": {message}" if message else "")
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def call_learner(function: Any, kwargs: dict[str, Any]) -> Outcome:
    """Call ``function(**kwargs)`` and report the answer, a stub, an error or changed inputs.

    ``kwargs`` must be the caller's own copy: the call may change it. A value that is
    not callable counts as the answer itself when the task takes no arguments.
    """
    if not callable(function):
        if kwargs:
            return Outcome(ERROR, detail=(
                f"needs the function itself, but got {type(function).__name__}; "
                "pass it without parentheses"))
        return Outcome(ANSWERED, encode_answer(function))
    before = copy.deepcopy(kwargs)
    try:
        # A learner's formula may divide by zero on an edge case; the judge reports the
        # resulting inf or NaN, so NumPy's warnings would only repeat it.
        with np.errstate(all="ignore"):
            result = function(**kwargs)
    except NotImplementedError:
        return Outcome(NOT_ATTEMPTED)
    except (Exception, SystemExit) as error:
        return Outcome(ERROR, detail=one_line(error))
    return Outcome(ANSWERED, encode_answer(result), mutated=changed_in_place(before, kwargs))


def changed_in_place(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    """The names of the arguments whose value in ``after`` differs from ``before``."""
    return tuple(name for name in before if not _unchanged(after.get(name), before[name]))


def _unchanged(after: Any, before: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and after.shape == before.shape
                and bool(np.array_equal(after, before, equal_nan=True)))
    if isinstance(before, QuadraticBowl):
        return before == after
    if isinstance(before, list):
        return (isinstance(after, list) and len(after) == len(before)
                and all(_unchanged(a, b) for a, b in zip(after, before, strict=True)))
    return type(after) is type(before) and after == before
