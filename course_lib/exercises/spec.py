"""What a graded task is: a reference answer, the cases it is checked on, the known mistakes.

A task is always answered by a function the learner writes in the notebook (the
stub raises ``NotImplementedError`` until they fill it in). Three kinds:

- ``function``: the learner implements a formula; it is called on edge cases and
  random cases, and the grader adds hidden random cases drawn from its own seed;
- ``value``: a function of no arguments returning a number the learner worked out;
- ``choice``: a function of no arguments returning the letter of a multiple-choice option.

Each known wrong variant (a :class:`Mistake`) is a function with the reference's
arguments. A wrong answer that agrees with a variant is reported by the variant's name.

The learner edition (``course_lib.exercises.visible_cases``) has neither references nor
variants: there a task's ``reference`` is None and its visible cases carry, as data, the
reference's answer and each mistake's answer on them.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_lib.validation import choice


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: keyword arguments and a label for the feedback.

    In the learner edition a case also carries the answers it is judged by: ``expected``, the
    reference's, and ``mistaken``, each of the task's mistakes' in order (None for a mistake
    without a variant). Elsewhere they are empty and the judge computes them.
    """

    label: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    hidden: bool = False
    expected: Any = None
    mistaken: tuple[Any, ...] = ()

    def arguments(self) -> dict[str, Any]:
        """A fresh deep copy of the arguments, so that no call can change the case."""
        return copy.deepcopy(dict(self.kwargs))


@dataclass(frozen=True)
class Mistake:
    """A known wrong variant: its name, one sentence on the fix, and the wrong implementation.

    ``variant`` is None for mistakes the judge spots without one (inputs changed in place).
    """

    name: str
    explanation: str
    variant: Callable[..., Any] | None = None


KINDS = ("function", "value", "choice")
TASKS_PER_EXERCISE = (3, 6)


