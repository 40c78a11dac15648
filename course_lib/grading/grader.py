"""The instructor's grader: submissions in, grades.csv and a feedback file per learner out.

Every notebook runs in its own process, in a sandbox (see :mod:`.sandbox` and :mod:`.jail`),
on the inputs chosen here: the visible cases of each task plus hidden cases drawn from the
run's seed. Only plain answers come back, and they are judged in this process. Submissions
are read, never written.

Who handed in what is :mod:`.learners`' business. Here, every notebook a learner handed in
for an exercise is graded, the best one counts, and the others are set aside by name, so a
forgotten "-Copy1" can never cost a learner the marks of their real work. Whatever goes wrong
with one notebook or one learner becomes a note on that learner's row; the others are graded
all the same.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from course_lib.exercises.calling import NOT_RUN, Outcome, one_line
from course_lib.exercises.escaping import terminal_text
from course_lib.exercises.judge import Judge, with_prerequisites
from course_lib.exercises.spec import Exercise
from course_lib.exercises.tasks import TASKS
from course_lib.exercises.wire import encode
from course_lib.validation import flag, integer, number

from .copies import solutions_folder
from .gradebook import checked_exercises, write_grades
from .jail import Jail
from .learners import Learner, Submission, discover
from .results import ExerciseGrade, Graded, LearnerGrade
from .sandbox import CallRequest, Execution, Limits, execute

MAX_NOTEBOOKS_PER_LEARNER = 10
LEARNER_SECONDS = 300.0


def best_first(graded: list[Graded]) -> list[Graded]:
    """The notebooks for one exercise, the one that counts first: the most points; on a tie
    the original before its copies (see :attr:`.Submission.original_first`)."""
    return sorted(graded, key=lambda item: (-item.points, *item.submission.original_first))


class Grader:
    """Grades submissions with one seed, so that every learner meets the same hidden cases."""

    def __init__(self, seed: int | None = None, limits: Limits | None = None, jobs: int = 2,
                 unsafe: bool = False, partial_credit: bool = False,
                 max_notebooks: int = MAX_NOTEBOOKS_PER_LEARNER,
                 learner_seconds: float = LEARNER_SECONDS):
        """``unsafe``: run submissions without the sandbox, as this user, with its files and
        environment; otherwise SandboxUnavailable says why there is no sandbox here.
        ``partial_credit``: a task earns points × the share of its cases passed.
        ``max_notebooks`` and ``learner_seconds`` bound one learner's share of the run: the
        notebooks graded, and the seconds they may run in all (a notebook that would start
        past it is not run)."""
        self.seed = secrets.randbelow(2**31) if seed is None else int(seed)
        self.partial_credit = flag(partial_credit, "partial_credit")
        self.limits = limits or Limits()
        self.jobs = integer(jobs, "jobs", low=1)
        self.max_notebooks = integer(max_notebooks, "max_notebooks", low=1)
        self.learner_seconds = number(learner_seconds, "learner_seconds", low=0,
                                      low_inclusive=False)
        self.jail = None if unsafe else Jail.find()
        self._judges: dict[str, Judge] = {}
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()

    def judge_for(self, task) -> Judge:
        if task.id not in self._judges:
            self._judges[task.id] = Judge(task, task.visible_cases() + task.hidden_cases(self.seed))
        return self._judges[task.id]

    def requests(self, exercise: Exercise) -> list[CallRequest]:
        return [CallRequest(task.id, task.answer_name,
                            [{name: encode(value) for name, value in case.kwargs.items()}
                             for case in self.judge_for(task).cases])
                for task in exercise.tasks]

    def run(self, submission: Submission) -> Execution | None:
        """Run a submission's code (in its own process); None if it cannot be run. Once the
        learner's notebooks have run for ``learner_seconds`` in all, the rest are not run."""
        if submission.problem is not None:
            return None
        requests = self.requests(submission.exercise)
        with self._lock:
            spent = self._spent.get(submission.learner, 0.0)
        if spent >= self.learner_seconds:
            why = (f"not run: this learner's notebooks had used up the time one learner may "
                   f"take ({self.learner_seconds:g} s)")
            return Execution({r.task_id: [Outcome(NOT_RUN, detail=why)] * len(r.cases)
                              for r in requests}, notes=[why])
        execution = execute(list(submission.cells), requests, self.limits, self.jail)
        with self._lock:
            self._spent[submission.learner] = (self._spent.get(submission.learner, 0.0)
                                               + execution.seconds)
        return execution

    def within_share(self, learner: Learner) -> Learner:
        """``learner`` with at most ``max_notebooks`` notebooks to grade (originals, by their
        exercise's file name, first); the others are listed as not graded, saying why."""
        candidates = learner.candidates
        if len(candidates) <= self.max_notebooks:
            return learner
        kept = sorted(candidates, key=lambda s: (s.path.stem != s.exercise.notebook,
                                                 s.label))[:self.max_notebooks]
        why = (f"not graded: only {self.max_notebooks} notebooks per learner are graded "
               f"(--max-notebooks-per-learner), and this learner handed in {len(candidates)}")
        return replace(learner, submissions=[
            s if s in kept or s.exercise is None else replace(s, exercise=None, problem=why)
            for s in learner.submissions])

    def judge(self, submission: Submission, execution: Execution | None) -> Graded:
        graded = Graded(submission, execution=execution, partial_credit=self.partial_credit)
        if execution is not None:
            graded.results = with_prerequisites({
                task.id: self.judge_for(task).judge(execution.outcomes[task.id], graded=True)
                for task in submission.exercise.tasks})
        return graded

    def grade_run(self, submission: Submission, run: Future) -> Graded:
        """Judge one notebook from its ``run``; if the grader itself fails on it (running or
        judging), the notebook scores 0 and a note says why."""
        try:
            return self.judge(submission, run.result())
        except Exception as error:
            return Graded(replace(submission, problem=(
                f"the grader failed on this notebook ({one_line(error)}); "
                "the other notebooks were graded as usual")))

    def grade_learner(self, learner: Learner, runs: Iterable[Future]) -> LearnerGrade:
        """Judge each of a learner's candidate notebooks (``runs``: their runs, in the order
        of ``learner.candidates``) and keep the best one per exercise."""
        graded = [self.grade_run(submission, run)
                  for submission, run in zip(learner.candidates, runs, strict=True)]
        grade = LearnerGrade(learner, problems=list(learner.problems))
        for exercise_id in sorted({g.submission.exercise.id for g in graded}):
            ranked = best_first([g for g in graded if g.submission.exercise.id == exercise_id])
            # In the flat layout anyone can hand in "bob-Copy1.ipynb": it never counts over
            # bob's own notebook, and without one it is held for the instructor to decide.
            own = [g for g in ranked if not g.submission.copy_of]
            if not own:
                grade.held += ranked
                continue
            grade.exercises[exercise_id] = ExerciseGrade(
                own[0].submission.exercise, own[0], [g for g in ranked if g is not own[0]])
        return grade

    def grade(self, learners: list[Learner],
              log: Callable[[str], None] = lambda line: None) -> list[LearnerGrade]:
        """Grade every learner's candidates, ``jobs`` notebooks at a time, in learner order;
        a learner the grader fails on gets a row with a note saying so."""
        learners = [self.within_share(learner) for learner in learners]
        for learner in learners:
            for submission in learner.candidates:
                self.requests(submission.exercise)  # computes the cases before the threads start
        grades = []
        with ThreadPoolExecutor(self.jobs) as pool:
            running = [(learner, [pool.submit(self.run, s) for s in learner.candidates])
                       for learner in learners]
            for learner, runs in running:
                try:
                    grade = self.grade_learner(learner, runs)
                except Exception as error:
                    grade = LearnerGrade(learner, problems=[*learner.problems, (
                        f"the grader failed on this learner ({one_line(error)}); "
                        "the other learners were graded as usual")])
                grades.append(grade)
                log(terminal_text(progress_line(grade)))
        return grades


