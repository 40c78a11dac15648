"""Kernel-side latency of every explorer: one control move = compute + render to an image.

    .venv/bin/python benchmarks/widget_latency.py [--points 9] [--only NAME ...]

Builds each explorer registered in ``course_lib.widgets.EXPLORERS``, moves every control
across its range (course_lib.widgets.sweep, the same moves the sweep test makes; on a
landscape explorer that includes presses on the landscape, which run every optimizer again
from the point pressed, and frames of the step player), twice, and prints a Markdown table
of the median and 95th percentile time of one update, cold (first visit of each value) and
warm (the same values again); then the cold pass again, control by control. Goal, on the
cold pass: median <= 40 ms and p95 <= 80 ms for every explorer and every control.

Then a resize: each explorer drawn again for the widths a page reports (``RESIZES``: CSS
pixels and pixel ratios, stacked below 700 px), which redraws the whole figure at the new size.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib.widgets import EXPLORERS
from course_lib.widgets.sweep import sweep

MEDIAN_GOAL_MS, P95_GOAL_MS = 40.0, 80.0

RESIZES = [(1100, 1.0), (900, 1.0), (700, 1.0), (640, 2.0), (1400, 2.0), (1000, 1.0),
           (760, 1.0), (1200, 1.5), (600, 1.0)]
"""Widths (CSS px) and pixel ratios, in the order a learner's window might visit them."""


def measure_resizes(explorer) -> list[float]:
    times = []
    for width, ratio in RESIZES:
        began = time.perf_counter()
        explorer.show_at(width, ratio)
        times.append(1000 * (time.perf_counter() - began))
    return times


def measure(name: str, points: int) -> dict:
    began = time.perf_counter()
    explorer = EXPLORERS[name]()
    build = time.perf_counter() - began
    # The first pass meets every value for the first time (cold: nothing cached), the second
    # goes back over the same values, as a learner moving a slider back and forth does (warm).
    # The goal is judged on the cold pass.
    cold_moves = list(sweep(explorer, points))
    cold = 1000 * np.array([move.seconds for move in cold_moves])
    warm = 1000 * np.array([move.seconds for move in sweep(explorer, points)])
    by_control = {}
    for move in cold_moves:
        by_control.setdefault(move.control, []).append(1000 * move.seconds)
    by_control["resize"] = measure_resizes(explorer)
    return {"build": 1000 * build, "moves": len(cold),
            "cold_median": float(np.median(cold)), "cold_p95": float(np.percentile(cold, 95)),
            "warm_median": float(np.median(warm)), "warm_p95": float(np.percentile(warm, 95)),
            "by_control": by_control}


def met(median: float, p95: float) -> str:
    return "yes" if median <= MEDIAN_GOAL_MS and p95 <= P95_GOAL_MS else "**no**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=9, help="values per control (default 9)")
    parser.add_argument("--only", nargs="*", default=None, help="explorer names to measure")
    args = parser.parse_args()
    names = args.only or sorted(EXPLORERS)
    print("| explorer | build (ms) | moves | cold median (ms) | cold p95 (ms) "
          "| warm median (ms) | warm p95 (ms) | goal met |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    results = {}
    for name in names:
        m = results[name] = measure(name, args.points)
        print(f"| {name} | {m['build']:.0f} | {m['moves']} | {m['cold_median']:.1f} "
              f"| {m['cold_p95']:.1f} | {m['warm_median']:.1f} | {m['warm_p95']:.1f} "
              f"| {met(m['cold_median'], m['cold_p95'])} |", flush=True)
    print()
    print("| explorer | control | moves | cold median (ms) | cold p95 (ms) | goal met |")
    print("| --- | --- | ---: | ---: | ---: | :---: |")
    for name, m in results.items():
        for control, times in m["by_control"].items():
            median, p95 = float(np.median(times)), float(np.percentile(times, 95))
            print(f"| {name} | {control} | {len(times)} | {median:.1f} | {p95:.1f} "
                  f"| {met(median, p95)} |")


if __name__ == "__main__":
    main()
