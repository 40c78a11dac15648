"""The system calls a submission may not make: a seccomp filter for ``bwrap --seccomp FD``.

A notebook that computes answers needs none of these, and each one opens a way out of the
sandbox or into a neighbour's: a user namespace of its own (uid 0 with every capability in
it, and from there mounts), mounting and unmounting, a kernel keyring shared by every
process of a user id, tracing another process, entering another namespace, loading BPF
programs, and performance counters. Each is refused with EPERM, as if the sandbox's user
lacked the privilege.

``clone3`` is the exception: its flags sit in a structure that a filter cannot read, so it
is refused with ENOSYS, "no such call", which makes the C library fall back to ``clone``,
whose flags the filter does read (threads and ``fork`` keep working; a clone into a new
namespace does not).

The filter is compiled by libseccomp (``libseccomp.so.2``, Debian's ``libseccomp2``),
called through ctypes, and read by bubblewrap from a pipe when it starts the sandbox.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import tempfile

REFUSED = ("unshare", "mount", "umount2", "pivot_root", "keyctl", "add_key", "request_key",
           "ptrace", "setns", "bpf", "perf_event_open")
"""Refused whatever their arguments."""
NEW_NAMESPACES = {"CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000,
                  "CLONE_NEWUTS": 0x04000000, "CLONE_NEWIPC": 0x08000000,
                  "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
                  "CLONE_NEWNET": 0x40000000}
"""The ``clone`` flags that make a new namespace: ``clone`` with any of them is refused (a new
time namespace is ``unshare``'s alone, refused above)."""

_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
_MASKED_EQ = 7


class _Comparison(ctypes.Structure):
    """libseccomp's ``struct scmp_arg_cmp``: argument ``arg`` & ``mask`` == ``value``."""

    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("mask", ctypes.c_uint64), ("value", ctypes.c_uint64)]


class SeccompUnavailable(RuntimeError):
    """libseccomp is missing or would not compile the filter; the message says why."""


def _library():
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        raise SeccompUnavailable("libseccomp is not installed (apt-get install libseccomp2)"
                                 ) from None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                           ctypes.c_uint, ctypes.POINTER(_Comparison)]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    return lib


def compile_filter() -> bytes:
    """The filter as the BPF program bubblewrap loads; SeccompUnavailable if it cannot be made."""
    lib = _library()
    context = lib.seccomp_init(_ALLOW)
    if not context:
        raise SeccompUnavailable("libseccomp could not start a filter")
    try:
        def refuse(name: str, error: int, *comparisons: _Comparison) -> None:
            number = lib.seccomp_syscall_resolve_name(name.encode())
            if number < 0:
                raise SeccompUnavailable(f"libseccomp does not know the system call {name}")
            array = (_Comparison * len(comparisons))(*comparisons)
            done = lib.seccomp_rule_add_array(context, _ERRNO | error, number,
                                              len(comparisons), array)
            if done != 0:
                raise SeccompUnavailable(f"libseccomp refused the rule for {name} "
                                         f"({os.strerror(-done)})")

        for name in REFUSED:
            refuse(name, errno.EPERM)
        # Rules for one call are alternatives: one per flag refuses a clone with any of them.
        for flag in NEW_NAMESPACES.values():
            refuse("clone", errno.EPERM, _Comparison(0, _MASKED_EQ, flag, flag))
        refuse("clone3", errno.ENOSYS)
        with tempfile.TemporaryFile() as program:
            done = lib.seccomp_export_bpf(context, program.fileno())
            if done != 0:
                raise SeccompUnavailable(f"libseccomp could not write the filter "
                                         f"({os.strerror(-done)})")
            program.seek(0)
            return program.read()
    finally:
        lib.seccomp_release(context)


def filter_pipe(program: bytes) -> int:
    """The read end of a pipe that holds ``program``, for ``bwrap --seccomp FD`` (close it
    once bubblewrap has started)."""
    read_end, write_end = os.pipe()
    try:
        view = memoryview(program)
        while view:
            view = view[os.write(write_end, view):]
    finally:
        os.close(write_end)
    return read_end
