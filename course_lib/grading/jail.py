"""The sandbox a submission's process runs in: bubblewrap (``bwrap``), with nothing to reach.

Inside, a submission sees the Python installation and ``course_lib`` read-only, an empty
``/tmp`` of its own (a small tmpfs that vanishes with it, also its working folder), a
minimal ``/dev`` and its own ``/proc``, and nothing else: not the other submissions, not
the output folder, not the home directory, not the network (its network namespace has
only its own loopback). Its environment is empty but for the few variables set here.

Everything runs in a PID namespace whose first process is bubblewrap's. When the grader
kills that process, the kernel kills every process left in the namespace, whatever
session or process group a submission moved it to; the grader waits until it has.

The submission runs as an unprivileged user. Started by an ordinary user, bubblewrap
maps it into a user namespace of its own and forbids it to make another. Started by
root, bubblewrap sets the namespaces up and ``setpriv`` then drops to a user id of its
own for each submission running at the same time: the kernel exempts root (even root
inside a user namespace) from the process limit, RLIMIT_NPROC, and one shared user id
would let one submission's processes crowd out its neighbour's.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.exercises.grader_flag import GRADER_ENV

SCRATCH = "/tmp"
SCRATCH_BYTES = 64 * 2**20
PROBE_SECONDS = 60.0
# Debian leaves user ids above 65535 unallocated; these are far above any a system hands out.
FIRST_UID = 3_900_000_000
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot make a sandbox here; the message says why."""


def submission_environment(package_root: Path = PACKAGE_ROOT) -> dict[str, str]:
    """The only environment variables a submission gets: none of the grader's own."""
    env = {"PATH": "/usr/bin:/bin", "HOME": SCRATCH, "LANG": "C.UTF-8",
           "PYTHONPATH": str(package_root), "PYTHONNOUSERSITE": "1",
           "PYTHONDONTWRITEBYTECODE": "1", GRADER_ENV: "1", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": f"{SCRATCH}/matplotlib"}
    # Two submissions share two cores; BLAS threads would only fight over them.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def code_views(package_root: Path = PACKAGE_ROOT) -> tuple[str, ...]:
    """The folders a submission may read: Python (its venv and base) and ``course_lib``."""
    wanted = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
              str(package_root / "course_lib")}
    folders = sorted({os.path.realpath(path) for path in wanted} | wanted, key=len)
    views: list[str] = []
    for folder in folders:
        if os.path.isdir(folder) and not any(
                folder == view or folder.startswith(view.rstrip("/") + "/")
                for view in (*views, "/usr")):
            views.append(folder)
    return tuple(views)


@dataclass
class Jail:
    """How to start a command inside the sandbox; ``setpriv`` is set when the grader is root."""

    bwrap: str
    setpriv: str | None
    views: tuple[str, ...]
    environment: dict[str, str]
    _busy: set[int] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def find(cls) -> Jail:
        """The sandbox for this machine, tried once; SandboxUnavailable says why there is none."""
        if not sys.platform.startswith("linux"):
            raise SandboxUnavailable(f"the sandbox needs Linux namespaces; this is {sys.platform}")
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            raise SandboxUnavailable("bubblewrap is not installed (apt-get install bubblewrap)")
        setpriv = None
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                raise SandboxUnavailable("running as root needs setpriv (util-linux) to drop "
                                         "to an unprivileged user")
        jail = cls(bwrap, setpriv, code_views(), submission_environment())
        jail.probe()
        return jail

    def probe(self) -> None:
        """Start Python in the sandbox and import the runner; SandboxUnavailable if it fails."""
        with self.user() as uid:
            try:
                done = subprocess.run(
                    self.command([sys.executable, "-c", "import course_lib.grading.runner"],
                                 uid), stdin=subprocess.DEVNULL, capture_output=True,
                    timeout=PROBE_SECONDS)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise SandboxUnavailable(f"bubblewrap did not start: {error}") from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SandboxUnavailable(
                "bubblewrap could not run Python in a sandbox here"
                + (f" ({said[-1][:300]})" if said else f" (exit status {done.returncode})")
                + ": it needs user namespaces (kernel.unprivileged_userns_clone=1) or root, "
                  "and the course and its Python readable")

    @contextmanager
    def user(self) -> Iterator[int | None]:
        """A user id no other running submission has (None when not root: the namespace's)."""
        if self.setpriv is None:
            yield None
            return
        with self._lock:
            uid = next(uid for uid in itertools.count(FIRST_UID) if uid not in self._busy)
            self._busy.add(uid)
        try:
            yield uid
        finally:
            with self._lock:
                self._busy.discard(uid)

    def command(self, argv: list[str], uid: int | None, info_fd: int | None = None) -> list[str]:
        """``argv`` run in the sandbox (as ``uid`` if root); bubblewrap writes its first
        process's PID as JSON to ``info_fd``."""
        out = [self.bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
        if uid is None:
            out += ["--unshare-user", "--disable-userns"]
        for name, value in self.environment.items():
            out += ["--setenv", name, value]
        for folder in SYSTEM_DIRS:
            if os.path.islink(folder):
                out += ["--symlink", os.readlink(folder), folder]
            elif os.path.isdir(folder):
                out += ["--ro-bind", folder, folder]
        # The private /tmp is mounted before the views: a course or venv that lives under
        # /tmp (a CI clone, say) stays visible on top of it instead of being hidden.
        out += ["--size", str(SCRATCH_BYTES), "--perms", "1777", "--tmpfs", SCRATCH]
        # bubblewrap would make the folders leading to a view readable by root alone.
        for folder in sorted({str(parent) for view in self.views
                              for parent in Path(view).parents
                              if parent not in (Path("/"), Path(SCRATCH))}):
            out += ["--perms", "0755", "--dir", folder]
        for view in self.views:
            out += ["--ro-bind", view, view]
        out += ["--proc", "/proc", "--dev", "/dev", "--chdir", SCRATCH]
        if info_fd is not None:
            out += ["--info-fd", str(info_fd)]
        if uid is not None:
            # bubblewrap keeps only these capabilities, and setpriv gives them up for good.
            out += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    self.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        else:
            out.append("--")
        return out + list(argv)
