"""Lesson 10 explorer: how sparse, and how accurate, each way of making zeros is.

Three ways to get a sparse digits MLP, all from the same initial weights, with plain SGD:

- pruning: train as usual, then zero the smallest |w| of each layer (``magnitude_prune``);
- ℓ1 by subgradient: add l1 · Σ|W| to the loss, so every step adds l1 · sign(W) to the
  gradient (Keras's ``kernel_regularizer=L1``, the ``l1`` of ``course_lib.nn.Dense``);
- ℓ1 by proximal steps: a plain step on the loss, then W ← soft_threshold(W, η · l1)
  (:class:`ProximalL1`).

"sparsity" plots validation accuracy against sparsity (the fraction of kernel weights counted
as zero; biases are never penalised and not counted) for the three, with the current ℓ1
strength and pruning target highlighted, next to the histogram of log₁₀|w| that shows why only
the proximal step lands exactly on zero. The lesson's opening table, the dense model that
every optimizer of ``OPTIMIZERS`` gives, comes from the same cache. The runs are computed once by
``scripts/build_sparsity_cache.py`` (with :func:`train` and :func:`pruning_accuracies`) and
stored in ``course_lib/data/sparsity_digits.npz``.
"""

from __future__ import annotations

import functools
import numbers
import pathlib
from dataclasses import dataclass

import numpy as np

from course_lib import callbacks, datasets, nn, optimizers, sparsity
from course_lib.plots.sparsity import (
    COLORS,
    HISTOGRAM_EDGES,
    LABELS,
    magnitude_axes,
    magnitude_counts,
)
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register

CACHE = pathlib.Path(__file__).resolve().parent.parent / "data" / "sparsity_digits.npz"

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


class ProximalL1(callbacks.Callback):
    """ℓ1 by proximal steps: after every update, W ← soft_threshold(W, η · l1), kernel by kernel.

    The model carries no penalty itself (its layers have l1 = 0), so the optimizer steps on
    the smooth loss only and the L1 part is taken exactly by the threshold: every weight moves
    η · l1 towards zero, and one that would cross zero stops on it. With plain SGD this is
    stochastic ISTA.
    """

    def __init__(self, l1: float):
        if (isinstance(l1, bool) or not isinstance(l1, numbers.Real)
                or not np.isfinite(l1) or l1 < 0):
            raise ValueError(f"l1 must be a finite number >= 0, got {l1!r}")
        self.l1 = float(l1)

    def on_train_batch_end(self, batch, logs=None) -> None:
        optimizer = self.model.optimizer
        rate = optimizer.learning_rate
        if callable(rate):
            rate = rate(optimizer.iterations - 1)  # the rate of the step just taken
        for layer in self.model.layers:
            # In place: the optimizer's slots stay paired with the same array.
            layer.kernel[...] = sparsity.soft_threshold(layer.kernel, rate * self.l1)


def train(method: str, l1: float, data=None, optimizer: str = "SGD"):
    """The digits MLP trained ``EPOCHS`` epochs, with SGD(``LEARNING_RATE``) by default.

    ``method`` is "dense" (no penalty; l1 must be 0), "subgradient" or "proximal";
    ``optimizer`` names one of ``OPTIMIZERS`` (the ℓ1 methods use SGD only: the proximal
    threshold η·λ assumes one plain step of size η). Returns the trained model.
    """
    if method not in ("dense", *METHODS):
        raise ValueError(f"method must be 'dense', 'subgradient' or 'proximal', got {method!r}")
    if method == "dense" and l1 != 0:
        raise ValueError(f"a dense run has no penalty: l1 must be 0, got {l1!r}")
    if optimizer not in OPTIMIZERS or (method != "dense" and optimizer != "SGD"):
        allowed = sorted(OPTIMIZERS) if method == "dense" else ["SGD"]
        raise ValueError(f"optimizer must be one of {allowed} for {method!r}, got {optimizer!r}")
    data = data or datasets.load_digits_split()
    model = nn.MLP(HIDDEN_UNITS, n_classes=data.n_classes, seed=SEED,
                   l1=l1 if method == "subgradient" else 0.0)
    model.compile(OPTIMIZERS[optimizer]())
    extra = [ProximalL1(l1)] if method == "proximal" else []
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


def build_cache(progress=None) -> dict[str, np.ndarray]:
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
        path = pathlib.Path(path)
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing: run `python scripts/build_sparsity_cache.py` to build it")
        with np.load(path) as stored:
            self.arrays = {name: stored[name] for name in stored.files}
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
    return SparsityCache()


