"""Reading a submitted file: a regular file of sensible size, and nothing else.

A "notebook" in the submissions folder may be a named pipe (opening it for reading
would wait for a writer for ever), a device such as ``/dev/zero`` (endless), a link to
a file outside the folder (another learner's, or the instructor's), or just huge. Each
is refused with an OSError that says what the file is, and the grader notes it on the
learner's row.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# An exercise notebook with its outputs is a few hundred kilobytes; parsing one costs the grader
# some twenty times its size in memory.
MAX_NOTEBOOK_BYTES = 5 * 2**20

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: "a folder", "a named pipe", …"""
    return next((name for test, name in _KINDS if test(mode)), "neither a file nor a folder")


def read_regular_file(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of ``path``; OSError if it is not a regular file (a link included) of at
    most ``limit`` bytes."""
    return read_regular_file_and_status(path, limit)[0]


def read_regular_file_and_status(path: Path, limit: int = MAX_NOTEBOOK_BYTES,
                                 ) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and the status of the very file they were read from (its hard
    links, its inode, when it was last changed), refused as :func:`read_regular_file` says."""
    if os.path.islink(path):
        raise OSError(f"{Path(path).name} is a symbolic link; submit the notebook itself")
    # O_NONBLOCK: a pipe swapped in after the check above must not block the open.
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{Path(path).name} is {file_kind(info.st_mode)}, not a notebook file")
        if info.st_size > limit:
            raise OSError(f"{Path(path).name} has {info.st_size:,} bytes, more than the "
                          f"{limit:,} a notebook may have")
        chunks, size = [], 0
        while chunk := os.read(fd, min(2**20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(f"{Path(path).name} grew past {limit:,} bytes while being read")
        return b"".join(chunks), info
    finally:
        os.close(fd)
