"""collect --from-homes: every user's exercise notebooks copied out, the homes only read."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib.grading.collecting import collect


def tree_state(root: Path) -> dict[str, tuple]:
    """Every entry under ``root`` (links not followed): its kind, bytes' hash and mtime."""
    state = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = (os.readlink(path) if path.is_symlink() else
                  hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
        state[str(path.relative_to(root))] = (info.st_mode, digest, info.st_mtime_ns)
    return state


@pytest.fixture
def homes(tmp_path):
    root = tmp_path / "homes"
    secret = tmp_path / "instructor"
    (secret / "exercises").mkdir(parents=True)
    (secret / "exercises" / "ex02_momentum.ipynb").write_text('{"secret": 1}')
    alice = root / "alice" / "course" / "exercises"
    alice.mkdir(parents=True)
    (alice / "ex02_momentum.ipynb").write_text('{"alice": 1}')
    (alice / "ex02_momentum-Copy1.ipynb").write_text('{"alice": 2}')
    (alice / ".ipynb_checkpoints").mkdir()
    (alice / ".ipynb_checkpoints" / "ex02_momentum-checkpoint.ipynb").write_text("{}")
    (alice / "notes.txt").write_text("not a notebook")
    (root / "alice" / "course" / "notebooks").mkdir()
    (root / "alice" / "course" / "notebooks" / "01.ipynb").write_text("{}")
    bob = root / "bob" / "course" / "exercises"
    bob.mkdir(parents=True)
    (bob / "ex02_momentum.ipynb").symlink_to(secret / "exercises" / "ex02_momentum.ipynb")
    (bob / "linked").symlink_to(secret / "exercises")
    os.mkfifo(bob / "ex03_nesterov.ipynb")
    (bob / "ex04_adagrad_rmsprop.ipynb").write_bytes(b"x" * 2000)
    (root / "mallory").symlink_to(secret)
    (root / "chloe").mkdir()
    return root


def test_collect_copies_exercise_notebooks_and_leaves_the_homes_as_they_were(homes, tmp_path):
    before = tree_state(homes)
    done = collect(homes, tmp_path / "submitted", limit=1000)
    assert tree_state(homes) == before
    out = tmp_path / "submitted"
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "alice", "alice/ex02_momentum-Copy1.ipynb", "alice/ex02_momentum.ipynb", "bob", "chloe"]
    assert (out / "alice" / "ex02_momentum.ipynb").read_text() == '{"alice": 1}'
    source = homes / "alice" / "course" / "exercises" / "ex02_momentum.ipynb"
    assert (out / "alice" / "ex02_momentum.ipynb").stat().st_mtime_ns == source.stat().st_mtime_ns
    lines = [str(d) for d in done]
    assert "skipped bob: course/exercises/ex02_momentum.ipynb (a link, not followed)" in lines
    assert "skipped bob: course/exercises/linked (a link to a folder, not followed)" in lines
    assert any(line.startswith("skipped bob: course/exercises/ex03_nesterov.ipynb (a named pipe")
               for line in lines)
    assert any(line.startswith("skipped bob: course/exercises/ex04_adagrad_rmsprop.ipynb "
                               "(2,000 bytes, more than the 1,000") for line in lines)
    assert "skipped mallory: mallory/ (the home is a link, not followed)" in lines
    assert "found chloe: chloe/ (no notebook under <course>/exercises/)" in lines


def test_collect_refuses_an_out_folder_that_holds_something(homes, tmp_path):
    (tmp_path / "submitted").mkdir()
    (tmp_path / "submitted" / "old").write_text("")
    with pytest.raises(ValueError, match="^--out must be a new or empty folder"):
        collect(homes, tmp_path / "submitted")


def test_the_command_collects_and_return_puts_feedback_in_the_homes_without_overwriting(
        homes, tmp_path):
    grading = [sys.executable, "-m", "course_lib.grading"]
    ran = subprocess.run([*grading, "collect", "--from-homes", homes, "--out",
                          tmp_path / "submitted"], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert "copied alice: course/exercises/ex02_momentum.ipynb" in ran.stdout
    graded = tmp_path / "graded"
    (graded / "feedback").mkdir(parents=True)
    (graded / "grades.csv").write_text("learner,name,total,out_of,feedback,notes\n"
                                       "max,,6,6,,\nalice,,3,6,feedback/alice.md,\n")
    for suffix in (".md", ".txt", ".html"):
        (graded / "feedback" / f"alice{suffix}").write_text(f"feedback{suffix}")
    (homes / "alice" / "feedback.md").write_text("alice's own file")
    ran = subprocess.run([*grading, "return", graded, homes], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert (homes / "alice" / "feedback.md").read_text() == "alice's own file"
    assert (homes / "alice" / "feedback-2.md").read_text() == "feedback.md"
    assert (homes / "alice" / "feedback.html").read_text() == "feedback.html"
