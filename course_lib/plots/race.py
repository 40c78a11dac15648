"""Lesson 8: the race. Every optimizer of the chapter, each at its own tuned learning rate.

Two courses, one rule for the rates:

- four 2-D surfaces (``SURFACES``), ``SURFACE_STEPS`` steps from each surface's start;
- the digits network (``NETWORK``): a 64-unit MLP trained on the real 8 × 8 digits.

Each contestant's rate comes from the learning-rate range test, with the rule of
``course_lib.lr_finder``: one tenth of the rate at which the recorded loss was lowest. On the
network that is ``find_learning_rate`` itself; on a surface, :func:`surface_range_test` runs
the same sweep with the exact gradient in place of a batch's.

Both races are cached in ``course_lib/data/`` (``race_surfaces.npz``, ``race_network.npz``),
written by ``scripts/build_race_cache.py`` from the functions here; the explorers and the
lesson's pictures read the caches, and a test recomputes one entry of each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from course_lib import optimizers
from course_lib.datasets import DIGITS_VALID_SIZE, load_digits_split
from course_lib.lr_finder import SUGGESTION_RULE, LearningRateFinderResult, find_learning_rate
from course_lib.nn import MLP
from course_lib.problems import (
    Beale,
    Bowl,
    Problem,
    Rosenbrock,
    RotatedBowl,
    Trajectory,
    trajectory,
)
from course_lib.schedules import ExponentialDecay

DATA = Path(__file__).resolve().parents[1] / "data"
SURFACE_CACHE = DATA / "race_surfaces.npz"
NETWORK_CACHE = DATA / "race_network.npz"
REBUILD = "python scripts/build_race_cache.py"

CONTESTANTS = {
    "SGD": (optimizers.SGD, {}),
    "Momentum": (optimizers.SGD, {"momentum": 0.9}),
    "Nesterov": (optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    "Adagrad": (optimizers.Adagrad, {}),
    "RMSprop": (optimizers.RMSprop, {}),
    "Adam": (optimizers.Adam, {}),
    "Adamax": (optimizers.Adamax, {}),
    "Nadam": (optimizers.Nadam, {}),
}
"""Each contestant: its class and the settings that are not Keras defaults."""

NAMES = tuple(CONTESTANTS)

RANGE_MIN_LR, RANGE_MAX_LR = 1e-5, 10.0
"""Every range test sweeps the rate from 10⁻⁵ to 10, growing by the same factor each step."""

SURFACES: dict[str, Problem] = {
    "valley κ = 100": Bowl(100.0),
    "turned valley κ = 100": RotatedBowl(100.0),
    "Rosenbrock": Rosenbrock(),
    "Beale": Beale(),
}
SURFACE_STEPS = 200
SURFACE_SWEEP_STEPS = 200

MULTIPLIERS = 2.0 ** np.arange(-1.0, 4.5, 0.5)
"""The race's rates are the range test's suggestion times one of these: ×½ to ×16 by √2."""

NETWORK = {"hidden_units": (64,), "epochs": 30, "batch_size": 32, "range_epochs": 3,
           "seeds": (0, 1, 2)}
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def make_optimizer(name: str, learning_rate) -> optimizers.Optimizer:
    """The contestant ``name`` (one of ``NAMES``) at ``learning_rate`` (a float or a schedule)."""
    if name not in CONTESTANTS:
        raise ValueError(f"name must be one of {list(NAMES)}, got {name!r}")
    kind, settings = CONTESTANTS[name]
    return kind(learning_rate=learning_rate, **settings)


def sweep_schedule(steps: int, min_lr: float = RANGE_MIN_LR,
                   max_lr: float = RANGE_MAX_LR) -> ExponentialDecay:
    """The range test's rate as a schedule: min_lr at step 0, max_lr at step ``steps`` − 1."""
    return ExponentialDecay(min_lr, decay_steps=steps - 1, decay_rate=max_lr / min_lr)


def surface_range_test(name: str, problem: Problem, steps: int = SURFACE_SWEEP_STEPS,
                       explosion_factor: float = 4.0) -> LearningRateFinderResult:
    """The range test on a 2-D surface: ``find_learning_rate``'s sweep and rule, exact gradients.

    Step k is taken at rate ``sweep_schedule(steps)(k)`` and ``losses[k]`` is the loss at the
    point that step leaves from. The sweep stops once a loss is not finite or exceeds
    ``explosion_factor`` × the lowest so far; the suggestion is one tenth of the rate at the
    lowest loss.
    """
    schedule = sweep_schedule(steps)
    optimizer = make_optimizer(name, schedule)
    point = np.array(problem.default_start, dtype=np.float64)
    losses: list[float] = []
    lowest = math.inf
    exploded = False
    # A sweep ends by overflowing on purpose; every number is checked below instead.
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            loss = float(problem.value(point))
            losses.append(loss)
            if not math.isfinite(loss) or loss > explosion_factor * lowest:
                exploded = True
                break
            lowest = min(lowest, loss)
            gradient = problem.gradient(point)
            if not np.all(np.isfinite(gradient)):
                break
            optimizer.apply(gradient, point)
    losses_array = np.array(losses)
    rates = schedule(np.arange(len(losses_array)))
    best = int(np.argmin(np.where(np.isfinite(losses_array), losses_array, np.inf)))
    return LearningRateFinderResult(rates, losses_array, float(rates[best] / 10),
                                    SUGGESTION_RULE, exploded)


