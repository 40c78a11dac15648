"""Who handed in what: the learners in a folder of submissions, and the exercise of each notebook.

A learner is a folder or a file, never a name written inside a notebook, and its id is that
name in Unicode NFC (see :mod:`.identity`):

- folder layout, ``submitted/alice/…``: every notebook anywhere under ``alice/`` is Alice's,
  whatever its name (``ex02_momentum-Copy1.ipynb``, ``my momentum.ipynb``, ``scratch.ipynb``),
  and every other file there is listed with why it is not graded;
- flat layout, ``submitted/alice.ipynb``: the file is the learner, and JupyterLab's duplicate
  ``alice-Copy1.ipynb`` next to it is attached to Alice, marked as a copy (``copy_of``):
  anyone could have handed it in, so the grader never lets it count above her own file. A
  notebook that keeps an exercise's own name (``submitted/ex02_momentum.ipynb``) belongs to
  the folder it is in.

The exercise comes from the stamp ``release`` writes into every student notebook's metadata
(``"course": {"exercise": "ex02"}``), which survives copies and renames. Only a notebook
without a stamp is matched by its file name, then by the ``check("ex02.q1", …)`` calls in its
cells, then by the answer functions it defines. A notebook that answers no known exercise
stays on its learner's list as "not graded", so no file is ever lost.

Only regular files are read (see :mod:`.reading`): a link, a named pipe or a device is listed
with what it is, and a link to a folder is not followed. Whatever goes wrong while reading
one learner's files becomes a note on that learner's row, and so does what the instructor
should check: look-alike ids and claimed names (:mod:`.identity`), hard links and notebooks
the same as a classmate's or a solution (:mod:`.copies`).
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.exercises.calling import one_line
from course_lib.exercises.spec import Exercise
from course_lib.exercises.tasks import EXERCISES

from .copies import Fingerprint, Notebook, copy_mark, copy_notes
from .identity import claimed_name_notes, look_alike_notes, merged_spellings_note, same_id, spelled
from .reading import file_kind, read_regular_file_and_status

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
    cells, or why it is unusable. ``shown`` is its path as the instructor handed it in;
    ``copy_of``, in the flat layout, the learner's own file this one is a duplicate of
    (``bob-Copy1.ipynb`` of ``bob.ipynb``); ``modified``, when the file was last changed."""

    path: Path
    learner: str
    exercise: Exercise | None
    cells: tuple[tuple[int, str], ...] = ()
    problem: str | None = None
    name: str = ""
    matched_by: str = ""
    shown: str = ""
    copy_of: str = ""
    modified: float = 0.0
    fingerprint: Fingerprint | None = None

    @property
    def label(self) -> str:
        return self.shown or self.path.name

    @property
    def original_first(self) -> tuple:
        """Sorts the originals of an exercise before their copies: a name that does not say
        "copy" first, then the exercise's own name, then the file changed first."""
        exercise = self.exercise.notebook if self.exercise else None
        return (bool(copy_mark(self.path.stem)), self.path.stem != exercise, self.modified,
                self.label)


def why_original(original: Submission, copy: Submission) -> str:
    """Why ``original`` counts before ``copy`` when they score the same."""
    mark = copy_mark(copy.path.stem)
    if mark and not copy_mark(original.path.stem):
        return f'{copy.label} is named as a copy ("{mark.strip()}")'
    if original.exercise and original.path.stem == original.exercise.notebook != \
            copy.path.stem:
        return f"{original.label} has the exercise's own name"
    if original.modified < copy.modified:
        return f"{original.label} was changed first"
    return f"{original.label} comes first by name"


@dataclass
class Learner:
    """One learner: an id (their folder's or file's name in Unicode NFC), every notebook
    found, every other file (``other_files``, each with why it is not graded), what could not
    be read at all (``problems``) and what the instructor should check (``notes``: merged
    spellings, look-alike ids and names, hard links and copies)."""

    id: str
    submissions: list[Submission] = field(default_factory=list)
    other_files: list[Submission] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    spellings: set[str] = field(default_factory=set)

    @property
    def candidates(self) -> list[Submission]:
        """The notebooks that answer a known exercise: each is graded."""
        return [s for s in self.submissions if s.exercise is not None]

    @property
    def unknown(self) -> list[Submission]:
        """The notebooks that answer no known exercise (or cannot be read as one), then every
        other file."""
        return [s for s in self.submissions if s.exercise is None] + self.other_files


