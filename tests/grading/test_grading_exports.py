"""grades.csv in an LMS's own import format. The expected headers are written here by hand from
each system's documentation, never from the exporter:

- Canvas: https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807
  and the importer itself, canvas-lms app/models/gradebook_importer.rb: the first columns are
  Student, ID, SIS User ID, SIS Login ID, Section; an assignment column is "Name (id)"; a row
  whose first cell says "Points Possible" describes the assignments;
- Moodle: https://docs.moodle.org/en/Grade_import (the import format is the export format)
  and grade/export/lib.php, format_column_name: a grade column is "Name (Real)", its feedback
  "Name (Feedback)"; the user columns are First name, Last name, ID number, Email address;
- Gradescope: https://gradescope-autograders.readthedocs.io/en/latest/specs/ : results.json
  has "score", "output" and "tests", each with "name", "score", "max_score", "output".

The graded folder is written here as ``grade`` documents it (a header, the ``max`` row, a row
per learner, a ``'`` before a cell that starts like a formula), so the marks are known."""

import csv
import io
import json
from pathlib import Path

import pytest

from course_lib.grading.__main__ import main
from course_lib.grading.exports import export

TASKS = ["ex02.q1", "ex02.q2", "ex02.q3", "ex02.q4"]
HEADER = ["learner", "name", *TASKS, "ex02 total", "total", "out_of", "feedback", "notes"]
BOB = '=bob, "the builder"'
LEARNERS = {
    # id: (name, task marks, feedback stem)
    "alice": ("Alice Martin", ["2", "2", "1", "1"], "alice"),
    BOB: ("", ["1.33", "0", "1", "0"], "bob_the_builder"),
    "carol": ("", ["0", "0", "0", "0"], "carol"),
}
ALICE_TEXT = ("Feedback for alice (Alice Martin)\n=================================\n\n"
              "ex02 · Momentum: 6/6 points\n---------------------------\n\n"
              "ex02.q1 · momentum_step (2/2)\n\n✓ all 14 cases passed.\n\n"
              "ex02.q2 · terminal_velocity (2/2)\n\n✓ all 14 cases passed.\n\n"
              "ex02.q3 · speedup (1/1)\n\n✓ correct.\n\n"
              "ex02.q4 · lower_beta_answer (1/1)\n\n✓ correct. learning_rate\n")


def graded_folder(folder: Path) -> Path:
    rows = [HEADER, ["max", "", "2", "2", "1", "1", "6", "6", "6", "", "the most points"]]
    for learner, (name, marks, stem) in LEARNERS.items():
        total = f"{sum(map(float, marks)):g}"
        shown = "'" + learner if learner.startswith("=") else learner
        rows.append([shown, name, *marks, total, total, "6", f"feedback/{stem}.md", ""])
        (folder / "feedback").mkdir(parents=True, exist_ok=True)
        (folder / "feedback" / f"{stem}.md").write_text(f"# Feedback for {stem}\n")
        (folder / "feedback" / f"{stem}.txt").write_text(
            ALICE_TEXT if learner == "alice" else f"Feedback for {learner}\n")
    handle = io.StringIO(newline="")
    csv.writer(handle).writerows(rows)
    (folder / "grades.csv").write_text(handle.getvalue())
    return folder


def read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows) -> Path:
    handle = io.StringIO(newline="")
    csv.writer(handle).writerows(rows)
    path.write_text(handle.getvalue())
    return path


CANVAS_ROSTER = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 02 (4567)",
     "Current Score"],
    ["    Points Possible", "", "", "", "", "6", "(read only)"],
    ["Martin, Alice", "101", "S-101", "Alice@uni.example", "Lab A", "", ""],
    ["Builder, Bob", "102", "S-102", BOB, "Lab B", "", ""],
    ["Nobody, Nora", "103", "S-103", "nora@uni.example", "Lab A", "", ""],
]


def test_canvas_has_its_leading_columns_the_assignment_and_points_possible(tmp_path):
    graded = graded_folder(tmp_path / "graded")
    roster = write_csv(tmp_path / "roster.csv", CANVAS_ROSTER)
    folder, _ = export(graded, "canvas", roster)
    header, points, *rows = read(folder / "grades.csv")
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                      "Exercise 02 (4567)"]  # the roster's column: Canvas updates assignment 4567
    assert points == ["Points Possible", "", "", "", "", "6"]
    assert ["Martin, Alice", "101", "S-101", "Alice@uni.example", "Lab A", "6"] in rows
    assert ["Builder, Bob", "102", "S-102", BOB, "Lab B", "2.33"] in rows
    assert len(rows) == 2


