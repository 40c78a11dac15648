"""A scratch folder for a submission run without the sandbox (``--unsafe``), always removed.

In the sandbox a submission's scratch is a tmpfs that disappears with it. Without the
sandbox it is a real folder, which the submission may have filled with a tree far
deeper than Python's recursion limit or ``PATH_MAX``, made unreadable, or replaced by a
file or a symbolic link. :func:`remove_tree` removes what it can of any of these and
never raises; it never follows a link, so nothing outside the folder is touched.
"""

from __future__ import annotations

import itertools
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


@contextmanager
def scratch_folder() -> Iterator[str]:
    """A new empty folder, removed with everything in it on leaving."""
    path = tempfile.mkdtemp(prefix="grading-")
    try:
        yield path
    finally:
        remove_tree(path)


def remove_tree(path: str) -> None:
    """Remove ``path`` and everything under it, without recursion, following no links.

    A folder deep in the tree is first moved up next to the top, so that at most two
    folders are ever open and no path grows longer than two names.
    """
    try:
        top = os.open(path, _DIRECTORY)
    except OSError:
        _quietly(os.unlink, path)
        return
    try:
        _empty(top)
    finally:
        os.close(top)
    _quietly(os.rmdir, path)


def _empty(top: int) -> None:
    # Each pass removes something or moves a folder up a level, so the passes end:
    # when the folder is empty, or when nothing more could be removed.
    moved = itertools.count()
    while names := _names(top):
        changed = False
        for name in names:
            try:
                info = os.lstat(name, dir_fd=top)
            except OSError:
                changed = True
                continue
            if not stat.S_ISDIR(info.st_mode):
                changed |= _quietly(os.unlink, name, dir_fd=top)
                continue
            _quietly(os.chmod, name, 0o700, dir_fd=top)
            try:
                folder = os.open(name, _DIRECTORY, dir_fd=top)
            except OSError:
                continue
            try:
                for inner in _names(folder):
                    changed |= (_quietly(os.unlink, inner, dir_fd=folder)
                                or _quietly(os.rename, inner, f".up{next(moved)}",
                                            src_dir_fd=folder, dst_dir_fd=top))
            finally:
                os.close(folder)
            changed |= _quietly(os.rmdir, name, dir_fd=top)
        if not changed:
            return


def _names(folder: int) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _quietly(operation, *args, **kwargs) -> bool:
    try:
        operation(*args, **kwargs)
    except OSError:
        return False
    return True
