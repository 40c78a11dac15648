"""How much of the machine and of the run one submission or one learner can take: memory, memfd
pages and CPU for all of a submission's processes together (a control group, as root), the
notebooks and the seconds one learner gets, the size of a notebook, an answer too large to send,
and trouble that only the grader's own clock and eyes can report.

Each attack is written so that, if it got through, the learner would score a point the honest
code does not: the test asserts that point is lost.
"""

import csv
import os
from pathlib import Path

import pytest
from test_grading_grader import ex02_cells, write_notebook

from course_lib.grading.cgroups import Cgroups
from course_lib.grading.grader import Grader, grade
from course_lib.grading.learners import discover
from course_lib.grading.reading import MAX_NOTEBOOK_BYTES
from course_lib.grading.runner import MAX_ANSWER_BYTES
from course_lib.grading.sandbox import MAX_LINE, Limits

FULL = {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}
CAP = 256 * 2**20
SMALL = Limits(cell_seconds=8.0, total_seconds=40.0, memory_bytes=CAP)
MB = 2**20

needs_cgroups = pytest.mark.skipif(Cgroups.find() is None,
                                   reason="no control groups here (root and cgroup v1 needed)")


def points(graded) -> dict[str, int]:
    return {task_id: result.points for task_id, result in graded.results.items()}


def graded_alone(tmp_path: Path, cells, limits=SMALL):
    path = write_notebook(tmp_path / "learner.ipynb", cells)
    (learner,) = Grader(seed=5, limits=limits).grade(discover([path]))
    return learner


# speedup() earns its point only if the attack held twice the cap: the test wants that point lost.
HELD_TWICE_THE_CAP = (f"def speedup():\n    return 20.0 if HELD >= 2 * {CAP} else 0.0")

MANY_PROCESSES = f"""\
import os, time
read_end, write_end = os.pipe()
for _ in range(9):
    if os.fork() == 0:
        open('/proc/self/oom_score_adj', 'w').write('1000')  # these die first, not the cell
        block = b'x' * (60 * {MB})
        os.write(write_end, b'.')
        time.sleep(30)
        os._exit(0)
os.close(write_end)
held, deadline = 0, time.time() + 6
import select
while held < 9 and time.time() < deadline:
    if select.select([read_end], [], [], 0.5)[0]:
        chunk = os.read(read_end, 64)
        if not chunk:
            break
        held += len(chunk)
HELD = held * 60 * {MB}
"""

MEMFD = f"""\
import os
HELD = 0
chunk = b'x' * {MB}
for _ in range(9):  # a file may grow to 64 MB (RLIMIT_FSIZE); nine of them
    fd = os.memfd_create('answers')
    for _ in range(60):
        os.write(fd, chunk)
        HELD += len(chunk)
"""


@pytest.mark.slow
@needs_cgroups
def test_many_processes_together_cannot_hold_more_than_the_submissions_memory(tmp_path):
    learner = graded_alone(tmp_path, ex02_cells(before=[MANY_PROCESSES],
                                                speedup=HELD_TWICE_THE_CAP))
    assert points(learner) == {**FULL, "ex02.q3": 0}


@pytest.mark.slow
@needs_cgroups
def test_a_memfd_of_twice_the_cap_is_killed_or_refused(tmp_path):
    learner = graded_alone(tmp_path, ex02_cells(before=[MEMFD], speedup=HELD_TWICE_THE_CAP))
    assert points(learner) == {**FULL, "ex02.q3": 0}
    counted = learner.exercises["ex02"].counted
    assert any("ended the grading process" in problem
               for problem in counted.execution.cell_problems.values())


SPINNERS = """\
import os, time
read_end, write_end = os.pipe()
for _ in range(14):
    if os.fork() == 0:
        os.setsid()
        start = time.time()
        while time.time() - start < 3.0:
            pass
        os.write(write_end, f'{time.process_time():.3f}\\n'.encode())
        os._exit(0)
os.close(write_end)
data = b''
while chunk := os.read(read_end, 4096):
    data += chunk
CORES = sum(float(line) for line in data.split()) / 3.0
"""


@pytest.mark.slow
@needs_cgroups
def test_background_spinners_get_one_core_at_most(tmp_path):
    # Fourteen spinners in sessions of their own, for 3 s: without a quota, on two cores,
    # they take both; with one they get one core's worth between them.
    learner = graded_alone(tmp_path, ex02_cells(
        before=[SPINNERS], speedup="def speedup():\n    return 20.0 if CORES > 1.2 else 0.0"))
    assert points(learner) == {**FULL, "ex02.q3": 0}


BACKGROUND_SPINNERS = """\
import os, time
for _ in range(15):
    if os.fork() == 0:
        os.setsid()
        while True:
            pass
"""


@pytest.mark.slow
@needs_cgroups
@pytest.mark.skipif(os.getloadavg()[0] > 2 * os.cpu_count(),
                    reason="other work on this machine already takes the honest notebook's CPU")
