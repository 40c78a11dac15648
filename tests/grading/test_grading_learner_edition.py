"""The learner edition: what an instructor hands out holds no solution, reference answer or
hidden case, and its checks still work and say what the full repository says.

The secrets are gathered from the full repository, independently of the edition's code: the
lines of the solution notebooks' answer blocks, the source of every function the task modules
define (references, mistakes, random-case draws), and the grader's hidden cases for a few
seeds. Each search is shown to find what it looks for, in the repository or planted.

The hints are left out of the search: ``hint`` shows each of them to any learner who asks, and
the last hint of some tasks gives the answer's line (six solution lines are in hints).
"""

import compileall
import functools
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib.exercises import visible_cases
from course_lib.exercises.calling import call_learner
from course_lib.exercises.feedback import task_text
from course_lib.exercises.judge import Judge
from course_lib.exercises.quadratic import QuadraticBowl
from course_lib.exercises.tasks import EXERCISES, SELF_CHECKS, TASKS
from course_lib.exercises.wire import encode
from course_lib.grading.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "exercises" / "solutions"
SEEDS = (1, 7, 2026)  # not 0: the visible random cases are drawn from seed 0
# Two answer lines that are also course code the lessons show: Nadam's bias-corrected ŝ
# (lesson 07, optimizers/nadam.py) and the count of weights pruned (sparsity.py).
TAUGHT_IN_THE_OPEN = ("s_hat = s / (1 - beta_2**t)", "count = round(sparsity * w.size)")


def solution_lines() -> set[str]:
    """Every line of more than 12 characters inside an answer block of a solution notebook."""
    lines = set()
    for path in SOLUTIONS.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for block in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source,
                                    re.S):
                lines.update(line.strip() for line in block.splitlines()
                             if len(line.strip()) > 12)
    return lines


def task_functions():
    """Every function of a task module a task uses: references, mistakes, random draws."""
    for task in TASKS.values():
        for function in (task.reference, task.random_kwargs,
                         *(mistake.variant for mistake in task.mistakes)):
            if function is not None and function.__module__.startswith(
                    "course_lib.exercises.tasks."):
                yield function


def text_needles() -> dict[bytes, str]:
    """What must not be found, in every form a file can hold it: as is, JSON-escaped (inside a
    notebook or a data file), and a private function's name (what a .pyc keeps)."""
    needles = {}
    for line in solution_lines() - set(TAUGHT_IN_THE_OPEN):
        needles.update({form: f"solution line {line!r}" for form in _forms(line)})
    for function in task_functions():
        about = f"{function.__module__}.{function.__qualname__}"
        needles.update({form: f"source of {about}" for form in
                        _forms(textwrap.dedent(inspect.getsource(function)))})
        if function.__name__.startswith("_"):
            needles[function.__name__.encode()] = f"name of {about}"
    return needles


def _forms(text: str) -> set[bytes]:
    return {text.encode(), json.dumps(text)[1:-1].encode(),
            json.dumps(text, ensure_ascii=False)[1:-1].encode()}


def rows(value):
    """The rows of numbers in a case's arguments (arrays, a bowl's A and b), as JSON lists."""
    if isinstance(value, QuadraticBowl):
        yield from rows(value.A)
        yield from rows(value.b)
    elif isinstance(value, np.ndarray) and value.size >= 2:
        for row in value.reshape(-1, value.shape[-1]):
            if row.size >= 2:
                yield json.dumps(row.tolist()).replace(" ", "").encode()
    elif isinstance(value, list | tuple):
        for item in value:
            yield from rows(item)


def case_needles(case) -> tuple[set[bytes], bytes]:
    """A case's rows of numbers, and its arguments as the edition's data writes them."""
    found = {row for value in case.kwargs.values() for row in rows(value)}
    data = json.dumps({name: encode(value) for name, value in case.kwargs.items()},
                      ensure_ascii=False).encode()
    return found, data


def hidden_needles() -> tuple[dict[bytes, str], dict[bytes, str]]:
    """The grader's hidden cases for ``SEEDS``: their rows of numbers (when they have some of
    two or more numbers), else their arguments as data."""
    numbers, arguments = {}, {}
    for task in TASKS.values():
        for seed in SEEDS:
            for case in task.hidden_cases(seed):
                found, data = case_needles(case)
                about = f"hidden case of {task.id}, seed {seed}: {case.label}"
                numbers.update(dict.fromkeys(found, about))
                if not found:
                    arguments[data] = about
    return numbers, arguments


HINTS = sorted({form for task in TASKS.values() for hint in task.hints for form in _forms(hint)},
               key=len, reverse=True)


