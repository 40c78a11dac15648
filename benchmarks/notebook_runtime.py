"""How long each lesson takes to execute headless, and the total.

    .venv/bin/python benchmarks/notebook_runtime.py [notebooks/NN_x.ipynb ...]

Runs every lesson top to bottom in a fresh kernel of this environment (nbclient), as nbval
does in CI, and prints a Markdown table: kernel start-up excluded, then the total with it.
Goal: the eleven lessons together in 60 s or less on two cores.
"""

from __future__ import annotations

import argparse
import pathlib
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0


def run(path: pathlib.Path) -> tuple[float, float]:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    began = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
    finished = time.perf_counter()
    return finished - started, finished - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    print("| lesson | cells run (s) | with kernel start (s) |")
    print("| --- | ---: | ---: |")
    total = 0.0
    for path in paths:
        cells, whole = run(path)
        total += whole
        print(f"| {path.name} | {cells:.1f} | {whole:.1f} |", flush=True)
    verdict = "within" if total <= GOAL_SECONDS else "OVER"
    print(f"| **total** | | **{total:.1f}** ({verdict} the {GOAL_SECONDS:.0f} s goal) |")


if __name__ == "__main__":
    main()
