"""Releasing student notebooks from the solutions, and the committed notebooks themselves."""

import json
import re
import shutil
from pathlib import Path

import pytest

from course_lib.exercises import EXERCISES
from course_lib.grading.__main__ import main
from course_lib.grading.release import (
    README_SECTIONS,
    MarkerError,
    learner_readme,
    read_notebook,
    release,
    render,
    strip_blocks,
    student_notebook,
)

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "exercises" / "solutions"
STUDENTS = ROOT / "exercises"


def test_a_solution_block_becomes_a_stub_at_its_indentation():
    source = (
        "def f(x):\n"
        "    y = 2\n"
        "    ### BEGIN SOLUTION\n"
        "    return x * y\n"
        "    ### END SOLUTION\n"
        "\n"
        "class A:\n"
        "    def g(self):\n"
        "        ### BEGIN SOLUTION\n"
        "        return 1\n"
        "        ### END SOLUTION"
    )
    assert strip_blocks(source) == (
        "def f(x):\n"
        "    y = 2\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n"
        "\n"
        "class A:\n"
        "    def g(self):\n"
        "        # YOUR CODE HERE\n"
        "        raise NotImplementedError()"
    )


def test_hidden_tests_disappear_and_markdown_answers_are_blanked():
    code = "check('x')\n### BEGIN HIDDEN TESTS\nassert secret()\n### END HIDDEN TESTS\nscore()"
    assert strip_blocks(code) == "check('x')\nscore()"
    text = "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\n"
    assert strip_blocks(text, markdown=True) == "Why?\nYOUR ANSWER HERE"


@pytest.mark.parametrize("source", [
    "### BEGIN SOLUTION\nx = 1",
    "x = 1\n### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION",
    "### BEGIN HIDDEN TESTS\n### END SOLUTION",
])
def test_markers_that_do_not_pair_up_are_refused(source):
    with pytest.raises(MarkerError, match="cell 3"):
        strip_blocks(source, where="cell 3")


def _solution(*cells):
    return {"cells": list(cells), "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "course": {"exercise": "ex02"}, "kernelspec": {"name": "other", "display_name": "X"},
        "language_info": {"name": "python", "version": "3.11.7"}, "widgets": {"state": {}}}}


def test_outputs_counts_and_run_metadata_are_dropped():
    code = {"cell_type": "code", "id": "a1", "execution_count": 7,
            "metadata": {"tags": ["keep"], "execution": {"iopub": 1}, "scrolled": True},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "42\n"}],
            "source": ["def f():\n", "    ### BEGIN SOLUTION\n", "    return 42\n",
                       "    ### END SOLUTION"]}
    student = student_notebook(_solution(code))
    (cell,) = student["cells"]
    assert cell["outputs"] == [] and cell["execution_count"] is None
    assert cell["metadata"] == {"tags": ["keep"]} and cell["id"] == "a1"
    assert "".join(cell["source"]) == (
        "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert student["metadata"] == {
        "course": {"exercise": "ex02"}, "language_info": {"name": "python"},
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"}}


def test_release_defaults_to_the_exercises_folder_where_it_runs(tmp_path, monkeypatch, capsys):
    # A course folder anywhere (a checkout, or a copy beside an installed wheel).
    shutil.copytree(SOLUTIONS, tmp_path / "exercises" / "solutions")
    monkeypatch.chdir(tmp_path)
    assert main(["release"]) == 0
    written = sorted(p.name for p in (tmp_path / "exercises").glob("*.ipynb"))
    assert written == sorted(p.name for p in SOLUTIONS.glob("*.ipynb"))
    assert str(tmp_path / "exercises" / "ex02_momentum.ipynb") in capsys.readouterr().out
    assert main(["release", "--check"]) == 0


def test_release_outside_a_course_folder_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["release", "--check"]) == 2
    error = capsys.readouterr().err
    assert str(tmp_path / "exercises" / "solutions") in error and "--solutions" in error
    assert not (tmp_path / "exercises").exists()


def test_release_writes_then_check_finds_everything_current(tmp_path):
    solutions, students = tmp_path / "solutions", tmp_path / "students"
    shutil.copytree(SOLUTIONS, solutions)
    written = release(solutions, students)
    assert all(not r.current for r in written) and len(written) == len(EXERCISES)
    before = {r.student: r.student.read_bytes() for r in written}
    assert all(r.current for r in release(solutions, students, check=True))
    assert all(r.current for r in release(solutions, students))
    assert {r.student: r.student.read_bytes() for r in written} == before


