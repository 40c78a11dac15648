"""A newcomer's path without make: the README's plain commands (POSIX form), from a fresh clone.

    python3 -m venv .venv
    .venv/bin/python -m pip install -r requirements.txt
    .venv/bin/jupyter lab notebooks/01_gradient_descent.ipynb

The same sequence as the README's Windows and macOS blocks; here JupyterLab is started on
127.0.0.1 by the browser suite's driver, which stops it by process id, and must serve lesson 1.
"""

import freshenv
import labdriver
import pytest

pytestmark = pytest.mark.slow


def test_the_plain_commands_install_the_course_and_jupyterlab_serves_lesson_1(tmp_path):
    clone = freshenv.clone_head(tmp_path / "faster-optimizers")
    env = freshenv.clean_env(tmp_path / "home")
    freshenv.run([freshenv.PYTHON, "-m", "venv", ".venv"], cwd=clone, env=env)
    bin_dir = clone / ".venv" / "bin"
    freshenv.run([bin_dir / "python", "-m", "pip", "install", "-r", "requirements.txt"],
                 cwd=clone, env=env)
    freshenv.run([bin_dir / "python", "-c", "import course_lib.widgets"], cwd=clone, env=env)
    with labdriver.JupyterLab(bin_dir / "jupyter", clone, tmp_path / "lab") as lab:
        model = lab.api("api/contents/notebooks/01_gradient_descent.ipynb")
        assert model["type"] == "notebook" and model["content"]["cells"]
