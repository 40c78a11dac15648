"""Lesson 10's sparsity sweep: three ways of making zeros in the digits MLP, at every strength.

Three ways to get a sparse digits MLP, all from the same initial weights, with plain SGD:

- pruning: train as usual, then zero the smallest |w| of each layer (``magnitude_prune``);
- ℓ1 by subgradient: add l1 · Σ|W| to the loss, so every step adds l1 · sign(W) to the
  gradient (Keras's ``kernel_regularizer=L1``, the ``l1`` of ``course_lib.nn.Dense``);
- ℓ1 by proximal steps: a plain step on the loss, then W ← soft_threshold(W, η · l1)
  (``course_lib.sparsity.ProximalL1``).

The dense model every optimizer of ``OPTIMIZERS`` gives is trained too (the lesson's opening
table). The runs are computed once by ``scripts/build_sparsity_cache.py`` (with :func:`train`
and :func:`pruning_accuracies`) and stored in ``course_lib/data/sparsity_digits.npz``;
:class:`SparsityCache` reads them back and counts the zeros at each tolerance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from course_lib import datasets, nn, optimizers, sparsity
from course_lib.experiments import cache as npz
from course_lib.validation import choice, number

CACHE = npz.DATA / "sparsity_digits.npz"
REBUILD = "python scripts/build_sparsity_cache.py"

HIDDEN_UNITS = (32,)
LEARNING_RATE = 0.1
EPOCHS = 30
BATCH_SIZE = 32
SEED = 0
L1_STRENGTHS = tuple(float(10 ** (k / 4)) for k in range(-16, -5))
"""λ from 1e-4 (barely sparse) to 10^-1.5 ≈ 0.03 (every weight gone), four per decade."""
PRUNE_TARGETS = tuple(k / 100 for k in range(100))
TOLERANCES = {"exactly 0": 0.0, "|w| ≤ 1e-4": 1e-4, "|w| ≤ 1e-3": 1e-3, "|w| ≤ 1e-2": 1e-2}
METHODS = ("subgradient", "proximal")
OPTIMIZERS = {
    "SGD": lambda: optimizers.SGD(learning_rate=LEARNING_RATE),
    "momentum": lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "Nesterov": lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "Adagrad": lambda: optimizers.Adagrad(learning_rate=0.05),
    "RMSprop": lambda: optimizers.RMSprop(learning_rate=0.002),
    "Adam": lambda: optimizers.Adam(learning_rate=0.003),
    "Adamax": lambda: optimizers.Adamax(learning_rate=0.005),
    "Nadam": lambda: optimizers.Nadam(learning_rate=0.003),
}
"""The lesson's opening claim, every optimizer gives a dense model, is checked on these."""


def train(method: str, l1: float, data=None, optimizer: str = "SGD"):
    """The digits MLP trained ``EPOCHS`` epochs, with SGD(``LEARNING_RATE``) by default.

    ``method`` is "dense" (no penalty; l1 must be 0), "subgradient" or "proximal";
    ``optimizer`` names one of ``OPTIMIZERS`` (the ℓ1 methods use SGD only: the proximal
    threshold η·λ assumes one plain step of size η). Returns the trained model.
    """
    choice(method, "method", ("dense", *METHODS))
    if method == "dense":
        number(l1, "l1 of a dense run", low=0, high=0)
        choice(optimizer, "optimizer", OPTIMIZERS)
    else:
        choice(optimizer, f"optimizer of a {method} run", ["SGD"])
    data = data or datasets.load_digits_split()
    model = nn.MLP(HIDDEN_UNITS, n_classes=data.n_classes, seed=SEED,
                   l1=l1 if method == "subgradient" else 0.0)
    model.compile(OPTIMIZERS[optimizer]())
    extra = [sparsity.ProximalL1(l1)] if method == "proximal" else []
    with np.errstate(all="ignore"):  # the strongest λ kills every unit; that is the point
        model.fit(data.X_train, data.y_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                  callbacks=extra)
    return model


def kernels(model) -> list[np.ndarray]:
    """The weight matrices W of each layer (the biases are left out of every count)."""
    return [layer.kernel.copy() for layer in model.layers]


def accuracy(model, data) -> float:
    return float(model.evaluate(data.X_valid, data.y_valid)[1])


def pruning_accuracies(model, data, targets=PRUNE_TARGETS) -> np.ndarray:
    """Validation accuracy of ``model`` with each layer magnitude-pruned to each target."""
    weights = model.get_weights()
    found = []
    for target in targets:
        pruned = sparsity.magnitude_prune(weights[0::2], target)
        trial = list(weights)
        trial[0::2] = pruned
        model.set_weights(trial)
        found.append(accuracy(model, data))
    model.set_weights(weights)
    return np.array(found)


