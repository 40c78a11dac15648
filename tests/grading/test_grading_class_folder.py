"""A class folder as an instructor gets it, graded end to end: JupyterLab duplicates, renamed
copies, scratch notebooks, flat and folder layouts, a learner with two exercises, names with
commas, quotes and formula characters. Every learner gets exactly one row with the marks of
their best work (a flat-layout "-Copy1", which anyone could hand in under the learner's name,
never counting above the learner's own file), and every file that did not count is named.

The expected marks are worked out here from how each notebook was made (which answers are the
solution's, which are still the student version's stubs), never read from the grader."""

import copy
import csv
import json
from pathlib import Path

import pytest

from course_lib.exercises import EXERCISES
from course_lib.grading.gradebook import FORMULA_STARTS, spreadsheet_safe
from course_lib.grading.grader import grade
from course_lib.grading.learners import discover
from course_lib.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[2]
LIMITS = Limits(cell_seconds=5.0, total_seconds=30.0)


def released(exercise_id: str, solved: bool) -> dict:
    folder = ROOT / "exercises" / ("solutions" if solved else "")
    return json.loads((folder / f"{EXERCISES[exercise_id].notebook}.ipynb").read_text())


def answered(exercise_id: str, tasks=None) -> dict:
    """The exercise with the solution's answers for the task numbers in ``tasks`` (all by
    default) and the student version's stubs for the others."""
    exercise = EXERCISES[exercise_id]
    notebook = released(exercise_id, solved=True)
    stubs = {cell["id"]: cell for cell in released(exercise_id, solved=False)["cells"]}
    numbers = range(1, len(exercise.tasks) + 1) if tasks is None else tasks
    keep = {exercise.tasks[n - 1].answer_name for n in numbers}
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        for task in exercise.tasks:
            if source.startswith(f"def {task.answer_name}(") and task.answer_name not in keep:
                notebook["cells"][index] = copy.deepcopy(stubs[cell["id"]])
    return notebook


def expected_points(exercise_id: str, tasks=None) -> dict[str, int]:
    exercise = EXERCISES[exercise_id]
    chosen = set(range(1, len(exercise.tasks) + 1) if tasks is None else tasks)
    return {task.id: task.points if n in chosen else 0
            for n, task in enumerate(exercise.tasks, 1)}


def named(notebook: dict, name: str) -> dict:
    notebook["metadata"].setdefault("course", {})["learner"] = name
    return notebook


def unstamped(notebook: dict) -> dict:
    notebook["metadata"].pop("course", None)
    return notebook


def with_wrong_soft_threshold(notebook: dict) -> dict:
    """A learner's soft_threshold that forgets the negative weights (a mistake no variant
    names), under a proximal step that is right and calls it."""
    for cell in notebook["cells"]:
        if "".join(cell["source"]).startswith("def soft_threshold("):
            cell["source"] = ["def soft_threshold(w, threshold):\n",
                              "    return np.maximum(w - threshold, 0.0)\n"]
    return notebook


def save(path: Path, notebook) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook if isinstance(notebook, str) else json.dumps(notebook, indent=1))


