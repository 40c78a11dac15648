"""The process that runs one submission for the grader: ``python -m course_lib.grading.runner FD``.

It reads a job from stdin — the notebook's code cells and, for each task, the name of
the learner's function and the inputs the grader chose — runs the cells in a fresh
``__main__`` namespace (IPython's syntax turned into Python by IPython's own input
transformer, with shell lines and magics doing nothing), calls the functions,
and writes one JSON line per finished step to the file descriptor FD:

    {"event": "ready"}
    {"event": "cell", "index": 4, "error": null, "course_code": []}     one per code cell run
    {"event": "case", "task": "ex02.q1", "case": 0, "outcome": {...}, "after": {...},
     "course_code": []}
    {"event": "done"}

``after`` is the arguments as the call left them, for the grader to see what it changed.
``course_code`` names the modules of the course the step tried to import: the sandbox holds
none of them (only this runner and what it calls), so the import failed, and the grader
says so. An answer too large to send (:data:`MAX_ANSWER_BYTES`) is sent as an error of that
case alone.

Nothing here judges anything, and nothing it sends is trusted: the grader checks every
line against the steps it expects and compares answers in its own process. The grader
also enforces the time limits from outside; the alarm here only turns an ordinary
endless loop into a tidy "did not finish" instead of a killed process.
"""

from __future__ import annotations

import importlib.abc
import io
import json
import os
import resource
import signal
import sys
import types

from IPython.core.inputtransformer2 import TransformerManager

from course_lib.exercises.calling import ERROR, MISSING, Outcome, call_learner, one_line
from course_lib.exercises.wire import decode, encode_answer

# %%time, %%timeit and %%capture wrap ordinary Python, which runs; other magics (%%bash,
# %matplotlib …) and shell lines (!ls) do nothing.
PYTHON_MAGICS = ("time", "timeit", "capture")
_TRANSFORMER = TransformerManager()
# Well below the grader's limit on one message (sandbox.MAX_LINE), and far above any answer.
MAX_ANSWER_BYTES = 256 * 2**10


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException so that ``except Exception`` in a cell lets it by."""


def python_source(source: str) -> str:
    """A notebook cell as plain Python, as IPython would run it: ``%magic``, ``!shell`` and
    ``name?`` become calls on ``get_ipython()`` (see :class:`StandInShell`)."""
    return _TRANSFORMER.transform_cell(source)


class StandInShell:
    """What ``get_ipython()`` returns in a submission's process: magics that wrap Python run
    it in the notebook's namespace; every other magic and shell command does nothing and
    gives None."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> None:
        if name in PYTHON_MAGICS:
            exec(python_source(line), self.namespace)

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        if name in PYTHON_MAGICS:
            exec(python_source(cell), self.namespace)

    def __getattr__(self, name: str):
        # system, getoutput, show_usage …: whatever else IPython's translation calls.
        return _nothing


def _nothing(*args, **kwargs) -> None:
    return None


class _Discard(io.TextIOBase):
    """Where the submission's prints go: nowhere, however many megabytes."""

    def writable(self):
        return True

    def write(self, text):
        return len(text)


def _limit_resources(limits: dict) -> None:
    # Soft and hard alike, before any of the submission's code: it cannot raise them again.
    memory, cpu, files = int(limits["memory_bytes"]), int(limits["cpu_seconds"]), 64 * 2**20
    processes = int(limits["processes"])
    for kind, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu),
                        (resource.RLIMIT_FSIZE, files), (resource.RLIMIT_CORE, 0),
                        (resource.RLIMIT_NPROC, processes)):
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            # Some systems (macOS for RLIMIT_AS) refuse a limit; the grader's clock still holds.
            pass


def _make_sender(fd: int):
    # Bound now, so that a cell that replaces json.dumps or os.write cannot change them.
    dumps, write = json.dumps, os.write

    def send(message: dict) -> None:
        data = memoryview((dumps(message) + "\n").encode("utf-8"))
        while data:
            data = data[write(fd, data):]

    return send


