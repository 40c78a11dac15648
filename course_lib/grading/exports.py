"""grades.csv turned into what an LMS imports: Canvas's gradebook CSV, Moodle's grade import CSV
with a feedback column, and a Gradescope ``results.json`` per learner.

The export reads what ``grade`` wrote (``grades.csv``, so a mark the instructor corrected
there is the one exported, and the plain-text feedback beside each learner's Markdown file)
and writes into ``GRADED/canvas``, ``GRADED/moodle`` or ``GRADED/gradescope``. With a
roster (a CSV the LMS exported: see :data:`ROSTER_COLUMNS`), each learner id is matched to
one roster row by any of that row's ids, compared after Unicode NFC and case-folding, and
an e-mail address also by the part before its ``@``; a learner no row matches, or several,
and a roster row no learner matches are listed in ``unmatched.txt`` and left out.

The files are written for the LMS to read, not for a spreadsheet: every cell is exactly the
text the LMS matches on (a learner id starting with ``=`` included), quoted as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.exercises.escaping import readable
from course_lib.exercises.tasks import EXERCISES
from course_lib.validation import choice

from .gradebook import FORMULA_STARTS, MAX_ROW, file_name
from .outputs import OutputFolder
from .reading import read_regular_file

SYSTEMS = ("canvas", "moodle", "gradescope")
MAX_CSV_BYTES = 50 * 2**20

# The columns read from each LMS's own export, and those whose values identify a learner.
# Canvas: Grades > Export; Moodle: Grades > Export > Plain text file; Gradescope: Roster >
# Download roster.
ROSTER_COLUMNS = {
    "canvas": ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
    "moodle": ("First name", "Last name", "Surname", "ID number", "Email address", "Username"),
    "gradescope": ("First Name", "Last Name", "Name", "SID", "Email"),
}
ID_COLUMNS = {
    "canvas": ("ID", "SIS User ID", "SIS Login ID"),
    "moodle": ("ID number", "Email address", "Username"),
    "gradescope": ("SID", "Email"),
}
# Canvas's importer (app/models/gradebook_importer.rb in canvas-lms) wants these first, and
# skips a row whose first cell says "Points Possible".
CANVAS_LEADING = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS = "Points Possible"
_CANVAS_ASSIGNMENT_ID = re.compile(r"^(.*?)\s*\((\d+)\)$")


@dataclass
class LearnerRow:
    """One learner's row of grades.csv, as the grader wrote it (or the instructor edited it)."""

    learner: str
    name: str
    marks: dict[str, str]
    total: str
    feedback: str


@dataclass
class Gradebook:
    """grades.csv read back: its exercises, the ``max`` row and a row per learner."""

    exercises: list[str]
    maxima: dict[str, str]
    rows: list[LearnerRow] = field(default_factory=list)


def _unquoted(cell: str) -> str:
    """A cell as it was before the grader's ``'`` kept a spreadsheet from running it."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def read_csv(path: Path, what: str) -> list[dict[str, str]]:
    """The rows of a CSV file (UTF-8, a byte-order mark allowed) as dictionaries."""
    try:
        text = read_regular_file(path, MAX_CSV_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} must be UTF-8 text, got {error.reason} at byte "
                         f"{error.start} of {path}") from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_gradebook(graded: Path) -> Gradebook:
    """``graded``/grades.csv: ValueError if it is not what ``grade`` writes."""
    rows = read_csv(Path(graded) / "grades.csv", "grades.csv")
    if not rows or rows[0].get("learner") != MAX_ROW:
        raise ValueError(f"grades.csv must begin with its '{MAX_ROW}' row (written by "
                         f"python -m course_lib.grading grade), got {Path(graded) / 'grades.csv'}")
    maximum, *learners = rows
    exercises = [column.removesuffix(" total") for column in maximum
                 if column.endswith(" total") and column.removesuffix(" total") in EXERCISES]
    columns = [c for e in exercises for c in (*(t.id for t in EXERCISES[e].tasks), f"{e} total")]
    missing = [c for c in [*columns, "total", "out_of", "feedback"] if c not in maximum]
    if missing:
        raise ValueError(f"grades.csv must have the columns grade writes, got none named "
                         f"{', '.join(missing)} in {Path(graded) / 'grades.csv'}")
    book = Gradebook(exercises, {c: maximum[c] for c in [*columns, "total", "out_of"]})
    for row in learners:
        book.rows.append(LearnerRow(_unquoted(row["learner"]), _unquoted(row.get("name") or ""),
                                    {c: row.get(c) or "" for c in columns},
                                    row.get("total") or "", row.get("feedback") or ""))
    return book


def plain_feedback(graded: Path, row: LearnerRow) -> str:
    """The learner's plain-text feedback, read from feedback/ only (never through a link);
    "" if there is none."""
    found = re.fullmatch(r"feedback/([^/\\]+)\.md", row.feedback)
    if not found or found.group(1) in (".", ".."):
        return ""
    try:
        return read_regular_file(Path(graded) / "feedback" / f"{found.group(1)}.txt",
                                 MAX_CSV_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


@dataclass(frozen=True)
class Roster:
    """An LMS's list of learners: its columns and rows as exported."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def read_roster(path: Path, system: str) -> Roster:
    rows = read_csv(path, "the roster")
    columns = tuple(rows[0]) if rows else ()
    wanted = ID_COLUMNS[system]
    if not any(column in columns for column in wanted):
        raise ValueError(f"roster must have a column among {', '.join(wanted)} (a {system} "
                         f"export), got {', '.join(columns) or 'no column'} in {path}")
    kept = tuple(row for row in rows
                 if CANVAS_POINTS not in (row.get("Student") or "")
                 and any((row.get(column) or "").strip() for column in wanted))
    return Roster(columns, kept)


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip()).casefold()


