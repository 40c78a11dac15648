"""Who handed in what: the learners in a folder of submissions, and the exercise of each notebook.

A learner is a folder or a file, never a name written inside a notebook:

- folder layout, ``submitted/alice/…``: every notebook anywhere under ``alice/`` is Alice's,
  whatever its name (``ex02_momentum-Copy1.ipynb``, ``my momentum.ipynb``, ``scratch.ipynb``);
- flat layout, ``submitted/alice.ipynb``: the file is the learner, and JupyterLab's duplicate
  ``alice-Copy1.ipynb`` next to it is Alice's too. A notebook that keeps an exercise's own
  name (``submitted/ex02_momentum.ipynb``) belongs to the folder it is in.

The exercise comes from the stamp ``release`` writes into every student notebook's metadata
(``"course": {"exercise": "ex02"}``), which survives copies and renames. Only a notebook
without a stamp is matched by its file name, then by the ``check("ex02.q1", …)`` calls in its
cells, then by the answer functions it defines. A notebook that answers no known exercise
stays on its learner's list as "not graded", so no file is ever lost.

Only regular files are read (see :mod:`.reading`): a link, a named pipe or a device is listed
with what it is, and a link to a folder is not followed. Whatever goes wrong while reading
one learner's files becomes a note on that learner's row.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.exercises.calling import one_line
from course_lib.exercises.spec import Exercise
from course_lib.exercises.tasks import EXERCISES

from .reading import read_regular_file

_EXERCISE_IN_NAME = re.compile(r"(ex\d\d)")
_EXERCISE_IN_CHECK = re.compile(r"""check\(\s*["'](ex\d\d)\.""")
_DEFINED = re.compile(r"^def\s+(\w+)\s*\(", re.M)
_JUPYTER_COPY = re.compile(r"-Copy\d+$")
_EXERCISE_NOTEBOOKS = {exercise.notebook for exercise in EXERCISES.values()}
MAX_NAME = 100
_DIRECTION_OVERRIDES = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Submission:
    """A notebook as read from disk: whose, which exercise and how that was found, its code
    cells, or why it is unusable. ``shown`` is its path as the instructor handed it in."""

    path: Path
    learner: str
    exercise: Exercise | None
    cells: tuple[tuple[int, str], ...] = ()
    problem: str | None = None
    name: str = ""
    matched_by: str = ""
    shown: str = ""

    @property
    def label(self) -> str:
        return self.shown or self.path.name


@dataclass
class Learner:
    """One learner: an id (their folder's or file's name, exactly), every notebook found, and
    what could not be read at all (``problems``)."""

    id: str
    submissions: list[Submission] = field(default_factory=list)
    other_files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def candidates(self) -> list[Submission]:
        """The notebooks that answer a known exercise: each is graded."""
        return [s for s in self.submissions if s.exercise is not None]

    @property
    def unknown(self) -> list[Submission]:
        """The notebooks that answer no known exercise (or cannot be read as one)."""
        return [s for s in self.submissions if s.exercise is None]


def read_submission(path: Path, learner: str | None = None, shown: str = "") -> Submission:
    """Read a notebook (once, without changing it) and find its exercise; ``learner`` is the
    id the folder layout gives it (by default, as for a notebook named on the command line)."""
    path = Path(path)
    learner = learner if learner is not None else learner_of_file(path)
    by_name = _exercise_from_name(path)
    unusable = {"learner": learner, "exercise": by_name, "shown": shown,
                "matched_by": "file name" if by_name else ""}
    try:
        data = read_regular_file(path)
    except OSError as error:
        return Submission(path, problem=f"could not read the file: {error.strerror or error}",
                          **unusable)
    try:
        # nbformat's reader parses without validating: validation would log the learner's
        # text to the instructor's terminal unescaped, and the checks below are enough.
        notebook = nbformat.reader.reads(data.decode("utf-8"))
    except (UnicodeDecodeError, nbformat.reader.NotJSONError, RecursionError) as error:
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return Submission(path, problem=f"not a valid notebook: the file is not JSON ({reason})",
                          **unusable)
    except (nbformat.ValidationError, nbformat.NBFormatError, AttributeError, TypeError,
            KeyError, ValueError) as error:
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return Submission(path, problem=f"not a valid notebook ({reason})", **unusable)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return Submission(path, problem="not a valid notebook: it has no list of cells",
                          **unusable)
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            return Submission(path, problem=f"not a valid notebook: cell {index} has no "
                                            "source text", **unusable)
        cells.append((index, source))
    course = _course_metadata(notebook)
    stamp = course.get("exercise")
    found = [(EXERCISES.get(stamp) if isinstance(stamp, str) else None, "its stamp"),
             (by_name, "its file name"), (_exercise_from_checks(cells), "its check() calls"),
             (_exercise_from_functions(cells), "the functions it defines")]
    exercise, matched_by = next(((e, how) for e, how in found if e is not None), (None, ""))
    problem = None if exercise else "answers no known exercise"
    return Submission(path, learner, exercise, tuple(cells), problem,
                      display_name(course.get("learner")), matched_by, shown)


def display_name(value) -> str:
    """A learner's name from notebook metadata, on one line and at most 100 characters."""
    if not isinstance(value, str):
        return ""
    # Control characters and line breaks become spaces; direction overrides, which can make
    # a name display as another, go.
    printable = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                        for c in value if c not in _DIRECTION_OVERRIDES)
    return " ".join(printable.split())[:MAX_NAME]