def test_an_honest_notebook_graded_beside_spinners_keeps_its_marks(tmp_path):
    # Without a quota fifteen spinners leave the honest notebook an eighth of the two cores:
    # its second of CPU would take eight, past the 6 s limit per cell. With it, the spinners
    # get one core between them; what else the machine runs must leave it its share.
    folder = tmp_path / "in"
    write_notebook(folder / "a_spinner.ipynb", ex02_cells(before=[
        BACKGROUND_SPINNERS, "import time\ntime.sleep(5)", "time.sleep(5)"]))
    work = ("import time\nstart = time.process_time()\n"
            "while time.process_time() - start < 1.0:\n    pass")
    write_notebook(folder / "b_honest.ipynb", ex02_cells(before=["import time\ntime.sleep(1)",
                                                                 work]))
    limits = Limits(cell_seconds=6.0, total_seconds=40.0)
    graded = {g.id: g for g in Grader(seed=5, limits=limits, jobs=2).grade(discover([folder]))}
    assert points(graded["b_honest"]) == FULL
    assert graded["b_honest"].exercises["ex02"].counted.execution.cell_problems == {}


# One learner's share of the run.
def test_only_so_many_notebooks_per_learner_are_graded_and_the_rest_are_listed(tmp_path):
    folder = tmp_path / "in" / "copier"
    write_notebook(folder / "ex02_momentum.ipynb", ex02_cells())
    for number in range(1, 5):
        write_notebook(folder / f"ex02_momentum-Copy{number}.ipynb", ex02_cells())
    lines = []
    (learner,) = grade([tmp_path / "in"], tmp_path / "out", seed=5, limits=SMALL, jobs=2,
                       max_notebooks=2, log=lines.append)
    assert len(learner.notebooks) == 2
    assert learner.exercises["ex02"].counted.submission.path.name == "ex02_momentum.ipynb"
    assert len(learner.not_graded) == 3
    for submission in learner.not_graded:
        assert "only 2 notebooks per learner are graded" in submission.problem
    with (tmp_path / "out" / "grades.csv").open(newline="", encoding="utf-8") as handle:
        maximum, row = csv.DictReader(handle)
        assert maximum["learner"] == "max"
    assert row["total"] == "6" and "only 2 notebooks per learner" in row["notes"]


def test_a_learners_notebooks_stop_running_once_their_time_is_used_up(tmp_path):
    folder = tmp_path / "in" / "slow"
    for name in ("ex02_momentum", "ex02_momentum-Copy1", "ex02_momentum-Copy2"):
        write_notebook(folder / f"{name}.ipynb", ex02_cells(before=["import time\n"
                                                                    "time.sleep(2)"]))
    grader = Grader(seed=5, limits=SMALL, jobs=1, learner_seconds=1.0)
    (learner,) = grader.grade(discover([tmp_path / "in"]))
    ran = [g for g in learner.notebooks if not g.execution.notes]
    late = [g for g in learner.notebooks if g.execution.notes]
    assert len(ran) == 1 and points(ran[0]) == FULL
    assert len(late) == 2
    for graded in late:
        assert points(graded) == dict.fromkeys(FULL, 0)
        assert "used up the time one learner may take (1 s)" in graded.execution.notes[0]


def test_a_notebook_of_a_few_megabytes_is_refused_before_it_is_parsed(tmp_path):
    assert MAX_NOTEBOOK_BYTES <= 8 * MB
    path = write_notebook(tmp_path / "big.ipynb",
                          ex02_cells(after=["# " + "x" * (MAX_NOTEBOOK_BYTES + 1)]))
    (learner,) = discover([path])
    (submission,) = learner.submissions
    assert f"more than the {MAX_NOTEBOOK_BYTES:,}" in submission.problem


# Answers and trouble.
@pytest.mark.slow
def test_an_answer_too_large_to_send_fails_only_its_own_case(tmp_path):
    assert MAX_ANSWER_BYTES < MAX_LINE
    learner = graded_alone(tmp_path, ex02_cells(
        terminal_velocity="def terminal_velocity(grad, learning_rate, momentum):\n"
                          "    import numpy as np\n    return np.random.rand(400_000)"))
    assert points(learner) == {**FULL, "ex02.q2": 0}
    counted = learner.exercises["ex02"].counted
    assert counted.execution.notes == [] and counted.troubles == []
    assert "too large to grade" in counted.execution.outcomes["ex02.q2"][0].detail


@pytest.mark.slow
def test_trouble_is_what_the_grader_saw_not_what_the_learner_wrote(tmp_path):
    learner = graded_alone(tmp_path, ex02_cells(
        after=["raise RuntimeError('did not finish within 10 s (the time limit per cell)')",
               "raise RuntimeError('ended the grading process')"],
        speedup="def speedup():\n    raise RuntimeError('did not finish within 10 s')"))
    counted = learner.exercises["ex02"].counted
    assert counted.troubles == []
    assert points(learner) == {**FULL, "ex02.q3": 0}
    looping = graded_alone(tmp_path / "b", ex02_cells(after=["while True:\n    pass"]),
                           Limits(cell_seconds=1.0, total_seconds=20.0))
    kinds = [kind for kind, _ in looping.exercises["ex02"].counted.troubles]
    assert kinds == ["timeout"]


def test_the_cgroup_limits_are_written_as_asked():
    cgroups = Cgroups.find()
    if cgroups is None:
        pytest.skip("no control groups here (root and cgroup v1 needed)")
    group = cgroups.make(CAP, 18)
    try:
        assert int((group.folders["memory"] / "memory.limit_in_bytes").read_text()) == CAP
        assert (group.folders["pids"] / "pids.max").read_text().strip() == "18"
        cpu = group.folders["cpu"]
        assert (int((cpu / "cpu.cfs_quota_us").read_text())
                == int((cpu / "cpu.cfs_period_us").read_text()))
    finally:
        group.remove()
    assert not any(folder.exists() for folder in group.folders.values())
    assert os.geteuid() == 0
