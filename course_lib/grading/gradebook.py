"""What the grader writes: grades.csv for the LMS, and one feedback file per learner to hand back.

grades.csv has one row per learner and these columns:

- ``learner``: the learner's id, their folder's or file's name exactly;
- ``name``: the name in the notebooks' metadata (``"course": {"learner": …}``), if any;
- per exercise, a column per task (``ex02.q1`` …) and the subtotal (``ex02 total``), left
  empty for an exercise the learner handed nothing in for;
- ``total`` and ``out_of`` (the points of every exercise in the run);
- ``feedback``: the learner's feedback file, relative to the output folder (empty if it could
  not be written, and ``notes`` says why);
- ``notes``: which notebook counted and which were set aside, notebooks not graded, every
  timeout and crash, and whatever kept the grader from reading or grading the learner.

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
from course_lib.exercises.escaping import markdown_code, markdown_text, readable
from course_lib.exercises.feedback import task_markdown
from course_lib.exercises.tasks import EXERCISES

from .learners import why_original
from .outputs import OutputError, OutputFolder
from .results import ExerciseGrade, Graded, LearnerGrade

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


def write_grades(grades: list[LearnerGrade], out: Path, seed: int) -> Path:
    """grades.csv and feedback/<learner>.md in ``out``; returns the path of grades.csv."""
    with OutputFolder(out) as folder:
        written = _write_feedback(folder, grades, seed)
        return folder.write("grades.csv", _grades_table(grades, written))


def _write_feedback(folder: OutputFolder, grades: list[LearnerGrade],
                   seed: int) -> list[tuple[str, str | None]]:
    """Each learner's feedback file in ``folder``/feedback; per learner, the file (relative
    to ``folder``) and None, or "" and why it could not be written."""
    used: set[str] = set()
    names = [f"{file_name(grade.id, used)}.md" for grade in grades]
    try:
        feedback_folder = folder.folder("feedback")
    except OutputError as error:
        return [("", f"feedback not written ({error})")] * len(grades)
    written = []
    with feedback_folder:
        for grade, name in zip(grades, names, strict=True):
            try:
                feedback_folder.write(name, feedback(grade, seed))
                written.append((f"feedback/{name}", None))
            except Exception as error:
                written.append(("", f"feedback not written ({one_line(error)})"))
    return written


def _grades_table(grades: list[LearnerGrade], written: list[tuple[str, str | None]]) -> str:
    """The text of grades.csv; ``written`` is what :func:`_write_feedback` returned."""
    exercise_ids = sorted({e for grade in grades for e in grade.exercises})
    out_of = sum(EXERCISES[e].points for e in exercise_ids)
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(columns(exercise_ids))
    for grade, (feedback_file, unwritten) in zip(grades, written, strict=True):
        row = [grade.id, grade.name]
        for exercise_id in exercise_ids:
            handed_in = grade.exercises.get(exercise_id)
            # A notebook handed in but unreadable earns 0 on each task, not a blank.
            row += [(handed_in.counted.results[task.id].points
                     if task.id in handed_in.counted.results else 0) if handed_in else ""
                    for task in EXERCISES[exercise_id].tasks]
            row.append(handed_in.points if handed_in else "")
        row += [grade.points, out_of, feedback_file,
                "; ".join([*notes(grade), *([unwritten] if unwritten else [])])]
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
    """One learner's feedback in Markdown: every exercise, task and case of the notebooks that
    count, and what happened to every other notebook they handed in."""
    title = grade.id + (f" ({grade.name})" if grade.name and grade.name != grade.id else "")
    out = [f"# Feedback for {markdown_text(title)}", ""]
    for e in grade.exercises.values():
        out += _exercise_feedback(e, seed)
    if grade.held:
        out += ["## Held for your instructor", ""]
        out += [f"- {markdown_code(g.submission.label)}: {g.points}/"
                f"{g.submission.exercise.points} on {g.submission.exercise.id}, not counted: "
                f"a copy of {markdown_code(g.submission.copy_of)}, which answers another "
                "exercise" for g in grade.held]
        out.append("")
    if grade.not_graded:
        out += ["## Not graded", ""]
        out += [f"- {markdown_code(s.label)}: {markdown_text(s.problem)}"
                for s in grade.not_graded]
        out.append("")
    if grade.problems:
        out += ["## Not graded in full", ""]
        out += [f"- {markdown_text(problem)}" for problem in grade.problems]
        out.append("")
    if not grade.learner.submissions:
        out += ["No notebook (.ipynb) was found in what you handed in.", ""]
    return "\n".join(out).rstrip() + "\n"


def _exercise_feedback(e: ExerciseGrade, seed: int) -> list[str]:
    exercise, counted = e.exercise, e.counted
    submission = counted.submission
    out = [f"## {exercise.id} · {exercise.title}: {e.points}/{exercise.points} points", ""]
    if counted.execution is None:
        out += [f"{markdown_code(submission.label)}: {markdown_text(submission.problem)}", ""]
    else:
        found = ("" if submission.matched_by == "its stamp" else " (it has no exercise stamp: "
                 f"matched to {exercise.id} by {submission.matched_by})")
        out += [f"Notebook {markdown_code(submission.label)}{found}, graded on the cases you "
                f"could see and on hidden ones (seed {seed}).", ""]
    if e.set_aside:
        out += ["You handed in more than one notebook for this exercise. Each was graded and "
                "the best one counts (on a tie, the original rather than a copy):", ""]
        out += [f"- {markdown_code(g.submission.label)}: {g.points}/{exercise.points}, set aside"
                + (" for your instructor to decide (a copy never counts above the original)"
                   if g.points > e.points else "")
                for g in e.set_aside]
        out.append("")
    if counted.execution is not None:
        for task in exercise.tasks:
            out.append(task_markdown(counted.results[task.id]))
        problems = _cell_problems(counted)
        if problems:
            out += ["### While running the notebook", "", *problems, ""]
    return out


def _cell_problems(graded: Graded) -> list[str]:
    sources = dict(graded.submission.cells)
    execution = graded.execution
    lines = []
    for index, problem in sorted(execution.cell_problems.items()):
        first = next((line.strip() for line in sources.get(index, "").splitlines()
                      if line.strip()), "")
        shown = f" ({markdown_code(first[:60])})" if first else ""
        lines.append(f"- cell {index + 1}{shown}: {markdown_text(problem)}")
    lines += [f"- {markdown_text(note)}" for note in execution.notes]
    return lines
