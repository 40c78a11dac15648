"""Running one submission in its own process, with time limits, and collecting plain answers.

The grading process starts ``python -m course_lib.grading.runner`` for the submission,
inside the sandbox of :mod:`.jail` (in a control group of its own where the machine allows
it, see :mod:`.cgroups`), sends it the cells and the inputs it chose, and reads
back one JSON line per step. It enforces the limits itself, by the clock: a cell or a
call that runs past the limit per cell, or a submission past its total limit, has its
sandbox killed, with every process in it. A cell that hangs or ends the process
(``os._exit``) is then skipped in a fresh sandbox, so one bad cell costs only what
depends on it. Whatever arrives is checked against the step the grader expects next; a
process that sends anything else is stopped and gets no credit for what it had not yet
answered; one answer too large to send fails only its own case. Whether a call changed its
inputs is decided here too, from the arguments as the call left them, against the grader's
own copy of what it sent (what the function the grader called did to them: a function that
runs the learner's real code on copies passes, whatever that code does). Timeouts, crashes
and interference are recorded here as this process saw them, never read from the
submission's words.

Without a jail (``--unsafe``) the submission runs with the grader's user, environment
and files, in a scratch folder, and only its process group is killed.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from course_lib import validation
from course_lib.exercises.calling import (
    CRASHED,
    ERROR,
    NOT_RUN,
    TIMEOUT,
    Outcome,
    changed_in_place,
)
from course_lib.exercises.grader_flag import GRADER_ENV
from course_lib.exercises.wire import decode

from .jail import MAX_ERRORS, Jail
from .scratch import scratch_folder

STARTUP_SECONDS = 30.0
GRACE_SECONDS = 1.0
MAX_LINE = 4 * 2**20
MAX_BYTES = 32 * 2**20
# A submission's own processes and threads; the exercises need one.
PROCESSES = 16
# How long the kernel may take to kill what is left in a sandbox.
TEARDOWN_SECONDS = 10.0
DONE = ("done",)


@dataclass(frozen=True)
class Limits:
    """Time limits per cell (and per call of a learner's function) and per submission."""

    cell_seconds: float = 10.0
    total_seconds: float = 60.0
    memory_bytes: int = 2 * 2**30
    attempts: int = 4

    def __post_init__(self):
        validation.number(self.cell_seconds, "cell_seconds", low=0, low_inclusive=False)
        validation.number(self.total_seconds, "total_seconds", low=0, low_inclusive=False)
        validation.integer(self.memory_bytes, "memory_bytes", low=1)
        validation.integer(self.attempts, "attempts", low=1)


@dataclass(frozen=True)
class CallRequest:
    """Call the learner's function ``name`` for ``task_id`` on each of these encoded inputs."""

    task_id: str
    name: str
    cases: list


@dataclass
class Execution:
    """What running a submission produced: outcomes per task, and what went wrong in cells."""

    outcomes: dict[str, list[Outcome]]
    cell_problems: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    troubles: list[tuple[str, str]] = field(default_factory=list)
    """(kind, what happened): "timeout", "crash" or "interference", each as this process saw
    it (by its own clock, a process that ended, a message it refused), never read from
    anything the submission wrote."""
    seconds: float = 0.0
    attempts: int = 0


class _Stop(Exception):
    """The current attempt ended before "done"; ``kind`` says how."""

    def __init__(self, kind: str, why: str = ""):
        super().__init__(kind)
        self.kind, self.why, self.step = kind, why, None


class _Lines:
    """Reads newline-terminated messages from a pipe, with a deadline and size caps."""

    def __init__(self, fd: int):
        self.fd, self.buffer, self.total = fd, bytearray(), 0

    def next(self, deadline: float) -> bytes:
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_LINE:
                raise _Stop("violation", "sent a message larger than any answer")
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Stop("timeout")
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                raise _Stop("timeout")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise _Stop("crashed")
            self.total += len(chunk)
            if self.total > MAX_BYTES:
                raise _Stop("violation", "sent far more data than its answers")
            self.buffer += chunk
        line, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        return line


def execute(cells: list[tuple[int, str]], calls: list[CallRequest],
            limits: Limits | None, jail: Jail | None) -> Execution:
    """Run the code ``cells`` (index, source), then the ``calls``, in ``jail`` (None: without
    a sandbox); never raises for anything the submission does."""
    limits = limits or Limits()
    start = time.monotonic()
    deadline = start + limits.total_seconds
    result = Execution({call.task_id: [None] * len(call.cases) for call in calls})
    skipped: set[int] = set()
    for attempt in range(1, limits.attempts + 1):
        result.attempts = attempt
        pending = [call for call in calls if result.outcomes[call.task_id][0] is None]
        todo = [(index, source) for index, source in cells if index not in skipped]
        try:
            _attempt(todo, pending, limits, deadline, result, jail)
            break
        except _Stop as stop:
            if not _recover(stop, pending, limits, deadline, result, skipped):
                break
    for outcomes in result.outcomes.values():
        for number, outcome in enumerate(outcomes):
            if outcome is None:
                outcomes[number] = Outcome(NOT_RUN, detail=(
                    "not run: the notebook kept ending or hanging the grading process"))
    result.seconds = time.monotonic() - start
    return result


def _recover(stop, pending, limits, deadline, result, skipped) -> bool:
    """Record how an attempt ended; True if another attempt should follow."""
    step = stop.step
    if step == DONE:
        return False
    if stop.kind == "timeout" and time.monotonic() >= deadline:
        total = f"used up its total time limit ({limits.total_seconds:g} s)"
        _fill(result, pending, f"not run: the notebook {total}")
        result.troubles.append(("timeout", f"the notebook {total}"))
        if step and step[0] == "cell":
            result.cell_problems.setdefault(step[1], "was still running when the total time "
                                                     "limit ran out")
        return False
    if stop.kind == "violation":
        result.notes.append(f"The notebook interfered with the grader: it {stop.why}.")
        result.troubles.append(("interference", f"it {stop.why}"))
        _fill(result, pending, "not graded: the notebook interfered with the grader")
        return False
    if step is None:
        result.notes.append(f"The grader could not start Python for this notebook. {stop.why}")
        _fill(result, pending, "not run: the grading process could not start")
        return False
    what = (f"did not finish within {limits.cell_seconds:g} s (the time limit)"
            if stop.kind == "timeout" else "ended the grading process (os._exit, a crash, "
                                           "or the memory limit)")
    kind = "timeout" if stop.kind == "timeout" else "crash"
    if step[0] == "cell":
        result.cell_problems[step[1]] = what
        result.troubles.append((kind, f"cell {step[1] + 1} {what}"))
        skipped.add(step[1])
        return True
    _, task_id, number = step
    result.troubles.append((kind, f"{task_id} {what}"))
    outcomes = result.outcomes[task_id]
    outcomes[number] = Outcome(TIMEOUT if stop.kind == "timeout" else CRASHED, detail=what)
    for later in range(number + 1, len(outcomes)):
        outcomes[later] = Outcome(NOT_RUN, detail="not run: an earlier case stopped the process")
    return True


def _fill(result, pending, detail):
    for call in pending:
        outcomes = result.outcomes[call.task_id]
        for number, outcome in enumerate(outcomes):
            if outcome is None:
                outcomes[number] = Outcome(NOT_RUN, detail=detail)


def _unsafe_environment() -> dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env[GRADER_ENV] = "1"
    env["MPLBACKEND"] = "Agg"
    # Two submissions share two cores; BLAS threads would only fight over them.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def _attempt(todo, pending, limits, deadline, result, jail) -> None:
    job = {
        "cells": [{"index": index, "source": source} for index, source in todo],
        "calls": [{"task": c.task_id, "name": c.name, "cases": c.cases} for c in pending],
        "limits": {"cell_seconds": limits.cell_seconds, "memory_bytes": limits.memory_bytes,
                   "cpu_seconds": int(limits.total_seconds) + 5, "processes": PROCESSES},
    }
    steps = [("cell", index) for index, _ in todo]
    steps += [("case", c.task_id, number) for c in pending for number in range(len(c.cases))]
    sent = {(c.task_id, number): case for c in pending for number, case in enumerate(c.cases)}
    read_end, write_end = os.pipe()
    start = _start_jailed if jail is not None else _start_unsafe
    try:
        with start(jail, write_end, limits) as process:
            os.close(write_end)
            write_end = None
            _talk(process, job, steps, _Lines(read_end), limits, deadline, result, sent)
    finally:
        os.close(read_end)
        if write_end is not None:
            os.close(write_end)


RUNNER = [sys.executable, "-m", "course_lib.grading.runner"]


@contextmanager
def _start_jailed(jail: Jail, write_end: int, limits: Limits) -> Iterator[subprocess.Popen]:
    group = None
    if jail.cgroups is not None:
        try:
            # The runner's own processes, and bubblewrap's two.
            group = jail.cgroups.make(limits.memory_bytes, PROCESSES + 2)
        except OSError as error:
            raise _Stop("crashed", f"no control group for the submission: {error}") from None
    info_read, info_write = os.pipe()
    try:
        try:
            process = jail.start([*RUNNER, str(write_end)], info_fd=info_write,
                                 pass_fds=(write_end,), stdin=subprocess.PIPE, cgroup=group)
        except OSError as error:
            os.close(info_read)
            raise _Stop("crashed", f"bubblewrap did not start: {error}") from None
        finally:
            os.close(info_write)
        first = _first_process(info_read)
        try:
            yield process
        finally:
            _kill_sandbox(process, first)
    finally:
        if group is not None:
            group.remove()


def _first_process(info_read: int) -> int | None:
    """A pidfd for the sandbox's first process, from what bubblewrap wrote; None if none."""
    data = b""
    try:
        while len(data) < 4096:
            ready, _, _ = select.select([info_read], [], [], STARTUP_SECONDS)
            chunk = os.read(info_read, 4096) if ready else b""
            if not chunk:
                break
            data += chunk
    finally:
        os.close(info_read)
    try:
        pid = json.loads(data)["child-pid"]
        return os.pidfd_open(int(pid))
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _kill_sandbox(process: subprocess.Popen, first: int | None) -> None:
    # The sandbox's first process is the init of its PID namespace: once it is gone, the
    # kernel has killed every process that was in it.
    process.kill()
    if first is not None:
        try:
            signal.pidfd_send_signal(first, signal.SIGKILL)
            select.select([first], [], [], TEARDOWN_SECONDS)
        except OSError:
            pass
        finally:
            os.close(first)
    process.wait()
    process.stderr.close()


@contextmanager
def _start_unsafe(jail: None, write_end: int, limits: Limits) -> Iterator[subprocess.Popen]:
    with scratch_folder() as scratch:
        try:
            process = subprocess.Popen(
                [*RUNNER, str(write_end)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, pass_fds=(write_end,), cwd=scratch,
                env=_unsafe_environment(),
                start_new_session=True)
        except OSError as error:
            raise _Stop("crashed", f"Python did not start: {error}") from None
        try:
            yield process
        finally:
            _kill_group(process)


def _talk(process, job, steps, lines, limits, deadline, result, sent) -> None:
    step = None
    try:
        try:
            process.stdin.write(json.dumps(job).encode("utf-8"))
            process.stdin.close()
        except BrokenPipeError:
            raise _Stop("crashed") from None
        _expect(lines.next(min(deadline, time.monotonic() + STARTUP_SECONDS)), {"event": "ready"})
        for step in steps:
            began = time.monotonic()
            message = lines.next(min(deadline, began + limits.cell_seconds + GRACE_SECONDS))
            _take(message, step, result, sent)
            if time.monotonic() - began >= limits.cell_seconds / 2:
                # The runner's own alarm stopped it, or it would have soon: a timeout by the
                # grader's clock (messages queued in the pipe make that clock read short, never
                # by half the limit; an error raised at once is never taken for one).
                what = f"did not finish within {limits.cell_seconds:g} s (the time limit)"
                result.troubles.append(("timeout", f"cell {step[1] + 1} {what}"
                                        if step[0] == "cell" else f"{step[1]} {what}"))
        step = DONE
        _expect(lines.next(min(deadline, time.monotonic() + GRACE_SECONDS)), {"event": "done"})
    except _Stop as stop:
        stop.step = step
        if step is None and stop.kind == "crashed":
            stop.why = _last_words(process.stderr)
        raise


def _last_words(pipe) -> str:
    """The end of what a process that failed to start wrote to stderr, read for a moment and
    at most :data:`MAX_ERRORS` of it: nothing it sends can make the grader wait or hoard."""
    data, deadline = b"", time.monotonic() + GRACE_SECONDS
    while len(data) < MAX_ERRORS:
        ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(pipe.fileno(), 65536) if ready else b""
        if not chunk:
            break
        data += chunk
    return data[-500:].decode("utf-8", "replace").strip()


def _expect(line: bytes, wanted: dict) -> None:
    if _parse(line) != wanted:
        raise _Stop("violation", "sent a message the grader did not expect")


def _parse(line: bytes):
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        raise _Stop("violation", "sent something that is not a JSON message") from None


def _take(line: bytes, step, result, sent) -> None:
    message = _parse(line)
    if not isinstance(message, dict):
        raise _Stop("violation", "sent a message the grader did not expect")
    course_code = message.get("course_code")
    if not (isinstance(course_code, list) and len(course_code) <= 20
            and all(isinstance(name, str) for name in course_code)):
        raise _Stop("violation", "sent a message the grader did not expect")
    used = (f"{', '.join(name[:100] for name in course_code)}, the course's own code, which a "
            "graded answer may not use") if course_code else None
    if step[0] == "cell":
        error = message.get("error")
        if (set(message) != {"event", "index", "error", "course_code"}
                or message["event"] != "cell" or message["index"] != step[1]
                or not (error is None or isinstance(error, str))):
            raise _Stop("violation", "sent a message the grader did not expect")
        if used:
            result.cell_problems[step[1]] = f"imports {used}"
        elif error is not None:
            result.cell_problems[step[1]] = error[:300]
        return
    _, task_id, number = step
    if (set(message) != {"event", "task", "case", "outcome", "after", "course_code"}
            or message["event"] != "case" or message["task"] != task_id
            or message["case"] != number):
        raise _Stop("violation", "sent a message the grader did not expect")
    if used:
        # Whatever it answered after the import failed is not the learner's own work alone.
        message["outcome"] = Outcome(ERROR, detail=f"calls {used}").to_plain()
    try:
        outcome = Outcome.from_plain(message["outcome"])
    except ValueError as error:
        raise _Stop("violation", f"sent a malformed answer ({error})") from None
    before, after = sent[task_id, number], message["after"]
    if not isinstance(after, dict) or set(after) != set(before):
        raise _Stop("violation", "sent back arguments that are not the ones it was given")
    # What the submission says about its inputs is ignored: the grader compares its own copy.
    changed = changed_in_place({name: decode(value) for name, value in before.items()},
                               {name: decode(value) for name, value in after.items()})
    result.outcomes[task_id][number] = replace(outcome, mutated=changed)


def _kill_group(process: subprocess.Popen) -> None:
    # The whole group: a submission may have started processes of its own (but a process
    # that left the group, or the session, outlives it: only the sandbox prevents that).
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    process.stderr.close()
