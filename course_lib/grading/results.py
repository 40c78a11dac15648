"""What grading produces: a notebook's grade, a learner's grade per exercise, a learner's row.

The grader (:mod:`.grader`) makes these and the gradebook (:mod:`.gradebook`) writes them
out; both import them from here, so neither needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_lib.exercises.judge import TaskResult
from course_lib.exercises.spec import Exercise

from .learners import Learner, Submission
from .sandbox import Execution


@dataclass
class Graded:
    """One notebook's grade: a result per task, and what went wrong while running it."""

    submission: Submission
    results: dict[str, TaskResult] = field(default_factory=dict)
    execution: Execution | None = None

    @property
    def learner(self) -> str:
        return self.submission.learner

    @property
    def points(self) -> int:
        return sum(result.points for result in self.results.values())

    @property
    def troubles(self) -> list[tuple[str, str]]:
        """("timeout", "crash" or "interference", what happened) for each time the notebook
        hung, ended its process or broke the grader's rules, as the grader saw it: the
        instructor may want to look at those by hand."""
        return [] if self.execution is None else list(self.execution.troubles)


@dataclass
class ExerciseGrade:
    """One learner's grade for one exercise: the notebook that counts and those set aside."""

    exercise: Exercise
    counted: Graded
    set_aside: list[Graded] = field(default_factory=list)

    @property
    def points(self) -> int:
        return self.counted.points


@dataclass
class LearnerGrade:
    """One learner's row: an exercise grade per exercise handed in, the notebooks that answer
    none, and what went wrong with the learner as a whole (``problems``)."""

    learner: Learner
    exercises: dict[str, ExerciseGrade] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.learner.id

    @property
    def name(self) -> str:
        """The name written in the counted notebooks' metadata (several joined by " / ")."""
        names = [grade.counted.submission.name for grade in self.exercises.values()]
        names = names or [s.name for s in self.learner.submissions]
        return " / ".join(dict.fromkeys(name for name in names if name))

    @property
    def not_graded(self) -> list[Submission]:
        return self.learner.unknown

    @property
    def results(self) -> dict[str, TaskResult]:
        """The result of every task of the counted notebooks."""
        return {task_id: result for grade in self.exercises.values()
                for task_id, result in grade.counted.results.items()}

    @property
    def points(self) -> int:
        return sum(grade.points for grade in self.exercises.values())

    @property
    def notebooks(self) -> list[Graded]:
        """Every notebook graded for this learner, counted or set aside."""
        return [g for grade in self.exercises.values() for g in (grade.counted, *grade.set_aside)]