def haystacks(folder: Path):
    """Every file under ``folder`` as bytes; a JSON file (a notebook, the data) also written
    again compactly, whatever its layout."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def readings(path: Path, raw: bytes) -> list[bytes]:
    if path.suffix not in (".json", ".ipynb"):
        return [raw]
    parsed = json.loads(raw)
    return [raw, json.dumps(parsed).encode(), json.dumps(parsed, ensure_ascii=False).encode()]


NUMBER_ROW = re.compile(rb"\[-?[0-9][^\[\]\"]*\]")


def secrets_in(folder: Path) -> list[str]:
    """What of the secrets ``folder`` holds, each as 'what: file'."""
    return sorted({f"{about}: {path.relative_to(folder)}" for path, raw in haystacks(folder)
                   for about in secrets_in_file(path.suffix, raw)})


@functools.cache
def needles():
    return text_needles(), *hidden_needles()


@functools.cache
def secrets_in_file(suffix: str, raw: bytes) -> frozenset[str]:
    """The secrets in one file's bytes (cached: the planted tests search only what changed)."""
    text, numbers, arguments = needles()
    found = set()
    for data in readings(Path(f"file{suffix}"), raw):
        hits = [needle for needle in [*text, *arguments] if needle in data]
        if hits:
            # Found: is it only inside a hint?
            for hint in HINTS:
                data = data.replace(hint, b"")
            found |= {text.get(needle) or arguments[needle] for needle in hits if needle in data}
        shown = {row.replace(b" ", b"") for row in NUMBER_ROW.findall(data)}
        found |= {about for row, about in numbers.items() if row in shown}
    return frozenset(found)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course") / "edition"
    assert main(["release", "--solutions", str(SOLUTIONS), "--learner-edition",
                 str(folder)]) == 0
    return folder


def test_the_edition_holds_what_a_learner_needs_and_no_task_module(edition):
    names = {str(path.relative_to(edition)) for path in edition.rglob("*") if path.is_file()}
    lessons = {f"notebooks/{path.name}" for path in (ROOT / "notebooks").glob("*.ipynb")}
    students = {f"exercises/{e.notebook}.ipynb" for e in EXERCISES.values()}
    assert lessons | students | {"README.md", "CHEATSHEET.md", "pyproject.toml",
                                 "requirements.txt", "Makefile"} <= names
    assert not [name for name in names if "solutions" in name or "grading" in name]
    assert [name for name in names if "/tasks/" in name] == [
        "course_lib/exercises/tasks/__init__.py"]
    for exercise in EXERCISES.values():
        written = (edition / "exercises" / f"{exercise.notebook}.ipynb").read_bytes()
        assert written == (ROOT / "exercises" / f"{exercise.notebook}.ipynb").read_bytes()
    readme = (edition / "README.md").read_text()
    assert "## Exercises: for learners" in readme and "for instructors" not in readme


def test_the_search_finds_what_it_looks_for():
    needles = text_needles()
    assert len(solution_lines()) > 40 and len(needles) > 300
    # Every solution line is found in its solution notebook, and the lines let through are
    # course code a lesson shows.
    in_solutions = {about for path, raw in haystacks(SOLUTIONS) for data in readings(path, raw)
                    for needle, about in needles.items() if needle in data}
    assert {about for about in in_solutions if about.startswith("solution line")} == {
        f"solution line {line!r}" for line in solution_lines() - set(TAUGHT_IN_THE_OPEN)}
    taught = (ROOT / "notebooks" / "07_adamax_nadam.ipynb").read_text() + (
        ROOT / "course_lib" / "sparsity.py").read_text()
    assert all(line in taught for line in TAUGHT_IN_THE_OPEN)
    numbers, arguments = hidden_needles()
    assert len(numbers) > 500 and arguments
    # What is left out with the hints: the lines the last hints give away.
    in_hints = {line for line in solution_lines() for hint in HINTS if line.encode() in hint}
    assert 0 < len(in_hints) <= 6, in_hints


def test_no_solution_reference_or_hidden_case_anywhere_in_the_edition(edition):
    compileall.compile_dir(edition, quiet=1)  # the .pyc a learner's kernel would write
    assert list(edition.rglob("*.pyc"))
    assert secrets_in(edition) == []
    # The visible cases are in the edition, found by the same search that finds no hidden one.
    visible = {row for task in TASKS.values() for case in task.visible_cases()
               for row in case_needles(case)[0]}
    shown = {row.replace(b" ", b"") for path, raw in haystacks(edition)
             for data in readings(path, raw) for row in NUMBER_ROW.findall(data)}
    assert len(visible) > 100 and visible <= shown


@pytest.mark.parametrize("plant", ["task module", "compiled task module", "solution notebook",
                                   "hidden cases as data"])
