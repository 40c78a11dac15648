"""What the grader writes: grades.csv for the LMS, and feedback per learner to hand back.

grades.csv has a header, then the ``max`` row (``learner`` is ``max``; each task and exercise
column holds its most points, ``total`` and ``out_of`` those of the assigned exercises), then
one row per learner with these columns:

- ``learner``: the learner's id, their folder's or file's name exactly;
- ``name``: the name in the notebooks' metadata (``"course": {"learner": …}``), if any;
- per exercise, a column per task (``ex02.q1`` …) and the subtotal (``ex02 total``), left
  empty for an exercise the learner handed nothing in for (0 if it was assigned);
- ``total`` and ``out_of``: the learner's points on the assigned exercises (by default every
  exercise handed in) and the most those can earn;
- ``feedback``: the learner's Markdown feedback file, relative to the output folder (empty if
  it could not be written, and ``notes`` says why); the .txt and .html beside it say the same;
- ``notes``: which notebook counted and which were set aside, notebooks not graded, every
  timeout, crash and cell that raised, and whatever kept the grader from reading or grading
  the learner.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'``, so that no spreadsheet runs it as a formula. In the feedback, learner text (names,
file names, messages) is escaped so that it shows as written and never becomes Markdown or
HTML. Every file is written through :class:`.OutputFolder`: never through a link, each file
complete or not at all, and grades.csv even when a learner's feedback cannot be written.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from course_lib.exercises.calling import one_line
from course_lib.exercises.escaping import readable
from course_lib.exercises.feedback import (
    Block,
    Bullets,
    Code,
    Document,
    Heading,
    Line,
    Paragraph,
    task_blocks,
)
from course_lib.exercises.tasks import EXERCISES

from .learners import why_original
from .outputs import OutputError, OutputFolder
from .results import ExerciseGrade, Graded, LearnerGrade, points_sum

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """``cell`` as a spreadsheet shows it as text: control characters as their codes (so that
    ``cat grades.csv`` cannot drive the terminal), a leading ' before a formula's first sign."""
    if not isinstance(cell, str):
        return cell
    return ("'" if cell.startswith(FORMULA_STARTS) else "") + readable(cell)


def columns(exercise_ids: list[str]) -> list[str]:
    header = ["learner", "name"]
    for exercise_id in exercise_ids:
        header += [task.id for task in EXERCISES[exercise_id].tasks] + [f"{exercise_id} total"]
    return header + ["total", "out_of", "feedback", "notes"]


MAX_ROW = "max"
MAX_NOTE = "the most points each task and exercise can earn; total and out_of: the assigned ones"
FEEDBACK_FORMATS = (".md", ".txt", ".html")


def mark(points: float) -> str:
    """A mark as the CSV writes it: ``2``, ``1.33``, ``0.5``."""
    return f"{points:.2f}".rstrip("0").rstrip(".")


def checked_exercises(exercises) -> tuple[str, ...] | None:
    """The exercise ids assigned (``["ex02", "ex06"]`` or ``"ex02,ex06"``), checked; None (the
    default) means whatever was handed in."""
    if exercises is None:
        return None
    ids = [e.strip() for e in exercises.split(",")] if isinstance(exercises, str) else list(
        exercises)
    unknown = [e for e in ids if e not in EXERCISES]
    if unknown or not ids:
        raise ValueError(f"exercises must be ids among {', '.join(sorted(EXERCISES))}, "
                         f"got {', '.join(map(repr, unknown)) or 'none'}")
    return tuple(sorted(set(ids)))


def write_grades(grades: list[LearnerGrade], out: Path, seed: int,
                 assigned: tuple[str, ...] | None = None) -> Path:
    """grades.csv and feedback/<learner>.md, .txt and .html in ``out``; returns the path of
    grades.csv. ``assigned``: the exercises that count (default: every one handed in)."""
    with OutputFolder(out) as folder:
        written = _write_feedback(folder, grades, seed)
        return folder.write("grades.csv", _grades_table(grades, written, assigned))


def _write_feedback(folder: OutputFolder, grades: list[LearnerGrade],
                   seed: int) -> list[tuple[str, str | None]]:
    """Each learner's feedback files in ``folder``/feedback; per learner, the Markdown file
    (relative to ``folder``) and None, or "" and why it could not be written."""
    used: set[str] = set()
    names = [file_name(grade.id, used) for grade in grades]
    try:
        feedback_folder = folder.folder("feedback")
    except OutputError as error:
        return [("", f"feedback not written ({error})")] * len(grades)
    written = []
    with feedback_folder:
        for grade, name in zip(grades, names, strict=True):
            try:
                document = feedback_document(grade, seed)
                for suffix, text in zip(FEEDBACK_FORMATS, (document.markdown(), document.text(),
                                                           document.html()), strict=True):
                    feedback_folder.write(name + suffix, text)
                written.append((f"feedback/{name}.md", None))
            except Exception as error:
                written.append(("", f"feedback not written ({one_line(error)})"))
    return written


def _grades_table(grades: list[LearnerGrade], written: list[tuple[str, str | None]],
                  assigned: tuple[str, ...] | None = None) -> str:
    """The text of grades.csv; ``written`` is what :func:`_write_feedback` returned.

    The first row under the header is the ``max`` row. Without ``assigned``, every exercise
    handed in counts and an exercise a learner handed nothing in for is left empty; with it,
    only those count (an assigned one not handed in earns 0 on each task), and one handed in
    but not assigned is shown but left out of ``total``."""
    handed_in_ids = {e for grade in grades for e in grade.exercises}
    counting = set(assigned) if assigned is not None else handed_in_ids
    exercise_ids = sorted(counting | handed_in_ids)
    out_of = sum(EXERCISES[e].points for e in counting)
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(columns(exercise_ids))
    maxima = [MAX_ROW, ""]
    for exercise_id in exercise_ids:
        exercise = EXERCISES[exercise_id]
        maxima += [task.points for task in exercise.tasks] + [exercise.points]
    writer.writerow([*maxima, out_of, out_of, "", MAX_NOTE])
    for grade, (feedback_file, unwritten) in zip(grades, written, strict=True):
        row = [grade.id, grade.name]
        total, extra = [], []
        for exercise_id in exercise_ids:
            tasks = EXERCISES[exercise_id].tasks
            handed_in = grade.exercises.get(exercise_id)
            if handed_in is not None:
                # A notebook handed in but unreadable earns 0 on each task, not a blank.
                row += [mark(handed_in.counted.task_points(task.id)) for task in tasks]
                row.append(mark(handed_in.points))
                if exercise_id in counting:
                    total.append(handed_in.points)
                else:
                    extra.append(f"{exercise_id}: graded but not assigned, not in total")
            elif assigned is not None and exercise_id in counting:
                row += ["0"] * (len(tasks) + 1)
                extra.append(f"{exercise_id}: nothing handed in (0)")
            else:
                row += [""] * (len(tasks) + 1)
        row += [mark(points_sum(total)), out_of, feedback_file,
                "; ".join([*notes(grade), *extra, *([unwritten] if unwritten else [])])]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return handle.getvalue()


def notes(grade: LearnerGrade) -> list[str]:
    """Everything about a learner's row that the numbers do not say."""
    found = []
    for e in grade.exercises.values():
        counted = e.counted
        if e.set_aside:
            aside = ", ".join(f"{g.submission.label} ({g.points}/{e.exercise.points})"
                              for g in e.set_aside)
            found.append(f"{e.exercise.id}: counted {counted.submission.label} "
                         f"({e.points}/{e.exercise.points}), set aside {aside}")
            found += _original_notes(e)
        found += _notebook_notes(counted)
        for g in e.set_aside:
            found += _notebook_notes(g)
    for g in grade.held:
        exercise = g.submission.exercise
        found.append(f"{exercise.id}: held {g.submission.label} ({g.points}/{exercise.points}), "
                     f"not counted: a flat-layout copy of {g.submission.copy_of}, which answers "
                     "another exercise, and anyone can hand in a file under that name; you "
                     "decide whether it counts")
        found += _notebook_notes(g)
    found += [f"not graded: {s.label} ({s.problem})" for s in grade.not_graded]
    found += grade.problems
    found += grade.learner.notes
    if not grade.learner.submissions:
        found.append("no notebook found")
    return found


