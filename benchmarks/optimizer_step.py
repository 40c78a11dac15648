"""One optimizer step on 10⁶ and 10⁷ float64 parameters: before and after a change, same run.

    .venv/bin/python benchmarks/optimizer_step.py [--quick] [--before REV] [--repeats N]

"after" is the working tree's ``course_lib.optimizers``. "before" is the same
package as it was at the git revision ``--before`` (by default the last commit
before the updates were rewritten as formulas): the script copies it out of
git into a temporary folder, imports it under another name, and deletes it at
the end. Both versions take the same steps from the same start, interleaved
(before, after, after, before, before, after, …), so a burst of other work on
a shared machine slows both alike; each time is the median of ``--repeats``
steps. The script checks that the two versions end with the same numbers,
bit for bit, and prints the ratio after / before of the medians (the goal's:
no optimizer more than 1.5× slower at 10⁷ parameters), of the best steps,
which on a busy machine are the ones that waited least for a core, and of
the median CPU time (both threads together), which waiting does not count.

Two more columns explain the figures. "after, one piece" runs the working
tree's formulas over each whole array at once, without the walk in cache-sized
pieces (``course_lib.optimizers.base.CHUNK``), median of 3 steps taken after
the others: what the walk saves. The roofline is the time
``np.add(a, b, out=c)`` takes to stream as many bytes as the step must move
(read g, θ and each slot, write θ and each slot: 3 + 2k arrays for k slots),
split over the same worker threads as a large parameter's update.
``--quick`` measures 10⁶ parameters only.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import pathlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

import numpy as np

from course_lib import optimizers
from course_lib.optimizers import base

GOAL = 1.5
BEFORE = "3e248ce8714913668412c1dc1ff5ddb0ad7d87c6"
"""The last commit with the ``out=`` updates and their scratch buffers."""

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "course_lib/optimizers"

OPTIMIZERS = {
    "SGD": lambda o: o.SGD(),
    "SGD(momentum=0.9)": lambda o: o.SGD(momentum=0.9),
    "SGD(momentum=0.9, nesterov=True)": lambda o: o.SGD(momentum=0.9, nesterov=True),
    "Adagrad": lambda o: o.Adagrad(),
    "RMSprop": lambda o: o.RMSprop(),
    "RMSprop(momentum=0.9, centered=True)": lambda o: o.RMSprop(momentum=0.9, centered=True),
    "Adam": lambda o: o.Adam(),
    "Adam(amsgrad=True)": lambda o: o.Adam(amsgrad=True),
    "AdamW": lambda o: o.AdamW(),
    "Adamax": lambda o: o.Adamax(),
    "Nadam": lambda o: o.Nadam(),
    "TorchSGD(momentum=0.9)": lambda o: o.TorchSGD(momentum=0.9),
    "TorchNadam": lambda o: o.TorchNadam(),
}


@contextlib.contextmanager
def optimizers_at(revision: str):
    """``course_lib.optimizers`` as it was at ``revision``, imported as ``optimizers_before``."""
    archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", revision, PACKAGE],
                             capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as files:
            files.extractall(folder, filter="data")
        package = pathlib.Path(folder, "optimizers_before")
        pathlib.Path(folder, PACKAGE).rename(package)
        # Its modules import each other by absolute name: point those at the copy.
        for module in package.glob("*.py"):
            source = module.read_text(encoding="utf-8")
            module.write_text(source.replace("course_lib.optimizers", "optimizers_before"),
                              encoding="utf-8")
        sys.path.insert(0, folder)
        try:
            yield importlib.import_module("optimizers_before")
        finally:
            sys.path.remove(folder)


@contextlib.contextmanager
def one_piece():
    """The working tree's updates over each whole array: no pieces, no threads."""
    chunk = base.CHUNK
    base.CHUNK = sys.maxsize
    try:
        yield
    finally:
        base.CHUNK = chunk