@cache
def surface_rates(problem_name: str) -> dict[str, float]:
    """Each contestant's range-test rate on the surface ``problem_name`` (a key of ``SURFACES``)."""
    problem = _surface(problem_name)
    return {name: surface_range_test(name, problem).suggested_learning_rate for name in NAMES}


def surface_race(problem_name: str, multiplier: float,
                 steps: int = SURFACE_STEPS) -> dict[str, Trajectory]:
    """Every contestant on one surface at ``multiplier`` × its range-test rate, by name."""
    if not (isinstance(multiplier, int | float) and math.isfinite(multiplier) and multiplier > 0):
        raise ValueError(f"multiplier must be a finite number > 0, got {multiplier!r}")
    problem = _surface(problem_name)
    return {name: trajectory(make_optimizer(name, multiplier * rate), problem, steps=steps)
            for name, rate in surface_rates(problem_name).items()}


def _surface(problem_name: str) -> Problem:
    if problem_name not in SURFACES:
        raise ValueError(f"problem_name must be one of {list(SURFACES)}, got {problem_name!r}")
    return SURFACES[problem_name]


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


# -- the caches ------------------------------------------------------------------------------


def surface_race_arrays() -> dict[str, np.ndarray]:
    """The whole 2-D race as arrays, for ``race_surfaces.npz``.

    ``paths[p, m, o]`` is contestant o's path on surface p at multiplier m, stored as float32
    (plenty for a picture, and it keeps the file small), padded with NaN after a divergence;
    ``lengths`` holds the number of points kept and ``diverged_at`` the failing step or −1.
    """
    shape = (len(SURFACES), len(MULTIPLIERS), len(NAMES))
    paths = np.full(shape + (SURFACE_STEPS + 1, 2), np.nan, dtype=np.float32)
    lengths = np.zeros(shape, dtype=np.int16)
    diverged_at = np.full(shape, -1, dtype=np.int16)
    rates = np.zeros((len(SURFACES), len(NAMES)))
    for p, problem_name in enumerate(SURFACES):
        rates[p] = list(surface_rates(problem_name).values())
        for m, multiplier in enumerate(MULTIPLIERS):
            for o, run in enumerate(surface_race(problem_name, float(multiplier)).values()):
                paths[p, m, o, :len(run.path)] = run.path
                lengths[p, m, o] = len(run.path)
                diverged_at[p, m, o] = -1 if run.diverged_at is None else run.diverged_at
    return {"surfaces": np.array(list(SURFACES)), "names": np.array(NAMES),
            "multipliers": MULTIPLIERS, "rates": rates, "paths": paths, "lengths": lengths,
            "diverged_at": diverged_at}


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