def _original_notes(e: ExerciseGrade) -> list[str]:
    """Why the counted notebook counts where a notebook set aside scored as much or more."""
    counted, found = e.counted, []
    for g in e.set_aside:
        if g.points == counted.points:
            found.append(f"{e.exercise.id}: {g.submission.label} scored the same, and the "
                         f"original counts ({why_original(counted.submission, g.submission)})")
        elif g.points > counted.points and g.submission.copy_of:
            found.append(f"{e.exercise.id}: {g.submission.label} scored more "
                         f"({g.points}/{e.exercise.points}) but does not count: a flat-layout "
                         f"copy never counts above the learner's own {g.submission.copy_of}, as "
                         "anyone can hand in a file under that name; you decide whether it "
                         "counts")
    return found


def _notebook_notes(graded: Graded) -> list[str]:
    submission = graded.submission
    found = []
    if submission.problem:
        found.append(f"{submission.label}: {submission.problem}")
    named = submission.exercise.id if submission.exercise else None
    if submission.matched_by == "its stamp" and _exercise_in_file_name(submission) not in (
            None, named):
        found.append(f"{submission.label}: graded as {named}, the exercise it is stamped with")
    found += [f"{submission.label}: {kind}: {text}" for kind, text in graded.troubles]
    found += [f"{submission.label}: cell error: {error}" for error in graded.cell_errors]
    return found


