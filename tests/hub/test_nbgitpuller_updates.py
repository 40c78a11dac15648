"""What nbgitpuller (the real one, its GitPuller) does to a learner's edited notebook when the
instructor changes the same notebook upstream and the learner clicks the link again: the
learner's file is kept and the upstream change to it never arrives, silently; a fix shipped as
a new file does arrive. hub/README.md's safe procedure rests on this."""

import importlib
import json
import subprocess

GIT = ["git", "-c", "user.name=Instructor", "-c", "user.email=i@example.org"]


def notebook(text: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                                  "outputs": [], "source": text}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def commit(folder, message):
    subprocess.run([*GIT, "add", "-A"], cwd=folder, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", message], cwd=folder, check=True)
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=folder, check=True)


def pull(repo, home):
    # Imported here: the hub_tools fixture may have just installed it.
    importlib.invalidate_caches()
    puller = importlib.import_module("nbgitpuller.pull").GitPuller
    for _ in puller(f"file://{repo}", str(home / "course.git"), branch="main").pull():
        pass


def test_an_edited_notebook_is_kept_and_its_upstream_change_silently_dropped(tmp_path,
                                                                             hub_tools):
    upstream = tmp_path / "course.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", upstream], check=True)
    work = tmp_path / "instructor"
    subprocess.run(["git", "clone", "-q", upstream, work], check=True, capture_output=True)
    (work / "exercises").mkdir()
    (work / "exercises" / "ex02.ipynb").write_text(notebook("x = 1  # the task"))
    commit(work, "the course")
    home = tmp_path / "home"
    home.mkdir()
    pull(upstream, home)
    learners = home / "course.git" / "exercises" / "ex02.ipynb"
    learners.write_text(notebook("x = 42  # the learner's answer"))

    (work / "exercises" / "ex02.ipynb").write_text(notebook("x = 2  # the instructor's fix"))
    (work / "exercises" / "ex02_fix.md").write_text("the fix, as a new file\n")
    commit(work, "a fix")
    pull(upstream, home)

    assert "the learner's answer" in learners.read_text()
    assert "the instructor's fix" not in learners.read_text()
    assert (home / "course.git" / "exercises" / "ex02_fix.md").read_text() == \
        "the fix, as a new file\n"
