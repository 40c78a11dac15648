"""Collecting from a hub: each user's exercise notebooks copied out of their home.

``collect --from-homes ROOT --out submitted/`` reads ``ROOT/<user>/`` for every user (a hub's
homes: ``/home`` on The Littlest JupyterHub, the spawner's root folder on a test hub) and
copies every notebook under an ``exercises/`` folder of the course the user pulled
(``ROOT/<user>/<course>/exercises/…``, a ``-Copy1`` included) to
``submitted/<user>/<the same path under exercises/>``: the folder layout ``grade`` reads, with
the hub user name as the learner id.

The homes are only read. Nothing is followed out of a home: a home that is a link is skipped,
folders are walked through their descriptors without following a link (``os.fwalk``), and a
file is opened relative to its folder with ``O_NOFOLLOW``. Only regular files of at most
``limit`` bytes are copied; a link, a pipe or a file too big is listed with what it is. The
copy keeps the notebook's modification time, which the grader reads to tell an original from
its copy. ``submitted/`` must be new or empty, so a collection never mixes with an older one.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .reading import MAX_NOTEBOOK_BYTES, file_kind

EXERCISES = "exercises"
SKIPPED_FOLDERS = (".ipynb_checkpoints", "solutions", "__pycache__")


@dataclass(frozen=True)
class Collected:
    """One notebook (or user) handled: ``copied`` or ``skipped``, what, and why."""

    user: str
    action: str
    what: str
    why: str = ""

    def __str__(self) -> str:
        return f"{self.action} {self.user}: {self.what}" + (f" ({self.why})" if self.why else "")


def _read_at(name: str, folder: int, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file ``name`` in ``folder``, never through a link."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY,
                 dir_fd=folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{file_kind(info.st_mode)}, not a notebook file")
        if info.st_size > limit:
            raise OSError(f"{info.st_size:,} bytes, more than the {limit:,} a notebook may have")
        chunks, size = [], 0
        while chunk := os.read(fd, min(2**20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(f"grew past {limit:,} bytes while being read")
        return b"".join(chunks), info
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes, info: os.stat_result) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _exercise_path(relative: PurePosixPath) -> PurePosixPath | None:
    """Where under ``submitted/<user>/`` an entry at ``relative`` (to the home) goes: its
    path under the course's ``exercises/`` folder, or None when it is not under one."""
    parts = relative.parts
    if len(parts) < 3 or parts[1] != EXERCISES:
        return None
    return PurePosixPath(*parts[2:])


def _collect_home(user: str, home: int, out: Path, limit: int) -> list[Collected]:
    done = []

    def unreadable(error: OSError) -> None:
        done.append(Collected(user, "skipped", str(error.filename or "?"),
                              error.strerror or str(error)))

    for folder, subfolders, files, folder_fd in os.fwalk(".", dir_fd=home, onerror=unreadable,
                                                         follow_symlinks=False):
        subfolders[:] = sorted(name for name in subfolders
                               if not name.startswith(".") and name not in SKIPPED_FOLDERS)
        where = PurePosixPath(folder)
        for name in sorted(files):
            relative = where / name
            target = _exercise_path(relative)
            if target is None or name.startswith(".") or not name.endswith(".ipynb"):
                continue
            if stat.S_ISLNK(os.lstat(name, dir_fd=folder_fd).st_mode):
                done.append(Collected(user, "skipped", str(relative), "a link, not followed"))
                continue
            try:
                data, info = _read_at(name, folder_fd, limit)
            except OSError as error:
                done.append(Collected(user, "skipped", str(relative),
                                      error.strerror or str(error)))
                continue
            _write_new(out / user / target, data, info)
            done.append(Collected(user, "copied", str(relative)))
        # A link among the folders is listed by fwalk as a folder and never entered.
        for name in sorted(subfolders):
            if stat.S_ISLNK(os.lstat(name, dir_fd=folder_fd).st_mode) and \
                    _exercise_path(where / name / "notebook.ipynb") is not None:
                done.append(Collected(user, "skipped", str(where / name),
                                      "a link to a folder, not followed"))
    return done


def collect(homes: Path, out: Path, limit: int = MAX_NOTEBOOK_BYTES) -> list[Collected]:
    """Copy every user's exercise notebooks from ``homes/<user>/`` to ``out/<user>/``."""
    homes, out = Path(homes), Path(out)
    if not homes.is_dir():
        raise ValueError(f"--from-homes must be a folder of the users' homes, got {homes}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"--out must be a new or empty folder, got {out}, which holds "
                         "something already")
    out.mkdir(parents=True, exist_ok=True)
    done: list[Collected] = []
    top = os.open(homes, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for user in sorted(os.listdir(top)):
            if user.startswith("."):
                continue
            mode = os.lstat(user, dir_fd=top).st_mode
            if not stat.S_ISDIR(mode):
                done.append(Collected(user, "skipped", user + "/",
                                      "the home is a link, not followed"
                                      if stat.S_ISLNK(mode) else f"{file_kind(mode)}, not a home"))
                continue
            # Every user gets a folder, an empty one too: the grader lists a learner who
            # handed in nothing (0 on an assigned exercise), and return finds them.
            (out / user).mkdir()
            home = os.open(user, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
            try:
                found = _collect_home(user, home, out, limit)
            finally:
                os.close(home)
            done += found or [Collected(user, "found", user + "/",
                                        "no notebook under <course>/exercises/")]
    finally:
        os.close(top)
    return done