def _exercise_in_file_name(submission) -> str | None:
    found = re.search(r"ex\d\d", submission.path.stem)
    return found.group(0) if found and found.group(0) in EXERCISES else None


def file_name(learner: str, used: set[str]) -> str:
    """A file name for a learner's feedback: their id with anything unsafe replaced by _,
    after "learner" when it would start with "-" (which ``cp *`` would read as an option),
    numbered when two ids would give the same name."""
    base = re.sub(r"[^\w.-]+", "_", learner).strip("._") or "learner"
    if base.startswith("-"):
        base = f"learner{base}"
    name, number = base, 1
    while name.lower() in used:
        number += 1
        name = f"{base}_{number}"
    used.add(name.lower())
    return name


def feedback(grade: LearnerGrade, seed: int) -> str:
    """One learner's feedback in Markdown (see :func:`feedback_document`)."""
    return feedback_document(grade, seed).markdown()


def feedback_document(grade: LearnerGrade, seed: int) -> Document:
    """One learner's feedback: every exercise, task and case of the notebooks that count,
    and what happened to every other notebook they handed in."""
    title = grade.id + (f" ({grade.name})" if grade.name and grade.name != grade.id else "")
    blocks: list[Block] = [Heading(1, (f"Feedback for {title}",))]
    for e in grade.exercises.values():
        blocks += _exercise_feedback(e, seed)
    if grade.held:
        blocks += [Heading(2, ("Held for your instructor",)),
                   Bullets(tuple((Code(g.submission.label),
                                  f": {mark(g.points)}/{g.submission.exercise.points} on "
                                  f"{g.submission.exercise.id}, not counted: a copy of ",
                                  Code(g.submission.copy_of), ", which answers another exercise")
                                 for g in grade.held))]
    if grade.not_graded:
        blocks += [Heading(2, ("Not graded",)),
                   Bullets(tuple((Code(s.label), f": {s.problem}") for s in grade.not_graded))]
    if grade.problems:
        blocks += [Heading(2, ("Not graded in full",)),
                   Bullets(tuple((problem,) for problem in grade.problems))]
    if not grade.learner.submissions:
        blocks.append(Paragraph((("No notebook (.ipynb) was found in what you handed in.",),)))
    return Document(tuple(blocks))


def _exercise_feedback(e: ExerciseGrade, seed: int) -> list[Block]:
    exercise, counted = e.exercise, e.counted
    submission = counted.submission
    blocks: list[Block] = [Heading(2, (f"{exercise.id} · {exercise.title}: "
                                       f"{mark(e.points)}/{exercise.points} points",))]
    if counted.execution is None:
        blocks.append(Paragraph(((Code(submission.label), f": {submission.problem}"),)))
    else:
        found = ("" if submission.matched_by == "its stamp" else " (it has no exercise stamp: "
                 f"matched to {exercise.id} by {submission.matched_by})")
        marking = ("Each task earns its share of points for the cases it passed."
                   if counted.partial_credit else
                   "A task earns its points when every one of its cases passed.")
        blocks.append(Paragraph((("Notebook ", Code(submission.label),
                                  f"{found}, graded on the cases you could see and on hidden "
                                  f"ones (seed {seed}). {marking}"),)))
    if e.set_aside:
        blocks += [Paragraph((("You handed in more than one notebook for this exercise. Each "
                               "was graded and the best one counts (on a tie, the original "
                               "rather than a copy):",),)),
                   Bullets(tuple((Code(g.submission.label),
                                  f": {mark(g.points)}/{exercise.points}, set aside"
                                  + (" for your instructor to decide (a copy never counts above "
                                     "the original)" if g.points > e.points else ""))
                                 for g in e.set_aside))]
    if counted.execution is not None:
        for task in exercise.tasks:
            blocks += task_blocks(counted.results[task.id], counted.task_points(task.id))
        problems = _cell_problems(counted)
        if problems:
            blocks += [Heading(3, ("While running the notebook",)), Bullets(tuple(problems))]
    return blocks


def _cell_problems(graded: Graded) -> list[Line]:
    sources = dict(graded.submission.cells)
    execution = graded.execution
    lines: list[Line] = []
    for index, problem in sorted(execution.cell_problems.items()):
        first = next((line.strip() for line in sources.get(index, "").splitlines()
                      if line.strip()), "")
        shown = (" (", Code(first[:60]), ")") if first else ()
        lines.append((f"cell {index + 1}", *shown, f": {problem}"))
    lines += [(note,) for note in execution.notes]
    return lines
