"""The sandbox a submission's process runs in: bubblewrap (``bwrap``), with nothing to reach.

Inside, a submission sees the Python installation read-only, of the course only the runner
and the few modules it calls (:data:`COURSE_FILES`, with :mod:`.stand_ins` as the two
packages' ``__init__``: no task, no reference answer, no optimizer), an empty ``/tmp`` of
its own (a small tmpfs that vanishes with it, also its working folder), a minimal ``/dev``
and its own ``/proc``, and nothing else: not the other submissions, not the output folder,
not the home directory, not the network (its network namespace has only its own
loopback). Its environment is empty but for the few variables set here, and bubblewrap
itself starts with no more than ``PATH``: nothing of the grader's environment is anywhere
in the sandbox. A seccomp filter (:mod:`.seccomp`) refuses user namespaces, mounts,
keyrings, ptrace and the like, and where the machine allows it a control group per
submission (:mod:`.cgroups`) caps the memory, processes and CPU of all its processes.

Everything runs in a PID namespace. When the grader kills its first process, the kernel
kills every process left in the namespace, whatever session or process group a submission
moved it to; the grader waits until it has.

The submission runs as an unprivileged user. Started by an ordinary user, bubblewrap
maps it into a user namespace of its own, and the runner itself is the namespace's first
process (``--as-pid-1``): no bubblewrap process shares the submission's user, so none is
there to read or trace. Started by root, bubblewrap sets the namespaces up, its own first
process stays root, and ``setpriv`` drops to a user id never given to another submission:
a fresh id per start, from a block of ids that this grader's process id makes its own
(the kernel exempts root, even root inside a user namespace, from the process limit,
and per-user kernel state would otherwise carry over from one submission to the next).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course_lib.exercises.grader_flag import GRADER_ENV

from .cgroups import Cgroup, Cgroups
from .seccomp import SeccompUnavailable, compile_filter, filter_pipe

SCRATCH = "/tmp"
SCRATCH_BYTES = 64 * 2**20
PROBE_SECONDS = 60.0
MAX_ERRORS = 64 * 2**10
PACKAGE = Path(__file__).resolve().parents[1]
COURSE = "/course"
"""Where the course's few files are, inside the sandbox."""
COURSE_FILES = ("__init__.py", "validation.py", "exercises/calling.py", "exercises/wire.py",
                "exercises/quadratic.py", "exercises/grader_flag.py", "grading/runner.py")