def test_a_planted_secret_is_found(edition, tmp_path, plant):
    copy = tmp_path / "edition"
    shutil.copytree(edition, copy)
    tasks = copy / "course_lib" / "exercises" / "tasks"
    if plant == "task module":
        shutil.copy(ROOT / "course_lib" / "exercises" / "tasks" / "ex02_momentum.py", tasks)
    elif plant == "compiled task module":
        source = tmp_path / "ex06_adam.py"
        shutil.copy(ROOT / "course_lib" / "exercises" / "tasks" / "ex06_adam.py", source)
        compileall.compile_file(source, quiet=1, legacy=True)
        shutil.copy(source.with_suffix(".pyc"), tasks)
    elif plant == "solution notebook":
        shutil.copy(SOLUTIONS / "ex09_schedules.ipynb", copy / "exercises")
    else:
        task = TASKS["ex09.q1"]
        planted = [{name: encode(value) for name, value in case.kwargs.items()}
                   for case in task.hidden_cases(SEEDS[0])]
        (copy / "extra.json").write_text(json.dumps(planted, indent=2))
    found = secrets_in(copy)
    assert found
    expected = {"task module": "ex02_momentum.py", "compiled task module": "ex06_adam.pyc",
                "solution notebook": "ex09_schedules.ipynb", "hidden cases as data": "extra.json"}
    assert all(line.endswith(expected[plant]) for line in found), found


def test_every_task_from_the_data_judges_every_known_answer_as_its_module_does(edition):
    """The reference and each named mistake, on every task and self-check: the feedback from
    the edition's data is the repository's, word for word."""
    exercises, self_checks = visible_cases.read(
        edition / "course_lib" / "exercises" / "visible_cases.json")
    from_data = {task.id: task for tasks in [*(e.tasks for e in exercises.values()),
                                             *self_checks.values()] for task in tasks}
    assert from_data.keys() == TASKS.keys()
    compared = 0
    for task_id, task in TASKS.items():
        assert from_data[task_id].reference is None
        for answer in [task.reference, *(m.variant for m in task.mistakes if m.variant)]:
            said = []
            for source in (task, from_data[task_id]):
                judge = Judge(source, source.visible_cases())
                said.append(task_text(judge.judge(
                    [call_learner(answer, case.arguments()) for case in judge.cases])))
            assert said[0] == said[1]
            compared += 1
    assert compared > len(TASKS) * 3


# Run in a fresh interpreter that cannot import the repository's course_lib: ``SOURCE`` is the
# only folder of course code on its path.
PROGRAM = r'''
import importlib.util, sys
from pathlib import Path

REPOSITORY, SOURCE = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
sys.path = [p for p in sys.path if Path(p or ".").resolve() not in (REPOSITORY, SOURCE)]
assert importlib.util.find_spec("course_lib") is None, "the repository's course_lib is importable"
sys.path.insert(0, str(SOURCE))
import course_lib
assert Path(course_lib.__file__).resolve().parent == SOURCE / "course_lib", course_lib.__file__
from course_lib.exercises import check, hint, score

def momentum_step(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity, velocity

def terminal_velocity(grad, learning_rate, momentum):
    return -learning_rate * grad / (1 - momentum)

def speedup():
    return 1 / (1 - 0.95)

def lower_beta_answer():
    return "b"

def hessian_gigabytes():
    return 100_000**2 * 4 / 2**30

for task_id, answer in [("ex02.q1", momentum_step), ("ex02.q2", terminal_velocity),
                        ("ex02.q3", speedup), ("ex02.q4", lower_beta_answer)]:
    check(task_id, answer)
score("ex02")

def momentum_step(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return theta + velocity, velocity

def lower_beta_answer():
    return "a"

check("ex02.q1", momentum_step)
check("ex02.q4", lower_beta_answer)
check("lesson08.q2", hessian_gigabytes)
score("ex02")
hint("ex02.q1")
hint("lesson08.q2")
'''


