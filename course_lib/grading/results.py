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


def task_points(result: TaskResult, partial_credit: bool = False) -> float:
    """What a task earns: all its points when every case passed, else 0; with
    ``partial_credit``, points × cases passed / cases (visible and hidden), to two decimals."""
    if not partial_credit:
        return result.points
    if not result.cases:
        return 0
    return round(result.task.points * result.passed_count / len(result.cases), 2)


def points_sum(points) -> float:
    """A sum of marks to two decimals, an integer when it is one (no 2.0000000000000004)."""
    total = round(sum(points), 2)
    return int(total) if total == int(total) else total


@dataclass
class Graded:
    """One notebook's grade: a result per task, and what went wrong while running it.
    ``partial_credit``: whether a task earns a share of its points for the cases it passed."""

    submission: Submission
    results: dict[str, TaskResult] = field(default_factory=dict)
    execution: Execution | None = None
    partial_credit: bool = False

    @property
    def learner(self) -> str:
        return self.submission.learner

    def task_points(self, task_id: str) -> float:
        """What the task earned in this notebook (0 for a task without a result)."""
        result = self.results.get(task_id)
        return 0 if result is None else points_sum([task_points(result, self.partial_credit)])

    @property
    def points(self) -> float:
        return points_sum(self.task_points(task_id) for task_id in self.results)

    @property
    def cell_errors(self) -> list[str]:
        """"cell N: what it raised" for each cell that raised (a timeout or crash is a trouble,
        not a cell error)."""
        execution = self.execution
        if execution is None:
            return []
        # The grader records the cells it stopped as troubles when it stops them.
        stopped = {text.split(" ", 2)[1] for _, text in execution.troubles
                   if text.startswith("cell ")}
        return [f"cell {index + 1} {problem}"
                for index, problem in sorted(execution.cell_problems.items())
                if str(index + 1) not in stopped]

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
    def points(self) -> float:
        return self.counted.points


@dataclass
class LearnerGrade:
    """One learner's row: an exercise grade per exercise handed in, the notebooks that answer
    none, the flat-layout copies graded but held for the instructor because the learner's own
    file answers another exercise (``held``), and what went wrong with the learner as a whole
    (``problems``)."""

    learner: Learner
    exercises: dict[str, ExerciseGrade] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    held: list[Graded] = field(default_factory=list)

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
    def points(self) -> float:
        return points_sum(grade.points for grade in self.exercises.values())

    @property
    def notebooks(self) -> list[Graded]:
        """Every notebook graded for this learner, counted, set aside or held."""
        return [*(g for grade in self.exercises.values()
                  for g in (grade.counted, *grade.set_aside)), *self.held]