def progress_line(grade: LearnerGrade) -> str:
    parts = [f"{exercise_id} {g.points}/{g.exercise.points}"
             for exercise_id, g in grade.exercises.items()]
    aside = sum(len(g.set_aside) for g in grade.exercises.values()) + len(grade.held)
    if aside:
        parts.append(f"{aside} set aside")
    if grade.not_graded:
        parts.append(f"{len(grade.not_graded)} not graded")
    if grade.problems:
        parts.append(f"{_count(len(grade.problems), 'problem')}, see notes")
    return f"{grade.id}: {', '.join(parts) or 'no notebook'}"


def summary(grades: list[LearnerGrade]) -> list[str]:
    """What an instructor reads at the end: how many learners and notebooks, and every notebook
    that did not count, hung or crashed, by name (learner text as it is: escape it for the
    terminal, as :func:`grade` does)."""
    notebooks = [g for grade in grades for g in grade.notebooks]
    aside = [(grade, e) for grade in grades for e in grade.exercises.values() if e.set_aside]
    unknown = [s for grade in grades for s in grade.not_graded]
    empty = [grade.id for grade in grades if not grade.learner.submissions]
    troubles = [(kind, g, text) for g in notebooks for kind, text in g.troubles]
    held = [(grade, g) for grade in grades for g in grade.held]
    lines = [f"{_count(len(grades), 'learner')}; {_count(len(notebooks), 'notebook')} graded, "
             f"{sum(len(e.set_aside) for _, e in aside) + len(held)} of them set aside; "
             f"{len(unknown)} not graded"]
    if aside or held:
        lines.append("set aside (the best notebook per learner and exercise counts):")
        for grade, e in aside:
            kept = f"{e.counted.submission.label} counts ({e.points}/{e.exercise.points})"
            for g in e.set_aside:
                lines.append(f"  {grade.id}: {g.submission.label} {g.points}/{e.exercise.points}"
                             f"; {kept}")
        for grade, g in held:
            lines.append(f"  {grade.id}: {g.submission.label} {g.points}/"
                         f"{g.submission.exercise.points}; held for you to decide (a flat-layout "
                         f"copy of {g.submission.copy_of}, which answers another exercise)")
    if unknown:
        lines.append("not graded:")
        lines += [f"  {s.learner}: {s.label}: {s.problem}" for s in unknown]
    unreadable = [g.submission for g in notebooks if g.submission.problem]
    if unreadable:
        lines.append("could not be run (0 points):")
        lines += [f"  {s.learner}: {s.label}: {s.problem}" for s in unreadable]
    if empty:
        lines.append(f"no notebook at all: {', '.join(empty)}")
    troubled = [(grade.id, problem) for grade in grades for problem in grade.problems]
    if troubled:
        lines.append("could not be graded in full:")
        lines += [f"  {learner}: {problem}" for learner, problem in troubled]
    cell_errors = [(g, error) for g in notebooks for error in g.cell_errors]
    lines.append(f"cell errors: {len(cell_errors) or 'none'}")
    lines += [f"  {g.learner}: {g.submission.label}: {error}" for g, error in cell_errors]
    to_check = [(grade.id, note) for grade in grades for note in grade.learner.notes]
    if to_check:
        lines.append("to check (look-alike ids and names, hard links, copies):")
        lines += [f"  {learner}: {note}" for learner, note in to_check]
    for kind, title in (("timeout", "timeouts"), ("crash", "crashes"),
                        ("interference", "interfered with the grader")):
        found = [(g, text) for k, g, text in troubles if k == kind]
        lines.append(f"{title}: {len(found) or 'none'}")
        lines += [f"  {g.learner}: {g.submission.label}: {text}" for g, text in found]
    return lines


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