class Run:
    """One optimizer with its own θ, stepping on a fixed g; ``step()`` returns its time in s."""

    def __init__(self, optimizer, start, g, setting=contextlib.nullcontext):
        self.optimizer, self.theta, self.g, self.setting = optimizer, start.copy(), g, setting
        self.times, self.cpu_times = [], []
        self.step()                  # builds the slots; their first touch is not part of a step
        self.times.clear()
        self.cpu_times.clear()

    def step(self) -> None:
        with self.setting():
            began, began_cpu = time.perf_counter(), time.process_time()
            self.optimizer.apply(self.g, self.theta)
            self.times.append(time.perf_counter() - began)
            self.cpu_times.append(time.process_time() - began_cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_times)


def same_numbers(one: Run, other: Run) -> bool:
    slots, other_slots = one.optimizer.slots[0], other.optimizer.slots[0]
    return (np.array_equal(one.theta, other.theta) and slots.keys() == other_slots.keys()
            and all(np.array_equal(slots[name], other_slots[name]) for name in slots))


def roofline(arrays: int, size: int, repeats: int, rng) -> float:
    """Median time of np.add(a, b, out=c) over as many bytes as ``arrays`` arrays of ``size``,
    cut into shares run at once on the optimizers' worker threads."""
    length = -(-arrays * size // 3)
    a, b = rng.standard_normal(length), rng.standard_normal(length)
    c = np.empty(length)
    shares = [slice(*share) for share in base._shares(length, base.WORKERS)]
    tasks = [functools.partial(np.add, a[s], b[s], out=c[s]) for s in shares]
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        base._at_once(tasks)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10⁶ parameters only")
    parser.add_argument("--before", default=BEFORE, help="git revision of 'before'")
    parser.add_argument("--repeats", type=int, default=15,
                        help="steps per version, interleaved; the median is kept (default 15)")
    args = parser.parse_args()
    sizes = [10**6] if args.quick else [10**6, 10**7]
    rng = np.random.default_rng(0)

    print(f"NumPy {np.__version__}, float64, before = {args.before[:10]}, after = working tree; "
          f"pieces of {base.CHUNK} elements, {base.WORKERS} worker threads; "
          f"median of {args.repeats} interleaved steps\n")
    print("| optimizer | parameters | before (ms) | after (ms) | after / before "
          "| after / before, best steps | after / before, CPU time | after, one piece (ms) "
          "| roofline (ms) | after / roofline | same numbers |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    worst, all_same = 0.0, True
    with optimizers_at(args.before) as before:
        for size in sizes:
            start, g = rng.standard_normal(size), rng.standard_normal(size)
            for name, make in OPTIMIZERS.items():
                old, new = Run(make(before), start, g), Run(make(optimizers), start, g)
                for repeat in range(args.repeats):
                    for run in (old, new) if repeat % 2 == 0 else (new, old):
                        run.step()
                whole = Run(make(optimizers), start, g, one_piece)
                for _ in range(3):
                    whole.step()
                same = same_numbers(old, new)
                arrays = 3 + 2 * len(new.optimizer.slots[0])
                line = roofline(arrays, size, args.repeats, rng)
                ratio = new.median / old.median
                if size == sizes[-1]:
                    worst = max(worst, ratio)
                all_same &= same
                print(f"| {name} | {size:.0e} | {old.median * 1e3:.2f} | {new.median * 1e3:.2f} "
                      f"| {ratio:.2f} | {new.best / old.best:.2f} | {new.cpu / old.cpu:.2f} "
                      f"| {whole.median * 1e3:.2f} "
                      f"| {line * 1e3:.2f} | {new.median / line:.2f} | {'yes' if same else 'NO'} |",
                      flush=True)
                del old, new, whole
    verdict = "met" if worst <= GOAL else "missed"
    print(f"\nWorst after / before at {sizes[-1]:.0e}: {worst:.2f} (goal <= {GOAL:g}: {verdict}); "
          f"same numbers everywhere: {'yes' if all_same else 'NO'}")


if __name__ == "__main__":
    main()