class SparsityExplorer(Explorer):
    """Accuracy against sparsity for the three methods, and where the small weights sit."""

    def __init__(self, l1=1e-3, target_sparsity=0.5, counted_as_zero="exactly 0"):
        self.cache = load_cache()
        # Every curve at every tolerance now, so that no slider move pays for one.
        for tol in TOLERANCES.values():
            for method in ("pruning", *METHODS):
                self.cache.curve(method, tol)
        live = LiveFigure(figsize=(12.0, 4.0), ncols=2)
        curve_ax, histogram_ax = live.axes
        curve_ax.set_xlim(-0.02, 1.02)
        curve_ax.set_ylim(0, 1.02)
        curve_ax.set_xlabel("sparsity: fraction of weights counted as zero")
        curve_ax.set_ylabel("validation accuracy")
        curve_ax.set_title("sparser, and still accurate? (digits MLP)")
        curve_ax.axhline(float(self.cache.arrays["dense_accuracy"]), color="#999",
                         linestyle=":", linewidth=1, label="dense model")
        self.curves, self.points = {}, {}
        for method in ("pruning", *METHODS):
            (self.curves[method],) = curve_ax.plot([], [], "o-", markersize=3,
                                                   color=COLORS[method], label=LABELS[method])
            (self.points[method],) = curve_ax.plot([], [], "o", markersize=12,
                                                   markerfacecolor="none", markeredgewidth=2.2,
                                                   color=COLORS[method])
            live.animate(self.curves[method], self.points[method])
        curve_ax.legend(loc="lower left", fontsize=8)

        magnitude_axes(histogram_ax)
        histogram_ax.set_title("where the small weights sit, at this λ")
        self.histograms = {}
        for method in METHODS:
            self.histograms[method] = histogram_ax.stairs(
                np.ones(len(HISTOGRAM_EDGES) - 1), HISTOGRAM_EDGES, baseline=0.5,
                color=COLORS[method], linewidth=1.8, label=LABELS[method])
            live.animate(self.histograms[method])
        self.tolerance_line = histogram_ax.axvline(-8.5, color="#d62728", linestyle="--",
                                                   linewidth=1.2, label="counted as zero: left")
        live.animate(self.tolerance_line)
        histogram_ax.legend(loc="upper left", fontsize=8)
        for ax in live.axes:
            ax.set_autoscale_on(False)
            ax.grid(True, alpha=0.3)
        super().__init__(
            {
                "l1": controls.log_slider("ℓ1 strength λ", l1, L1_STRENGTHS[0],
                                          L1_STRENGTHS[-1], steps_per_decade=4),
                "target_sparsity": controls.linear_slider("pruning target", target_sparsity,
                                                          0.0, PRUNE_TARGETS[-1], 0.01, ".2f"),
                "counted_as_zero": controls.dropdown("counted as zero", TOLERANCES,
                                                     counted_as_zero),
            },
            live,
        )

    def update(self, l1, target_sparsity, counted_as_zero):
        tol = TOLERANCES[counted_as_zero]
        index = int(np.argmin(np.abs(np.log(self.cache.l1_strengths) - np.log(l1))))
        target = int(np.argmin(np.abs(self.cache.prune_targets - target_sparsity)))
        chosen = {"pruning": target, "subgradient": index, "proximal": index}
        for method, at in chosen.items():
            curve = self.cache.curve(method, tol)
            self.curves[method].set_data(curve.sparsity, curve.accuracy)
            self.points[method].set_data(curve.sparsity[at:at + 1], curve.accuracy[at:at + 1])
        for method in METHODS:
            counts = magnitude_counts(self.cache.kernels(method, index))
            self.histograms[method].set_data(np.maximum(counts, 0.5))
        self.tolerance_line.set_xdata([-8.5 if tol == 0 else np.log10(tol)] * 2)

        strength = self.cache.l1_strengths[index]
        found = {method: self.cache.curve(method, tol) for method in chosen}
        parts = [f"{LABELS[method]}: {100 * found[method].sparsity[at]:.1f} % zeros, "
                 f"accuracy {100 * found[method].accuracy[at]:.1f} %"
                 for method, at in chosen.items()]
        message = (f"λ = {strength:.2g}, pruning target {self.cache.prune_targets[target]:.0%}, "
                   f"zero means {counted_as_zero}. " + "; ".join(parts))
        collapsed = [LABELS[m] for m in METHODS if found[m].accuracy[index] <= 0.2]
        if collapsed:
            return Status(f"{message}. At this λ the penalty wipes out the network "
                          f"({', '.join(collapsed)} at chance): too strong", warning=True)
        return Status(message)


@register("sparsity")
def sparsity_explorer(**initial) -> SparsityExplorer:
    """The lesson-10 explorer: sparsity against accuracy for pruning and both ℓ1 methods."""
    return SparsityExplorer(**initial)
