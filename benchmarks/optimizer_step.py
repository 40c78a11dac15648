"""One optimizer step on 10⁶ and 10⁷ float64 parameters, next to the memory roofline.

    .venv/bin/python benchmarks/optimizer_step.py [--quick]

A step must at least read g, θ and each slot once and write θ and each slot
once: 3 + 2k arrays for an optimizer with k slots. The roofline is the time
NumPy takes to stream that many bytes, measured in the same run with
``np.add(a, b, out=c)`` over three arrays that hold, together, as many bytes
as those 3 + 2k arrays. Each time is the best of several runs. The step time
includes the check that no gradient holds NaN or inf, which reads g once more.

Prints a Markdown table with the ratio step / roofline. Goal: every optimizer
within 2× of its roofline. ``--quick`` measures 10⁶ parameters only, with
fewer repeats. No BLAS is involved, so thread settings do not matter.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib import optimizers
from course_lib.optimizers.base import CHUNK

GOAL = 2.0

OPTIMIZERS = {
    "SGD": lambda: optimizers.SGD(),
    "SGD(momentum=0.9)": lambda: optimizers.SGD(momentum=0.9),
    "SGD(momentum=0.9, nesterov=True)": lambda: optimizers.SGD(momentum=0.9, nesterov=True),
    "Adagrad": lambda: optimizers.Adagrad(),
    "RMSprop": lambda: optimizers.RMSprop(),
    "RMSprop(momentum=0.9, centered=True)":
        lambda: optimizers.RMSprop(momentum=0.9, centered=True),
    "Adam": lambda: optimizers.Adam(),
    "Adam(amsgrad=True)": lambda: optimizers.Adam(amsgrad=True),
    "AdamW": lambda: optimizers.AdamW(),
    "Adamax": lambda: optimizers.Adamax(),
    "Nadam": lambda: optimizers.Nadam(),
    "TorchSGD(momentum=0.9)": lambda: optimizers.TorchSGD(momentum=0.9),
    "TorchNadam": lambda: optimizers.TorchNadam(),
}


def best_time(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def step_time(make, size: int, repeats: int, rng) -> tuple[float, int]:
    """Best time of one step, and how many arrays the step must move at least."""
    optimizer = make()
    theta = rng.standard_normal(size)
    g = rng.standard_normal(size)
    optimizer.apply(g, theta)  # builds the slots; their first touch is not part of a step
    seconds = best_time(lambda: optimizer.apply(g, theta), repeats)
    return seconds, 3 + 2 * len(optimizer.slot_names)


def roofline_time(arrays: int, size: int, repeats: int, rng) -> float:
    """Best time of np.add(a, b, out=c) over as many bytes as ``arrays`` arrays of ``size``."""
    length = -(-arrays * size // 3)
    a, b = rng.standard_normal(length), rng.standard_normal(length)
    c = np.empty(length)
    return best_time(lambda: np.add(a, b, out=c), repeats)


def sqrt_time(size: int, repeats: int, rng) -> float:
    """Best time of np.sqrt over ``size`` float64, in cache-sized pieces as the steps do."""
    x = rng.random(size)
    w = np.empty(CHUNK)

    def run():
        for start in range(0, size, CHUNK):
            piece = x[start:start + CHUNK]
            np.sqrt(piece, out=w[:piece.size])

    return best_time(run, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10⁶ parameters, fewer repeats")
    args = parser.parse_args()
    sizes = [10**6] if args.quick else [10**6, 10**7]
    repeats = 3 if args.quick else 7
    rng = np.random.default_rng(0)

    print(f"NumPy {np.__version__}, float64, pieces of {CHUNK} elements, best of {repeats}\n")
    print("| optimizer | parameters | arrays moved | MB moved | step (ms) | roofline (ms) "
          "| step / roofline |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    for size in sizes:
        roofline = {}
        for name, make in OPTIMIZERS.items():
            seconds, arrays = step_time(make, size, repeats, rng)
            if arrays not in roofline:
                roofline[arrays] = roofline_time(arrays, size, repeats, rng)
            ratio = seconds / roofline[arrays]
            worst = max(worst, ratio)
            megabytes = arrays * size * 8 / 1e6
            print(f"| {name} | {size:.0e} | {arrays} | {megabytes:.0f} | {seconds * 1e3:.2f} "
                  f"| {roofline[arrays] * 1e3:.2f} | {ratio:.2f} |")
    largest = sizes[-1]
    add = roofline_time(3, largest, repeats, rng)
    print(f"\nStreaming bandwidth (np.add, {largest:.0e} float64 per array): "
          f"{3 * largest * 8 / add / 1e9:.1f} GB/s")
    print(f"np.sqrt alone on {largest:.0e} float64 in pieces: "
          f"{sqrt_time(largest, repeats, rng) * 1e3:.2f} ms "
          "(a floor under every optimizer that takes a square root)")
    verdict = "met" if worst <= GOAL else "missed"
    print(f"Worst step / roofline: {worst:.2f} (goal <= {GOAL:g}: {verdict})")


if __name__ == "__main__":
    main()
