"""Binder: what repo2docker does with this repository, step by step, in a fresh environment.

repo2docker installs ``requirements.txt`` into a new environment, from the repository's folder,
then runs ``postBuild`` there; the image then starts ``jupyter lab``. Here the same steps run
into a fresh venv (with ``python-3.11`` from ``runtime.txt``, which is what Binder reads for the
Python version), and the JupyterLab they install must serve the comms-over-subshells setting
with its default turned to "disabled" by ``jupyter/overrides.json``: not before ``postBuild``,
and after it.
"""

import json
import re
import tomllib

import freshenv
import labdriver
import pytest
from packaging.specifiers import SpecifierSet

pytestmark = pytest.mark.slow


def comms_over_subshells_default(bin_dir, course, home) -> str:
    with labdriver.JupyterLab(bin_dir / "jupyter", course, home) as lab:
        schema = lab.setting(labdriver.KERNELS_SETTINGS)["schema"]
    return schema["properties"]["commsOverSubshells"]["default"]


def test_runtime_txt_asks_binder_for_a_python_the_project_supports():
    runtime = (freshenv.REPO / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"runtime.txt must read python-X.Y, not {runtime!r}"
    project = tomllib.loads((freshenv.REPO / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(project["requires-python"]).contains(f"{match.group(1)}.0")


def test_postbuild_puts_the_settings_override_in_force_in_a_fresh_environment(tmp_path):
    repo = freshenv.clone_head(tmp_path / "repo")
    env = freshenv.clean_env(tmp_path / "home")
    bin_dir = freshenv.fresh_venv(tmp_path / "binder-env", env)
    freshenv.pip_install(bin_dir, "-r", "requirements.txt", cwd=repo, env=env)

    course = labdriver.copy_course(repo, tmp_path / "course")
    before = comms_over_subshells_default(bin_dir, course, tmp_path / "lab-before")
    assert before != "disabled", (
        "JupyterLab's own default is already 'disabled': the override may no longer be needed")

    # repo2docker puts the environment's bin first on PATH; postBuild runs from anywhere.
    on_path = freshenv.clean_env(tmp_path / "home", path_first=bin_dir)
    freshenv.run([repo / "postBuild"], cwd=tmp_path, env=on_path)
    installed = tmp_path / "binder-env" / "share" / "jupyter" / "lab" / "settings"
    assert (json.loads((installed / "overrides.json").read_text())
            == json.loads((repo / "jupyter" / "overrides.json").read_text()))
    after = comms_over_subshells_default(bin_dir, course, tmp_path / "lab-after")
    assert after == "disabled"
