"""Rebuild course_lib/data/digits.npz, the digits and the course's split of them.

    .venv/bin/python scripts/build_digits_data.py      (needs scikit-learn: requirements-test.txt)

Stores scikit-learn's bundled copy of the UCI optical digits (1797 images of 8 × 8 grey levels
0..16, labels 0..9) as bytes, and the course's split of them: the row numbers of the training,
validation and test examples, in order, as scikit-learn's stratified `train_test_split` draws
them with seed 42 (test first, then validation from the rest). Shipping both lets a learner run
every lesson without scikit-learn and SciPy (about 150 MB of a learner's venv), while the
lessons and the cached runs keep the split they were computed on.
tests/nn/test_datasets_offline.py fails if the file no longer matches scikit-learn.
"""

from __future__ import annotations

import argparse
import pathlib

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from course_lib import datasets


def course_split_rows(labels: np.ndarray) -> dict[str, np.ndarray]:
    """The course split's row numbers, drawn as the module docstring says."""
    rows = np.arange(len(labels))
    rest, test = train_test_split(rows, test_size=datasets.DIGITS_TEST_SIZE, stratify=labels,
                                  random_state=datasets.COURSE_SEED)
    train, valid = train_test_split(rest, test_size=datasets.DIGITS_VALID_SIZE,
                                    stratify=labels[rest], random_state=datasets.COURSE_SEED)
    return {"train": train.astype(np.uint16), "valid": valid.astype(np.uint16),
            "test": test.astype(np.uint16)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=datasets.DIGITS_FILE)
    args = parser.parse_args()
    digits = load_digits()
    pixels = digits.data.astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    np.savez_compressed(args.output, pixels=pixels, labels=labels, **course_split_rows(labels))
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