@dataclass(frozen=True)
class Task:
    """One graded question of an exercise notebook.

    ``answer_name`` is the name of the learner's function in the notebook;
    ``outputs`` names the items of a tuple answer (for the feedback);
    ``random_kwargs(rng)`` draws the arguments of one random case;
    ``builds_on`` lists the tasks whose function the learner's answer calls (ex10's
    proximal step calls their soft_threshold), so that feedback can name them as a cause;
    ``whole_number`` says that a value task's answer counts something (steps), so that a
    fractional answer is named as such.

    In the learner edition ``reference`` is None, the edge cases are the visible cases with
    their answers, and ``hidden_elsewhere`` says whether the grader's copy of the task has
    hidden cases.
    """

    id: str
    title: str
    answer_name: str
    reference: Callable[..., Any] | None
    kind: str = "function"
    edge_cases: tuple[Case, ...] = ()
    random_kwargs: Callable[[np.random.Generator], dict[str, Any]] | None = None
    visible_random: int = 3
    hidden_random: int = 8
    hidden_edge_cases: tuple[Case, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    hints: tuple[str, ...] = ()
    points: int = 1
    outputs: tuple[str, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9
    builds_on: tuple[str, ...] = ()
    whole_number: bool = False
    hidden_elsewhere: bool = False

    def __post_init__(self):
        choice(self.kind, "kind", KINDS)
        if not self.hints:
            raise ValueError(f"task {self.id} needs at least one hint")
        if self.kind == "function" and not (self.edge_cases or self.random_kwargs):
            raise ValueError(f"function task {self.id} needs edge cases or random cases")
        if self.reference is None and not (
                self.edge_cases and all(case.expected is not None for case in self.edge_cases)):
            raise ValueError(f"task {self.id} has no reference, so each of its cases needs "
                             "its expected answer")

    @property
    def exercise_id(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def has_hidden_cases(self) -> bool:
        """Whether the instructor's grader checks more than the notebook shows."""
        return self.hidden_elsewhere or bool(self.hidden_edge_cases) or (
            self.random_kwargs is not None and self.hidden_random > 0
        )

    def visible_cases(self) -> list[Case]:
        """The cases ``check()`` runs: the edge cases, then random cases from a fixed seed."""
        if self.reference is None:
            return list(self.edge_cases)
        if self.kind != "function":
            return [Case("your answer")]
        cases = list(self.edge_cases)
        cases += self._random_cases(self._visible_stream(), self.visible_random, "random case",
                                    hidden=False)
        return cases

    def hidden_cases(self, seed: int) -> list[Case]:
        """The extra cases the grader adds: hidden edge cases and random cases from ``seed``."""
        if self.kind != "function":
            return []
        cases = [Case(case.label, case.kwargs, hidden=True) for case in self.hidden_edge_cases]
        cases += self._random_cases(self._hidden_stream(seed), self.hidden_random, "hidden case",
                                    hidden=True)
        return cases

    # Every task gets its own streams, so adding a task never changes another's cases, and
    # the hidden stream is seeded apart from the visible one: no grading seed, 0 included,
    # draws the cases a learner has already seen.
    def _visible_stream(self) -> np.random.Generator:
        return np.random.default_rng([0, zlib.crc32(self.id.encode())])

    def _hidden_stream(self, seed: int) -> np.random.Generator:
        return np.random.default_rng([seed, zlib.crc32(self.id.encode()), 1])

    def _random_cases(self, rng, count, label, *, hidden) -> list[Case]:
        if self.random_kwargs is None:
            return []
        return [
            Case(f"{label} {number}", self.random_kwargs(rng), hidden=hidden)
            for number in range(1, count + 1)
        ]


def value_task(*, id: str, title: str, answer_name: str, answer: float,
               mistakes: Mapping[float, tuple[str, str]], hints: tuple[str, ...],
               points: int = 1, rtol: float = 1e-4, whole_number: bool = False) -> Task:
    """A question whose answer is one number; ``mistakes`` maps a wrong number to (name, why);
    ``whole_number``: the answer is a count, and a fractional answer is a named mistake."""
    return Task(
        id=id, title=title, answer_name=answer_name, kind="value",
        reference=_constant(float(answer)),
        mistakes=tuple(Mistake(name, why, _constant(float(wrong)))
                       for wrong, (name, why) in mistakes.items()),
        hints=hints, points=points, rtol=rtol, atol=0.0, whole_number=whole_number,
    )


def choice_task(*, id: str, title: str, answer_name: str, options: Mapping[str, str],
                correct: str, mistakes: Mapping[str, tuple[str, str]],
                hints: tuple[str, ...], points: int = 1) -> Task:
    """A multiple-choice question; ``mistakes`` maps a wrong letter to (misconception, why)."""
    if correct not in options or not set(mistakes) <= set(options) - {correct}:
        raise ValueError(f"task {id}: the correct letter and the mistakes must be options")
    return Task(
        id=id, title=title, answer_name=answer_name, kind="choice",
        reference=_constant(correct), options=dict(options),
        mistakes=tuple(Mistake(name, why, _constant(letter))
                       for letter, (name, why) in mistakes.items()),
        hints=hints, points=points,
    )


def _constant(value):
    def answer():
        return value

    return answer


@dataclass(frozen=True)
class Exercise:
    """One exercise notebook: its id (``ex02``), title, notebook name and tasks in order."""

    id: str
    title: str
    notebook: str
    tasks: tuple[Task, ...]

    def __post_init__(self):
        fewest, most = TASKS_PER_EXERCISE
        if not fewest <= len(self.tasks) <= most:
            raise ValueError(f"exercise {self.id} must have {fewest} to {most} tasks, "
                             f"got {len(self.tasks)}")
        for task in self.tasks:
            if task.exercise_id != self.id:
                raise ValueError(f"task {task.id} does not belong to exercise {self.id}")

    @property
    def points(self) -> int:
        return sum(task.points for task in self.tasks)