class NotTheFullCourse(RuntimeError):
    """The course package has no reference answers: it is a learner edition."""


def grade(paths: Iterable[Path], out: Path, *, seed: int | None = None,
          limits: Limits | None = None, jobs: int = 2, unsafe: bool = False,
          partial_credit: bool = False, exercises=None, solutions: Path | None = None,
          max_notebooks: int = MAX_NOTEBOOKS_PER_LEARNER,
          learner_seconds: float = LEARNER_SECONDS,
          log: Callable[[str], None] = lambda line: None) -> list[LearnerGrade]:
    """Grade every learner under ``paths`` and write grades.csv and feedback/ into ``out``
    (``unsafe``: without the sandbox, ``partial_credit``: see :class:`Grader`; ``exercises``:
    the ids assigned, which alone count in ``out_of``, see :mod:`.gradebook`; ``solutions``:
    the solution notebooks to compare submissions with, by default the course's, see
    :func:`.solutions_folder`; ``max_notebooks``, ``learner_seconds``: see :class:`Grader`)."""
    assigned = checked_exercises(exercises)
    without_reference = sorted(task.id for task in TASKS.values() if task.reference is None)
    if without_reference:
        # A learner edition's package carries visible cases only; grading with it would
        # quietly skip every hidden case.
        raise NotTheFullCourse(
            "course_lib here is a learner edition (no reference answer for "
            f"{', '.join(without_reference[:3])}{', …' if len(without_reference) > 3 else ''}): "
            "grade with the full course")
    solutions = solutions_folder(solutions)
    grader = Grader(seed, limits, jobs, unsafe, partial_credit, max_notebooks, learner_seconds)
    start = time.monotonic()
    grades = grader.grade(discover(paths, solutions), log)
    table = write_grades(grades, out, grader.seed, assigned)
    for line in summary(grades):
        log(terminal_text(line))
    log(terminal_text(f"hidden cases from seed {grader.seed}; "
                      f"{time.monotonic() - start:.1f} s; grades: {table}; "
                      f"feedback: {table.parent / 'feedback'}"))
    return grades
