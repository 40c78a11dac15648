"""What a submission can reach in the sandbox, in both of bubblewrap's modes: as root (a fresh
user id per submission, dropped to by ``setpriv``) and in a user namespace of its own (what an
instructor's ordinary account gets; started here by root with the very same arguments): nothing
of the grader's environment or of bubblewrap's processes, none of the system calls the seccomp
filter refuses, no kernel state of an earlier submission, and none of the course's own code.
"""

import csv
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from test_grading_grader import CORRECT, ex02_cells, write_notebook

from course_lib.exercises import EXERCISES
from course_lib.grading.gradebook import write_grades
from course_lib.grading.grader import Grader
from course_lib.grading.jail import Jail
from course_lib.grading.learners import discover
from course_lib.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[2]
MODES = ("root", "user_namespace")
FULL = {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}
LIMITS = Limits(cell_seconds=5.0, total_seconds=60.0)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="both modes: needs root")


def in_mode(jail: Jail, mode: str) -> Jail:
    if mode == "user_namespace":
        jail.setpriv, jail.cgroups = None, None
    return jail


class Class:
    """A folder of submissions, graded into ``out``."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="sandbox-test-", dir="/tmp"))
        self.folder, self.out = self.base / "in", self.base / "out"

    def add(self, name: str, cells, metadata=None) -> Path:
        return write_notebook(self.folder / f"{name}.ipynb", cells, metadata)

    def add_notebook(self, name: str, file_name: str, notebook: dict) -> None:
        path = self.folder / name / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(notebook))

    def grade(self, mode: str, jobs: int = 2) -> dict[str, dict]:
        grader = Grader(seed=5, limits=LIMITS, jobs=jobs)
        in_mode(grader.jail, mode)
        write_grades(grader.grade(discover([self.folder])), self.out, grader.seed)
        with (self.out / "grades.csv").open(newline="", encoding="utf-8") as handle:
            return {row["learner"]: row for row in csv.DictReader(handle)}

    def feedback(self, row: dict) -> str:
        return (self.out / row["feedback"]).read_text().replace("\\", "")

    def remove(self):
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def a_class():
    made = Class()
    yield made
    made.remove()


def task_points(row: dict, exercise: str) -> dict[str, float]:
    return {task.id: float(row[task.id]) for task in EXERCISES[exercise].tasks}


# bubblewrap's own processes and the grader's environment.
LOOKING = """\
import ctypes, os
seen = []
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        seen.append(open(f'/proc/{pid}/environ', 'rb').read().decode('utf-8', 'replace'))
    except OSError:
        pass
    try:
        if b'bwrap' in open(f'/proc/{pid}/cmdline', 'rb').read():
            seen.append('bubblewrap readable: ' + repr(os.listdir(f'/proc/{pid}/fd')))
            seen.append(open(f'/proc/{pid}/environ', 'rb').read().decode('utf-8', 'replace'))
    except OSError:
        pass
libc = ctypes.CDLL(None, use_errno=True)
for pid in [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]:
    if libc.ptrace(16, int(pid), None, None) == 0:  # PTRACE_ATTACH
        seen.append(f'traced {pid}')
leaks = [text for text in seen if 'SANDBOX_TEST_SECRET' in text or 'bubblewrap' in text
         or 'traced' in text]
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_no_secret_of_the_graders_environment_reaches_a_submission_or_its_feedback(
        a_class, mode, monkeypatch):
    secret = f"hunter2-{secrets.token_hex(8)}"
    monkeypatch.setenv("SANDBOX_TEST_SECRET", secret)
    a_class.add("looker", ex02_cells(
        before=[LOOKING, "if leaks:\n    raise RuntimeError(' '.join(leaks)[:200])"],
        lower_beta_answer="def lower_beta_answer():\n    return 'a' if leaks else 'b'"))
    rows = a_class.grade(mode)
    assert task_points(rows["looker"], "ex02") == FULL
    assert secret not in a_class.feedback(rows["looker"])
    assert secret not in (a_class.out / "grades.csv").read_text()


