"""Handing the feedback back never touches a learner's own files: a file of theirs with the
target name is left as it was (same bytes), a link planted at the target is not followed, a
learner folder that is a link is refused, and nothing is written outside the learner's folder
(or, in the flat layout, anywhere but beside their notebook)."""

import csv
import hashlib
import io
import os
from pathlib import Path

from course_lib.grading.__main__ import main
from course_lib.grading.returning import return_feedback

TASKS = ["ex02.q1", "ex02.q2", "ex02.q3", "ex02.q4"]
HEADER = ["learner", "name", *TASKS, "ex02 total", "total", "out_of", "feedback", "notes"]


def graded_folder(folder: Path, learners: list[str]) -> Path:
    """grades.csv and feedback files as ``grade`` writes them, for ``learners``."""
    rows = [HEADER, ["max", "", "2", "2", "1", "1", "6", "6", "6", "", "the most points"]]
    (folder / "feedback").mkdir(parents=True)
    for learner in learners:
        stem = learner.replace("/", "_").replace(".", "_")
        rows.append([learner, "", "2", "2", "1", "1", "6", "6", "6", f"feedback/{stem}.md", ""])
        for suffix in (".md", ".txt", ".html"):
            (folder / "feedback" / f"{stem}{suffix}").write_text(f"feedback for {learner}{suffix}")
    handle = io.StringIO(newline="")
    csv.writer(handle).writerows(rows)
    (folder / "grades.csv").write_text(handle.getvalue())
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def everything(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): (os.readlink(p) if p.is_symlink() else
                                         digest(p) if p.is_file() else "folder")
            for p in sorted(folder.rglob("*"))}


def test_a_learners_own_file_with_the_target_name_is_untouched(tmp_path):
    graded = graded_folder(tmp_path / "graded", ["alice"])
    submitted = tmp_path / "submitted"
    (submitted / "alice").mkdir(parents=True)
    own = submitted / "alice" / "feedback.md"
    own.write_text("my notes, not the grader's")
    before = digest(own)
    done = return_feedback(graded, submitted)
    assert digest(own) == before
    assert (submitted / "alice" / "feedback-2.md").read_text() == "feedback for alice.md"
    assert (submitted / "alice" / "feedback.txt").read_text() == "feedback for alice.txt"
    assert (submitted / "alice" / "feedback.html").read_text() == "feedback for alice.html"
    assert "wrote alice/feedback-2.md: feedback.md is taken" in [str(d) for d in done]


def test_a_link_planted_at_the_target_is_not_followed(tmp_path):
    graded = graded_folder(tmp_path / "graded", ["alice"])
    submitted = tmp_path / "submitted"
    (submitted / "alice").mkdir(parents=True)
    elsewhere = tmp_path / "instructor_file.txt"
    elsewhere.write_text("the instructor's")
    before = digest(elsewhere)
    (submitted / "alice" / "feedback.txt").symlink_to(elsewhere)
    (submitted / "alice" / "feedback.md").symlink_to(tmp_path / "dangling.md")
    return_feedback(graded, submitted)
    assert digest(elsewhere) == before
    assert not (tmp_path / "dangling.md").exists()
    assert os.readlink(submitted / "alice" / "feedback.txt") == str(elsewhere)
    assert (submitted / "alice" / "feedback-2.txt").read_text() == "feedback for alice.txt"
    assert (submitted / "alice" / "feedback-2.md").read_text() == "feedback for alice.md"


def test_a_learner_folder_that_is_a_link_is_refused(tmp_path):
    graded = graded_folder(tmp_path / "graded", ["mallory"])
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    target = tmp_path / "someone_elses_folder"
    target.mkdir()
    (submitted / "mallory").symlink_to(target, target_is_directory=True)
    done = return_feedback(graded, submitted)
    assert list(target.iterdir()) == []
    assert [str(d) for d in done] == ["skipped mallory: the learner's folder is a link, "
                                      "not followed"]


def test_the_flat_layout_gets_the_feedback_beside_the_notebook(tmp_path, capsys):
    graded = graded_folder(tmp_path / "graded", ["bob", "-rf"])
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "bob.ipynb").write_text("{}")
    (submitted / "-rf.ipynb").write_text("{}")
    assert main(["return", str(graded), str(submitted)]) == 0
    printed = capsys.readouterr().out.splitlines()
    for suffix in (".md", ".txt", ".html"):
        assert (submitted / f"bob.feedback{suffix}").read_text() == f"feedback for bob{suffix}"
        assert f"wrote bob.feedback{suffix}" in printed
        assert (submitted / f"-rf.feedback{suffix}").exists()
    assert (submitted / "bob.ipynb").read_text() == "{}"
    before = everything(submitted)
    assert main(["return", str(graded), str(submitted)]) == 0  # a second time: nothing new
    assert everything(submitted) == before
    assert "skipped bob.feedback.md: bob.feedback.md is already there with the same text" in (
        capsys.readouterr().out.splitlines())


def test_nothing_is_written_outside_the_learners_folders(tmp_path):
    graded = graded_folder(tmp_path / "graded", ["alice", "ghost", "..", "../outside"])
    submitted = tmp_path / "class" / "submitted"
    (submitted / "alice").mkdir(parents=True)
    (submitted / "alice" / "ex02_momentum.ipynb").write_text("{}")
    outside = everything(tmp_path / "class")
    done = [str(d) for d in return_feedback(graded, submitted)]
    after = everything(tmp_path / "class")
    assert {k for k in after if k not in outside} == {
        f"submitted/alice/feedback{s}" for s in (".md", ".txt", ".html")}
    assert any(line.startswith("skipped ghost: no folder ghost/") for line in done)
    assert "skipped ..: not a name in the submissions folder" in done
    assert "skipped ../outside: not a name in the submissions folder" in done
