"""`make lab`'s command line, read with `make -n` (printed, not run): root and LAB_ARGS."""

import os
import shlex
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lab_command(*make_args: str) -> list[str]:
    """The `jupyter lab` command that `make lab` would run here, split into words."""
    printed = subprocess.run(["make", "-n", "lab", *make_args], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout
    # make prints a recipe line continued with a backslash as two lines.
    joined = printed.replace("\\\n", " ")
    lines = [line for line in joined.splitlines() if "/jupyter lab " in line]
    assert len(lines) == 1, printed
    return shlex.split(lines[0])


def test_lab_allows_root_exactly_when_run_as_root():
    command = lab_command()
    assert ("--allow-root" in command) == (os.geteuid() == 0)


def test_lab_serves_the_whole_course_and_opens_lesson_one():
    command = lab_command()
    assert "--ServerApp.root_dir=." in command
    assert command[-1] == "notebooks/01_gradient_descent.ipynb"


def test_lab_args_reach_jupyterlab_word_for_word():
    command = lab_command('LAB_ARGS=--port 9999 --no-browser')
    assert command[command.index("--port"):command.index("--port") + 3] == [
        "--port", "9999", "--no-browser"]
