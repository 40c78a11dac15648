"""Marks an instructor can trust: all or nothing by default, partial credit on request (points ×
the share of cases passed, hidden ones included), a ``max`` row, ``out_of`` from the exercises
assigned, a cell that raised named in the notes and the summary, and feedback as plain text
and as a self-contained HTML page.

Which cases a wrong answer passes is worked out here from the cases' inputs (a step that
forgets the previous velocity is right exactly when that velocity is zero or β is 0),
never read from the grader."""

import csv
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from course_lib.exercises import EXERCISES
from course_lib.grading.__main__ import main
from course_lib.grading.grader import grade
from course_lib.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[2]
LIMITS = Limits(cell_seconds=5.0, total_seconds=30.0)
SEED = 11
TAG = "<img src=x onerror=alert(1)> \x1b[31m"

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
FORGETS_VELOCITY = (
    "def momentum_step(theta, velocity, grad, learning_rate, momentum):\n"
    "    velocity = -learning_rate * grad\n"
    "    return theta + velocity, velocity")


def ex02(path: Path, before=(), **answers) -> None:
    cells = ["import numpy as np", *before, *{**CORRECT, **answers}.values()]
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                           "outputs": [], "source": source} for source in cells],
                "metadata": {"course": {"exercise": "ex02"}}, "nbformat": 4, "nbformat_minor": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook))


def forgetful_cases_passed() -> tuple[int, int]:
    """(cases a step without the previous velocity passes, cases) for ex02.q1 at SEED."""
    task = EXERCISES["ex02"].tasks[0]
    cases = task.visible_cases() + task.hidden_cases(SEED)
    passed = sum(bool(np.all(np.asarray(c.kwargs["velocity"]) == 0) or c.kwargs["momentum"] == 0)
                 for c in cases)
    return passed, len(cases)