# The seccomp filter, one system call at a time (x86_64 numbers).
PROBE = """\
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NUMBERS = dict(unshare=272, clone=56, clone3=435, mount=165, umount2=166, pivot_root=155,
               keyctl=250, add_key=248, request_key=249, ptrace=101, setns=308, bpf=321,
               perf_event_open=298)
NEWUSER, NEWNS, SIGCHLD = 0x10000000, 0x00020000, 17
L = ctypes.c_long

def call(name, *args):
    ctypes.set_errno(0)
    result = libc.syscall(NUMBERS[name], *args)
    if result == 0 and name in ('clone', 'clone3'):
        os._exit(0)  # the clone itself
    if result > 0 and name in ('clone', 'clone3'):
        os.waitpid(result, 0)
    return 0 if result != -1 else ctypes.get_errno()

def in_new_namespaces():
    call('unshare', NEWUSER | NEWNS)  # refused in the sandbox: then so is what follows
    os.makedirs('/tmp/m', exist_ok=True)

class CloneArgs(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        'flags', 'pidfd', 'child_tid', 'parent_tid', 'exit_signal', 'stack', 'stack_size',
        'tls')]

PROBES = {
    'unshare': lambda: call('unshare', NEWUSER),
    'clone': lambda: call('clone', L(NEWUSER | SIGCHLD), L(0), L(0), L(0), L(0)),
    'clone3': lambda: call('clone3', ctypes.byref(CloneArgs(flags=NEWUSER, exit_signal=SIGCHLD)),
                           L(64)),
    'mount': lambda: (in_new_namespaces(),
                      call('mount', b'none', b'/tmp/m', b'tmpfs', L(0), b'size=1g'))[1],
    'umount2': lambda: (in_new_namespaces(),
                        call('mount', b'none', b'/tmp/m', b'tmpfs', L(0), b'size=1m'),
                        call('umount2', b'/tmp/m', L(0)))[2],
    'pivot_root': lambda: (in_new_namespaces(), call('pivot_root', b'/tmp', b'/tmp'))[1],
    'keyctl': lambda: call('keyctl', L(0), L(-4), L(1)),
    'add_key': lambda: call('add_key', b'user', b'probe', b'x', L(1), L(-2)),
    'request_key': lambda: call('request_key', b'user', b'probe-none', None, L(0)),
    'ptrace': lambda: call('ptrace', L(0), L(0), L(0), L(0)),
    'setns': lambda: call('setns', L(-1), L(0)),
    'bpf': lambda: call('bpf', L(0), None, L(0)),
    'perf_event_open': lambda: call('perf_event_open', None, L(0), L(-1), L(-1), L(0)),
}
found = {}
for name, probe in PROBES.items():
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.write(write_end, str(probe()).encode())
        os._exit(0)
    os.close(write_end)
    found[name] = int(os.read(read_end, 64) or -1)
    os.wait()
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def system_calls():
    found = {}
    for mode in MODES:
        done = in_mode(Jail.find(), mode).run([sys.executable, "-c", PROBE], 120)
        assert done.returncode == 0 and done.stdout, done.stderr
        found[mode] = json.loads(done.stdout)
    return found


@pytest.mark.skipif(platform.machine() != "x86_64", reason="system call numbers of x86_64")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["unshare", "clone", "mount", "umount2", "pivot_root",
                                  "keyctl", "add_key", "request_key", "ptrace", "setns",
                                  "bpf", "perf_event_open"])
def test_the_filter_refuses_each_call_with_eperm(system_calls, mode, name):
    # Without the filter most of these fail otherwise (EBADF, EFAULT, ENOKEY, EINVAL) or
    # succeed: EPERM is the filter's answer.
    assert system_calls[mode][name] == 1  # EPERM


@pytest.mark.skipif(platform.machine() != "x86_64", reason="system call numbers of x86_64")
@pytest.mark.parametrize("mode", MODES)
def test_clone3_is_no_such_call_so_that_the_c_library_falls_back_to_clone(system_calls, mode):
    assert system_calls[mode]["clone3"] == 38  # ENOSYS


# Kernel state: a key a submission leaves for one graded beside it (or after it, as the same
# user).
WRITER = """\
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
source = {source}.encode()
key = libc.syscall(248, b'user', b'{tag}', source, ctypes.c_long(len(source)), ctypes.c_long(-4))
if key > 0:  # readable by anyone, kept while the reader looks for it
    libc.syscall(250, ctypes.c_long(5), ctypes.c_long(key), ctypes.c_long(0x3f3f3f3f))
    time.sleep(4)
"""
READER = """\
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
buffer = ctypes.create_string_buffer(65536)

def keyctl(*args):
    return libc.syscall(250, *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])

found, deadline = False, time.time() + 4
while not found and time.time() < deadline:
    serials = [int(line.split()[0], 16) for line in open('/proc/keys') if '{tag}' in line]
    serials.append(keyctl(10, -4, b'user', b'{tag}', 0))  # KEYCTL_SEARCH its own keyring
    for serial in serials:
        if serial > 0 and keyctl(11, serial, buffer, 65536) > 0:  # KEYCTL_READ
            exec(buffer.value.decode())
            found = True
    time.sleep(0.1)
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_a_submission_cannot_leave_answers_in_a_kernel_keyring_for_the_next(a_class, mode):
    source, tag = "\n".join(CORRECT.values()), f"answers-{secrets.token_hex(4)}"
    a_class.add("a_writer", ex02_cells(before=[WRITER.format(source=repr(source), tag=tag)]))
    stubs = {name: f"def {name}(**kwargs):\n    raise NotImplementedError()" for name in CORRECT}
    a_class.add("b_reader", ex02_cells(after=[READER.format(tag=tag)], **stubs))
    rows = a_class.grade(mode, jobs=2)  # the reader runs beside the writer
    assert rows["a_writer"]["total"] == "6"
    assert rows["b_reader"]["total"] == "0"


