"""One control group per submission: a cap on the memory, processes and CPU of all its processes.

Per-process limits (rlimits) add up: sixteen processes may each hold the memory limit, and
pages in a memfd or a tmpfs count against no process's address space at all. A control
group counts every page its processes are charged for, shared memory and tmpfs included
(the v1 memory controller charges them to the group that first touches them), every
process, and the CPU time of all of them together:

- ``memory.limit_in_bytes`` (and ``memory.memsw.limit_in_bytes`` where swap is accounted):
  past it the kernel reclaims, then kills a process of the group;
- ``pids.max``: no fork past it;
- ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``: at most one core's worth, so processes
  spinning in the background cannot starve a submission graded beside them.

This needs cgroup v1 controllers mounted under ``/sys/fs/cgroup/<controller>/`` and the
right to make groups there, which root has. Elsewhere :meth:`Cgroups.find` returns None and
only the rlimits of :mod:`.runner` and bubblewrap's PID namespace hold.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path

MOUNT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000
CPU_CORES = 1
REMOVE_SECONDS = 5.0
_names = itertools.count()


class Cgroup:
    """One submission's groups, one per controller; :meth:`remove` once its processes are gone."""

    def __init__(self, folders: dict[str, Path]):
        self.folders = folders

    @property
    def procs_files(self) -> list[str]:
        """The files a process writes its PID to, to enter every group."""
        return [str(folder / "cgroup.procs") for folder in self.folders.values()]

    def peak_memory(self) -> int:
        """The most memory the group held at once, in bytes."""
        return int((self.folders["memory"] / "memory.max_usage_in_bytes").read_text())

    def remove(self) -> None:
        # A killed process leaves its group a moment after it is reaped.
        deadline = time.monotonic() + REMOVE_SECONDS
        for folder in self.folders.values():
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.01)


@dataclass(frozen=True)
class Cgroups:
    """Where this process may make groups: a folder per controller (its own group's)."""

    parents: dict[str, Path]

    @classmethod
    def find(cls) -> Cgroups | None:
        """The groups this machine lets the grader make, tried once; None if it cannot."""
        if os.geteuid() != 0:
            return None
        parents = {}
        for controller, path in _own_groups().items():
            if controller in CONTROLLERS:
                parents[controller] = MOUNT / controller / path.lstrip("/")
        if set(parents) != set(CONTROLLERS):
            return None
        cgroups = cls(parents)
        try:
            cgroups.make(2**30, 2, 1).remove()
        except OSError:
            return None
        return cgroups

    def make(self, memory_bytes: int, processes: int, cpu_cores: int = CPU_CORES) -> Cgroup:
        """New groups with these limits; OSError if the kernel refuses one."""
        name = f"course-grading-{os.getpid()}-{next(_names)}"
        group = Cgroup({})
        try:
            for controller, parent in self.parents.items():
                folder = parent / name
                folder.mkdir()
                group.folders[controller] = folder
            memory = group.folders["memory"]
            (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            if (memory / "memory.memsw.limit_in_bytes").exists():
                (memory / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            (group.folders["pids"] / "pids.max").write_text(str(processes))
            cpu = group.folders["cpu"]
            (cpu / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            (cpu / "cpu.cfs_quota_us").write_text(str(CPU_PERIOD_US * cpu_cores))
        except OSError:
            group.remove()
            raise
        return group


def _own_groups() -> dict[str, str]:
    """This process's group per v1 controller, from /proc/self/cgroup."""
    found = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(","):
            if controller:
                found[controller] = path
    return found