def _course_metadata(notebook: dict) -> dict:
    metadata = notebook.get("metadata")
    course = metadata.get("course") if isinstance(metadata, dict) else None
    return course if isinstance(course, dict) else {}


def _exercise_from_name(path: Path) -> Exercise | None:
    found = _EXERCISE_IN_NAME.search(path.stem)
    return EXERCISES.get(found.group(1)) if found else None


def _exercise_from_checks(cells) -> Exercise | None:
    for _, source in cells:
        found = _EXERCISE_IN_CHECK.search(source)
        if found and found.group(1) in EXERCISES:
            return EXERCISES[found.group(1)]
    return None


def _exercise_from_functions(cells) -> Exercise | None:
    """The exercise most of whose answer functions the cells define (at least half)."""
    defined = {name for _, source in cells for name in _DEFINED.findall(source)}
    best, most = None, 0
    for exercise in EXERCISES.values():
        count = sum(task.answer_name in defined for task in exercise.tasks)
        if count > most and 2 * count >= len(exercise.tasks):
            best, most = exercise, count
    return best


def learner_of_file(path: Path) -> str:
    """The learner of a notebook in the flat layout: the file's name (a JupyterLab duplicate
    "alice-Copy1" is alice's when alice's own file is there too); a notebook that keeps an
    exercise's name belongs to the folder it is in."""
    folder = path.parent
    original = _JUPYTER_COPY.sub("", path.stem)
    if original in _EXERCISE_NOTEBOOKS:
        return folder.resolve().name
    if original != path.stem and (folder / f"{original}.ipynb").is_file():
        return original
    return path.stem


def discover(paths: Iterable[Path]) -> list[Learner]:
    """The learners in the folders and notebooks named, each with all of their notebooks.

    A folder's sub-folders are learners (folder layout), its notebooks too (flat layout).
    Hidden folders and ``.ipynb_checkpoints`` are left out.
    """
    learners: dict[str, Learner] = {}
    # A link is not resolved: it is its own entry, refused when read, and never stands in for
    # the file it points to.
    seen: set[str] = set()

    def add(learner_id: str, path: Path | None, shown: str = "") -> Learner:
        learner = learners.setdefault(learner_id, Learner(learner_id))
        if path is not None and os.path.abspath(path) not in seen:
            seen.add(os.path.abspath(path))
            learner.submissions.append(_read_safely(path, learner_id, shown))
        return learner

    for root in map(Path, paths):
        if not root.is_dir():
            if not (root.exists() or root.is_symlink()):
                raise FileNotFoundError(f"no such file or folder: {root}")
            add(learner_of_file(root), root, root.name)
            continue
        for entry in sorted(root.iterdir()):
            if _hidden(entry.name):
                continue
            learner_id = entry.name
            try:
                if entry.suffix == ".ipynb" and not entry.is_dir():
                    learner_id = learner_of_file(entry)
                    add(learner_id, entry, entry.name)
                elif entry.is_symlink() and entry.is_dir():
                    add(learner_id, None).problems.append(
                        f"{entry.name} is a link to a folder, not followed: hand in the "
                        "folder itself")
                elif entry.is_dir():
                    learner = add(learner_id, None)
                    for notebook in _notebooks_under(entry):
                        add(learner_id, notebook, notebook.relative_to(root).as_posix())
                    learner.other_files += _other_files(entry)
            except Exception as error:
                add(learner_id, None).problems.append(
                    f"the grader could not read these files ({one_line(error)}); the other "
                    "learners were graded as usual")
    for learner in learners.values():
        learner.submissions.sort(key=lambda s: s.label)
    return sorted(learners.values(), key=lambda learner: learner.id)


def _read_safely(path: Path, learner: str, shown: str) -> Submission:
    try:
        return read_submission(path, learner, shown)
    except Exception as error:
        by_name = _exercise_from_name(path)
        return Submission(path, learner, by_name, shown=shown,
                          matched_by="file name" if by_name else "",
                          problem=f"the grader could not read this notebook ({one_line(error)})")


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _notebooks_under(folder: Path) -> list[Path]:
    """Every entry named *.ipynb that is not a folder: a link, a pipe or a device is listed
    too, so that reading it says what it is."""
    return sorted(p for p in folder.rglob("*.ipynb") if (p.is_symlink() or not p.is_dir())
                  and not any(_hidden(part) for part in p.relative_to(folder).parts))


def _other_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.suffix != ".ipynb"
               and not any(_hidden(part) for part in p.relative_to(folder).parts))
