"""A shared JupyterHub, or any Jupyter already there: ``pip install`` of the course's wheel.

The wheel is built from the committed HEAD and must carry every module of ``course_lib`` and its
data files (the cached races and sweeps some explorers replay), with an SPDX licence and no
packaging warning. Installed into a fresh venv outside the repository, with only what a hub's
kernel environment has besides (ipykernel, and nbclient to run a notebook), it must run lesson 8
top to bottom, the lesson whose explorers read those data files, from the installed package.
"""

import zipfile

import freshenv
import pytest

pytestmark = pytest.mark.slow

# The race explorers replay course_lib/data/race_*.npz.
LESSON = "08_race.ipynb"

RUN_LESSON = """
import sys
import nbclient
import nbformat

notebook = nbformat.read(sys.argv[1], as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import sys, course_lib; print(course_lib.__file__); print(sys.executable)"))
nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                        resources={"metadata": {"path": "."}}).execute()
print(notebook.cells[-1].outputs[0]["text"], end="")
"""


def package_files(repo) -> set[str]:
    """Every file of course_lib in the clone, as a path inside the wheel."""
    return {path.relative_to(repo).as_posix() for path in (repo / "course_lib").rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The clone, the wheel built from it, and pip's output while building."""
    base = tmp_path_factory.mktemp("wheel")
    repo = freshenv.clone_head(base / "repo")
    env = freshenv.clean_env(base / "home")
    bin_dir = freshenv.fresh_venv(base / "builder", env)
    output = freshenv.run([bin_dir / "python", "-m", "pip", "wheel", "--no-deps",
                           "--wheel-dir", base / "dist", repo], cwd=base, env=env)
    wheels = list((base / "dist").glob("*.whl"))
    assert len(wheels) == 1, wheels
    return repo, wheels[0], output


def test_the_wheel_builds_without_packaging_warnings(built):
    _, _, output = built
    for warning in ("Warning", "Deprecat", "!!"):
        assert warning not in output, output


def test_the_wheel_carries_every_module_and_data_file_and_an_spdx_licence(built):
    repo, wheel, _ = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    shipped = {name for name in names if name.startswith("course_lib/")}
    expected = package_files(repo)
    assert any(name.endswith(".npz") for name in expected)
    assert shipped == expected
    assert "License-Expression: MIT" in metadata.decode().splitlines()


def test_the_installed_wheel_runs_a_lesson_outside_the_repository(built, tmp_path):
    repo, wheel, _ = built
    elsewhere = tmp_path / "learner"
    elsewhere.mkdir()
    env = freshenv.clean_env(tmp_path / "home")
    bin_dir = freshenv.fresh_venv(tmp_path / "hub-env", env)
    freshenv.pip_install(bin_dir, wheel, "ipykernel", "nbclient", cwd=elsewhere, env=env)

    lesson = elsewhere / LESSON
    lesson.write_text((repo / "notebooks" / LESSON).read_text())
    script = elsewhere / "run_lesson.py"
    script.write_text(RUN_LESSON)
    printed = freshenv.run([bin_dir / "python", script, lesson], cwd=elsewhere, env=env)
    module, kernel_python = printed.strip().splitlines()[-2:]
    site = tmp_path / "hub-env" / "lib"
    assert module.startswith(str(site)) and module.endswith("course_lib/__init__.py"), module
    assert kernel_python.startswith(str(tmp_path / "hub-env")), kernel_python
