"""One optimizer step on 10⁶ and 10⁷ float64 parameters, next to the memory roofline.

    .venv/bin/python benchmarks/optimizer_step.py [--quick]

A step must at least read g, θ and each slot once and write θ and each slot
once: 3 + 2k arrays for an optimizer with k slots. The roofline is the time
NumPy takes to stream that many bytes, measured in the same run with
``np.add(a, b, out=c)`` over three arrays that hold, together, as many bytes
as those 3 + 2k arrays. The step time includes the check that no gradient
holds NaN or inf, which reads g once more.

Each time is the best of several runs, counted in this thread's CPU time
(``time.thread_time``): on a machine shared with other work, the time spent
waiting for a core is left out, while memory stalls are kept. On an idle
machine it is the wall-clock time; the wall-clock time of the step is printed
too.

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


def best_times(run, repeats: int) -> tuple[float, float]:
    """The best CPU time and the best wall-clock time of ``repeats`` runs, in seconds."""
    cpu, wall = [], []
    for _ in range(repeats):
        began_cpu, began_wall = time.thread_time(), time.perf_counter()
        run()
        cpu.append(time.thread_time() - began_cpu)
        wall.append(time.perf_counter() - began_wall)
    return min(cpu), min(wall)


def best_time(run, repeats: int) -> float:
    return best_times(run, repeats)[0]


def arrays_moved(optimizer) -> int:
    """Read g, θ and each slot; write θ and each slot."""
    return 3 + 2 * len(optimizer.slot_names)


def step_time(make, size: int, repeats: int, rng) -> tuple[float, float]:
    """Best CPU time and best wall-clock time of one step on ``size`` parameters."""
    optimizer = make()
    theta = rng.standard_normal(size)
    g = rng.standard_normal(size)
    optimizer.apply(g, theta)  # builds the slots; their first touch is not part of a step
    return best_times(lambda: optimizer.apply(g, theta), repeats)


def roofline_time(arrays: int, size: int, repeats: int, rng) -> float:
    """Best time of np.add(a, b, out=c) over as many bytes as ``arrays`` arrays of ``size``."""
    length = -(-arrays * size // 3)
    a, b = rng.standard_normal(length), rng.standard_normal(length)
    c = np.empty(length)
    return best_time(lambda: np.add(a, b, out=c), repeats)


def piecewise_time(ufunc, size: int, repeats: int, rng) -> float:
    """Best time of ``ufunc`` over ``size`` float64 held in cache: one piece, used again and again.

    This is what one more pass of a step costs once its piece is in the cache.
    """
    x = rng.random(min(size, CHUNK)) + 0.5
    w = np.empty_like(x)
    pieces = -(-size // x.size)

    def run():
        for _ in range(pieces):
            ufunc(x, w)

    return best_time(run, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10⁶ parameters, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs per measurement, the best one kept (default 11, quick 3)")
    args = parser.parse_args()
    sizes = [10**6] if args.quick else [10**6, 10**7]
    repeats = args.repeats or (3 if args.quick else 11)
    rng = np.random.default_rng(0)

    print(f"NumPy {np.__version__}, float64, pieces of {CHUNK} elements, best of {repeats}\n")
    print("| optimizer | parameters | arrays moved | MB moved | step (ms) | roofline (ms) "
          "| step / roofline | step, wall clock (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    arrays = {name: arrays_moved(make()) for name, make in OPTIMIZERS.items()}
    for size in sizes:
        # The roofline is measured before and after the steps and the faster kept,
        # so that a burst of other work on a shared machine cannot make it look slow.
        before = {k: roofline_time(k, size, repeats, rng) for k in sorted(set(arrays.values()))}
        steps = {name: step_time(make, size, repeats, rng) for name, make in OPTIMIZERS.items()}
        roofline = {k: min(seconds, roofline_time(k, size, repeats, rng))
                    for k, seconds in before.items()}
        for name, (seconds, wall) in steps.items():
            k = arrays[name]
            ratio = seconds / roofline[k]
            worst = max(worst, ratio)
            print(f"| {name} | {size:.0e} | {k} | {k * size * 8 / 1e6:.0f} | {seconds * 1e3:.2f} "
                  f"| {roofline[k] * 1e3:.2f} | {ratio:.2f} | {wall * 1e3:.2f} |")
    largest = sizes[-1]
    add = roofline_time(3, largest, repeats, rng)
    print(f"\nStreaming bandwidth (np.add, {largest:.0e} float64 per array): "
          f"{3 * largest * 8 / add / 1e9:.1f} GB/s")
    for label, ufunc in [("np.sqrt(x, out=w)", np.sqrt),
                         ("np.multiply(x, x, out=w)", lambda x, w: np.multiply(x, x, out=w))]:
        print(f"{label} over {largest:.0e} float64 already in cache: "
              f"{piecewise_time(ufunc, largest, repeats, rng) * 1e3:.2f} ms")
    verdict = "met" if worst <= GOAL else "missed"
    print(f"Worst step / roofline: {worst:.2f} (goal <= {GOAL:g}: {verdict})")


if __name__ == "__main__":
    main()