def _keys(row: dict[str, str], system: str) -> set[str]:
    keys = set()
    for column in ID_COLUMNS[system]:
        value = _key(row.get(column) or "")
        if value:
            keys.add(value)
            if "@" in value:
                keys.add(value.split("@", 1)[0])
    return keys


@dataclass
class Matching:
    """Each learner row with its roster row (None without a roster), and what did not match."""

    pairs: list[tuple[LearnerRow, dict[str, str] | None]]
    unmatched: list[str]


def match(book: Gradebook, roster: Roster | None, system: str) -> Matching:
    if roster is None:
        return Matching([(row, None) for row in book.rows], [])
    keys = [_keys(entry, system) for entry in roster.rows]
    found = {row.learner: [i for i, k in enumerate(keys) if _key(row.learner) in k]
             for row in book.rows}
    claimed: dict[int, list[str]] = {}
    for learner, hits in found.items():
        if len(hits) == 1:
            claimed.setdefault(hits[0], []).append(learner)
    pairs, unmatched = [], []
    for row in book.rows:
        hits = found[row.learner]
        if not hits:
            unmatched.append(f"learner {row.learner}: no roster row has this id")
        elif len(hits) > 1:
            unmatched.append(f"learner {row.learner}: {len(hits)} roster rows have this id "
                             f"({'; '.join(_who(roster.rows[i], system) for i in hits)})")
        elif len(claimed[hits[0]]) > 1:
            entry = _who(roster.rows[hits[0]], system)
            unmatched.append(f"learner {row.learner}: roster row {entry} is claimed by "
                             f"{', '.join(claimed[hits[0]])} too")
        else:
            pairs.append((row, roster.rows[hits[0]]))
    for index, entry in enumerate(roster.rows):
        if index not in claimed:
            unmatched.append(f"roster {_who(entry, system)}: no learner in grades.csv")
    return Matching(pairs, unmatched)


def _who(entry: dict[str, str], system: str) -> str:
    shown = [f"{c} {entry[c]}" for c in ROSTER_COLUMNS[system] if (entry.get(c) or "").strip()]
    return ", ".join(shown)


def _csv(rows: list[list]) -> str:
    handle = io.StringIO(newline="")
    csv.writer(handle).writerows(rows)
    return handle.getvalue()


def assignment_name(exercise_id: str) -> str:
    """The LMS column of an exercise: ``Exercise 02``."""
    return f"Exercise {exercise_id.removeprefix('ex')}"


def canvas_columns(book: Gradebook, roster: Roster | None) -> list[str]:
    """An assignment column per exercise; the roster's own column for it when it has one
    (``Exercise 02 (12345)`` or ``ex02 (12345)``), so that Canvas updates that assignment."""
    named = {}
    for column in roster.columns if roster else ():
        found = _CANVAS_ASSIGNMENT_ID.match(column)
        if found:
            named.setdefault(found.group(1).strip().casefold(), column)
    return [named.get(assignment_name(e).casefold()) or named.get(e) or assignment_name(e)
            for e in book.exercises]


def canvas(book: Gradebook, matching: Matching, roster: Roster | None) -> str:
    """Canvas's gradebook import CSV: the five leading columns, an assignment per exercise,
    a Points Possible row, a row per learner."""
    rows = [[*CANVAS_LEADING, *canvas_columns(book, roster)],
            [CANVAS_POINTS, "", "", "", "", *(book.maxima[f"{e} total"] for e in book.exercises)]]
    for row, entry in matching.pairs:
        if entry is None:
            who = [row.name or row.learner, "", "", row.learner, ""]
        else:
            who = [entry.get(column) or "" for column in CANVAS_LEADING]
        rows.append([*map(readable, who), *(row.marks[f"{e} total"] for e in book.exercises)])
    return _csv(rows)