# The course's own code is not in the sandbox.
def solution(exercise: str) -> tuple[str, dict]:
    notebook = next((ROOT / "exercises" / "solutions").glob(f"{exercise}_*.ipynb"))
    return notebook.name, json.loads(notebook.read_text())


def with_cell(named: tuple[str, dict], defines: str, source: str) -> tuple[str, dict]:
    """The ``named`` notebook with the cell that defines ``defines`` replaced by ``source``."""
    name, notebook = named
    cells = notebook["cells"]
    (index,) = [i for i, cell in enumerate(cells)
                if "".join(cell["source"]).startswith(f"def {defines}(")]
    cells[index] = {**cells[index], "source": source}
    return name, notebook


CHEATS = {
    # (exercise, task, the function, its replacement, what the note names)
    "ex02_reference": ("ex02", "ex02.q1", "momentum_step",
                       "from course_lib.exercises.tasks.ex02_momentum import momentum_step",
                       "course_lib.exercises.tasks"),
    "ex06_adam": ("ex06", "ex06.q1", "adam_step",
                  "from course_lib.optimizers import Adam\n\n"
                  "def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):\n"
                  "    m = beta_1 * m + (1 - beta_1) * grad\n"
                  "    s = beta_2 * s + (1 - beta_2) * grad * grad\n"
                  "    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)\n"
                  "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s",
                  "course_lib.optimizers"),
    "ex09_schedules": ("ex09", "ex09.q1", "power_schedule",
                       "import course_lib.schedules as schedules\n\n"
                       "def power_schedule(step, initial_learning_rate, s, c):\n"
                       "    return initial_learning_rate / (1 + step / s) ** c",
                       "course_lib.schedules"),
    "ex10_sparsity": ("ex10", "ex10.q4", "sparsity",
                      "def sparsity(w):\n"
                      "    from course_lib.sparsity import sparsity as measured\n"
                      "    return measured(w)",
                      "course_lib.sparsity"),
}


@pytest.fixture(scope="module", params=MODES)
def course_code(request):
    made = Class()
    for exercise in ("ex02", "ex06", "ex09", "ex10"):
        made.add_notebook(f"honest_{exercise}", *solution(exercise))
    for name, (exercise, _, defines, source, _) in CHEATS.items():
        made.add_notebook(name, *with_cell(solution(exercise), defines, source))
    rows = made.grade(request.param)
    yield made, rows
    made.remove()


@pytest.mark.slow
def test_the_solutions_still_score_full_marks_without_the_courses_code(course_code):
    _, rows = course_code
    for exercise in ("ex02", "ex06", "ex09", "ex10"):
        points = task_points(rows[f"honest_{exercise}"], exercise)
        assert points == {task.id: task.points for task in EXERCISES[exercise].tasks}


@pytest.mark.slow
@pytest.mark.parametrize("cheat", CHEATS)
def test_an_answer_that_calls_the_courses_code_scores_0_with_a_note_naming_it(course_code,
                                                                              cheat):
    made, rows = course_code
    exercise, task_id, _, _, module = CHEATS[cheat]
    points = task_points(rows[cheat], exercise)
    assert points == {task.id: 0 if task.id == task_id else task.points
                      for task in EXERCISES[exercise].tasks}
    assert (f"{module}, the course's own code, which a graded answer may not use"
            in made.feedback(rows[cheat]))


def test_every_start_gets_a_user_id_of_its_own_and_two_graders_never_share_one(monkeypatch):
    import course_lib.grading.jail as jail_module

    jail = Jail("/usr/bin/bwrap", "/usr/bin/setpriv", (), {}, b"")
    ids = [jail.uid(start) for start in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(jail_module.FIRST_UID <= uid < jail_module.END_UID for uid in ids)
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    blocks = {}
    for pid in (1, 2, pid_max // 2, pid_max - 1):
        monkeypatch.setattr(jail_module.os, "getpid", lambda pid=pid: pid)
        blocks[pid] = jail_module._uid_block()
    for pid, block in blocks.items():
        for other, other_block in blocks.items():
            if pid != other:
                assert block.stop <= other_block.start or other_block.stop <= block.start
    assert max(block.stop for block in blocks.values()) <= jail_module.END_UID
    jail.setpriv = None
    assert jail.uid(0) is None
