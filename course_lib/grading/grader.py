"""The instructor's grader: submissions in, grades.csv and a feedback file per learner out.

Every submission runs in its own process, in a sandbox (see :mod:`.sandbox` and
:mod:`.jail`), on the inputs chosen here: the visible cases of each task plus hidden
cases drawn from the run's seed. Only plain answers come back, and they are judged in
this process. Submissions are read, never written. Whatever goes wrong with one
submission becomes a note on its learner's row; the others are graded all the same.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .calling import one_line
from .escaping import markdown_code, markdown_text, terminal_text
from .jail import Jail
from .judge import Judge, TaskResult
from .outputs import OutputFolder
from .plain import encode
from .reading import read_regular_file
from .report import task_markdown
from .sandbox import CallRequest, Execution, Limits, execute
from .spec import Exercise
from .tasks import EXERCISES

_EXERCISE_IN_NAME = re.compile(r"(ex\d\d)")
_EXERCISE_IN_CHECK = re.compile(r"""check\(\s*["'](ex\d\d)\.""")


@dataclass(frozen=True)
class Submission:
    """A notebook as read from disk: who, which exercise, its code cells, or why it is unusable."""

    path: Path
    learner: str
    exercise: Exercise | None
    cells: tuple[tuple[int, str], ...] = ()
    problem: str | None = None


def read_submission(path: Path) -> Submission:
    """Read a submission (once, without changing it) and find its learner and exercise."""
    path = Path(path)
    fallback = _learner_from_path(path)
    try:
        data = read_regular_file(path)
    except OSError as error:
        return Submission(path, fallback, _exercise_from_name(path),
                          problem=f"could not read the file: {error.strerror or error}")
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return Submission(path, fallback, _exercise_from_name(path),
                          problem=f"not a valid notebook: the file is not JSON ({reason})")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return Submission(path, fallback, _exercise_from_name(path),
                          problem="not a valid notebook: it has no list of cells")
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            return Submission(path, fallback, _exercise_from_name(path),
                              problem=f"not a valid notebook: cell {index} has no source text")
        cells.append((index, source))
    metadata = notebook.get("metadata")
    course = metadata.get("course") if isinstance(metadata, dict) else None
    course = course if isinstance(course, dict) else {}
    exercise = EXERCISES.get(course.get("exercise")) if isinstance(
        course.get("exercise"), str) else None
    exercise = exercise or _exercise_from_name(path) or _exercise_from_checks(cells)
    learner = course.get("learner")
    if not (isinstance(learner, str) and learner.strip()):
        learner = _learner_from_path(path)
    problem = None if exercise else "could not tell which exercise this notebook answers"
    return Submission(path, learner.strip()[:100], exercise, tuple(cells), problem)


def _exercise_from_name(path: Path) -> Exercise | None:
    found = _EXERCISE_IN_NAME.search(path.stem)
    return EXERCISES.get(found.group(1)) if found else None


def _exercise_from_checks(cells) -> Exercise | None:
    for _, source in cells:
        found = _EXERCISE_IN_CHECK.search(source)
        if found and found.group(1) in EXERCISES:
            return EXERCISES[found.group(1)]
    return None


def _learner_from_path(path: Path) -> str:
    """The file's name, unless it is just the exercise's name: then its folder's name."""
    stem = path.stem
    if _EXERCISE_IN_NAME.match(stem) and path.parent.name:
        return path.parent.name
    return stem


def collect(paths: Iterable[Path]) -> list[Path]:
    """The notebooks named, and those inside the folders named (checkpoints left out)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


@dataclass
class Graded:
    """One submission's grade: a result per task, and what went wrong while running it."""

    submission: Submission
    results: dict[str, TaskResult] = field(default_factory=dict)
    execution: Execution | None = None

    @property
    def learner(self) -> str:
        return self.submission.learner

    @property
    def points(self) -> int:
        return sum(result.points for result in self.results.values())


class Grader:
    """Grades submissions with one seed, so that every learner meets the same hidden cases."""

    def __init__(self, seed: int | None = None, limits: Limits | None = None, jobs: int = 2,
                 unsafe: bool = False):
        """``unsafe``: run submissions without the sandbox, as this user, with its files and
        environment; otherwise SandboxUnavailable says why there is no sandbox here."""
        self.seed = secrets.randbelow(2**31) if seed is None else int(seed)
        self.limits = limits or Limits()
        self.jobs = max(1, int(jobs))
        self.jail = None if unsafe else Jail.find()
        self._judges: dict[str, Judge] = {}

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
        """Run a submission's code (in its own process); None if it cannot be run."""
        if submission.problem is not None:
            return None
        return execute(list(submission.cells), self.requests(submission.exercise), self.limits,
                       self.jail)

    def judge(self, submission: Submission, execution: Execution | None) -> Graded:
        graded = Graded(submission, execution=execution)
        if execution is not None:
            for task in submission.exercise.tasks:
                graded.results[task.id] = self.judge_for(task).judge(
                    execution.outcomes[task.id], graded=True)
        return graded

    def grade_one(self, submission: Submission) -> Graded:
        """Run and judge one submission; if the grader itself fails on it, a note says so."""
        try:
            return self.judge(submission, self.run(submission))
        except Exception as error:
            return Graded(replace(submission, problem=(
                f"the grader failed on this notebook ({one_line(error)}); "
                "the other submissions were graded as usual")))

    def grade(self, paths: Iterable[Path],
              log: Callable[[str], None] = lambda line: None) -> list[Graded]:
        submissions = [_read_safely(path) for path in collect(paths)]
        for submission in submissions:
            if submission.exercise is not None:
                self.requests(submission.exercise)  # computes the cases before the threads start
        graded = []
        with ThreadPoolExecutor(self.jobs) as pool:
            for result in pool.map(self.grade_one, submissions):
                graded.append(result)
                log(terminal_text(_progress_line(result)))
        return graded


def _read_safely(path: Path) -> Submission:
    try:
        return read_submission(path)
    except Exception as error:
        return Submission(path, _learner_from_path(path), None, problem=(
            f"the grader could not read this notebook ({one_line(error)})"))


def _progress_line(graded: Graded) -> str:
    submission = graded.submission
    exercise = submission.exercise
    if graded.execution is None:
        return f"{submission.learner}: {submission.path.name}: {submission.problem}"
    return (f"{submission.learner}: {exercise.id} {graded.points}/{exercise.points} "
            f"({graded.execution.seconds:.1f} s)")


def unique_learners(graded: list[Graded]) -> dict[str, list[Graded]]:
    """Submissions by learner; a second notebook for the same exercise gets a new name."""
    by_learner: dict[str, list[Graded]] = {}
    for item in graded:
        name, number = item.learner, 1
        exercise = item.submission.exercise
        while any(other.submission.exercise is exercise and exercise is not None
                  for other in by_learner.get(name, [])):
            number += 1
            name = f"{item.learner} ({number})"
        by_learner.setdefault(name, []).append(item)
    return by_learner


def write_grades(graded: list[Graded], out: Path, seed: int) -> Path:
    """grades.csv (a row per learner, a column per task, the total) and feedback/*.md.

    Written through :class:`.OutputFolder`: never through a link, each file complete or
    not at all. A learner whose feedback cannot be written gets a note in grades.csv.
    """
    by_learner = unique_learners(graded)
    unwritten: dict[str, str] = {}
    with OutputFolder(out) as folder:
        with folder.folder("feedback") as feedback_folder:
            used: set[str] = set()
            for learner, items in by_learner.items():
                try:
                    feedback_folder.write(f"{_file_name(learner, used)}.md",
                                          feedback(learner, items, seed))
                except Exception as error:
                    unwritten[learner] = f"feedback not written ({one_line(error)})"
        return folder.write("grades.csv", _grades_table(graded, by_learner, unwritten))


def _grades_table(graded: list[Graded], by_learner: dict[str, list[Graded]],
                  unwritten: dict[str, str]) -> str:
    exercises = sorted({item.submission.exercise.id for item in graded
                        if item.submission.exercise is not None})
    tasks = [task for exercise in exercises for task in EXERCISES[exercise].tasks]
    out_of = sum(task.points for task in tasks)
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(["learner", *(task.id for task in tasks), "total", "out_of", "notes"])
    for learner in sorted(by_learner):
        items = by_learner[learner]
        points = {tid: r.points for item in items for tid, r in item.results.items()}
        notes = "; ".join([*(f"{item.submission.path.name}: {item.submission.problem}"
                             for item in items if item.submission.problem),
                           *([unwritten[learner]] if learner in unwritten else [])])
        writer.writerow([learner, *(points.get(task.id, "") for task in tasks),
                         sum(points.values()), out_of, notes])
    return handle.getvalue()


def _file_name(learner: str, used: set[str]) -> str:
    base = re.sub(r"[^\w.-]+", "_", learner).strip("._") or "learner"
    name, number = base, 1
    while name.lower() in used:
        number += 1
        name = f"{base}_{number}"
    used.add(name.lower())
    return name


def feedback(learner: str, items: list[Graded], seed: int) -> str:
    """One learner's feedback in Markdown: every exercise, task and case."""
    out = [f"# Feedback for {markdown_text(learner)}", ""]
    for item in items:
        submission = item.submission
        exercise = submission.exercise
        name = markdown_code(submission.path.name)
        title = (f"{exercise.id} · {exercise.title}" if exercise
                 else markdown_text(submission.path.name))
        if item.execution is None:
            out += [f"## {title}: 0 points", "", f"{name}: {markdown_text(submission.problem)}",
                    ""]
            continue
        out += [f"## {title}: {item.points}/{exercise.points} points", "",
                f"Notebook {name}, graded on the cases you could see and "
                f"on hidden ones (seed {seed}).", ""]
        for task in exercise.tasks:
            out.append(task_markdown(item.results[task.id]))
        problems = _cell_problems(submission, item.execution)
        if problems:
            out += ["### While running the notebook", "", *problems, ""]
    return "\n".join(out).rstrip() + "\n"


def _cell_problems(submission: Submission, execution: Execution) -> list[str]:
    sources = dict(submission.cells)
    lines = []
    for index, problem in sorted(execution.cell_problems.items()):
        first = next((line.strip() for line in sources.get(index, "").splitlines()
                      if line.strip()), "")
        shown = f" ({markdown_code(first[:60])})" if first else ""
        lines.append(f"- cell {index + 1}{shown}: {markdown_text(problem)}")
    lines += [f"- {markdown_text(note)}" for note in execution.notes]
    return lines


def grade(paths: Iterable[Path], out: Path, *, seed: int | None = None,
          limits: Limits | None = None, jobs: int = 2, unsafe: bool = False,
          log: Callable[[str], None] = lambda line: None) -> list[Graded]:
    """Grade every submission under ``paths`` and write the results into ``out``
    (``unsafe``: without the sandbox, see :class:`Grader`)."""
    grader = Grader(seed, limits, jobs, unsafe)
    start = time.monotonic()
    graded = grader.grade(paths, log)
    table = write_grades(graded, out, grader.seed)
    log(terminal_text(f"graded {len(graded)} submissions in {time.monotonic() - start:.1f} s "
                      f"(hidden cases from seed {grader.seed}): {table}"))
    return graded