def moodle(book: Gradebook, matching: Matching, roster: Roster | None, graded: Path) -> str:
    """Moodle's grade import CSV: the roster's identity columns (or ``Username``, the learner
    id), then per exercise ``Exercise 02 (Real)`` and ``Exercise 02 (Feedback)``, the plain-text
    feedback."""
    identity = ([c for c in ROSTER_COLUMNS["moodle"] if c in roster.columns] if roster
                else ["Username"])
    header = list(identity)
    for exercise_id in book.exercises:
        header += [f"{assignment_name(exercise_id)} (Real)",
                   f"{assignment_name(exercise_id)} (Feedback)"]
    rows = [header]
    for row, entry in matching.pairs:
        who = [row.learner] if entry is None else [entry.get(c) or "" for c in identity]
        text = plain_feedback(graded, row)
        cells = [readable(value) for value in who]
        for exercise_id in book.exercises:
            cells += [row.marks[f"{exercise_id} total"], text]
        rows.append(cells)
    return _csv(rows)


def gradescope(book: Gradebook, row: LearnerRow, entry: dict[str, str] | None,
               graded: Path) -> dict:
    """One learner's ``results.json``: the total as ``score``, a test per task with its
    ``score``, ``max_score`` and its part of the feedback as ``output``."""
    text = plain_feedback(graded, row)
    sections = _task_sections(text)
    tests = []
    for exercise_id in book.exercises:
        for task in EXERCISES[exercise_id].tasks:
            tests.append({
                "name": f"{task.id} {task.answer_name}",
                "score": _number(row.marks[task.id] or "0"),
                "max_score": _number(book.maxima[task.id]),
                "output": sections.get(task.id) or f"No result for {task.id} (nothing "
                                                   f"handed in for {exercise_id}, or it could "
                                                   "not be run): see the feedback above.",
            })
    extra = {"learner": readable(row.learner)}
    if entry is not None:
        extra.update({column: readable(entry[column]) for column in ID_COLUMNS["gradescope"]
                      if entry.get(column)})
    return {"score": _number(row.total or "0"), "output": text, "tests": tests,
            "extra_data": extra}


def _number(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        raise ValueError(f"a mark in grades.csv must be a number, got {cell!r}") from None


def _task_sections(text: str) -> dict[str, str]:
    """The part of the plain-text feedback about each task: from its heading line
    (``ex02.q1 · momentum_step (2/2)``) to the next heading."""
    headings = {f"{task.id} · {task.answer_name} (": task.id
                for exercise in EXERCISES.values() for task in exercise.tasks}
    sections: dict[str, list[str]] = {}
    current = None
    lines = text.splitlines()
    for number, line in enumerate(lines):
        underline = number + 1 < len(lines) and set(lines[number + 1]) <= {"-", "="} and \
            lines[number + 1] != ""
        task_id = next((t for start, t in headings.items() if line.startswith(start)), None)
        if task_id is not None:
            current = task_id
            sections[current] = []
        elif underline or line == "While running the notebook":
            current = None
        if current is not None:
            sections[current].append(line)
    return {task_id: "\n".join(lines).strip() for task_id, lines in sections.items()}


def export(graded: Path, system: str, roster_path: Path | None = None) -> tuple[Path, list[str]]:
    """Write ``graded``/<system>/ for the LMS; returns that folder and the unmatched lines."""
    system = choice(system, "to", SYSTEMS)
    graded = Path(graded)
    book = read_gradebook(graded)
    roster = read_roster(roster_path, system) if roster_path is not None else None
    matching = match(book, roster, system)
    with OutputFolder(graded) as top, top.folder(system) as folder:
        if system == "canvas":
            folder.write("grades.csv", canvas(book, matching, roster))
        elif system == "moodle":
            folder.write("grades.csv", moodle(book, matching, roster, graded))
        else:
            used: set[str] = set()
            for row, entry in matching.pairs:
                with folder.folder(file_name(row.learner, used)) as learner:
                    learner.write("results.json", json.dumps(
                        gradescope(book, row, entry, graded), indent=1, ensure_ascii=False))
        if roster is not None:
            folder.write("unmatched.txt", "".join(f"{readable(line)}\n"
                                                  for line in matching.unmatched))
    return folder.path, matching.unmatched
