"""A newcomer's path without make: the README's plain commands (their POSIX form), from a
fresh clone, with nothing prepared but Python and git.

    python3 -m venv .venv
    .venv/bin/python -m pip install -r requirements.txt
    .venv/bin/python -c "<OVERRIDE>"          # what postBuild does, without bash
    .venv/bin/jupyter lab notebooks/01_gradient_descent.ipynb

The Windows (PowerShell) and macOS blocks of the README are the same commands with
``.venv\\Scripts\\`` or ``python3``. Here JupyterLab is started on 127.0.0.1 by the browser
suite's driver, which stops it by process id; it must serve lesson 1 and the settings override.
"""

import re

import freshenv
import labdriver
import pytest

pytestmark = pytest.mark.slow


def readme_override_command(clone) -> str:
    """The one-line Python the README gives in place of postBuild, as written there."""
    readme = (clone / "README.md").read_text(encoding="utf-8")
    found = re.search(r'^ *\.venv/bin/python -c "(.+)"$', readme, re.MULTILINE)
    assert found, "README: no `.venv/bin/python -c \"...\"` line for the settings override"
    return found.group(1)


def test_the_plain_commands_install_the_course_and_jupyterlab_serves_lesson_1(tmp_path):
    clone = freshenv.clone_head(tmp_path / "faster-optimizers")
    env = freshenv.clean_env(tmp_path / "home")
    freshenv.run([freshenv.PYTHON, "-m", "venv", ".venv"], cwd=clone, env=env)
    python = clone / ".venv" / "bin" / "python"
    freshenv.run([python, "-m", "pip", "install", "-r", "requirements.txt"], cwd=clone, env=env)
    freshenv.run([python, "-c", readme_override_command(clone)], cwd=clone, env=env)
    with labdriver.JupyterLab(clone / ".venv" / "bin" / "jupyter", clone, tmp_path / "lab") as lab:
        model = lab.api("api/contents/notebooks/01_gradient_descent.ipynb")
        assert model["type"] == "notebook" and model["content"]["cells"]
        schema = lab.setting(labdriver.KERNELS_SETTINGS)["schema"]
        assert schema["properties"]["commsOverSubshells"]["default"] == "disabled"