def sweep_arrays(progress=None) -> dict[str, np.ndarray]:
    """Train the dense model with every optimizer, and both ℓ1 methods at every strength;
    the arrays of the cache."""
    data = datasets.load_digits_split()
    dense = train("dense", 0.0, data)
    arrays = {
        "l1_strengths": np.array(L1_STRENGTHS),
        "prune_targets": np.array(PRUNE_TARGETS),
        "dense_accuracy": np.array(accuracy(dense, data)),
        "pruning_accuracy": pruning_accuracies(dense, data),
    }
    weights = dense.get_weights()
    for index, array in enumerate(weights):
        arrays[f"dense_{'kernel' if index % 2 == 0 else 'bias'}_{index // 2}"] = array
    found, layers = [], []
    for name in OPTIMIZERS:
        model = dense if name == "SGD" else train("dense", 0.0, data, optimizer=name)
        found.append(accuracy(model, data))
        layers.append(kernels(model))
        if progress is not None:
            progress(name, 0.0)
    arrays["optimizer_names"] = np.array(list(OPTIMIZERS))
    arrays["optimizer_accuracy"] = np.array(found)
    _store_kernels(arrays, "optimizer", layers)
    for method in METHODS:
        found, layers = [], []
        for l1 in L1_STRENGTHS:
            model = train(method, l1, data)
            found.append(accuracy(model, data))
            layers.append(kernels(model))
            if progress is not None:
                progress(method, l1)
        arrays[f"{method}_accuracy"] = np.array(found)
        _store_kernels(arrays, method, layers)
    return arrays


def _store_kernels(arrays: dict, prefix: str, runs: list[list[np.ndarray]]) -> None:
    """``arrays[f"{prefix}_kernel_{i}"]``: layer i's kernel of every run, stacked."""
    for index in range(len(runs[0])):
        # float32 halves the file; a zero stays exactly zero and no weight here is near
        # float32's smallest number, so every count of zeros is unchanged.
        arrays[f"{prefix}_kernel_{index}"] = np.stack([run[index] for run in runs]).astype(
            np.float32)


@dataclass(frozen=True)
class Curve:
    """Sparsity (x) and validation accuracy (y) along one method's parameter."""

    sparsity: np.ndarray
    accuracy: np.ndarray


class SparsityCache:
    """The precomputed runs, and the sparsity of each one at each tolerance."""

    def __init__(self, path=CACHE):
        self.arrays = npz.read(path, REBUILD)
        self.l1_strengths = self.arrays["l1_strengths"]
        self.prune_targets = self.arrays["prune_targets"]
        count = sum(1 for name in self.arrays if name.startswith("dense_kernel_"))
        self.dense_weights = [self.arrays[f"dense_{kind}_{i}"] for i in range(count)
                              for kind in ("kernel", "bias")]
        self.dense_kernels = self.dense_weights[0::2]
        self._layers = count
        self._curves: dict[tuple[str, float], Curve] = {}
        self._pruned = None

    def kernels(self, method: str, index: int) -> list[np.ndarray]:
        """The kernels of the ``method`` run at ``l1_strengths[index]``, or of the
        ``index``-th optimizer's dense run for method="optimizer"."""
        return [self.arrays[f"{method}_kernel_{i}"][index] for i in range(self._layers)]

    @property
    def optimizer_names(self) -> list[str]:
        return [str(name) for name in self.arrays["optimizer_names"]]

    def optimizer_run(self, name: str) -> tuple[list[np.ndarray], float]:
        """The kernels and validation accuracy of the dense run with optimizer ``name``."""
        index = self.optimizer_names.index(name)
        return self.kernels("optimizer", index), float(self.arrays["optimizer_accuracy"][index])

    def curve(self, method: str, tol: float) -> Curve:
        """``method``'s points: pruning along ``prune_targets``, ℓ1 along ``l1_strengths``."""
        if (method, tol) not in self._curves:
            if method == "pruning":
                if self._pruned is None:
                    self._pruned = [sparsity.magnitude_prune(self.dense_kernels, t)
                                    for t in self.prune_targets]
                found = [sparsity.sparsity(pruned, tol) for pruned in self._pruned]
            else:
                found = [sparsity.sparsity(self.kernels(method, i), tol)
                         for i in range(len(self.l1_strengths))]
            self._curves[method, tol] = Curve(np.array(found), self.arrays[f"{method}_accuracy"])
        return self._curves[method, tol]


@functools.lru_cache(maxsize=1)
def load_cache() -> SparsityCache:
    """``sparsity_digits.npz``, loaded once."""
    return SparsityCache()
