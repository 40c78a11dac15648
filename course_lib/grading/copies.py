"""Work that may not be the learner's own: hard links, identical notebooks and copies' names.

Nothing here changes a mark; it tells the instructor where to look.

- A notebook with more than one hard link (``st_nlink > 1``) is one file under several names:
  perhaps a link to ``exercises/solutions/…`` or to a classmate's notebook. It is noted, with
  the other name when it is among the submissions or the solutions.
- A notebook byte for byte the same as a classmate's or a solution notebook, or the same in
  every code cell, is noted on each learner's row. A student notebook handed in unchanged is
  the same as everyone else's unchanged one and says nothing: it is left out.
- A file named as a copy ("-Copy1", "copy", "(2)", "Copy of") is a copy of another; on a tie,
  the original counts (see :func:`copy_mark`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Relative to the folder the grader runs in, as for ``release``: the course's folder.
COURSE_SOLUTIONS = Path("exercises") / "solutions"
_COPY_NAME = re.compile(r"(-Copy\d+|[ _-]copy(?:[ _-]?\d+)?|\s?\(\d+\)|^copy[ _]of[ _])",
                        re.IGNORECASE)


def copy_mark(stem: str) -> str:
    """The part of a file name (without its suffix) that says it is a copy: "-Copy1" (Jupyter),
    " copy", "_copy2", " (2)" (browsers and file managers), "Copy of " (drives); "" if none."""
    found = _COPY_NAME.search(stem)
    return found.group(0) if found else ""


def solutions_folder(given: Path | None) -> Path | None:
    """The solution notebooks to compare submissions with: ``given``, or by default the
    course's ``exercises/solutions`` when the grader runs in the course's folder (None when
    there is none: submissions are then compared with each other only)."""
    if given is None:
        return COURSE_SOLUTIONS if COURSE_SOLUTIONS.is_dir() else None
    if not Path(given).is_dir():
        raise FileNotFoundError(f"solutions must be a folder of solution notebooks, got {given}")
    return Path(given)


@dataclass(frozen=True)
class Fingerprint:
    """What tells two notebook files apart: the file itself (device, inode, how many names it
    has), its bytes and its code cells (each a SHA-256)."""

    device: int
    inode: int
    links: int
    content: str
    code: str

    @classmethod
    def of(cls, data: bytes, status: os.stat_result,
           cells: Iterable[str] | None) -> Fingerprint:
        """The fingerprint of a file read as ``data`` with ``status``; ``cells``: its code
        cells' sources, or None when it is not a readable notebook (it is then compared by
        its bytes only)."""
        content = hashlib.sha256(data).hexdigest()
        if cells is None:
            return cls(status.st_dev, status.st_ino, status.st_nlink, content, content)
        # Cells are compared without the blank lines and spaces around them: an editor adds
        # or drops those without the learner writing anything.
        code = "\0".join(source.strip() for source in cells if source.strip())
        return cls(status.st_dev, status.st_ino, status.st_nlink, content,
                   hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest())


@dataclass(frozen=True)
class Notebook:
    """A notebook to compare: whose (``learner``, "" for a solution or a student version), how
    to name it in a note, its fingerprint, and whether it answers an exercise (only those are
    compared for content: two identical scratch notebooks earn nothing)."""

    learner: str
    label: str
    fingerprint: Fingerprint
    answers: bool = True


def copy_notes(submitted: list[Notebook], solutions: list[Notebook],
               unchanged: list[Notebook]) -> dict[tuple[str, str], list[str]]:
    """Per submitted notebook (by learner and label), a note for each hard link and for each
    classmate's notebook or solution it is the same as. ``unchanged``: the student versions,
    whose code says nothing about who wrote it."""
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_file = defaultdict(list)
    for notebook in [*submitted, *solutions]:
        by_file[(notebook.fingerprint.device, notebook.fingerprint.inode)].append(notebook)
    for notebook in submitted:
        links = notebook.fingerprint.links
        if links < 2:
            continue
        others = [_named(other) for other in by_file[(notebook.fingerprint.device,
                                                      notebook.fingerprint.inode)]
                  if other is not notebook]
        where = f": the same file as {', '.join(others)}" if others else ""
        notes[(notebook.learner, notebook.label)].append(
            f"{notebook.label} is a hard link, one file under {links} names{where}; check that "
            "it is this learner's own work")
    blank = {n.fingerprint.code for n in unchanged}
    for same, what in ((lambda n: n.fingerprint.content, "identical to"),
                       (lambda n: n.fingerprint.code, "identical in its code cells to")):
        groups = defaultdict(list)
        for notebook in [*submitted, *solutions]:
            groups[same(notebook)].append(notebook)
        for group in groups.values():
            for notebook in group:
                if (not notebook.learner or not notebook.answers
                        or notebook.fingerprint.code in blank):
                    continue
                others = [_named(other) for other in group if other.learner != notebook.learner
                          and other.answers and not _same_file(other, notebook)]
                if others:
                    notes[(notebook.learner, notebook.label)].append(
                        f"{notebook.label} is {what} {', '.join(others)}")
    return {key: _without_weaker(found) for key, found in notes.items()}


def _named(notebook: Notebook) -> str:
    return (f"{notebook.learner}'s {notebook.label}" if notebook.learner
            else f"the course's {notebook.label}")


def _same_file(one: Notebook, other: Notebook) -> bool:
    return (one.fingerprint.device, one.fingerprint.inode) == (other.fingerprint.device,
                                                               other.fingerprint.inode)


def _without_weaker(notes: list[str]) -> list[str]:
    """The notes, less "identical in its code cells to X" where "identical to X" is said."""
    identical = [note for note in notes if " is identical to " in note]
    return [note for note in notes
            if not any(note == strong.replace(" is identical to ",
                                              " is identical in its code cells to ")
                       for strong in identical)]
