"""Kernel-side latency of every explorer: one control move = compute + render to an image.

    .venv/bin/python benchmarks/widget_latency.py [--points 9] [--only NAME ...]

Builds each explorer registered in ``course_lib.widgets.EXPLORERS``, moves every control
across its range (course_lib.widgets.sweep, the same moves the sweep test makes) and prints
a Markdown table of the median and 95th percentile time of one update. Goal: median <= 40 ms
and p95 <= 80 ms for every explorer.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib.widgets import EXPLORERS
from course_lib.widgets.sweep import sweep

MEDIAN_GOAL_MS, P95_GOAL_MS = 40.0, 80.0


def measure(name: str, points: int) -> tuple[float, float, float, int]:
    began = time.perf_counter()
    explorer = EXPLORERS[name]()
    build = time.perf_counter() - began
    # Two passes: the first fills whatever caches an explorer keeps, the second is what a
    # learner feels when moving back and forth; both are kept, as a learner does both.
    times = [move.seconds for _ in range(2) for move in sweep(explorer, points)]
    ms = 1000 * np.array(times)
    return build * 1000, float(np.median(ms)), float(np.percentile(ms, 95)), len(ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=9, help="values per control (default 9)")
    parser.add_argument("--only", nargs="*", default=None, help="explorer names to measure")
    args = parser.parse_args()
    names = args.only or sorted(EXPLORERS)
    print("| explorer | build (ms) | moves | median (ms) | p95 (ms) | goal met |")
    print("| --- | ---: | ---: | ---: | ---: | :---: |")
    for name in names:
        build, median, p95, count = measure(name, args.points)
        met = "yes" if median <= MEDIAN_GOAL_MS and p95 <= P95_GOAL_MS else "**no**"
        print(f"| {name} | {build:.0f} | {count} | {median:.1f} | {p95:.1f} | {met} |", flush=True)


if __name__ == "__main__":
    main()