def read_submission(path: Path, learner: str | None = None, shown: str = "",
                    copy_of: str = "") -> Submission:
    """Read a notebook (once, without changing it) and find its exercise; ``learner`` is the
    id the folder layout gives it (by default, as for a notebook named on the command line)."""
    path = Path(path)
    learner = learner if learner is not None else learner_of_file(path)
    by_name = _exercise_from_name(path)
    unusable = {"learner": learner, "exercise": by_name, "shown": shown, "copy_of": copy_of,
                "matched_by": "file name" if by_name else ""}
    try:
        data, status = read_regular_file_and_status(path)
    except OSError as error:
        return Submission(path, problem=f"could not read the file: {error.strerror or error}",
                          **unusable)
    unusable.update(modified=status.st_mtime,
                    fingerprint=Fingerprint.of(data, status, None))
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
    unusable["fingerprint"] = Fingerprint.of(data, status, [source for _, source in cells])
    course = _course_metadata(notebook)
    stamp = course.get("exercise")
    found = [(EXERCISES.get(stamp) if isinstance(stamp, str) else None, "its stamp"),
             (by_name, "its file name"), (_exercise_from_checks(cells), "its check() calls"),
             (_exercise_from_functions(cells), "the functions it defines")]
    exercise, matched_by = next(((e, how) for e, how in found if e is not None), (None, ""))
    problem = None if exercise else "answers no known exercise"
    return Submission(path, cells=tuple(cells), problem=problem,
                      name=display_name(course.get("learner")),
                      **{**unusable, "exercise": exercise, "matched_by": matched_by})


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
    """The learner of a notebook in the flat layout: the file's name in NFC (a JupyterLab
    duplicate "alice-Copy1" is alice's when alice's own file is there too); a notebook that
    keeps an exercise's name belongs to the folder it is in."""
    return _flat_owner(Path(path), _notebook_stems(Path(path).parent))[0]


def _flat_owner(path: Path, stems: set[str]) -> tuple[str, str]:
    """Whose a notebook in the flat layout is, and the learner's own file it duplicates (""
    when it is not a duplicate); ``stems``: the names of the notebooks beside it, in NFC."""
    stem = same_id(path.stem)
    original = _JUPYTER_COPY.sub("", stem)
    if original in _EXERCISE_NOTEBOOKS:
        return same_id(path.parent.resolve().name), ""
    if original != stem and original in stems:
        return original, f"{original}.ipynb"
    return stem, ""


def _notebook_stems(folder: Path) -> set[str]:
    return {same_id(p.stem) for p in folder.glob("*.ipynb") if p.is_file()}


def discover(paths: Iterable[Path], solutions: Path | None = None) -> list[Learner]:
    """The learners in the folders and notebooks named, each with all of their notebooks and
    other files, and notes on look-alike ids, claimed names, hard links and notebooks the same
    as a classmate's or as one in ``solutions`` (a folder of solution notebooks, if given).

    A folder's sub-folders are learners (folder layout), its notebooks too (flat layout).
    Hidden folders and files, ``.ipynb_checkpoints`` and ``__MACOSX`` are left out.
    """
    learners: dict[str, Learner] = {}
    # A link is not resolved: it is its own entry, refused when read, and never stands in for
    # the file it points to.
    seen: set[str] = set()

    def add(spelling: str, path: Path | None = None, shown: str = "",
            copy_of: str = "") -> Learner:
        learner_id = same_id(spelling)
        learner = learners.setdefault(learner_id, Learner(learner_id))
        if not copy_of:
            learner.spellings.add(spelling)
        if path is not None and os.path.abspath(path) not in seen:
            seen.add(os.path.abspath(path))
            learner.submissions.append(_read_safely(path, learner_id, _label(shown), copy_of))
        return learner

    for root in map(Path, paths):
        if not root.is_dir():
            if not (root.exists() or root.is_symlink()):
                raise FileNotFoundError(f"no such file or folder: {root}")
            spelling, copy_of = _flat_spelling(root, _notebook_stems(root.parent))
            add(spelling, root, root.name, copy_of)
            continue
        stems = _notebook_stems(root)
        for entry in sorted(root.iterdir()):
            if _hidden(entry.name):
                continue
            spelling = entry.name
            try:
                if entry.suffix == ".ipynb" and not entry.is_dir():
                    spelling, copy_of = _flat_spelling(entry, stems)
                    add(spelling, entry, entry.name, copy_of)
                elif entry.is_symlink() and entry.is_dir():
                    add(spelling).problems.append(
                        f"{entry.name} is a link to a folder, not followed: hand in the "
                        "folder itself")
                elif entry.is_dir():
                    learner = add(spelling)
                    for notebook in _notebooks_under(entry):
                        add(spelling, notebook, notebook.relative_to(root).as_posix())
                    learner.other_files += _other_files(entry, root, learner)
            except Exception as error:
                add(spelling).problems.append(
                    f"the grader could not read these files ({one_line(error)}); the other "
                    "learners were graded as usual")
    found = sorted(learners.values(), key=lambda learner: learner.id)
    for learner in found:
        learner.submissions.sort(key=lambda s: s.label)
        learner.other_files.sort(key=lambda s: s.label)
    _note_identities(found)
    _note_copies(found, solutions)
    return found


