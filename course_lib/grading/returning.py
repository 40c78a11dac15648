"""Handing the feedback back: each learner's feedback files copied beside their work.

``return GRADED SUBMISSIONS`` reads ``GRADED/grades.csv`` for who has which feedback file and
finds each learner in ``SUBMISSIONS`` by their id: a folder of that name (folder layout) gets
``feedback.md``, ``feedback.txt`` and ``feedback.html``; a notebook ``<id>.ipynb`` (flat
layout) gets ``<id>.feedback.md`` … beside it.

Nothing of the learner's is ever overwritten or followed: each file is created exclusively
and never through a link (``O_CREAT | O_EXCL | O_NOFOLLOW``, inside the learner's folder
opened without following a link), so where the name is taken — by a file of theirs, a link
or anything else — the next free numbered name is used (``feedback-2.md``). A file already
there with the same text is left as it is, so returning twice writes nothing new. A learner
whose folder or notebook is a link, or is not there, is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .exports import read_gradebook
from .gradebook import FEEDBACK_FORMATS
from .outputs import write_all
from .reading import read_regular_file

MAX_NUMBERED = 100
_FEEDBACK = re.compile(r"feedback/([^/\\]+)\.md")


@dataclass(frozen=True)
class Returned:
    """What happened to one file (or one learner): ``wrote`` or ``skipped``, where, and why."""

    learner: str
    action: str
    where: str
    why: str = ""

    def __str__(self) -> str:
        return f"{self.action} {self.where}" + (f": {self.why}" if self.why else "")


def _kind(name: str, folder: int) -> int | None:
    try:
        return os.lstat(name, dir_fd=folder).st_mode
    except FileNotFoundError:
        return None


def _same_text(name: str, folder: int, data: bytes) -> bool:
    mode = _kind(name, folder)
    if mode is None or not stat.S_ISREG(mode):
        return False
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return False
    try:
        return os.read(fd, len(data) + 1) == data
    finally:
        os.close(fd)


def _numbered(name: str, number: int) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"


def _create(folder: int, name: str, data: bytes) -> tuple[str, str]:
    """Write ``data`` as a new file in ``folder``: ``name`` or the first free numbered name.
    Returns (the name written, why not ``name``) or ("", why nothing was written)."""
    for number in range(1, MAX_NUMBERED + 1):
        candidate = name if number == 1 else _numbered(name, number)
        if _same_text(candidate, folder, data):
            return "", f"{candidate} is already there with the same text"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                         0o644, dir_fd=folder)
        except FileExistsError:
            continue
        write_all(fd, data)
        return candidate, "" if number == 1 else f"{name} is taken"
    return "", f"{name} and {MAX_NUMBERED - 1} numbered names are all taken"


def _one_name(learner: str) -> bool:
    return bool(learner) and learner not in (".", "..") and "/" not in learner and \
        "\0" not in learner


def return_feedback(graded: Path, submissions: Path) -> list[Returned]:
    """Copy each learner's feedback from ``graded`` into ``submissions``; what was done."""
    graded, submissions = Path(graded), Path(submissions)
    book = read_gradebook(graded)
    done: list[Returned] = []
    top = os.open(submissions, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for row in book.rows:
            found = _FEEDBACK.fullmatch(row.feedback)
            if not found or found.group(1) in (".", ".."):
                done.append(Returned(row.learner, "skipped", row.learner,
                                     "no feedback file in grades.csv"))
                continue
            files = []
            for suffix in FEEDBACK_FORMATS:
                try:
                    files.append((suffix, read_regular_file(
                        graded / "feedback" / f"{found.group(1)}{suffix}")))
                except OSError:
                    pass
            done += _return_one(row.learner, files, top, submissions)
    finally:
        os.close(top)
    return done


def _return_one(learner: str, files: list[tuple[str, bytes]], top: int,
                submissions: Path) -> list[Returned]:
    if not _one_name(learner):
        return [Returned(learner, "skipped", learner, "not a name in the submissions folder")]
    if not files:
        return [Returned(learner, "skipped", learner, "its feedback files cannot be read")]
    mode = _kind(learner, top)
    notebook = _kind(f"{learner}.ipynb", top)
    if mode is not None and stat.S_ISLNK(mode):
        return [Returned(learner, "skipped", learner, "the learner's folder is a link, "
                                                      "not followed")]
    if mode is not None and stat.S_ISDIR(mode):
        try:
            folder = os.open(learner, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
        except OSError as error:
            return [Returned(learner, "skipped", learner, error.strerror or str(error))]
        prefix, names, close = f"{learner}/", [f"feedback{s}" for s, _ in files], True
    elif notebook is not None and stat.S_ISREG(notebook):
        folder, prefix, close = top, "", False
        names = [f"{learner}.feedback{s}" for s, _ in files]
    else:
        return [Returned(learner, "skipped", learner, f"no folder {learner}/ and no regular "
                                                      f"file {learner}.ipynb in {submissions}")]
    done = []
    try:
        for name, (_, data) in zip(names, files, strict=True):
            try:
                written, why = _create(folder, name, data)
            except OSError as error:
                written, why = "", error.strerror or str(error)
            done.append(Returned(learner, "wrote", prefix + written, why) if written
                        else Returned(learner, "skipped", prefix + name, why))
    finally:
        if close:
            os.close(folder)
    return done
