"""Fresh virtual environments outside the repository, as a hub, Binder or a learner makes them.

Every environment here starts empty (``python3 -m venv``) and gets only what the step under test
installs. pip runs with ``--no-compile``: bytecode is written on first import anyway, and
skipping it keeps these builds to a few seconds more than the copying of files. Nothing from the
machine leaks in: no active virtualenv, no user site-packages, empty per-user Jupyter folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = "python3"
# pip with a warm cache copies files for most of this; a cold one downloads them.
INSTALL_TIMEOUT_S = 600


def clean_env(home: Path, path_first: Path | None = None) -> dict[str, str]:
    """The environment of a command in a fresh set-up whose per-user folders are under ``home``."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "JPY_", "IPYTHON", "MPL", "PYTHON", "VIRTUAL_ENV"))}
    for variable, name in {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
                           "JUPYTER_RUNTIME_DIR": "runtime", "IPYTHONDIR": "ipython",
                           "MPLCONFIGDIR": "matplotlib"}.items():
        (home / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / name)
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    our_venv = (Path(sys.prefix) / "bin").resolve()
    entries = [entry for entry in env.get("PATH", "").split(os.pathsep)
               if entry and Path(entry).resolve() != our_venv]
    if path_first is not None:
        entries.insert(0, str(path_first))
    env["PATH"] = os.pathsep.join(entries)
    return env


def run(command: list, cwd: Path, env: dict[str, str], timeout: float = INSTALL_TIMEOUT_S) -> str:
    """Run ``command``; its output (stdout and stderr together), or a failure that shows it."""
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        raise AssertionError(f"`{' '.join(map(str, command))}` exited with code "
                             f"{done.returncode}:\n{done.stdout[-4000:]}")
    return done.stdout


def clone_head(destination: Path) -> Path:
    """The committed HEAD of this repository, as Binder or a hub's administrator gets it."""
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(destination)], check=True,
                   timeout=120)
    return destination


def fresh_venv(path: Path, env: dict[str, str]) -> Path:
    """An empty virtual environment at ``path``; its ``bin`` folder."""
    run([PYTHON, "-m", "venv", path], cwd=path.parent, env=env)
    return path / "bin"


def pip_install(bin_dir: Path, *requirements, cwd: Path, env: dict[str, str]) -> str:
    return run([bin_dir / "python", "-m", "pip", "install", "--no-compile", *requirements],
               cwd=cwd, env=env)