def read_rows(out: Path) -> tuple[list[str], list[str], dict[str, dict[str, str]]]:
    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        header, maximum, *rows = list(csv.reader(handle))
    return header, maximum, {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("marks") / "submitted"
    ex02(folder / "partial" / "ex02_momentum.ipynb", momentum_step=FORGETS_VELOCITY)
    ex02(folder / "oops" / "ex02_momentum.ipynb", before=["1 / 0"])
    ex02(folder / TAG / "ex02_momentum.ipynb")
    ex02(folder / "extra" / "ex02_momentum.ipynb")
    shutil.copy(ROOT / "exercises" / "solutions" / "ex04_adagrad_rmsprop.ipynb",
                folder / "extra" / "ex04_adagrad_rmsprop.ipynb")
    (folder / "empty").mkdir()
    (folder / "empty" / "readme.txt").write_text("Jupyter would not start.")
    return folder


@pytest.fixture(scope="module")
def partial_run(class_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("partial")
    printed = []
    grade([class_folder], out, seed=SEED, limits=LIMITS, partial_credit=True,
          exercises="ex02,ex03", log=printed.append)
    return out, printed


@pytest.fixture(scope="module")
def default_run(class_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("default")
    grade([class_folder / "partial"], out, seed=SEED, limits=LIMITS)
    return out


@pytest.mark.slow
def test_partial_credit_gives_points_times_the_share_of_cases_passed(partial_run):
    passed, cases = forgetful_cases_passed()
    assert 0 < passed < cases
    _, _, rows = read_rows(partial_run[0])
    want = round(2 * passed / cases, 2)
    assert float(rows["partial"]["ex02.q1"]) == want
    assert float(rows["partial"]["ex02 total"]) == pytest.approx(want + 4)
    assert len(rows["partial"]["ex02.q1"].split(".")[-1]) <= 2


@pytest.mark.slow
def test_by_default_a_task_is_all_or_nothing(default_run):
    _, _, rows = read_rows(default_run)
    assert rows["partial"]["ex02.q1"] == "0" and rows["partial"]["ex02 total"] == "4"
    feedback = (default_run / "feedback" / "partial.txt").read_text()
    assert "A task earns its points when every one of its cases passed." in feedback


@pytest.mark.slow
def test_the_max_row_gives_every_task_and_exercise_its_maximum(partial_run):
    header, maximum, _ = read_rows(partial_run[0])
    cells = dict(zip(header, maximum, strict=True))
    assert cells["learner"] == "max"
    for exercise_id in ("ex02", "ex03", "ex04"):
        exercise = EXERCISES[exercise_id]
        for task in exercise.tasks:
            assert int(cells[task.id]) == task.points
        assert int(cells[f"{exercise_id} total"]) == sum(t.points for t in exercise.tasks)
    assert int(cells["out_of"]) == EXERCISES["ex02"].points + EXERCISES["ex03"].points
    assert cells["total"] == cells["out_of"]


@pytest.mark.slow
def test_out_of_counts_only_the_assigned_exercises_and_one_not_handed_in_is_zero(partial_run):
    _, _, rows = read_rows(partial_run[0])
    out_of = str(EXERCISES["ex02"].points + EXERCISES["ex03"].points)
    assert {row["out_of"] for row in rows.values()} == {out_of}
    empty = rows["empty"]
    assert all(empty[t.id] == "0" for t in EXERCISES["ex02"].tasks + EXERCISES["ex03"].tasks)
    assert empty["ex02 total"] == empty["ex03 total"] == empty["total"] == "0"
    assert "ex03: nothing handed in (0)" in empty["notes"]
    extra = rows["extra"]
    assert extra["ex04 total"] == str(EXERCISES["ex04"].points)  # graded, shown …
    assert extra["total"] == str(EXERCISES["ex02"].points)  # … but not counted
    assert "ex04: graded but not assigned, not in total" in extra["notes"]


def test_an_unknown_exercise_is_refused_by_name(tmp_path, capsys):
    ex02(tmp_path / "in" / "ann.ipynb")
    assert main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--unsafe",
                 "--exercises", "ex02,ex99,exx"]) == 2
    err = capsys.readouterr().err
    assert "exercises must be ids among ex02, ex03" in err and "got 'ex99', 'exx'" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_cell_error_is_in_the_notes_and_the_console_summary(partial_run):
    out, printed = partial_run
    _, _, rows = read_rows(out)
    assert ("oops/ex02_momentum.ipynb: cell error: cell 2 raised ZeroDivisionError: "
            "division by zero") in rows["oops"]["notes"]
    assert "cell error" not in rows["partial"]["notes"]
    text = "\n".join(printed)
    assert ("cell errors: 1\n  oops: oops/ex02_momentum.ipynb: cell 2 raised "
            "ZeroDivisionError: division by zero") in text


@pytest.mark.slow
def test_plain_text_feedback_has_no_markdown_escapes(partial_run):
    out, _ = partial_run
    markdown = (out / "feedback" / "partial.md").read_text()
    text = (out / "feedback" / "partial.txt").read_text()
    assert "momentum\\_step" in markdown  # the Markdown escapes, the plain text need not
    assert "ex02.q1 · momentum_step (" in text and "\\" not in text
    assert text.startswith("Feedback for partial\n====================\n")


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.attributes = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.slow
def test_html_feedback_is_escaped_and_loads_nothing(partial_run):
    out, _ = partial_run
    (name,) = [p for p in (out / "feedback").glob("*.html") if p.stem.startswith("img")]
    page = Page()
    page.feed(name.read_text())
    assert not {"img", "link", "script", "iframe", "object"} & set(page.tags)
    assert not any(key in ("src", "href") for key, _ in page.attributes)
    policy = dict(page.attributes)["content"]
    assert "default-src 'none'" in policy
    text = "".join(page.text)
    assert "Feedback for <img src=x onerror=alert(1)> \\x1b[31m" in text  # shown as written
    assert "\x1b" not in name.read_text()
