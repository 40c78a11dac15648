"""Rebuild course_lib/data/sparsity_digits.npz, the training runs of the lesson-10 explorer.

    .venv/bin/python scripts/build_sparsity_cache.py

Trains the digits MLP without a penalty once per optimizer (and prunes the SGD one to every
target sparsity), and once per ℓ1 strength with each ℓ1 method, subgradient and proximal
(course_lib.experiments.sparsity_sweep.sweep_arrays); stores the final kernels and validation
accuracies. Deterministic. tests/widgets/test_sparsity_explorer.py retrains a few of these
runs and fails if the file no longer matches, so rerun this after changing the network, the
data or the training.
"""

from __future__ import annotations

import argparse
import pathlib
import time

from course_lib.experiments import cache, sparsity_sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=sparsity_sweep.CACHE)
    args = parser.parse_args()
    began = time.perf_counter()

    def progress(run: str, l1: float) -> None:
        print(f"{run:12s} λ = {l1:.3g} ({time.perf_counter() - began:.0f} s)", flush=True)

    arrays = sparsity_sweep.sweep_arrays(progress=progress)
    cache.write(args.output, arrays)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
