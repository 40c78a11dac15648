"""Writing the grader's files into the output folder, so that no planted link redirects them.

The output folder is the one the instructor named. Inside it the grader writes only
names of its own, one folder level deep, and never through a link: each file is written
under a fresh temporary name (created exclusively, never following a link) and then
renamed over the old one, which replaces a link rather than writing to its target. A
link standing where one of the grader's folders should be is removed (the link only,
not what it points to) and a real folder made. A reader never sees a half-written file.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from course_lib.exercises.escaping import without_surrogates


class OutputError(OSError):
    """A file could not be written into the output folder; the message says which and why."""


def _checked_name(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise ValueError(f"name must be one file name inside the output folder, got {name!r}")
    return name


def _is_link(name: str, folder: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode)
    except FileNotFoundError:
        return False


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to the open file ``fd`` (one ``os.write`` may write
    fewer), then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class OutputFolder:
    """A folder open for the grader's files; ``write`` and ``folder`` take single names."""

    def __init__(self, path: Path, _fd: int | None = None):
        self.path = Path(path)
        if _fd is None:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                _fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
            except OSError as error:
                raise OutputError(f"cannot use {self.path} as the output folder: "
                                  f"{error.strerror or error}") from None
        self._fd = _fd

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc) -> None:
        os.close(self._fd)

    def folder(self, name: str) -> OutputFolder:
        """The sub-folder ``name`` (made if missing); close it with ``with``."""
        _checked_name(name)
        try:
            if _is_link(name, self._fd):
                os.unlink(name, dir_fd=self._fd)
            try:
                os.mkdir(name, 0o777, dir_fd=self._fd)
            except FileExistsError:
                pass
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=self._fd)
        except OSError as error:
            raise OutputError(f"cannot write into {self.path / name}: "
                              f"{error.strerror or error}") from None
        return OutputFolder(self.path / name, fd)

    def write(self, name: str, text: str) -> Path:
        """Write ``text`` (UTF-8; a lone surrogate becomes U+FFFD) as the file ``name``."""
        _checked_name(name)
        data = without_surrogates(text).encode("utf-8")
        temporary = f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            write_all(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                              0o666, dir_fd=self._fd), data)
            os.replace(temporary, name, src_dir_fd=self._fd, dst_dir_fd=self._fd)
        except OSError as error:
            try:
                os.unlink(temporary, dir_fd=self._fd)
            except OSError:
                pass
            raise OutputError(f"cannot write {self.path / name}: "
                              f"{error.strerror or error}") from None
        return self.path / name