def _flat_spelling(path: Path, stems: set[str]) -> tuple[str, str]:
    """The id as spelled on disk of a notebook in the flat layout, and the file it duplicates."""
    owner, copy_of = _flat_owner(path, stems)
    if copy_of:
        return owner, copy_of
    return (path.stem if owner == same_id(path.stem) else path.parent.resolve().name), ""


def _label(shown: str) -> str:
    """A path as the notes show it: as written, or with its characters' codes when it is not
    in NFC, so that two spellings of one name read differently."""
    return shown if same_id(shown) == shown else spelled(shown)


def _read_safely(path: Path, learner: str, shown: str, copy_of: str) -> Submission:
    try:
        return read_submission(path, learner, shown, copy_of)
    except Exception as error:
        by_name = _exercise_from_name(path)
        return Submission(path, learner, by_name, shown=shown, copy_of=copy_of,
                          matched_by="file name" if by_name else "",
                          problem=f"the grader could not read this notebook ({one_line(error)})")


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _notebooks_under(folder: Path) -> list[Path]:
    """Every entry named *.ipynb that is not a folder: a link, a pipe or a device is listed
    too, so that reading it says what it is."""
    return sorted(p for p in folder.rglob("*.ipynb") if (p.is_symlink() or not p.is_dir())
                  and not any(_hidden(part) for part in p.relative_to(folder).parts))


_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff", ".heic"}


def _other_files(folder: Path, root: Path, learner: Learner) -> list[Submission]:
    """Every entry in a learner's folder that is neither a notebook nor a folder (a link to a
    folder included, not followed), each with why it is not graded."""
    found = []

    def unlisted(error: OSError) -> None:
        learner.problems.append(f"could not list a folder ({error.strerror or error}): its "
                                "files were not looked at")

    for top, folders, files in os.walk(folder, onerror=unlisted):
        folders[:] = [name for name in folders if not _hidden(name)]
        for name in [*files, *folders]:
            path = Path(top) / name
            if _hidden(name) or (name.endswith(".ipynb") and not path.is_dir()) or (
                    path.is_dir() and not path.is_symlink()):
                continue
            found.append(Submission(path, learner.id, None, shown=_label(
                path.relative_to(root).as_posix()), problem=_why_not_graded(path)))
    return found


def _why_not_graded(path: Path) -> str:
    mode = os.lstat(path).st_mode
    suffix = path.suffix.lower()
    if stat.S_ISLNK(mode):
        what = "a symbolic link, not followed"
    elif not stat.S_ISREG(mode):
        what = file_kind(mode)
    elif suffix == ".py":
        what = "a Python file"
    elif suffix in _IMAGES:
        what = f"an image ({suffix})"
    else:
        what = f"a {suffix} file" if suffix else "a file without a suffix"
    return f"{what}: only notebooks (.ipynb) are graded"


def _note_identities(learners: list[Learner]) -> None:
    look_alikes = look_alike_notes(learner.id for learner in learners)
    claims = claimed_name_notes({learner.id: {s.name for s in learner.submissions if s.name}
                                 for learner in learners})
    for learner in learners:
        merged = merged_spellings_note(learner.spellings)
        learner.notes += [*([merged] if merged else []), *look_alikes.get(learner.id, []),
                          *claims.get(learner.id, [])]


def _note_copies(learners: list[Learner], solutions: Path | None) -> None:
    submitted = [Notebook(learner.id, s.label, s.fingerprint, s.exercise is not None)
                 for learner in learners for s in learner.submissions if s.fingerprint]
    course, unchanged = [], []
    if solutions is not None:
        course = _course_notebooks(sorted(Path(solutions).glob("*.ipynb")))
        unchanged = _course_notebooks(sorted(Path(solutions).parent.glob("*.ipynb")))
    notes = copy_notes(submitted, course, unchanged)
    for learner in learners:
        for submission in learner.submissions:
            learner.notes += notes.get((learner.id, submission.label), [])


def _course_notebooks(paths: list[Path]) -> list[Notebook]:
    read = [read_submission(path, "", str(path)) for path in paths]
    return [Notebook("", s.label, s.fingerprint) for s in read if s.fingerprint]
