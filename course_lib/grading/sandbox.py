"""Running one submission in its own process, with time limits, and collecting plain answers.

The grading process starts ``python -m course_lib.grading.runner`` for the submission,
sends it the cells and the inputs it chose, and reads back one JSON line per step. It
enforces the limits itself, by the clock: a cell or a call that runs past the limit
per cell, or a submission past its total limit, has its whole process group killed.
A cell that hangs or ends the process (``os._exit``) is then skipped in a fresh
process, so one bad cell costs only what depends on it. Whatever arrives is checked
against the step the grader expects next; a process that sends anything else is
stopped and gets no credit for what it had not yet answered.

This is isolation for grading, not a security sandbox: the submission runs with the
grader's user rights (in a scratch directory, with memory and file-size limits).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .calling import CRASHED, NOT_RUN, TIMEOUT, Outcome
from .display import GRADER_ENV

STARTUP_SECONDS = 30.0
GRACE_SECONDS = 1.0
MAX_LINE = 4 * 2**20
MAX_BYTES = 32 * 2**20
DONE = ("done",)


@dataclass(frozen=True)
class Limits:
    """Time limits per cell (and per call of a learner's function) and per submission."""

    cell_seconds: float = 10.0
    total_seconds: float = 60.0
    memory_bytes: int = 2 * 2**30
    attempts: int = 4

    def __post_init__(self):
        if not self.cell_seconds > 0 or not self.total_seconds > 0:
            raise ValueError("cell_seconds and total_seconds must be > 0")
        if self.attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {self.attempts}")


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
            limits: Limits | None = None) -> Execution:
    """Run the code ``cells`` (index, source), then the ``calls``; never raises for anything
    the submission does."""
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
            _attempt(todo, pending, limits, deadline, result)
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
        _fill(result, pending, f"not run: the notebook used up its total time limit "
                               f"({limits.total_seconds:g} s)")
        if step and step[0] == "cell":
            result.cell_problems.setdefault(step[1], "was still running when the total time "
                                                     "limit ran out")
        return False
    if stop.kind == "violation":
        result.notes.append(f"The notebook interfered with the grader: it {stop.why}.")
        _fill(result, pending, "not graded: the notebook interfered with the grader")
        return False
    if step is None:
        result.notes.append(f"The grader could not start Python for this notebook. {stop.why}")
        _fill(result, pending, "not run: the grading process could not start")
        return False
    what = (f"did not finish within {limits.cell_seconds:g} s (the time limit)"
            if stop.kind == "timeout" else "ended the grading process (os._exit, a crash, "
                                           "or the memory limit)")
    if step[0] == "cell":
        result.cell_problems[step[1]] = what
        skipped.add(step[1])
        return True
    _, task_id, number = step
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


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env[GRADER_ENV] = "1"
    env["MPLBACKEND"] = "Agg"
    # Two submissions share two cores; BLAS threads would only fight over them.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def _attempt(todo, pending, limits, deadline, result) -> None:
    job = {
        "cells": [{"index": index, "source": source} for index, source in todo],
        "calls": [{"task": c.task_id, "name": c.name, "cases": c.cases} for c in pending],
        "limits": {"cell_seconds": limits.cell_seconds, "memory_bytes": limits.memory_bytes,
                   "cpu_seconds": int(limits.total_seconds) + 5},
    }
    steps = [("cell", index) for index, _ in todo]
    steps += [("case", c.task_id, number) for c in pending for number in range(len(c.cases))]
    read_end, write_end = os.pipe()
    with tempfile.TemporaryDirectory(prefix="grading-") as scratch, \
            tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "course_lib.grading.runner", str(write_end)],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
                pass_fds=(write_end,), cwd=scratch, env=_environment(),
                start_new_session=True)
        finally:
            os.close(write_end)
        try:
            _talk(process, job, steps, _Lines(read_end), limits, deadline, result, errors)
        finally:
            os.close(read_end)
            _kill(process)


def _talk(process, job, steps, lines, limits, deadline, result, errors) -> None:
    step = None
    try:
        try:
            process.stdin.write(json.dumps(job).encode("utf-8"))
            process.stdin.close()
        except BrokenPipeError:
            raise _Stop("crashed") from None
        _expect(lines.next(min(deadline, time.monotonic() + STARTUP_SECONDS)), {"event": "ready"})
        for step in steps:
            step_deadline = time.monotonic() + limits.cell_seconds + GRACE_SECONDS
            message = lines.next(min(deadline, step_deadline))
            _take(message, step, result)
        step = DONE
        _expect(lines.next(min(deadline, time.monotonic() + GRACE_SECONDS)), {"event": "done"})
    except _Stop as stop:
        stop.step = step
        if step is None and stop.kind == "crashed":
            errors.seek(0)
            stop.why = errors.read()[-500:].decode("utf-8", "replace").strip()
        raise


def _expect(line: bytes, wanted: dict) -> None:
    if _parse(line) != wanted:
        raise _Stop("violation", "sent a message the grader did not expect")


def _parse(line: bytes):
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        raise _Stop("violation", "sent something that is not a JSON message") from None


def _take(line: bytes, step, result) -> None:
    message = _parse(line)
    if not isinstance(message, dict):
        raise _Stop("violation", "sent a message the grader did not expect")
    if step[0] == "cell":
        error = message.get("error")
        if (set(message) != {"event", "index", "error"} or message["event"] != "cell"
                or message["index"] != step[1] or not (error is None or isinstance(error, str))):
            raise _Stop("violation", "sent a message the grader did not expect")
        if error is not None:
            result.cell_problems[step[1]] = error[:300]
        return
    _, task_id, number = step
    if (set(message) != {"event", "task", "case", "outcome"} or message["event"] != "case"
            or message["task"] != task_id or message["case"] != number):
        raise _Stop("violation", "sent a message the grader did not expect")
    try:
        result.outcomes[task_id][number] = Outcome.from_plain(message["outcome"])
    except ValueError as error:
        raise _Stop("violation", f"sent a malformed answer ({error})") from None


def _kill(process: subprocess.Popen) -> None:
    # The whole group: a submission may have started processes of its own.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
