"""Rebuild course_lib/data/schedules_digits.npz, the training runs of the lesson-9 playground.

    .venv/bin/python scripts/build_schedule_cache.py

Trains the digits MLP once for every setting the "schedules" explorer's sliders can reach
(course_lib.experiments.schedule_sweep.grid(): seven schedules, six initial rates, and each
schedule's own parameters) and stores the per-epoch curves. Deterministic: the same code gives
the same file. tests/widgets/test_schedules_explorer.py retrains a few settings and fails if the
file no longer matches, so rerun this after changing the network, the data or a schedule.
"""

from __future__ import annotations

import argparse
import pathlib
import time

from course_lib.experiments import cache, schedule_sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=schedule_sweep.CACHE)
    args = parser.parse_args()
    began = time.perf_counter()

    def progress(done: int, total: int, setting) -> None:
        if done % 20 == 0 or done == total:
            print(f"{done}/{total} runs ({time.perf_counter() - began:.0f} s), last {setting.key}",
                  flush=True)

    arrays = schedule_sweep.sweep_arrays(progress=progress)
    cache.write(args.output, arrays)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
