"""The offline data sets: sizes, a true partition of the original data, determinism, scaling
with training statistics only, stratification, and the synthetic sets' geometry."""

import re
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from course_lib import datasets


def _sorted_rows(X, y):
    table = np.column_stack([X, y])
    return table[np.lexsort(table.T[::-1])]


def test_digits_split_sizes_and_shapes():
    split = datasets.load_digits_split()
    assert split.X_train.shape == (1078, 64) and split.y_train.shape == (1078,)
    assert split.X_valid.shape == (359, 64) and split.y_valid.shape == (359,)
    assert split.X_test.shape == (360, 64) and split.y_test.shape == (360,)
    assert split.n_classes == 10
    assert "1078" in repr(split)


def test_digits_split_is_a_partition_of_the_bundled_data():
    # Put the three parts back together (undoing the /16 scaling) and compare, row for row,
    # with scikit-learn's own copy: same multiset of (pixels, label) rows, so nothing is lost,
    # duplicated or shared between the parts.
    split = datasets.load_digits_split()
    X = np.concatenate([split.X_train, split.X_valid, split.X_test]) * 16
    y = np.concatenate([split.y_train, split.y_valid, split.y_test])
    original = load_digits()
    np.testing.assert_array_equal(_sorted_rows(X, y), _sorted_rows(original.data, original.target))