def run_course(source: Path, tmp_path: Path) -> list[str]:
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(ROOT), str(source)],
                          cwd=tmp_path, env=environment, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_edition_checks_as_the_repository_does_from_its_data_alone(edition, tmp_path):
    lines = run_course(edition, tmp_path)
    assert lines == run_course(ROOT, tmp_path)
    # The right answers: every visible case of each task, counted in the repository.
    count = len(TASKS["ex02.q1"].visible_cases())
    assert f"ex02.q1 · momentum_step: ✓ {count} of {count} visible cases passed; more cases " \
           "are checked when graded." in lines
    assert "ex02.q3 · speedup: ✓ correct." in lines
    assert "ex02 · Momentum: score so far 6/6" in lines
    # The sign flipped and the misreading of β, named with their explanations.
    assert any(line.startswith("ex02.q1 · momentum_step: ✗ 1 of") and line.endswith(
        "Likely mistake: sign flipped.") for line in lines)
    assert "  sign flipped: The velocity subtracts η·∇ (m ← βm − η∇): adding it walks " \
           "uphill." in lines
    assert "ex02.q4 · lower_beta_answer: ✗ not right yet. Likely mistake: β read as " \
           "friction." in lines
    assert "lesson08.q2 · hessian_gigabytes: ✗ not right yet. Likely mistake: gibibytes " \
           "(2³⁰) instead of gigabytes." in lines
    assert "ex02 · Momentum: score so far 3/6" in lines
    assert "Hint 1/3 for ex02.q1: First update the velocity, then move θ by the new " \
           "velocity." in lines
    assert "Hint 1/2 for lesson08.q2: One entry per pair of parameters: n × n numbers." in lines


def execute(path: Path, edition: Path, monkeypatch):
    """Run a notebook of the edition in a kernel whose only course code is the edition's: its
    first cell takes the repository off the path and says where course_lib comes from."""
    import nbclient

    notebook = nbformat.read(path, as_version=4)
    where = nbformat.v4.new_code_cell(
        "import importlib.util, sys\n"
        "from pathlib import Path\n"
        f"sys.path = [p for p in sys.path if Path(p or '.').resolve() != Path({str(ROOT)!r})]\n"
        "print(Path(importlib.util.find_spec('course_lib').origin).resolve())")
    notebook.cells.insert(0, where)
    monkeypatch.setenv("PYTHONPATH", str(edition))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    assert notebook.cells[0].outputs[0].text.strip() == str(
        (edition / "course_lib" / "__init__.py").resolve())
    return notebook


@pytest.mark.slow
def test_a_student_notebook_of_the_edition_runs_and_says_not_attempted(edition, monkeypatch):
    exercise = EXERCISES["ex03"]
    notebook = execute(edition / "exercises" / f"{exercise.notebook}.ipynb", edition,
                       monkeypatch)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    checks = [o for cell in code if cell.source.startswith("check(") for o in cell.outputs]
    assert len(checks) == len(exercise.tasks)
    assert all("not attempted yet" in o.data["text/plain"] for o in checks)
    (score,) = [o for cell in code if cell.source.startswith("score(") for o in cell.outputs]
    assert f"score so far 0/{exercise.points}" in score.data["text/plain"]


@pytest.mark.slow
def test_lesson_08_of_the_edition_runs_with_its_self_check(edition, monkeypatch):
    notebook = execute(edition / "notebooks" / "08_race.ipynb", edition, monkeypatch)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    asked = [cell for cell in code if 'check("lesson08.' in cell.source]
    assert len(asked) == len(SELF_CHECKS["lesson08"])
    said = [o.data["text/plain"] for cell in asked for o in cell.outputs]
    assert len(said) == len(asked) and all("not attempted yet" in text for text in said)
    committed = nbformat.read(ROOT / "notebooks" / "08_race.ipynb", as_version=4)
    assert said == [o.data["text/plain"] for cell in committed.cells
                    if 'check("lesson08.' in cell.source for o in cell.outputs]


@pytest.mark.slow
def test_the_edition_builds_a_wheel_with_its_data_and_no_secret(edition, tmp_path):
    # A copy: setuptools builds inside the source folder.
    shutil.copytree(edition, tmp_path / "edition")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path / "dist"), str(tmp_path / "edition")],
                   check=True, capture_output=True, timeout=300, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unpacked")
    assert "course_lib/exercises/visible_cases.json" in names
    assert "course_lib/data/digits.npz" in names
    assert not [name for name in names if "/tasks/ex" in name or "grading" in name]
    assert secrets_in(tmp_path / "unpacked") == []


def test_release_refuses_a_folder_with_something_in_it(tmp_path, capsys):
    out = tmp_path / "edition"
    (out / ".git").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    args = ["release", "--solutions", str(SOLUTIONS), "--learner-edition", str(out)]
    assert main(args) == 2
    assert "is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [".git", "notes.txt"]
    assert main([*args, "--check"]) == 2
    assert "without --check and --out" in capsys.readouterr().err


def test_release_outside_the_course_folder_writes_nothing(tmp_path, capsys):
    solutions = tmp_path / "elsewhere" / "exercises" / "solutions"
    shutil.copytree(SOLUTIONS, solutions)
    out = tmp_path / "edition"
    assert main(["release", "--solutions", str(solutions), "--learner-edition", str(out)]) == 2
    error = capsys.readouterr().err
    assert f"{tmp_path / 'elsewhere'} is not the course's folder: it has no notebooks" in error
    assert not out.exists()
