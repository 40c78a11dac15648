"""The learner's install: how long `make venv` takes and how much disk its .venv uses.

    .venv/bin/python benchmarks/learner_venv.py [--runs 2]

The committed HEAD is cloned into a temporary folder and `make venv` (what `make lab` runs
before it starts JupyterLab) builds the learner's .venv there, `--runs` times from scratch; the
first run fills pip's cache, the later ones show the time with a warm cache. Then lesson 1 is
executed once in that venv, as a learner's first session would, which writes the bytecode of
every module it imports. Reported: wall time per run, the venv's disk use (du) and apparent size
after the install and after the lesson, and the ten largest distributions in it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_MB = 400

# Per distribution: the files its RECORD lists, plus their bytecode, measured from inside.
SIZES = """
import json, os
from importlib import metadata
sizes = {}
for dist in metadata.distributions():
    total = 0
    for file in dist.files or []:
        path = str(file.locate())
        if os.path.isfile(path):
            total += os.path.getsize(path)
            cached = os.path.join(os.path.dirname(path), "__pycache__")
            stem = os.path.splitext(os.path.basename(path))[0]
            if path.endswith(".py") and os.path.isdir(cached):
                total += sum(os.path.getsize(os.path.join(cached, name))
                             for name in os.listdir(cached) if name.startswith(stem + "."))
    sizes[dist.metadata["Name"]] = total
print(json.dumps(sizes))
"""


def disk_use(folder: Path) -> tuple[int, int]:
    """(bytes on disk, as du counts them; bytes of content) of everything under ``folder``."""
    blocks = content = 0
    for root, _, files in os.walk(folder):
        for name in files:
            status = os.lstat(os.path.join(root, name))
            blocks += status.st_blocks * 512
            content += status.st_size
    return blocks, content


def learner_env() -> dict[str, str]:
    """A learner's shell: no venv active, bytecode written as Python normally does."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "MAKEFLAGS",
                          "MAKELEVEL", "MFLAGS")}
    ours = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != ours)
    return env


def mb(count: int) -> str:
    return f"{count / 1e6:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="builds from scratch (default 2)")
    runs = parser.parse_args().runs
    if runs < 1:
        parser.error(f"--runs must be at least 1, got {runs}")

    env = learner_env()
    with tempfile.TemporaryDirectory(prefix="learner-venv-") as scratch:
        clone = Path(scratch) / "faster-optimizers"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        times = []
        for run in range(1, runs + 1):
            subprocess.run(["make", "clean"], cwd=clone, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            start = time.perf_counter()
            subprocess.run(["make", "venv"], cwd=clone, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            print(f"run {run}: make venv took {times[-1]:.1f} s", file=sys.stderr)
        venv = clone / ".venv"
        installed = disk_use(venv)

        start = time.perf_counter()
        subprocess.run(
            [venv / "bin" / "jupyter", "nbconvert", "--to", "notebook", "--execute",
             "--output", Path(scratch) / "lesson.ipynb", "notebooks/01_gradient_descent.ipynb"],
            cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first_lesson = time.perf_counter() - start
        used = disk_use(venv)
        sizes = subprocess.run([venv / "bin" / "python", "-c", SIZES], env=env, check=True,
                               capture_output=True, text=True).stdout

    largest = sorted(json.loads(sizes).items(), key=lambda item: -item[1])[:10]
    print("| make venv, run | wall (s) |\n| --- | ---: |")
    for run, seconds in enumerate(times, 1):
        note = " (pip cache filled by run 1)" if run > 1 else ""
        print(f"| {run}{note} | {seconds:.1f} |")
    print("\n| .venv | on disk, du (MB) | content (MB) |\n| --- | ---: | ---: |")
    print(f"| after `make venv` | {mb(installed[0])} | {mb(installed[1])} |")
    print(f"| after lesson 1 ran once ({first_lesson:.1f} s) | {mb(used[0])} | {mb(used[1])} |")
    verdict = "within" if used[0] < GOAL_MB * 1e6 else "over"
    print(f"\nGoal: under {GOAL_MB} MB; after first use the venv is {verdict} it.")
    print("\n| largest distributions | MB |\n| --- | ---: |")
    for name, size in largest:
        print(f"| {name} | {size / 1e6:.1f} |")


if __name__ == "__main__":
    main()