def test_check_fails_on_a_stale_or_missing_student_notebook(tmp_path, capsys):
    solutions, students = tmp_path / "solutions", tmp_path / "students"
    shutil.copytree(SOLUTIONS, solutions)
    release(solutions, students)
    stale = students / "ex02_momentum.ipynb"
    stale.write_bytes(stale.read_bytes().replace(b"Momentum", b"Momentun"))
    (students / "ex10_sparsity.ipynb").unlink()
    args = ["release", "--solutions", str(solutions), "--out", str(students), "--check"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "ex02_momentum.ipynb" in out and "ex10_sparsity.ipynb" in out
    assert "Momentun" in stale.read_text()  # --check writes nothing
    assert main(args[:-1]) == 0 and main(args) == 0


def test_the_committed_student_notebooks_are_current(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["release", "--check"]) == 0
    assert {p.name for p in STUDENTS.glob("*.ipynb")} == {p.name for p in SOLUTIONS.glob("*.ipynb")}


def notebooks(folder):
    return sorted(folder.glob("*.ipynb"))


@pytest.mark.parametrize("path", notebooks(STUDENTS), ids=lambda p: p.name)
def test_student_notebooks_have_no_outputs_and_no_solution_code(path):
    notebook = json.loads(path.read_text())
    solution = read_notebook(SOLUTIONS / path.name)
    text = path.read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    for cell in solution["cells"]:
        block = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", "".join(cell["source"]),
                          re.S)
        if block:
            hidden = [line.strip() for line in block.group(1).splitlines() if line.strip()]
            assert not any(line in text for line in hidden if len(line) > 12), path.name


def test_render_is_the_layout_jupyter_writes():
    path = notebooks(STUDENTS)[0]
    assert render(json.loads(path.read_text())) == path.read_bytes()


@pytest.mark.parametrize("exercise", list(EXERCISES.values()), ids=lambda e: e.id)
def test_each_solution_notebook_matches_its_task_specs(exercise):
    path = SOLUTIONS / f"{exercise.notebook}.ipynb"
    notebook = read_notebook(path)
    assert notebook["metadata"]["course"]["exercise"] == exercise.id
    cells = ["".join(cell["source"]) for cell in notebook["cells"]]
    code = [c for c, cell in zip(cells, notebook["cells"], strict=True)
            if cell["cell_type"] == "code"]
    markdown = "\n".join(c for c, cell in zip(cells, notebook["cells"], strict=True)
                         if cell["cell_type"] == "markdown")
    count = ["", "", "", "Three", "Four", "Five", "Six"][len(exercise.tasks)]
    assert f"{count} tasks, {exercise.points} points." in markdown
    for number, task in enumerate(exercise.tasks, 1):
        assert f"## Task {number} · {task.title} ({task.points} point" in markdown
        assert any(c.startswith(f"def {task.answer_name}(") for c in code), task.id
        assert f'check("{task.id}", {task.answer_name})' in code
        assert f'hint_button("{task.id}")' in code
        for letter, option in task.options.items():
            assert f"- **{letter})** {option}\n" in markdown + "\n", (task.id, letter)
    assert code[-1] == f'score("{exercise.id}")'


@pytest.mark.parametrize("path", notebooks(STUDENTS), ids=lambda p: p.name)
def test_every_student_notebook_is_stamped_with_its_exercise(path):
    (exercise,) = [e for e in EXERCISES.values() if e.notebook == path.stem]
    assert json.loads(path.read_text())["metadata"]["course"] == {"exercise": exercise.id}


def _unstamped_copy(tmp_path, name="ex03_nesterov.ipynb", stamp=None):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    notebook = read_notebook(SOLUTIONS / "ex03_nesterov.ipynb")
    notebook["metadata"].pop("course")
    if stamp is not None:
        notebook["metadata"]["course"] = {"exercise": stamp}
    (solutions / name).write_text(json.dumps(notebook))
    return solutions


def test_release_stamps_a_solution_that_lost_its_stamp_from_its_file_name(tmp_path):
    (written,) = release(_unstamped_copy(tmp_path), tmp_path / "students")
    assert json.loads(written.student.read_text())["metadata"]["course"] == {"exercise": "ex03"}


@pytest.mark.parametrize(("name", "stamp", "says"), [
    ("ex03_nesterov.ipynb", "ex02", "stamped 'ex02', but the file is ex03's notebook"),
    ("ex03_nesterov.ipynb", "ex99", "unknown exercise 'ex99'"),
    ("nesterov practice.ipynb", None, "no exercise stamp"),
])
def test_release_refuses_a_solution_whose_exercise_is_unclear(tmp_path, name, stamp, says):
    with pytest.raises(MarkerError, match=re.escape(says)):
        release(_unstamped_copy(tmp_path, name, stamp), tmp_path / "students")


def test_the_learner_readme_is_an_introduction_then_the_learners_sections_in_order():
    readme = (ROOT / "README.md").read_text()
    written = learner_readme(readme)
    headings = re.findall(r"^## (.+)$", written, re.M)
    assert headings == list(README_SECTIONS)
    for name in README_SECTIONS:
        section = re.search(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", readme, re.M | re.S)
        assert section.group(0).rstrip() in written
    assert "solutions" not in written


def test_the_learner_readme_names_a_section_the_readme_lacks():
    readme = (ROOT / "README.md").read_text().replace("## Notation\n", "## Symbols\n")
    with pytest.raises(ValueError, match="no section 'Notation'"):
        learner_readme(readme)
