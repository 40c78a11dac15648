"""Judging: outcomes against the reference, and a wrong answer named by the variant it matches.

This is the only place a learner's answer is compared with anything. It runs in the
notebook for ``check()`` and in the grading process for the grader, where it sees
nothing of the submission but the plain data its process sent back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np

from .calling import ANSWERED, NOT_ATTEMPTED, Outcome
from .compare import agree, read_answer, show, show_difference
from .spec import Case, Mistake, Task
from .wire import decode

PASS, FAIL, NOT_ATTEMPTED_YET, ERROR = "pass", "fail", "not_attempted", "error"

IN_PLACE = Mistake(
    "inputs changed in place",
    "Build new arrays (theta - step) instead of changing the arguments with -=, += or [...] =; "
    "the caller still needs the old values.",
)

NOT_WHOLE = Mistake(
    "not a whole number",
    "The answer counts steps, and t takes whole values only: give the first whole t for which "
    "the condition holds, not the real number that solves the equation.",
)


@dataclass(frozen=True)
class CaseResult:
    """How one case went: pass, fail (with the matching mistakes), not attempted, or error."""

    case: Case
    status: str
    detail: str = ""
    mistakes: tuple[Mistake, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASS


@dataclass(frozen=True)
class TaskResult:
    """All the cases of one task. ``graded`` is True when hidden cases were included;
    ``failing_prerequisites`` are the tasks it builds on that failed too."""

    task: Task
    cases: tuple[CaseResult, ...]
    graded: bool = False
    failing_prerequisites: tuple[Task, ...] = ()

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(case.passed for case in self.cases)

    @property
    def not_attempted(self) -> bool:
        return bool(self.cases) and all(c.status == NOT_ATTEMPTED_YET for c in self.cases)

    @property
    def points(self) -> int:
        return self.task.points if self.passed else 0

    @property
    def passed_count(self) -> int:
        return sum(case.passed for case in self.cases)

    @property
    def explaining_mistakes(self) -> tuple[Mistake, ...]:
        """The mistakes that explain every case failed with a wrong answer, in the order
        listed. A mistake that explains only some of them is not the learner's: a different
        formula can agree with it where both give the same number (0 at step 0, say)."""
        wrong = [case for case in self.cases if case.status == FAIL]
        if not wrong:
            return ()
        shared = {m.name for m in wrong[0].mistakes}
        for case in wrong[1:]:
            shared &= {m.name for m in case.mistakes}
        return tuple(m for m in wrong[0].mistakes if m.name in shared)

    @property
    def likely_mistake(self) -> Mistake | None:
        """The first of the mistakes that explain every wrongly answered case, or None."""
        return next(iter(self.explaining_mistakes), None)

    @property
    def shared_error(self) -> str | None:
        """The error message when every case failed with the same one, else None."""
        details = {case.detail for case in self.cases}
        if self.cases and len(details) == 1 and all(c.status == ERROR for c in self.cases):
            return details.pop()
        return None


def with_prerequisites(results: dict[str, TaskResult],
                       calls: Mapping[str, Collection[str]] | None = None,
                       ) -> dict[str, TaskResult]:
    """The results of one notebook, each failed one told which of the tasks it builds on
    failed too (a wrong soft_threshold fails the proximal step that calls it).

    ``calls`` maps a task to the names its answer refers to, where they are known (in the
    notebook); a task whose answer does not refer to a prerequisite's function is not told.
    """
    calls = calls or {}
    linked = {}
    for task_id, result in results.items():
        failed = tuple(results[other].task for other in result.task.builds_on
                       if other in results and not results[other].passed
                       and (task_id not in calls
                            or results[other].task.answer_name in calls[task_id]))
        linked[task_id] = (replace(result, failing_prerequisites=failed)
                           if failed and not result.passed else result)
    return linked


class Judge:
    """Judges outcomes on a fixed list of cases, computing the reference and each wrong
    variant once per case however many submissions are judged."""

    def __init__(self, task: Task, cases: list[Case]):
        self.task = task
        self.cases = list(cases)
        self._expected: dict[int, object] = {}
        self._variants: dict[tuple[int, int], object] = {}

    def expected(self, index: int):
        """The reference's answer on a case: carried by the case, or computed once."""
        if index not in self._expected:
            case = self.cases[index]
            self._expected[index] = (case.expected if case.expected is not None
                                     else _run(self.task.reference, case))
        return self._expected[index]

    def variant(self, index: int, mistake: int):
        """A mistake's answer on a case (None for a mistake without a variant): carried by
        the case, or computed once."""
        key = (index, mistake)
        if key not in self._variants:
            case, wrong = self.cases[index], self.task.mistakes[mistake].variant
            if case.mistaken:
                self._variants[key] = case.mistaken[mistake]
            else:
                self._variants[key] = None if wrong is None else _run(wrong, case)
        return self._variants[key]

    def judge(self, outcomes: list[Outcome], graded: bool = False) -> TaskResult:
        if len(outcomes) != len(self.cases):
            raise ValueError(f"expected {len(self.cases)} outcomes, got {len(outcomes)}")
        results = tuple(self._judge_case(i, outcome) for i, outcome in enumerate(outcomes))
        return TaskResult(self.task, results, graded)

    def _judge_case(self, index: int, outcome: Outcome) -> CaseResult:
        case = self.cases[index]
        if outcome.status == NOT_ATTEMPTED:
            return CaseResult(case, NOT_ATTEMPTED_YET, "not attempted yet")
        if outcome.status != ANSWERED:
            return CaseResult(case, ERROR, outcome.detail or outcome.status)
        task = self.task
        expected = self.expected(index)
        answer, problem = read_answer(decode(outcome.answer), expected, task.outputs)
        if problem is None and task.kind == "choice" and answer not in task.options:
            problem = f"'{answer}' is not one of the options {', '.join(sorted(task.options))}"
        if problem is not None:
            return CaseResult(case, FAIL, problem)
        parts, mistakes = [], []
        if not agree(answer, expected, task.rtol, task.atol):
            # The right number or letter of a question stays secret; a formula's does not.
            parts.append(show_difference(expected, answer, task.outputs, task.rtol, task.atol)
                         if task.kind == "function" else f"{show(answer)} is not right")
            mistakes += [m for j, m in enumerate(task.mistakes)
                         if self._is_variant(index, j, answer)]
            if (not mistakes and task.whole_number and np.isfinite(answer)
                    and not float(answer).is_integer()):
                mistakes.append(NOT_WHOLE)
            if not mistakes and _has_non_finite(answer):
                parts.append("the answer contains NaN or inf")
        if outcome.mutated:
            parts.append(f"changed {', '.join(outcome.mutated)} in place")
            mistakes.append(IN_PLACE)
        if not parts:
            return CaseResult(case, PASS)
        return CaseResult(case, FAIL, "; ".join(parts), tuple(mistakes))

    def _is_variant(self, index, mistake, answer) -> bool:
        wrong = self.variant(index, mistake)
        task = self.task
        # A variant that happens to give the right answer on this case says nothing.
        return (wrong is not None and agree(answer, wrong, task.rtol, task.atol)
                and not agree(wrong, self.expected(index), task.rtol, task.atol))


def _run(function, case: Case):
    with np.errstate(all="ignore"):
        return _normalise(function(**case.arguments()))


def _normalise(value):
    """A reference's answer in the judge's forms: floats, float arrays, tuples, strings."""
    if isinstance(value, tuple | list) and not _is_flat_numbers(value):
        return tuple(_normalise(item) for item in value)
    if isinstance(value, str):
        return value
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def _is_flat_numbers(value) -> bool:
    return all(isinstance(item, int | float | np.number) and not isinstance(item, bool)
               for item in value)


def _has_non_finite(answer) -> bool:
    if isinstance(answer, tuple):
        return any(_has_non_finite(item) for item in answer)
    if isinstance(answer, str):
        return False
    return not bool(np.all(np.isfinite(answer)))

