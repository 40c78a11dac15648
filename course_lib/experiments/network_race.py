"""Lesson 8's race on the digits network: a 64-unit MLP trained with every contestant.

Each contestant's rate is ``find_learning_rate``'s suggestion on a fresh model (the range test
of ``course_lib.lr_finder``); a model from the same seed is then trained for
``NETWORK["epochs"]`` epochs at that rate. Three seeds show how much of a difference is luck.
The race is cached in ``course_lib/data/race_network.npz`` (:func:`network_race_arrays`,
written by ``scripts/build_race_cache.py``); :func:`network_results` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_lib.datasets import DIGITS_VALID_SIZE, load_digits_split
from course_lib.experiments import cache as npz
from course_lib.experiments.contestants import (
    NAMES,
    RANGE_MAX_LR,
    RANGE_MIN_LR,
    REBUILD,
    make_optimizer,
)
from course_lib.lr_finder import find_learning_rate
from course_lib.nn import MLP

CACHE = npz.DATA / "race_network.npz"

NETWORK = {"hidden_units": (64,), "epochs": 30, "batch_size": 32, "range_epochs": 3,
           "seeds": (0, 1, 2)}
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def network_entry(name: str, seed: int) -> dict[str, np.ndarray]:
    """Train the contestant ``name`` on the digits from the initial weights of ``seed``.

    First the range test (``find_learning_rate``, ``NETWORK["range_epochs"]`` passes, batch
    order from ``seed``) on a fresh model; then a model built from the same seed, trained for
    ``NETWORK["epochs"]`` epochs at the suggested rate. Returns the rate, the sweep, the
    per-epoch history (``METRICS``, as ``fit`` logs them) and the final model's loss and
    accuracy evaluated on the whole training and validation sets.
    """
    data = load_digits_split()
    finder_model = _network(name, 1e-3, seed)
    sweep = find_learning_rate(finder_model, data.X_train, data.y_train, min_lr=RANGE_MIN_LR,
                               max_lr=RANGE_MAX_LR, epochs=NETWORK["range_epochs"],
                               batch_size=NETWORK["batch_size"], seed=seed)
    rate = sweep.suggested_learning_rate
    model = _network(name, rate, seed)
    history = model.fit(data.X_train, data.y_train, epochs=NETWORK["epochs"],
                        batch_size=NETWORK["batch_size"],
                        validation_data=(data.X_valid, data.y_valid)).history
    train = model.evaluate(data.X_train, data.y_train)
    valid = model.evaluate(data.X_valid, data.y_valid)
    return {
        "rate": np.float64(rate),
        "sweep_rates": sweep.learning_rates,
        "sweep_losses": sweep.losses,
        "history": np.array([history[metric] for metric in METRICS]),
        "final": np.array([train[0], train[1], valid[0], valid[1]]),
    }


def _network(name: str, learning_rate: float, seed: int) -> MLP:
    model = MLP(NETWORK["hidden_units"], n_classes=10, seed=seed)
    model.compile(optimizer=make_optimizer(name, learning_rate))
    return model


def network_race_arrays() -> dict[str, np.ndarray]:
    """The whole network race as arrays, for ``race_network.npz``: contestants × seeds.

    The range-test sweeps stop at different steps; ``sweep_rates`` and ``sweep_losses`` are
    padded with NaN to the longest.
    """
    seeds = NETWORK["seeds"]
    entries = [[network_entry(name, seed) for seed in seeds] for name in NAMES]
    longest = max(len(entry["sweep_losses"]) for row in entries for entry in row)
    sweep_rates = np.full((len(NAMES), len(seeds), longest), np.nan)
    sweep_losses = np.full_like(sweep_rates, np.nan)
    for o, row in enumerate(entries):
        for s, entry in enumerate(row):
            sweep_rates[o, s, :len(entry["sweep_rates"])] = entry["sweep_rates"]
            sweep_losses[o, s, :len(entry["sweep_losses"])] = entry["sweep_losses"]
    return {
        "names": np.array(NAMES), "seeds": np.array(seeds), "metrics": np.array(METRICS),
        "rates": np.array([[entry["rate"] for entry in row] for row in entries]),
        "history": np.array([[entry["history"] for entry in row] for row in entries]),
        "final": np.array([[entry["final"] for entry in row] for row in entries]),
        "sweep_rates": sweep_rates, "sweep_losses": sweep_losses,
    }


@lru_cache(maxsize=1)
def network_results() -> dict[str, np.ndarray]:
    """``race_network.npz``, loaded once."""
    return npz.read(CACHE, REBUILD)


@dataclass(frozen=True)
class NetworkFacts:
    """What the network race's table says, computed from it: the lesson's sentences check these.

    ``train_accuracy`` is per optimizer at the first seed; ``seed_spread`` the largest change
    of one optimizer's validation accuracy between seeds (``spread_of`` names it); and
    ``others_gap`` the spread of the seven optimizers other than SGD at the first seed;
    ``mean_val_accuracy`` and ``mean_gap`` (validation loss − training loss) average the seeds.
    """

    lowest: tuple[str, int, float]
    highest: tuple[str, int, float]
    train_accuracy: dict[str, float]
    seed_spread: float
    spread_of: str
    others_gap: float
    mean_val_accuracy: dict[str, float]
    mean_gap: dict[str, float]

    def __str__(self) -> str:
        others = [acc for name, acc in self.train_accuracy.items() if name != "SGD"]
        return "\n".join([
            f"validation accuracy over all runs: {self.lowest[2]:.1%} ({self.lowest[0]}, seed "
            f"{self.lowest[1]}) to {self.highest[2]:.1%} ({self.highest[0]}, seed "
            f"{self.highest[1]})",
            f"training accuracy, seed 0: SGD {self.train_accuracy['SGD']:.1%}, the seven others "
            f"{min(others):.1%} to {max(others):.1%}",
            f"one optimizer, changing only the seed: up to {100 * self.seed_spread:.1f} points "
            f"({self.spread_of}, {round(self.seed_spread * DIGITS_VALID_SIZE)} images)",
            f"the seven optimizers other than SGD, seed 0: {100 * self.others_gap:.1f} points "
            "apart",
        ])


def network_facts() -> NetworkFacts:
    """The facts of the network race's table, from the cache."""
    results = network_results()
    names, seeds = list(results["names"]), list(results["seeds"])
    val = results["final"][:, :, 3]
    low, high = np.unravel_index(np.argmin(val), val.shape), np.unravel_index(np.argmax(val),
                                                                             val.shape)
    spreads = val.max(axis=1) - val.min(axis=1)
    others = [o for o, name in enumerate(names) if name != "SGD"]
    return NetworkFacts(
        lowest=(names[low[0]], int(seeds[low[1]]), float(val[low])),
        highest=(names[high[0]], int(seeds[high[1]]), float(val[high])),
        train_accuracy={name: float(results["final"][o, 0, 1]) for o, name in enumerate(names)},
        seed_spread=float(spreads.max()), spread_of=names[int(np.argmax(spreads))],
        others_gap=float(np.ptp(val[others, 0])),
        mean_val_accuracy={name: float(val[o].mean()) for o, name in enumerate(names)},
        mean_gap={name: float((results["final"][o, :, 2] - results["final"][o, :, 0]).mean())
                  for o, name in enumerate(names)},
    )