def test_roster_matching_lists_an_unmatched_learner_and_an_unmatched_roster_row(
        tmp_path, capsys):
    graded = graded_folder(tmp_path / "graded")
    roster = write_csv(tmp_path / "roster.csv", CANVAS_ROSTER)
    assert main(["export", str(graded), "--to", "canvas", "--roster", str(roster)]) == 0
    printed = capsys.readouterr().out
    listed = (graded / "canvas" / "unmatched.txt").read_text().splitlines()
    assert listed == ["learner carol: no roster row has this id",
                      "roster Student Nobody, Nora, ID 103, SIS User ID S-103, SIS Login ID "
                      "nora@uni.example, Section Lab A: no learner in grades.csv"]
    for line in listed:
        assert f"unmatched: {line}" in printed
    assert "2 unmatched" in printed


def test_without_a_roster_canvas_matches_on_the_login_id_exactly(tmp_path):
    graded = graded_folder(tmp_path / "graded")
    folder, unmatched = export(graded, "canvas")
    _, _, *rows = read(folder / "grades.csv")
    assert unmatched == [] and not (folder / "unmatched.txt").exists()
    by_login = {row[3]: row for row in rows}
    # the id with a comma, quotes and a formula sign survives quoting, without the ' that
    # grades.csv adds for spreadsheets
    assert by_login[BOB] == [BOB, "", "", BOB, "", "2.33"]
    assert by_login["alice"][0] == "Alice Martin"
    assert set(by_login) == set(LEARNERS)


def test_moodle_has_a_grade_and_a_feedback_column_per_exercise(tmp_path):
    graded = graded_folder(tmp_path / "graded")
    roster = write_csv(tmp_path / "moodle.csv", [
        ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
         "Assignment: Momentum (Real)", "Last downloaded from this course"],
        ["Alice", "Martin", "20240001", "", "", "alice@uni.example", "", "1700000000"],
        ["Bob", "Builder", BOB, "", "", "bob@uni.example", "", "1700000000"],
    ])
    folder, unmatched = export(graded, "moodle", roster)
    header, *rows = read(folder / "grades.csv")
    assert header == ["First name", "Last name", "ID number", "Email address",
                      "Exercise 02 (Real)", "Exercise 02 (Feedback)"]
    alice = next(row for row in rows if row[0] == "Alice")
    assert alice[:5] == ["Alice", "Martin", "20240001", "alice@uni.example", "6"]
    assert alice[5] == ALICE_TEXT and "\\" not in alice[5]
    bob = next(row for row in rows if row[0] == "Bob")
    assert bob[2] == BOB and bob[4] == "2.33"
    assert unmatched == ["learner carol: no roster row has this id"]


def test_gradescope_writes_a_results_json_per_learner(tmp_path):
    graded = graded_folder(tmp_path / "graded")
    folder, _ = export(graded, "gradescope")
    files = sorted(folder.glob("*/results.json"))
    assert len(files) == len(LEARNERS)
    for path in files:
        results = json.loads(path.read_text())
        assert {"score", "output", "tests"} <= set(results)
        assert len(results["tests"]) == 4
        for test in results["tests"]:
            assert {"name", "score", "max_score", "output"} <= set(test)
            assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
            assert isinstance(test["output"], str) and test["output"]
        assert [t["max_score"] for t in results["tests"]] == [2, 2, 1, 1]
        assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    alice = json.loads((folder / "alice" / "results.json").read_text())
    assert alice["score"] == 6 and alice["output"] == ALICE_TEXT
    assert alice["tests"][0]["name"] == "ex02.q1 momentum_step"
    assert alice["tests"][0]["output"] == ("ex02.q1 · momentum_step (2/2)\n\n"
                                           "✓ all 14 cases passed.")
    bob = next(json.loads(p.read_text()) for p in files
               if json.loads(p.read_text())["extra_data"]["learner"] == BOB)
    assert bob["score"] == pytest.approx(2.33) and bob["tests"][0]["score"] == 1.33


def test_a_roster_without_id_columns_is_refused_naming_them(tmp_path, capsys):
    graded = graded_folder(tmp_path / "graded")
    roster = write_csv(tmp_path / "roster.csv", [["Name", "Score"], ["Alice", "3"]])
    assert main(["export", str(graded), "--to", "gradescope", "--roster", str(roster)]) == 2
    assert "roster must have a column among SID, Email" in capsys.readouterr().err
    assert not (graded / "gradescope").exists()


def test_a_folder_without_the_max_row_is_refused(tmp_path, capsys):
    (tmp_path / "grades.csv").write_text("learner,name,total\nalice,,3\n")
    assert main(["export", str(tmp_path), "--to", "canvas"]) == 2
    assert "grades.csv must begin with its 'max' row" in capsys.readouterr().err
