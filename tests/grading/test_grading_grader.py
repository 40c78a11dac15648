"""The instructor's grader: full marks for the solutions, zero for the student versions, and a
clear result for every hostile or broken submission, without stopping the others."""

import csv
import json
import os
import shutil
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from course_lib.exercises import EXERCISES, TASKS
from course_lib.grading import runner
from course_lib.grading.__main__ import main
from course_lib.grading.grader import NotTheFullCourse, grade, summary
from course_lib.grading.learners import read_submission
from course_lib.grading.runner import StandInShell, run_cell
from course_lib.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[2]
FAST = Limits(cell_seconds=1.0, total_seconds=20.0, memory_bytes=2**30)

CORRECT = {
    "momentum_step": (
        "def momentum_step(theta, velocity, grad, learning_rate, momentum):\n"
        "    velocity = momentum * velocity - learning_rate * grad\n"
        "    return theta + velocity, velocity"),
    "terminal_velocity": (
        "def terminal_velocity(grad, learning_rate, momentum):\n"
        "    return -learning_rate * grad / (1 - momentum)"),
    "speedup": "def speedup():\n    return 1 / (1 - 0.95)",
    "lower_beta_answer": "def lower_beta_answer():\n    return 'b'",
}
HEADER = "import numpy as np\nfrom course_lib.exercises import check, hint_button, score"


def write_notebook(path: Path, cells, metadata=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                           "outputs": [], "source": source} for source in cells],
                "metadata": {"course": {"exercise": "ex02"}, **(metadata or {})},
                "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))
    return path


def ex02_cells(before=(), after=(), **overrides):
    functions = {**CORRECT, **overrides}
    checks = [f'check("ex02.q{n}", {name})' for n, name in enumerate(CORRECT, 1)]
    return [HEADER, *before, *functions.values(), *checks, *after, 'score("ex02")']


ALWAYS_EQUAL = (
    "class AlwaysEqual:\n"
    "    def __eq__(self, other):\n        return True\n"
    "    def __ne__(self, other):\n        return False\n"
    "    def __float__(self):\n        return 20.0\n"
    "    def __array__(self, dtype=None, copy=None):\n        return np.zeros(2)\n")