"""What the runner imports of ``course_lib``, relative to the package: all of the course a
submission can see."""
STAND_IN_FOR = ("exercises/__init__.py", "grading/__init__.py")
"""The packages whose ``__init__`` is :mod:`.stand_ins` inside the sandbox."""
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
BWRAP_ENVIRONMENT = {"PATH": "/usr/bin:/bin"}
"""All bubblewrap itself is started with: its own processes hold none of the grader's
variables for a submission to read."""
# Debian leaves user ids above 65535 unallocated; these are far above any a system hands out,
# and below 2**32 - 2, which some tools read as "no user".
FIRST_UID = 2_000_000_000
END_UID = 4_294_967_294
_starts = itertools.count()
# The shell enters the submission's control groups, then becomes bubblewrap: every process of
# the sandbox is born inside them.
ENTER_GROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot make a sandbox here; the message says why."""


def submission_environment() -> dict[str, str]:
    """The only environment variables a submission gets: none of the grader's own."""
    env = {"PATH": "/usr/bin:/bin", "HOME": SCRATCH, "LANG": "C.UTF-8",
           "PYTHONPATH": COURSE, "PYTHONNOUSERSITE": "1",
           "PYTHONDONTWRITEBYTECODE": "1", GRADER_ENV: "1", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": f"{SCRATCH}/matplotlib"}
    # Two submissions share two cores; BLAS threads would only fight over them.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def code_views() -> tuple[str, ...]:
    """The folders a submission may read: Python (its venv and base), without the course."""
    wanted = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    folders = sorted({os.path.realpath(path) for path in wanted} | wanted, key=len)
    views: list[str] = []
    for folder in folders:
        if os.path.isdir(folder) and not any(
                folder == view or folder.startswith(view.rstrip("/") + "/")
                for view in (*views, "/usr")):
            views.append(folder)
    return tuple(views)


def course_binds(package: Path = PACKAGE) -> list[str]:
    """bubblewrap's arguments that show the runner's files of ``package`` under ``/course``."""
    inside = Path(COURSE) / "course_lib"
    folders = {str((inside / name).parent) for name in (*COURSE_FILES, *STAND_IN_FOR)}
    out = []
    for folder in sorted({COURSE, *folders}, key=len):
        out += ["--perms", "0755", "--dir", folder]
    for name in COURSE_FILES:
        out += ["--ro-bind", str(package / name), str(inside / name)]
    for name in STAND_IN_FOR:
        out += ["--ro-bind", str(package / "grading" / "stand_ins.py"), str(inside / name)]
    return out


def _uid_block() -> range:
    """The user ids this grader may give out: a block of its own, chosen by its process id,
    so that two graders running at once never share one."""
    try:
        pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    except (OSError, ValueError):
        pid_max = 2**22  # the most any Linux allows
    size = (END_UID - FIRST_UID) // pid_max
    first = FIRST_UID + os.getpid() % pid_max * size
    return range(first, first + size)


@dataclass
class Jail:
    """How to start a command inside the sandbox; ``setpriv`` is set when the grader is root,
    ``cgroups`` when the machine lets it make a control group per submission."""

    bwrap: str
    setpriv: str | None
    views: tuple[str, ...]
    environment: dict[str, str]
    seccomp: bytes
    cgroups: Cgroups | None = None

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
        try:
            seccomp = compile_filter()
        except SeccompUnavailable as error:
            raise SandboxUnavailable(str(error)) from None
        jail = cls(bwrap, setpriv, code_views(), submission_environment(), seccomp,
                   Cgroups.find())
        jail.probe()
        return jail

    def probe(self) -> None:
        """Start Python in the sandbox and import the runner; SandboxUnavailable if it fails."""
        try:
            done = self.run([sys.executable, "-c", "import course_lib.grading.runner"],
                            PROBE_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SandboxUnavailable(f"bubblewrap did not start: {error}") from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SandboxUnavailable(
                "bubblewrap could not run Python in a sandbox here"
                + (f" ({said[-1][:300]})" if said else f" (exit status {done.returncode})")
                + ": it needs user namespaces (kernel.unprivileged_userns_clone=1) or root, "
                  "and the course and its Python readable")

    def run(self, argv: list[str], timeout: float) -> subprocess.CompletedProcess:
        """Run ``argv`` in a sandbox of its own to the end (no control group), capturing its
        output."""
        process = self.start(argv, stdout=subprocess.PIPE)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            process.kill()
            process.wait()
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def start(self, argv: list[str], *, info_fd: int | None = None, pass_fds=(),
              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
              cgroup: Cgroup | None = None) -> subprocess.Popen:
        """Start ``argv`` in a new sandbox, in ``cgroup`` if given, with bubblewrap's stderr a
        pipe (``process.stderr``: read at most :data:`MAX_ERRORS` of it); bubblewrap writes its
        first process's PID as JSON to ``info_fd``."""
        program = filter_pipe(self.seccomp)
        command = self.command(argv, next(_starts), info_fd, program)
        if cgroup is not None:
            command = ["/bin/sh", "-c", ENTER_GROUPS, "sh", *cgroup.procs_files, "--", *command]
        fds = (*pass_fds, program, *(() if info_fd is None else (info_fd,)))
        try:
            return subprocess.Popen(command, env=BWRAP_ENVIRONMENT, stdin=stdin, stdout=stdout,
                                    stderr=subprocess.PIPE, pass_fds=fds)
        finally:
            os.close(program)

    def uid(self, start: int) -> int | None:
        """The user id of the ``start``-th sandbox this process starts (None when not root: the
        namespace's own). A block of ids is this grader's alone; it wraps only after as many
        starts as it holds (tens of thousands with Linux's default PID range)."""
        if self.setpriv is None:
            return None
        block = _uid_block()
        return block[start % len(block)]

    def command(self, argv: list[str], start: int, info_fd: int | None = None,
                seccomp_fd: int | None = None) -> list[str]:
        """``argv`` run in the sandbox (as a fresh user id, numbered ``start``, if root)."""
        uid = self.uid(start)
        out = [self.bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
        if uid is None:
            out += ["--unshare-user", "--disable-userns", "--as-pid-1"]
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
            if PACKAGE.is_relative_to(view):
                # An installed course inside the venv: hidden like any other.
                out += ["--tmpfs", str(PACKAGE)]
        out += course_binds()
        out += ["--proc", "/proc", "--dev", "/dev", "--chdir", SCRATCH]
        if info_fd is not None:
            out += ["--info-fd", str(info_fd)]
        if seccomp_fd is not None:
            out += ["--seccomp", str(seccomp_fd)]
        if uid is not None:
            # bubblewrap keeps only these capabilities, and setpriv gives them up for good.
            out += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    self.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        else:
            out.append("--")
        return out + list(argv)