def test_digits_split_is_deterministic_and_depends_on_the_seed():
    a, b = datasets.load_digits_split(seed=42), datasets.load_digits_split(seed=42)
    for name in ("X_train", "y_train", "X_valid", "y_valid", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = datasets.load_digits_split(seed=7)
    assert not np.array_equal(a.y_train, c.y_train)


def test_the_course_split_is_scikit_learns_seed_42_split():
    # The shipped row numbers must be the split the lessons and caches were computed on:
    # scikit-learn's stratified draw with seed 42, the test set first, then validation.
    original = load_digits()
    X_rest, X_test, y_rest, y_test = train_test_split(
        original.data, original.target, test_size=360, stratify=original.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_rest, y_rest, test_size=359, stratify=y_rest, random_state=42)
    split = datasets.load_digits_split()
    for ours, theirs in ((split.X_train * 16, X_train), (split.X_valid * 16, X_valid),
                         (split.X_test * 16, X_test), (split.y_train, y_train),
                         (split.y_valid, y_valid), (split.y_test, y_test)):
        np.testing.assert_array_equal(ours, theirs)


def test_the_digits_load_without_scikit_learn():
    # A learner's venv has no scikit-learn: loading the course's data must not import it.
    code = ("import sys; from course_lib import datasets; datasets.load_digits_split(); "
            "datasets.load_digits_split(seed=7); datasets.make_moons(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("seed", [42, 7, 2024])
def test_digits_split_is_stratified(seed):
    split = datasets.load_digits_split(seed=seed)
    overall = np.bincount(load_digits().target, minlength=10) / 1797
    for y in (split.y_train, split.y_valid, split.y_test):
        share = np.bincount(y, minlength=10) / len(y)
        # Stratified: every class within one example of its overall share.
        assert np.all(np.abs(share - overall) * len(y) <= 1.0)


@pytest.mark.parametrize("seed", [0, 7])
def test_another_seed_is_a_partition_too(seed):
    split = datasets.load_digits_split(seed=seed)
    X = np.concatenate([split.X_train, split.X_valid, split.X_test]) * 16
    y = np.concatenate([split.y_train, split.y_valid, split.y_test])
    original = load_digits()
    np.testing.assert_array_equal(_sorted_rows(X, y), _sorted_rows(original.data, original.target))
    assert (len(split.y_train), len(split.y_valid), len(split.y_test)) == (1078, 359, 360)


def test_unit_scaling_puts_pixels_in_zero_one():
    split = datasets.load_digits_split()
    for X in (split.X_train, split.X_valid, split.X_test):
        assert X.min() == 0.0 and X.max() == 1.0
    # Grey levels are the integers 0..16, so scaled pixels are multiples of 1/16.
    np.testing.assert_array_equal(split.X_train * 16, np.round(split.X_train * 16))


def test_standard_scaling_uses_training_statistics_only():
    unit = datasets.load_digits_split(scaling="unit")
    standard = datasets.load_digits_split(scaling="standard")
    mean = unit.X_train.mean(axis=0)
    std = unit.X_train.std(axis=0)
    varying = std > 0
    np.testing.assert_allclose(standard.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(standard.X_train.std(axis=0)[varying], 1.0, rtol=1e-12)
    # Validation and test are mapped with the training mean and std, not their own; pixels that
    # never vary in training are only centred (in grey levels, hence the × 16 from unit scale).
    for scaled, raw in ((standard.X_valid, unit.X_valid), (standard.X_test, unit.X_test)):
        np.testing.assert_allclose(scaled[:, varying], (raw - mean)[:, varying] / std[varying],
                                   atol=1e-12)
        np.testing.assert_allclose(scaled[:, ~varying], (raw - mean)[:, ~varying] * 16, atol=1e-12)


def test_moons_geometry_and_determinism():
    clean = datasets.make_moons(n_samples=200, noise=0.0, seed=0)
    X = np.concatenate([clean.X_train, clean.X_valid, clean.X_test])
    y = np.concatenate([clean.y_train, clean.y_valid, clean.y_test])
    # Without noise, class 0 lies on the unit circle's upper half, class 1 on the circle of
    # radius 1 centred at (1, 1/2), lower half.
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    assert np.all(X[y == 0, 1] >= 0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0)
    assert np.all(X[y == 1, 1] <= 0.5)
    assert np.bincount(y).tolist() == [100, 100]
    assert (len(clean.X_train), len(clean.X_valid), len(clean.X_test)) == (120, 40, 40)
    again = datasets.make_moons(n_samples=200, noise=0.0, seed=0)
    np.testing.assert_array_equal(again.X_train, clean.X_train)


def test_spirals_geometry():
    clean = datasets.make_spirals(n_samples=300, n_classes=3, noise=0.0, seed=1)
    X = np.concatenate([clean.X_train, clean.X_valid, clean.X_test])
    y = np.concatenate([clean.y_train, clean.y_valid, clean.y_test])
    # Without noise, a point at radius r of arm k has angle 2πk/3 + 2πr (mod 2π).
    r = np.hypot(*X.T)
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * y / 3 + 2 * np.pi * r
    gap = np.angle(np.exp(1j * (angle - expected)))
    np.testing.assert_allclose(gap, 0.0, atol=1e-9)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert clean.n_classes == 3


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: datasets.load_digits_split(seed=-1), ValueError,
         "seed must be an integer >= 0, got -1"),
        (lambda: datasets.load_digits_split(seed=4.0), TypeError,
         "seed must be an integer >= 0, got 4.0"),
        (lambda: datasets.load_digits_split(scaling="minmax"), ValueError,
         "scaling must be one of ['standard', 'unit'], got 'minmax'"),
        # Ten examples per class, so two classes need 20 and four need 40.
        (lambda: datasets.make_moons(n_samples=5), ValueError,
         "n_samples must be an integer >= 20, got 5"),
        (lambda: datasets.make_spirals(n_samples=39, n_classes=4), ValueError,
         "n_samples must be an integer >= 40, got 39"),
        (lambda: datasets.make_moons(noise=-1.0), ValueError,
         "noise must be a finite number >= 0, got -1.0"),
        (lambda: datasets.make_moons(noise=np.nan), ValueError,
         "noise must be a finite number >= 0, got nan"),
        (lambda: datasets.make_spirals(n_classes=1), ValueError,
         "n_classes must be an integer >= 2, got 1"),
        (lambda: datasets.make_spirals(turns=0), ValueError,
         "turns must be a finite number > 0, got 0"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()