HOSTILE = {
    "good": ex02_cells(),
    "raises": ex02_cells(
        momentum_step="def momentum_step(**kwargs):\n    raise ValueError('boom')"),
    "loops": ex02_cells(terminal_velocity=(
        "def terminal_velocity(grad, learning_rate, momentum):\n    while True:\n        pass")),
    "stubborn_loop": ex02_cells(terminal_velocity=(
        "def terminal_velocity(grad, learning_rate, momentum):\n"
        "    while True:\n        try:\n            while True:\n                pass\n"
        "        except BaseException:\n            pass")),
    "cell_loops": ex02_cells(after=["while True:\n    pass"]),
    "exits": ex02_cells(after=["import sys\nsys.exit(1)"]),
    "hard_exit": ex02_cells(before=["import os\nos._exit(0)"]),
    "exit_in_function": ex02_cells(speedup="def speedup():\n    import os\n    os._exit(1)"),
    "chatty": ex02_cells(
        after=["print('x' * 20_000_000)"],
        momentum_step=("def momentum_step(theta, velocity, grad, learning_rate, momentum):\n"
                       "    print('y' * 1_000_000)\n"
                       "    velocity = momentum * velocity - learning_rate * grad\n"
                       "    return theta + velocity, velocity")),
    "shapes": ex02_cells(momentum_step=(
        "def momentum_step(theta, velocity, grad, learning_rate, momentum):\n"
        "    return theta[:1], velocity")),
    "types": ex02_cells(terminal_velocity="def terminal_velocity(**kwargs):\n    return 'fast'",
                        lower_beta_answer="def lower_beta_answer():\n    return 2"),
    "nan": ex02_cells(terminal_velocity=(
        "def terminal_velocity(grad, learning_rate, momentum):\n    return grad * np.nan")),
    "mutates": ex02_cells(momentum_step=(
        "def momentum_step(theta, velocity, grad, learning_rate, momentum):\n"
        "    velocity *= momentum\n    velocity -= learning_rate * grad\n"
        "    theta += velocity\n    return theta, velocity")),
    "always_equal": ex02_cells(
        before=[ALWAYS_EQUAL],
        momentum_step="def momentum_step(**kwargs):\n    return AlwaysEqual(), AlwaysEqual()",
        speedup="def speedup():\n    return AlwaysEqual()"),
    "monkeypatch": ex02_cells(
        before=["import numpy\nimport course_lib.exercises.compare as compare\n"
                "import course_lib.exercises.judge as judge\n"
                "numpy.allclose = numpy.isclose = numpy.array_equal = lambda *a, **k: True\n"
                "compare.agree = judge.agree = lambda *a, **k: True\n"
                "judge.Judge.judge = lambda self, outcomes, graded=False: None"],
        momentum_step="def momentum_step(theta, **kwargs):\n    return theta * 0, theta * 0",
        terminal_velocity="def terminal_velocity(grad, **kwargs):\n    return grad * 0",
        speedup="def speedup():\n    return 0.0",
        lower_beta_answer="def lower_beta_answer():\n    return 'a'"),
    "forged": ex02_cells(before=[
        "import os, sys\nos.write(int(sys.argv[1]), b'{\"event\": \"done\"}\\n')"]),
    "memory": ex02_cells(after=["big = np.ones(10**11)"]),
    "syntax": ex02_cells(after=["def broken(:\n    pass"]),
    "magics": ex02_cells(before=["%matplotlib inline\n!pip list\nfiles = !ls\nnp.mean?",
                                 "%%bash\necho hello", "%%time\nwarm = 1"]),
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for name, cells in HOSTILE.items():
        write_notebook(folder / f"{name}.ipynb", cells)
    (folder / "invalid.ipynb").write_text('{"cells": [ not json')
    (folder / "no_cells.ipynb").write_text('{"cells": 3}')
    write_notebook(folder / "zoe" / "ex02_momentum.ipynb", ex02_cells(),
                   {"course": {"exercise": "ex02", "learner": "Zoë Q."}})
    write_notebook(folder / "yann" / "ex02_momentum.ipynb", ex02_cells())
    files = sorted(folder.rglob("*.ipynb"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    out = tmp_path_factory.mktemp("out")
    graded = grade([folder], out, seed=7, limits=FAST, jobs=2)
    return {g.id: g for g in graded}, out, before


def points(graded):
    return {task_id: result.points for task_id, result in graded.results.items()}


def feedback_of(out, learner):
    return (out / "feedback" / f"{learner}.md").read_text()


@pytest.mark.slow
def test_the_grader_never_modifies_a_submission(hostile_run):
    _, _, before = hostile_run
    for path, (content, mtime) in before.items():
        assert path.read_bytes() == content and path.stat().st_mtime_ns == mtime


@pytest.mark.slow
@pytest.mark.parametrize(("learner", "expected"), [
    ("good", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("raises", {"ex02.q1": 0, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("loops", {"ex02.q1": 2, "ex02.q2": 0, "ex02.q3": 1, "ex02.q4": 1}),
    ("stubborn_loop", {"ex02.q1": 2, "ex02.q2": 0, "ex02.q3": 1, "ex02.q4": 1}),
    ("cell_loops", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("exits", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("hard_exit", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("exit_in_function", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 0, "ex02.q4": 1}),
    ("chatty", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("shapes", {"ex02.q1": 0, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("types", {"ex02.q1": 2, "ex02.q2": 0, "ex02.q3": 1, "ex02.q4": 0}),
    ("nan", {"ex02.q1": 2, "ex02.q2": 0, "ex02.q3": 1, "ex02.q4": 1}),
    ("mutates", {"ex02.q1": 0, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("always_equal", {"ex02.q1": 0, "ex02.q2": 2, "ex02.q3": 0, "ex02.q4": 1}),
    ("monkeypatch", {"ex02.q1": 0, "ex02.q2": 0, "ex02.q3": 0, "ex02.q4": 0}),
    ("forged", {"ex02.q1": 0, "ex02.q2": 0, "ex02.q3": 0, "ex02.q4": 0}),
    ("memory", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("syntax", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("magics", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("zoe", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
    ("yann", {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}),
])
def test_each_submission_gets_points_only_for_what_is_right(hostile_run, learner, expected):
    by_learner, _, _ = hostile_run
    assert points(by_learner[learner]) == expected


@pytest.mark.slow
@pytest.mark.parametrize(("learner", "says"), [
    ("raises", "raised ValueError: boom (on every case)"),
    ("loops", "did not finish within 1 s"),
    ("stubborn_loop", "did not finish within 1 s"),
    ("cell_loops", "did not finish within 1 s (the time limit per cell)"),
    ("exits", "called sys.exit()"),
    ("hard_exit", "ended the grading process"),
    ("exit_in_function", "ended the grading process"),
    ("shapes", "theta: returned an array of shape (1,); expected an array of shape"),
    ("types", "returned a str; expected an array of shape"),
    ("nan", "NaN or inf"),
    ("mutates", "inputs changed in place"),
    ("always_equal", "returned an object of type AlwaysEqual"),
    ("forged", "interfered with the grader"),
    ("memory", "MemoryError"),
    ("syntax", "has a syntax error"),
])
def test_feedback_says_what_went_wrong(hostile_run, learner, says):
    _, out, _ = hostile_run
    assert says in feedback_of(out, learner).replace("\\", "")


@pytest.mark.slow
def test_broken_files_get_a_row_and_a_note(hostile_run):
    by_learner, out, _ = hostile_run
    assert by_learner["invalid"].results == {} and by_learner["no_cells"].results == {}
    rows = {row["learner"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert rows["invalid"]["total"] == "0" and "not JSON" in rows["invalid"]["notes"]
    assert "no list of cells" in rows["no_cells"]["notes"]
    assert "not a valid notebook" in feedback_of(out, "invalid")


@pytest.mark.slow
def test_grades_csv_has_a_row_per_learner_a_column_per_task_and_the_total(hostile_run):
    by_learner, out, _ = hostile_run
    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    tasks = [task.id for task in EXERCISES["ex02"].tasks]
    assert rows[0] == ["learner", "name", *tasks, "ex02 total", "total", "out_of", "feedback",
                       "notes"]
    assert rows[1][:2] == ["max", ""] and rows[1][2:7] == ["2", "2", "1", "1", "6"]
    assert sorted(row[0] for row in rows[2:]) == sorted(by_learner)
    for row in rows[2:]:
        cells = dict(zip(rows[0], row, strict=True))
        got = points(by_learner[row[0]])
        assert int(cells["total"]) == sum(got.values()) and cells["out_of"] == "6"
        assert all(cells[task] == (str(got[task]) if got else "") for task in tasks)
        assert cells["ex02 total"] == (str(sum(got.values())) if got else "")
    names = {row[0]: row[1] for row in rows[2:]}
    assert names["zoe"] == "Zoë Q." and names["yann"] == "" and names["good"] == ""


def run_in_stand_in(source):
    namespace = {}
    namespace["get_ipython"] = lambda: StandInShell(namespace)
    assert run_cell(source, namespace, 5.0) is None
    return namespace


def test_magics_and_shell_lines_do_nothing_and_python_magics_run_their_code(tmp_path):
    marker = tmp_path / "ran"
    namespace = run_in_stand_in(
        f"%matplotlib inline\nfiles = !touch {marker}\nfor f in [1]:\n    !touch {marker}\n"
        "len?\nx = 1")
    assert namespace["files"] is None and namespace["x"] == 1 and not marker.exists()
    assert "y" not in run_in_stand_in(f"%%bash\ntouch {marker}\ny = 2")
    assert not marker.exists()
    assert run_in_stand_in("%%timeit\ny = 2")["y"] == 2
    assert run_in_stand_in("%time z = 3")["z"] == 3
    assert run_in_stand_in("%%capture\n%time w = 4")["w"] == 4
    assert run_in_stand_in("?\nlen??\nv = 5")["v"] == 5


def test_translating_a_cell_is_under_the_time_limit_and_costs_only_that_cell():
    # IPython re-reads a cell once per magic: 450 of them take seconds to translate (past 500
    # it gives up at once with an error of its own, so the count stays below that).
    namespace = {"get_ipython": lambda: StandInShell(namespace)}
    previous = signal.signal(signal.SIGALRM, runner._on_alarm)
    try:
        assert run_cell("%ls\n" * 450, namespace, 0.5) == (
            "did not finish within 0.5 s (the time limit per cell)")
        assert run_cell("u = 6", namespace, 5.0) is None and namespace["u"] == 6
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_cell_ipython_cannot_read_is_a_syntax_error():
    assert run_cell("def f(:\n    pass", {}, 5.0).startswith("has a syntax error")


def test_a_learner_is_the_file_or_its_folder_and_metadata_only_gives_the_name(tmp_path):
    named = write_notebook(tmp_path / "anna.ipynb", ["x = 1"])
    assert read_submission(named).learner == "anna"
    in_folder = write_notebook(tmp_path / "ben" / "ex04_adagrad_rmsprop.ipynb", ["x = 1"],
                               {"course": {}})
    submission = read_submission(in_folder)
    assert submission.learner == "ben" and submission.exercise is EXERCISES["ex04"]
    assert submission.matched_by == "its file name"
    tagged = write_notebook(tmp_path / "c.ipynb", ["x = 1"], {"course": {"learner": "Cleo"}})
    assert read_submission(tagged).learner == "c" and read_submission(tagged).name == "Cleo"


def test_the_exercise_is_found_from_the_checks_when_metadata_is_gone(tmp_path):
    path = write_notebook(tmp_path / "dora.ipynb", ['check("ex09.q1", power_schedule)'],
                          {"course": {}})
    assert read_submission(path).exercise is EXERCISES["ex09"]
    assert read_submission(path).matched_by == "its check() calls"
    unknown = write_notebook(tmp_path / "eve.ipynb", ["x = 1"], {"course": {}})
    assert read_submission(unknown).problem == "answers no known exercise"


@pytest.mark.slow
def test_solutions_score_full_marks_and_student_versions_zero(tmp_path):
    submissions = tmp_path / "in"
    for folder, source in (("solutions", ROOT / "exercises" / "solutions"),
                           ("students", ROOT / "exercises")):
        (submissions / folder).mkdir(parents=True)
        for path in source.glob("*.ipynb"):
            shutil.copy(path, submissions / folder / path.name)
    grades = {g.id: g for g in grade([submissions], tmp_path / "out", seed=11, jobs=2)}
    assert sorted(grades) == ["solutions", "students"]
    for g in grades.values():
        assert sorted(g.exercises) == sorted(EXERCISES)
        assert all(not e.set_aside for e in g.exercises.values()) and not g.not_graded
    for item in (e.counted for g in grades.values() for e in g.exercises.values()):
        exercise = item.submission.exercise
        assert item.submission.matched_by == "its stamp"
        assert set(item.results) == {task.id for task in exercise.tasks}
        if item.learner == "solutions":
            assert item.points == exercise.points, (exercise.id, [
                r.task.id for r in item.results.values() if not r.passed])
        else:
            assert item.points == 0
            assert all(r.not_attempted for r in item.results.values()), exercise.id
            assert not item.execution.cell_problems


def test_the_command_line_grades_into_a_folder(tmp_path, capsys):
    path = write_notebook(tmp_path / "sub" / "fay.ipynb", ex02_cells())
    out = tmp_path / "out"
    assert main(["grade", str(path), "--out", str(out), "--seed", "3", "--cell-timeout", "2",
                 "--timeout", "20"]) == 0
    printed = capsys.readouterr().out
    assert "fay: ex02 6/6" in printed and "seed 3" in printed
    assert (out / "grades.csv").exists() and (out / "feedback" / "fay.md").exists()
    assert main(["grade", str(tmp_path / "missing"), "--out", str(out)]) == 2


def test_feedback_files_are_safe_names_and_do_not_collide(tmp_path):
    from course_lib.grading.gradebook import file_name

    used = set()
    assert file_name("../../etc/passwd", used) == "etc_passwd"
    assert file_name("Zoë Q.", used) == "Zoë_Q"
    assert file_name("zoë q", used) == "zoë_q_2"
    assert os.sep not in file_name("a/b", used)


@pytest.mark.slow
def test_notes_and_the_summary_name_every_timeout_and_crash(hostile_run):
    by_learner, out, _ = hostile_run
    rows = {row["learner"]: row for row in csv.DictReader((out / "grades.csv").open())}
    for learner in ("loops", "stubborn_loop", "cell_loops"):
        assert "timeout: " in rows[learner]["notes"], learner
    for learner in ("hard_exit", "exit_in_function"):
        assert "crash: " in rows[learner]["notes"], learner
    assert "interference: " in rows["forged"]["notes"]
    assert "timeout" not in rows["good"]["notes"] and "crash" not in rows["good"]["notes"]
    lines = summary(list(by_learner.values()))
    timeouts = lines.index(next(line for line in lines if line.startswith("timeouts: ")))
    crashes = lines.index(next(line for line in lines if line.startswith("crashes: ")))
    interfered = lines.index(next(line for line in lines
                                  if line.startswith("interfered with the grader: ")))
    timed_out = {line.split(":")[0].strip() for line in lines[timeouts + 1:crashes]}
    crashed = {line.split(":")[0].strip() for line in lines[crashes + 1:interfered]}
    assert {"loops", "stubborn_loop", "cell_loops"} <= timed_out
    assert {"hard_exit", "exit_in_function"} <= crashed
    assert "forged" in {line.split(":")[0].strip() for line in lines[interfered + 1:]}
    assert "good" not in timed_out | crashed


@pytest.mark.parametrize("option, says", [
    (["--jobs", "0"], "jobs must be an integer >= 1, got 0"),
    (["--timeout", "0"], "total_seconds must be a finite number > 0, got 0.0"),
    (["--cell-timeout", "-1"], "cell_seconds must be a finite number > 0, got -1.0"),
])
def test_grade_refuses_a_bad_limit_naming_it_and_writes_nothing(tmp_path, capsys, option, says):
    write_notebook(tmp_path / "in" / "anna.ipynb", ex02_cells())
    assert main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--unsafe",
                 *option]) == 2
    assert f"error: {says}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_learner_editions_package_refuses_to_grade(tmp_path, monkeypatch):
    # In a learner edition every task comes from data, without its reference answer.
    monkeypatch.setitem(TASKS, "ex02.q1", SimpleNamespace(id="ex02.q1", reference=None))
    with pytest.raises(NotTheFullCourse, match="learner edition .*ex02.q1.*grade with the full"):
        grade([tmp_path], tmp_path / "out")
    assert not (tmp_path / "out").exists()
