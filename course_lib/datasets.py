"""Data sets that work offline: handwritten digits, two moons and spirals.

`load_digits_split` is the UCI optical digits (1797 images of 8 × 8 pixels with 17 grey
levels, 0 to 16, ten classes) as scikit-learn bundles them, shipped in
`course_lib/data/digits.npz` so that no download and no scikit-learn is needed. It is split
once, stratified by class, into

    train 1078 (60 %)    validation 359 (20 %)    test 360 (20 %)

the test set drawn first, then the validation set from the rest. Seed 42 is the course's
split: every lesson and cached run uses it, and it is recorded in the data file (drawn once
with scikit-learn by `scripts/build_digits_data.py`). Any other seed draws a fresh stratified
split with NumPy, the same on every machine.

`make_moons` and `make_spirals` draw small 2-D problems from a seed, for demos that train in
a blink. They come split 60/20/20 in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from course_lib.validation import choice, integer, number

DIGITS_FILE = Path(__file__).parent / "data" / "digits.npz"
COURSE_SEED = 42
DIGITS_TEST_SIZE = 360
DIGITS_VALID_SIZE = 359
SCALINGS = ("unit", "standard")


@dataclass(frozen=True, eq=False)
class DataSplit:
    """A data set split three ways; X_* are (examples × features), y_* class indices."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    description: str

    def __repr__(self) -> str:
        return (f"DataSplit({self.description!r}: train {self.X_train.shape}, "
                f"valid {self.X_valid.shape}, test {self.X_test.shape}, {self.n_classes} classes)")


def _quota(labels: np.ndarray, size: int) -> np.ndarray:
    """How many of each class a stratified draw of `size` rows takes: each class's share of
    `size`, rounded down, then the rows left over given to the largest remainders."""
    counts = np.bincount(labels)
    exact = counts * size / len(labels)
    quota = np.floor(exact).astype(np.intp)
    quota[np.argsort(quota - exact, kind="stable")[:size - quota.sum()]] += 1
    return quota


def _draw(rows: np.ndarray, labels: np.ndarray, size: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Split `rows` into a stratified draw of `size` rows and the rest, both shuffled."""
    quota = _quota(labels[rows], size)
    taken = np.zeros(len(rows), dtype=bool)
    for label, k in enumerate(quota):
        members = np.flatnonzero(labels[rows] == label)
        taken[rng.choice(members, size=k, replace=False)] = True
    return rng.permutation(rows[taken]), rng.permutation(rows[~taken])


def _split_rows(labels: np.ndarray, n_valid: int, n_test: int, seed: int):
    """Stratified train/valid/test row numbers: the test rows first, then the validation rows."""
    rng = np.random.default_rng(seed)
    test, rest = _draw(np.arange(len(labels)), labels, n_test, rng)
    valid, train = _draw(rest, labels, n_valid, rng)
    return train, valid, test


def _take(X, y, train, valid, test):
    return X[train], y[train], X[valid], y[valid], X[test], y[test]


@lru_cache(maxsize=1)
def _digits() -> dict[str, np.ndarray]:
    with np.load(DIGITS_FILE) as stored:
        return {name: stored[name] for name in stored.files}


def load_digits_split(seed: int = 42, scaling: str = "unit") -> DataSplit:
    """The 8 × 8 digits, split 1078 / 359 / 360 (see the module docstring), 64 features.

    scaling="unit" divides the grey levels by 16, so every pixel is in [0, 1];
    scaling="standard" subtracts the training set's mean and divides by its standard deviation,
    pixel by pixel (pixels that are constant in the training set are only centred). Validation
    and test data use the training statistics: they must not leak into training.
    """
    seed = integer(seed, "seed", low=0)
    choice(scaling, "scaling", SCALINGS)
    digits = _digits()
    X = digits["pixels"].astype(np.float64)
    y = digits["labels"].astype(np.intp)
    if seed == COURSE_SEED:
        rows = digits["train"], digits["valid"], digits["test"]
    else:
        rows = _split_rows(y, DIGITS_VALID_SIZE, DIGITS_TEST_SIZE, seed)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _take(X, y, *rows)
    if scaling == "unit":
        shift, scale = 0.0, 16.0
    else:
        shift = X_train.mean(axis=0)
        scale = X_train.std(axis=0)
        scale[scale == 0] = 1.0
    return DataSplit(
        (X_train - shift) / scale, y_train,
        (X_valid - shift) / scale, y_valid,
        (X_test - shift) / scale, y_test,
        n_classes=10,
        description=f"digits 8x8, seed {seed}, {scaling} scaling",
    )


def _check_synthetic(n_samples, noise, n_classes: int) -> tuple[int, float]:
    # Ten examples per class keep every class in all three parts of a stratified split.
    return integer(n_samples, "n_samples", low=10 * n_classes), number(noise, "noise", low=0)


def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    return [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]


def _split_synthetic(X, y, n_classes: int, seed: int, description: str) -> DataSplit:
    n_test = n_valid = round(0.2 * len(X))
    return DataSplit(*_take(X, y, *_split_rows(y, n_valid, n_test, seed)), n_classes=n_classes,
                     description=description)


def make_moons(n_samples: int = 300, noise: float = 0.2, seed: int = 0) -> DataSplit:
    """Two interleaved half circles in the plane, classes 0 and 1, split 60/20/20.

    Class 0 lies on (cos t, sin t), class 1 on (1 − cos t, 1/2 − sin t), t uniform in [0, π],
    plus Gaussian noise of standard deviation `noise` on both coordinates.
    """
    n_samples, noise = _check_synthetic(n_samples, noise, 2)
    seed = integer(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    upper, lower = _class_sizes(n_samples, 2)
    t_upper = rng.uniform(0.0, np.pi, upper)
    t_lower = rng.uniform(0.0, np.pi, lower)
    X = np.concatenate([
        np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
        np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
    ])
    X += rng.normal(0.0, noise, X.shape)
    y = np.repeat([0, 1], [upper, lower]).astype(np.intp)
    return _split_synthetic(X, y, 2, seed, f"moons, {n_samples} points, noise {noise}, seed {seed}")


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 turns: float = 1.0, seed: int = 0) -> DataSplit:
    """`n_classes` spiral arms around the origin, one class each, split 60/20/20.

    Arm k is r(t) · (cos θ, sin θ) with r = t, θ = 2πk / n_classes + 2π·turns·t + noise·N(0, 1),
    t uniform in [0, 1]: the noise jitters the angle, so the arms blur more far from the centre.
    """
    n_classes = integer(n_classes, "n_classes", low=2)
    n_samples, noise = _check_synthetic(n_samples, noise, n_classes)
    turns = number(turns, "turns", low=0, low_inclusive=False)
    seed = integer(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n_samples, n_classes)
    y = np.repeat(np.arange(n_classes), sizes).astype(np.intp)
    t = rng.uniform(0.0, 1.0, n_samples)
    theta = 2 * np.pi * y / n_classes + 2 * np.pi * turns * t + noise * rng.normal(size=n_samples)
    X = np.column_stack([t * np.cos(theta), t * np.sin(theta)])
    return _split_synthetic(X, y, n_classes, seed,
                            f"{n_classes} spirals, {n_samples} points, noise {noise}, seed {seed}")