def load_cache(path: Path) -> dict[str, np.ndarray]:
    """One of the race caches as a dict of arrays, or a FileNotFoundError saying how to build it."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; build it with `{REBUILD}`")
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


@lru_cache(maxsize=1)
def network_results() -> dict[str, np.ndarray]:
    """``race_network.npz``, loaded once."""
    return load_cache(NETWORK_CACHE)


# -- pictures and tables ---------------------------------------------------------------------


def results_table() -> str:
    """The network race after its last epoch, one row per contestant, from the cache.

    Columns: the range-test rate, then the final model evaluated on the training and the
    validation set, for the first seed; the last column gives the validation accuracy of
    every seed, to show how much of a difference is luck.
    """
    results = network_results()
    n_valid = DIGITS_VALID_SIZE
    lines = [f"{'optimizer':<10}{'η (range test)':>15}{'train loss':>12}{'val loss':>10}"
             f"{'train acc':>11}{'val acc':>9}{'val errors':>12}   val acc, seeds "
             + " / ".join(str(seed) for seed in results["seeds"])]
    for o, name in enumerate(results["names"]):
        train_loss, train_acc, val_loss, val_acc = results["final"][o, 0]
        seeds = " / ".join(f"{acc:.1%}" for acc in results["final"][o, :, 3])
        errors = round((1 - val_acc) * n_valid)
        rate = results["rates"][o, 0]
        lines.append(f"{name:<10}{rate:>15.3g}{train_loss:>12.4f}{val_loss:>10.4f}"
                     f"{train_acc:>11.1%}{val_acc:>9.1%}{errors:>8} / {n_valid}   {seeds}")
    return "\n".join(lines)


def ranking(runs: dict[str, Trajectory]) -> tuple[list[tuple[str, float]], list[str]]:
    """The finishers as (name, final loss), lowest first, and the names of those that diverged."""
    finishers = sorted(((name, run.final_loss) for name, run in runs.items() if not run.diverged),
                       key=lambda entry: entry[1])
    return finishers, [name for name, run in runs.items() if run.diverged]


def ranking_sentence(runs: dict[str, Trajectory]) -> str:
    """One line that says who finished lowest and who diverged, written from the numbers."""
    finishers, diverged = ranking(runs)
    order = ", ".join(f"{name} {loss:.2g}" for name, loss in finishers)
    return f"lowest first: {order}" + (f"; diverged: {', '.join(diverged)}" if diverged else "")


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
    """The facts of :func:`results_table`, from the same cache."""
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


def range_tests() -> Figure:
    """The eight range tests on the digits network (first seed), each with its suggestion."""
    colors = _colors()
    results = network_results()
    fig = Figure(figsize=(10.0, 4.2))
    # Fixed margins: a constrained layout of eight axes costs more than drawing them.
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.87, wspace=0.08, hspace=0.3)
    axes = fig.subplots(2, 4, sharex=True, sharey=True)
    for o, (name, ax) in enumerate(zip(results["names"], axes.ravel(), strict=True)):
        rates, losses = results["sweep_rates"][o, 0], results["sweep_losses"][o, 0]
        kept = np.isfinite(losses)
        best = rates[kept][np.argmin(losses[kept])]
        ax.semilogx(rates[kept], losses[kept], color=colors[name], linewidth=1.4)
        ax.axvline(best, color="grey", linestyle=":", linewidth=1)
        ax.axvline(results["rates"][o, 0], color=colors[name], linestyle="--", linewidth=1.2)
        ax.set_title(f"{name}: η = {results['rates'][o, 0]:.2g}", fontsize=10)
        ax.set_ylim(0, 4)
        # A few plain labels and no minor ticks: eight log axes with every tick and
        # typeset powers of ten take seconds to lay out.
        ax.xaxis.set_major_locator(FixedLocator([1e-5, 1e-3, 1e-1, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda rate, _: f"{rate:g}"))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.grid(True, alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("batch loss")
    fig.supxlabel("learning rate, growing by the same factor each batch", fontsize=10)
    fig.suptitle("range test on the digits network: dotted = lowest loss, dashed = one tenth of it")
    return fig


def generalisation_gap() -> Figure:
    """Training against validation, per contestant: the final accuracies and the loss gap.

    Dots are seeds; a gap that moves more between seeds than between optimizers is luck.
    """
    colors = _colors()
    results = network_results()
    names = list(results["names"])
    final = results["final"]
    x = np.arange(len(names))
    fig = Figure(figsize=(11.0, 3.6), layout="constrained")
    accuracy, gap = fig.subplots(1, 2)
    seeds = final.shape[1]
    for s in range(seeds):
        shift = (s - (seeds - 1) / 2) * 0.12
        accuracy.plot(x + shift, 100 * final[:, s, 1], "^", color="#777777", markersize=5,
                      label="training" if s == 0 else None)
        accuracy.plot(x + shift, 100 * final[:, s, 3], "o", color="k", markersize=5,
                      label="validation" if s == 0 else None)
        gap.plot(x + shift, final[:, s, 2] - final[:, s, 0], "o", color="k", markersize=5,
                 label="one seed" if s == 0 else None)
    gap.bar(x, (final[:, :, 2] - final[:, :, 0]).mean(axis=1), color=[colors[n] for n in names],
            alpha=0.6, label="mean over seeds")
    for ax in (accuracy, gap):
        ax.set_xticks(x, names, rotation=30, fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
    accuracy.set_ylabel("accuracy after the last epoch (%)")
    accuracy.set_ylim(94, 100.5)
    accuracy.set_title("training vs validation accuracy")
    accuracy.legend(loc="lower right", fontsize=8)
    gap.set_ylabel("validation loss − training loss")
    gap.set_title("the generalisation gap, in loss")
    gap.legend(loc="upper left", fontsize=8)
    return fig


def _colors() -> dict[str, str]:
    # Imported late: course_lib.widgets imports every explorer, and the race explorer imports
    # this module, so a top-level import would be circular.
    from course_lib.widgets.panels import COLORS

    return COLORS