class CourseCodeRefused(importlib.abc.MetaPathFinder):
    """Refuses to import any module of the course not already loaded, remembering its name.

    The sandbox holds none of them anyway; this turns Python's "No module named …" into a
    message that says why, and lets the runner tell the grader what was asked for."""

    def __init__(self):
        self.asked: list[str] = []

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "course_lib" and name not in sys.modules:
            if name not in self.asked:
                self.asked.append(name)
            raise ModuleNotFoundError(f"{name} is the course's own code, which a graded answer "
                                      "may not use", name=name)
        return None

    def take(self) -> list[str]:
        """The modules asked for since the last call."""
        asked, self.asked = self.asked, []
        return asked


def _on_alarm(signum, frame):
    raise _TimeUp


def _fresh_namespace() -> dict:
    module = types.ModuleType("__main__")
    # Notebooks may call display(); outside IPython it must exist and do nothing.
    module.display = lambda *objects, **options: None
    shell = StandInShell(module.__dict__)
    module.get_ipython = lambda: shell
    sys.modules["__main__"] = module
    return module.__dict__


def run_cell(source: str, namespace: dict, seconds: float) -> str | None:
    """Run one cell; None if it finished, else one line saying what went wrong."""
    # The translation is under the time limit too: IPython's transformer re-reads the cell
    # once per magic, which a huge cell full of magics makes slow.
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            code = compile(python_source(source), "<cell>", "exec")
        except SyntaxError as error:
            return f"has a syntax error: {error.msg} (line {error.lineno})"
        exec(code, namespace)
    except _TimeUp:
        return f"did not finish within {seconds:g} s (the time limit per cell)"
    except (Exception, SystemExit) as error:
        return one_line(error)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None


def run_case(namespace: dict, name: str, kwargs: dict, seconds: float) -> Outcome | None:
    """Call the learner's function ``name`` on one case the grader chose (decoded into
    ``kwargs``, which the call may change); None if the call did not finish in time."""
    if name not in namespace:
        return Outcome(MISSING, detail=f"{name} is not defined: did the cell that defines it "
                                       "run without errors?")
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return call_learner(namespace[name], kwargs)
    except _TimeUp:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _case_message(task: str, number: int, outcome: Outcome, kwargs: dict,
                  course_code: list[str]) -> dict:
    after = {key: encode_answer(value) for key, value in kwargs.items()}
    message = {"event": "case", "task": task, "case": number, "outcome": outcome.to_plain(),
               "after": after, "course_code": course_code}
    size = len(json.dumps(message))
    if size > MAX_ANSWER_BYTES:
        message["outcome"] = Outcome(ERROR, detail=(
            f"returned an answer too large to grade ({size / 2**20:.1f} MB of data; "
            f"at most {MAX_ANSWER_BYTES // 2**10} KB)")).to_plain()
    if len(json.dumps(message)) > MAX_ANSWER_BYTES:
        # The arguments themselves grew: the grader sees them as changed in place.
        message["after"] = dict.fromkeys(kwargs, "too large to send")
    return message


def main(argv: list[str]) -> None:
    send = _make_sender(int(argv[1]))
    job = json.loads(sys.stdin.buffer.read())
    _limit_resources(job["limits"])
    seconds = float(job["limits"]["cell_seconds"])
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), _Discard(), _Discard()
    signal.signal(signal.SIGALRM, _on_alarm)
    refused = CourseCodeRefused()
    sys.meta_path.insert(0, refused)
    send({"event": "ready"})
    namespace = _fresh_namespace()
    for cell in job["cells"]:
        error = run_cell(cell["source"], namespace, seconds)
        send({"event": "cell", "index": cell["index"], "error": error,
              "course_code": refused.take()})
    for call in job["calls"]:
        # One endless loop is enough: the task's other cases would only each wait it out.
        late = None
        for number, kwargs_data in enumerate(call["cases"]):
            kwargs = {str(key): decode(value) for key, value in kwargs_data.items()}
            outcome = late or run_case(namespace, call["name"], kwargs, seconds)
            if outcome is None:
                outcome = Outcome(ERROR, detail=f"did not finish within {seconds:g} s "
                                                "(the time limit)")
                late = Outcome(ERROR, detail="not run: an earlier case did not finish in time")
            send(_case_message(call["task"], number, outcome, kwargs, refused.take()))
    send({"event": "done"})
    # Threads or atexit handlers a submission left behind must not keep the process alive.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
