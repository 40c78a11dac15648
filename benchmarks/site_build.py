"""How long `make site`'s build takes from nothing, and how large the site is.

    .venv/bin/python benchmarks/site_build.py [--runs 3]

Each run deletes _build/ and runs site/build.py (staging, Jupyter Book's configuration, Sphinx
with every warning an error), as `make site` does once the venv and node_modules exist. Prints
each run's wall time, the median, and the site's size on disk (the MathJax copy apart).
Goal: under two minutes on two cores.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "site"
GOAL_SECONDS = 120.0


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for run in range(args.runs):
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        began = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "site" / "build.py")], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
        print(f"run {run + 1}: {times[-1]:.1f} s")
    median = statistics.median(times)
    verdict = "within" if median < GOAL_SECONDS else "over"
    print(f"median {median:.1f} s over {args.runs} runs ({verdict} the {GOAL_SECONDS:.0f} s goal)")
    pages = len([p for p in SITE.rglob("*.html") if "_static" not in p.parts])
    print(f"site: {size_mb(SITE):.1f} MB, {pages} pages; MathJax "
          f"{size_mb(SITE / '_static' / 'mathjax'):.1f} MB, pictures "
          f"{size_mb(SITE / '_images'):.1f} MB, downloadable notebooks "
          f"{size_mb(SITE / '_downloads'):.1f} MB")


if __name__ == "__main__":
    main()
