"""One optimizer step on 10⁶ and 10⁷ float64 parameters, next to the memory roofline.

    .venv/bin/python benchmarks/optimizer_step.py [--quick]

A step must at least read g, θ and each slot once and write θ and each slot
once: 3 + 2k arrays for an optimizer with k slots. The roofline is the time
NumPy takes to stream that many bytes, measured in the same run with
``np.add(a, b, out=c)`` over three arrays that hold, together, as many bytes
as those 3 + 2k arrays: once by one thread, once cut into the same shares
and run on the same worker threads as a large parameter's update
(``course_lib.optimizers.base.WORKERS``). The step time includes the check
that no gradient holds NaN or inf, which reads g once more.

A parameter of more than ``THREADED_PIECES × CHUNK`` elements (both sizes
here) is shared out among the worker threads, so the step's wall-clock time
is the figure that counts. Each time is the best of several runs: on a
machine shared with other work, the best run is the one that waited least
for a core; run it when the machine is quiet. The least CPU time of the
step, all threads together, is printed too: the work itself, about twice the
wall-clock time when both threads had a core.

Prints a Markdown table with two ratios. The goal's is step / roofline
(2 threads): the step against the fastest its bytes can stream when both
cores pull. Goal: every optimizer within 2× of it. The ratio to the
one-thread roofline is printed beside it, the figure the single-threaded
step was held to. ``--quick`` measures 10⁶ parameters only, with fewer
repeats. No BLAS is involved, so BLAS thread settings do not matter.
"""

from __future__ import annotations

import argparse
import functools
import time

import numpy as np

from course_lib import optimizers
from course_lib.optimizers import base

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
    """The best wall-clock time and the best CPU time (all threads) of ``repeats`` runs, in s."""
    wall, cpu = [], []
    for _ in range(repeats):
        began_wall, began_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - began_wall)
        cpu.append(time.process_time() - began_cpu)
    return min(wall), min(cpu)


def best_time(run, repeats: int) -> float:
    return best_times(run, repeats)[0]


def arrays_moved(optimizer) -> int:
    """Read g, θ and each slot; write θ and each slot."""
    return 3 + 2 * len(optimizer.slot_names)


def step_times(make, size: int, repeats: int, rng) -> tuple[float, float]:
    """Best wall-clock time and best CPU time of one step on ``size`` parameters."""
    optimizer = make()
    theta = rng.standard_normal(size)
    g = rng.standard_normal(size)
    optimizer.apply(g, theta)  # builds the slots; their first touch is not part of a step
    return best_times(lambda: optimizer.apply(g, theta), repeats)


def roofline_times(arrays: int, size: int, repeats: int, rng) -> tuple[float, float]:
    """Best wall-clock times of np.add(a, b, out=c) over as many bytes as ``arrays`` arrays of
    ``size``: by this thread alone, and cut into shares run at once on the optimizers' workers.
    """
    length = -(-arrays * size // 3)
    a, b = rng.standard_normal(length), rng.standard_normal(length)
    c = np.empty(length)
    shares = [slice(*share) for share in base._shares(length, base.WORKERS)]
    in_shares = [functools.partial(np.add, a[s], b[s], out=c[s]) for s in shares]
    return (best_time(lambda: np.add(a, b, out=c), repeats),
            best_time(lambda: base._at_once(in_shares), repeats))


def piecewise_time(ufunc, size: int, repeats: int, rng) -> float:
    """Best time of ``ufunc`` over ``size`` float64 held in cache: one piece, used again and again.

    This is what one more pass of a step costs once its piece is in the cache.
    """
    x = rng.random(min(size, base.CHUNK)) + 0.5
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

    print(f"NumPy {np.__version__}, float64, pieces of {base.CHUNK} elements, "
          f"{base.WORKERS} worker threads, best of {repeats}\n")
    threads = f"{base.WORKERS} threads"
    print("| optimizer | parameters | arrays moved | MB moved | step (ms) "
          f"| roofline, 1 thread (ms) | roofline, {threads} (ms) "
          f"| step / roofline (1 thread) | step / roofline ({threads}) | step, CPU time (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    arrays = {name: arrays_moved(make()) for name, make in OPTIMIZERS.items()}
    for size in sizes:
        # The rooflines are measured before and after the steps and the faster kept,
        # so that a burst of other work on a shared machine cannot make them look slow.
        kinds = sorted(set(arrays.values()))
        before = {k: roofline_times(k, size, repeats, rng) for k in kinds}
        steps = {name: step_times(make, size, repeats, rng) for name, make in OPTIMIZERS.items()}
        after = {k: roofline_times(k, size, repeats, rng) for k in kinds}
        roofline = {k: tuple(map(min, before[k], after[k])) for k in kinds}
        for name, (seconds, cpu) in steps.items():
            k = arrays[name]
            alone, shared = roofline[k]
            worst = max(worst, seconds / shared)
            print(f"| {name} | {size:.0e} | {k} | {k * size * 8 / 1e6:.0f} | {seconds * 1e3:.2f} "
                  f"| {alone * 1e3:.2f} | {shared * 1e3:.2f} | {seconds / alone:.2f} "
                  f"| {seconds / shared:.2f} | {cpu * 1e3:.2f} |")
    largest = sizes[-1]
    alone, shared = roofline_times(3, largest, repeats, rng)
    print(f"\nStreaming bandwidth (np.add, {largest:.0e} float64 per array): "
          f"{3 * largest * 8 / alone / 1e9:.1f} GB/s by one thread, "
          f"{3 * largest * 8 / shared / 1e9:.1f} GB/s by {base.WORKERS}")
    for label, ufunc in [("np.sqrt(x, out=w)", np.sqrt),
                         ("np.multiply(x, x, out=w)", lambda x, w: np.multiply(x, x, out=w))]:
        print(f"{label} over {largest:.0e} float64 already in cache, one thread: "
              f"{piecewise_time(ufunc, largest, repeats, rng) * 1e3:.2f} ms")
    verdict = "met" if worst <= GOAL else "missed"
    print(f"Worst step / roofline ({threads}): {worst:.2f} (goal <= {GOAL:g}: {verdict})")


if __name__ == "__main__":
    main()