SCRATCH = {"cells": [{"cell_type": "code", "execution_count": None, "id": "s1", "metadata": {},
                      "outputs": [], "source": ["x = 1 + 1\n", "print(x)"]}],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

NAMES = {"alice": "Alice Martin", "bob": 'Bob "The Builder", Jr.',
         "carol": '=HYPERLINK("http://example.com","Carol")', "henry": "+1 Henry, H."}


def build_class(folder: Path) -> dict:
    """Writes the class; returns, per learner id, the expected points per task and what the
    notes must name (counted file, set-aside files, not graded files)."""
    save(folder / "alice" / "ex02_momentum.ipynb", named(answered("ex02"), NAMES["alice"]))
    save(folder / "alice" / "ex02_momentum-Copy1.ipynb", released("ex02", solved=False))
    save(folder / "alice" / "notes.txt", "momentum: remember beta = 0.9")

    save(folder / "bob" / "ex02_momentum.ipynb", released("ex02", solved=False))
    save(folder / "bob" / "my momentum.ipynb", named(answered("ex02"), NAMES["bob"]))

    save(folder / "carol" / "ex02_momentum.ipynb", named(answered("ex02", {1, 3}),
                                                         NAMES["carol"]))
    save(folder / "carol" / "scratch.ipynb", SCRATCH)

    save(folder / "dan" / "ex02_momentum.ipynb", answered("ex02"))
    save(folder / "dan" / "week3" / "ex03_nesterov.ipynb", answered("ex03", {1}))
    save(folder / "dan" / ".ipynb_checkpoints" / "ex02_momentum-checkpoint.ipynb",
         released("ex02", solved=False))

    save(folder / "erin" / "ex10_sparsity.ipynb", with_wrong_soft_threshold(answered("ex10")))
    save(folder / "erin" / "notes.ipynb", '{"cells": [ this is not json')

    save(folder / "@frank" / "ex02_momentum.ipynb", unstamped(answered("ex02")))

    (folder / "gina").mkdir()
    (folder / "gina" / "readme.txt").write_text("I could not get Jupyter to start.")

    save(folder / "henry.ipynb", named(answered("ex02"), NAMES["henry"]))
    save(folder / "henry-Copy1.ipynb", released("ex02", solved=False))

    save(folder / "ivy.ipynb", released("ex02", solved=False))
    save(folder / "ivy-Copy1.ipynb", answered("ex02"))

    save(folder / "jack.ipynb", unstamped(answered("ex03", {1, 2})))

    save(folder / "kim.ipynb", answered("ex09"))

    save(folder / "lena" / "ex02_momentum.ipynb", "{ a notebook cut short by a bad upload")

    soft_and_prox = expected_points("ex10")
    soft_and_prox.update({"ex10.q1": 0, "ex10.q2": 0})
    return {
        "alice": {"points": expected_points("ex02"), "counted": "alice/ex02_momentum.ipynb",
                  "set_aside": {"alice/ex02_momentum-Copy1.ipynb": 0},
                  "not_graded": ["alice/notes.txt"]},
        "bob": {"points": expected_points("ex02"), "counted": "bob/my momentum.ipynb",
                "set_aside": {"bob/ex02_momentum.ipynb": 0}},
        "carol": {"points": expected_points("ex02", {1, 3}),
                  "not_graded": ["carol/scratch.ipynb"]},
        "dan": {"points": {**expected_points("ex02"), **expected_points("ex03", {1})}},
        "erin": {"points": soft_and_prox, "not_graded": ["erin/notes.ipynb"]},
        "@frank": {"points": expected_points("ex02")},
        "gina": {"points": {}, "not_graded": ["gina/readme.txt"]},
        "henry": {"points": expected_points("ex02"), "counted": "henry.ipynb",
                  "set_aside": {"henry-Copy1.ipynb": 0}},
        # The solved copy is set aside with its 6 points: the instructor decides.
        "ivy": {"points": expected_points("ex02", set()), "counted": "ivy.ipynb",
                "set_aside": {"ivy-Copy1.ipynb": 6}},
        "jack": {"points": expected_points("ex03", {1, 2})},
        "kim": {"points": expected_points("ex09")},
        "lena": {"points": expected_points("ex02", set())},
    }


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "submitted"
    folder.mkdir()
    expected = build_class(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    before = {path: path.read_bytes() for path in files}
    out = tmp_path_factory.mktemp("graded")
    printed = []
    grades = grade([folder], out, seed=5, limits=LIMITS, jobs=2, log=printed.append)
    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return {"expected": expected, "grades": grades, "out": out, "rows": rows,
            "printed": printed, "before": before}


def row_of(graded_class, learner: str) -> dict[str, str]:
    header, _, *rows = graded_class["rows"]
    matching = [dict(zip(header, row, strict=True)) for row in rows
                if row[0] == spreadsheet_safe(learner)]
    assert len(matching) == 1, (learner, len(matching))
    return matching[0]


@pytest.mark.slow
def test_every_learner_has_exactly_one_row_and_no_other_row_exists(graded_class):
    header, maximum, *rows = graded_class["rows"]
    assert maximum[0] == "max"
    learners = [row[0] for row in rows]
    assert sorted(learners) == sorted(spreadsheet_safe(id) for id in graded_class["expected"])
    assert len(learners) == len(set(learners))


@pytest.mark.slow
def test_the_columns_are_learner_name_tasks_subtotals_total_maximum_feedback_notes(
        graded_class):
    header = graded_class["rows"][0]
    wanted = ["learner", "name"]
    for exercise_id in ("ex02", "ex03", "ex09", "ex10"):
        wanted += [task.id for task in EXERCISES[exercise_id].tasks] + [f"{exercise_id} total"]
    assert header == [*wanted, "total", "out_of", "feedback", "notes"]


@pytest.mark.slow
def test_every_learner_gets_the_marks_of_their_best_work(graded_class):
    out_of = sum(EXERCISES[e].points for e in ("ex02", "ex03", "ex09", "ex10"))
    for learner, want in graded_class["expected"].items():
        row = row_of(graded_class, learner)
        points = want["points"]
        assert int(row["total"]) == sum(points.values()), learner
        assert int(row["out_of"]) == out_of
        for exercise_id in ("ex02", "ex03", "ex09", "ex10"):
            tasks = [task.id for task in EXERCISES[exercise_id].tasks]
            if tasks[0] in points:
                assert [int(row[t]) for t in tasks] == [points[t] for t in tasks], learner
                assert int(row[f"{exercise_id} total"]) == sum(points[t] for t in tasks)
            else:
                assert [row[t] for t in tasks] == [""] * len(tasks), (learner, exercise_id)
                assert row[f"{exercise_id} total"] == ""


@pytest.mark.slow
def test_notes_name_the_counted_set_aside_and_not_graded_files(graded_class):
    for learner, want in graded_class["expected"].items():
        notes = row_of(graded_class, learner)["notes"]
        if "counted" in want:
            assert f"counted {want['counted']}" in notes, (learner, notes)
        for path, points in want.get("set_aside", {}).items():
            assert f"set aside {path} ({points}/6)" in notes, (learner, notes)
        for path in want.get("not_graded", []):
            assert f"not graded: {path}" in notes, (learner, notes)
        if not want.get("set_aside"):
            assert "set aside" not in notes, (learner, notes)
    assert "answers no known exercise" in row_of(graded_class, "carol")["notes"]
    assert "not a valid notebook" in row_of(graded_class, "erin")["notes"]
    assert row_of(graded_class, "gina")["notes"] == (
        "not graded: gina/readme.txt (a .txt file: only notebooks (.ipynb) are graded); "
        "no notebook found")
    assert ("not graded: alice/notes.txt (a .txt file: only notebooks (.ipynb) are graded)"
            in row_of(graded_class, "alice")["notes"])
    assert ("ex02: ivy-Copy1.ipynb scored more (6/6) but does not count: a flat-layout copy "
            "never counts above the learner's own ivy.ipynb" in row_of(graded_class, "ivy")[
                "notes"])
    assert "checkpoint" not in row_of(graded_class, "dan")["notes"]
    assert "lena/ex02_momentum.ipynb: not a valid notebook" in row_of(graded_class, "lena")[
        "notes"]


@pytest.mark.slow
def test_names_come_from_metadata_and_no_cell_can_run_as_a_formula(graded_class):
    for learner, name in NAMES.items():
        assert row_of(graded_class, learner)["name"] == spreadsheet_safe(name)
    assert row_of(graded_class, "carol")["name"].startswith("'=HYPERLINK(")
    assert row_of(graded_class, "henry")["name"] == "'+1 Henry, H."
    assert row_of(graded_class, "bob")["name"] == 'Bob "The Builder", Jr.'
    assert row_of(graded_class, "dan")["name"] == ""
    for row in graded_class["rows"]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


@pytest.mark.slow
def test_each_row_points_to_its_learners_feedback(graded_class):
    out = graded_class["out"]
    files = set()
    for learner in graded_class["expected"]:
        feedback = row_of(graded_class, learner)["feedback"]
        files.add(feedback)
        text = (out / feedback).read_text()
        assert text.startswith("# Feedback for ")
    assert len(files) == len(graded_class["expected"])
    assert sorted(p.name for p in (out / "feedback").iterdir()) == sorted(
        Path(f).with_suffix(suffix).name for f in files for suffix in (".md", ".txt", ".html"))


@pytest.mark.slow
def test_feedback_says_which_notebook_counted_and_which_were_set_aside(graded_class):
    out = graded_class["out"]
    bob = (out / row_of(graded_class, "bob")["feedback"]).read_text()
    assert "Notebook `bob/my momentum.ipynb`" in bob
    assert "- `bob/ex02_momentum.ipynb`: 0/6, set aside" in bob
    assert "the best one counts" in bob
    carol = (out / row_of(graded_class, "carol")["feedback"]).read_text()
    assert "## Not graded" in carol and "`carol/scratch.ipynb`: answers no known exercise" in carol


@pytest.mark.slow
def test_a_right_step_on_a_wrong_soft_threshold_is_blamed_on_task_1(graded_class):
    erin = (graded_class["out"] / row_of(graded_class, "erin")["feedback"]).read_text()
    assert "This task calls your soft\\_threshold from ex10.q1, which is not right yet" in erin


@pytest.mark.slow
def test_the_console_summary_names_every_file_that_did_not_count(graded_class):
    printed = "\n".join(graded_class["printed"])
    assert "12 learners; 16 notebooks graded, 4 of them set aside; 4 not graded" in printed
    for learner, want in graded_class["expected"].items():
        for path in [*want.get("set_aside", {}), *want.get("not_graded", [])]:
            assert f"  {learner}: {path}" in printed, path
    assert "  ivy: ivy-Copy1.ipynb 6/6; ivy.ipynb counts (0/6)" in printed
    assert "no notebook at all: gina" in printed
    assert "could not be run (0 points):\n  lena: lena/ex02_momentum.ipynb: not a valid " \
           "notebook" in printed
    assert "timeouts: none" in printed and "crashes: none" in printed


@pytest.mark.slow
def test_grading_the_class_changes_none_of_its_files(graded_class):
    for path, content in graded_class["before"].items():
        assert path.read_bytes() == content


def test_layouts_decide_who_a_notebook_belongs_to(tmp_path):
    root = tmp_path / "submitted"
    for path in ("zoe/deep/down/anything.ipynb", "zoe/.hidden/x.ipynb", "__MACOSX/y.ipynb",
                 "amy.ipynb", "amy-Copy1.ipynb", "amy-Copy2.ipynb", "lone-Copy1.ipynb",
                 "ex02_momentum.ipynb"):
        save(root / path, SCRATCH)
    (root / "empty").mkdir()
    learners = {learner.id: [s.label for s in learner.submissions]
                for learner in discover([root])}
    assert learners == {
        "zoe": ["zoe/deep/down/anything.ipynb"],
        "amy": ["amy-Copy1.ipynb", "amy-Copy2.ipynb", "amy.ipynb"],
        "lone-Copy1": ["lone-Copy1.ipynb"],
        "submitted": ["ex02_momentum.ipynb"],
        "empty": [],
    }
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        discover([root / "missing"])


def test_a_notebook_is_matched_by_its_stamp_before_its_file_name(tmp_path):
    save(tmp_path / "sam" / "ex03_nesterov.ipynb", released("ex02", solved=False))
    save(tmp_path / "sam" / "untitled.ipynb", unstamped(answered("ex04")))
    (learner,) = discover([tmp_path])
    by_label = {s.label: s for s in learner.submissions}
    stamped = by_label["sam/ex03_nesterov.ipynb"]
    assert stamped.exercise is EXERCISES["ex02"] and stamped.matched_by == "its stamp"
    found = by_label["sam/untitled.ipynb"]
    assert found.exercise is EXERCISES["ex04"] and found.matched_by == "its check() calls"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_written_as_text(start):
    # A tab or a carriage return, like every control character, is written as its code.
    shown = {"\t": "\\x09", "\r": "\\x0d"}.get(start, start)
    assert spreadsheet_safe(f"{start}SUM(A1:A9)") == f"'{shown}SUM(A1:A9)"


def test_other_cells_are_written_as_they_are():
    for cell in ("alice", "Bob, Jr.", "1+1", " =1", 6, 0, ""):
        assert spreadsheet_safe(cell) == cell


@pytest.mark.slow
def test_feedback_says_how_an_unstamped_notebook_was_matched(graded_class):
    out = graded_class["out"]
    jack = (out / row_of(graded_class, "jack")["feedback"]).read_text()
    assert "(it has no exercise stamp: matched to ex03 by its check() calls)" in jack
    frank = (out / row_of(graded_class, "@frank")["feedback"]).read_text()
    assert "matched to ex02 by its file name" in frank
    alice = (out / row_of(graded_class, "alice")["feedback"]).read_text()
    assert "no exercise stamp" not in alice


def test_a_display_name_is_one_line_without_direction_overrides():
    from course_lib.grading.learners import display_name

    assert display_name("Ana\n\tMaria \u202eevil") == "Ana Maria evil"
    assert display_name(3) == "" and len(display_name("x" * 500)) == 100
