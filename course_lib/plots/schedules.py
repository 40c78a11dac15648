"""Lesson 9 pictures: constant rates, decay schedules, plateaus, 1cycle, range test, resuming.

Two small rules live here too, because the lesson compares them with Keras's and nowhere else
in the course needs them: PyTorch's ``MultiStepLR`` (:func:`multistep_rate`) and PyTorch's
``ReduceLROnPlateau`` counting (:func:`plateau_cuts` with ``rule="pytorch"``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from matplotlib.figure import Figure

from course_lib import callbacks, schedules
from course_lib.experiments.schedule_sweep import Setting, load_cache
from course_lib.plots.colors import OKABE_ITO, SERIES, Look
from course_lib.validation import choice

RATE_LABELS = {
    0.00316: "too low: slow",
    0.0316: "about right",
    0.316: "a bit too high: oscillates",
    1.0: "too high: training breaks down",
}


SCHEDULE_LOOKS = {
    "constant": Look(OKABE_ITO["black"], "-", "o"),
    "power": Look(OKABE_ITO["blue"], (0, (6, 2)), "s"),
    "exponential": Look(OKABE_ITO["vermillion"], (0, (6, 2, 1, 2)), "^"),
    "piecewise": Look(OKABE_ITO["bluish green"], (0, (1, 2)), "D"),
    "performance": Look(OKABE_ITO["reddish purple"], (0, (6, 2, 1, 2, 1, 2)), "v"),
    "cosine": Look(OKABE_ITO["orange"], (0, (10, 3)), "P"),
    "1cycle": Look(OKABE_ITO["sky blue"], (0, (3, 1, 3, 1, 1, 1)), "*"),
}
"""Lesson 9's schedules, each by colour, dash pattern and marker."""

def constant_rates(labels=None) -> Figure:
    """Validation loss per epoch of the digits MLP at four constant rates (the lesson's cache).

    ``labels`` maps a rate of the cache's grid (matched to 3 significant digits) to its
    legend text.
    """
    cache = load_cache()
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.subplots()
    epochs = np.arange(1, cache.epochs + 1)
    for index, (rate, label) in enumerate((labels or RATE_LABELS).items()):
        run = cache.run(Setting.on_grid("constant", rate))
        look = SERIES[index % len(SERIES)]
        ax.plot(epochs, run.val_loss, color=look.color, linestyle=look.linestyle,
                marker=look.marker, markersize=4, label=f"η = {rate:.2g}: {label}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss")
    ax.set_title("one constant learning rate for the whole run")
    # Under the axes: inside, the key would cover the first epochs of every run.
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return fig


def decay_shapes(initial_learning_rate: float = 0.01, s: int = 100, horizon: int = 600) -> Figure:
    """Power (c = ½, 1, 2), exponential and piecewise-constant schedules over ``horizon`` steps.

    Marked: power with c = 1 at η₀/2 after s steps and η₀/3 after 2s; exponential at η₀/10
    after s steps.
    """
    eta0 = initial_learning_rate
    steps = np.arange(horizon + 1)
    fig = Figure(figsize=(7.5, 3.6), layout="constrained")
    ax = fig.subplots()
    power_look, exponential, piecewise_look = SERIES[0], SERIES[1], SERIES[2]
    for power, style in ((0.5, ":"), (1.0, "-"), (2.0, "--")):
        ax.plot(steps, schedules.PowerDecay(eta0, steps=s, power=power)(steps), style,
                color=power_look.color, label=f"power, c = {power:g}")
    ax.plot(steps, schedules.ExponentialDecay(eta0, decay_steps=s, decay_rate=0.1)(steps),
            color=exponential.color, linestyle="-.", marker=exponential.marker, markersize=4,
            markevery=(s // 4, s), label="exponential η₀·0.1^(t/s)")
    piecewise = schedules.PiecewiseConstantDecay([1.5 * s, 3.5 * s], [eta0, eta0 / 4, eta0 / 20])
    ax.plot(steps, piecewise(steps), color=piecewise_look.color, linestyle="-",
            marker=piecewise_look.marker, markersize=4, markevery=(s // 2, s),
            label="piecewise constant")
    ax.plot([s, 2 * s], [eta0 / 2, eta0 / 3], "o", color=power_look.color)
    ax.annotate("η₀/2", (s, eta0 / 2), textcoords="offset points", xytext=(6, 4),
                color=power_look.color)
    ax.annotate("η₀/3", (2 * s, eta0 / 3), textcoords="offset points", xytext=(6, 4),
                color=power_look.color)
    ax.plot([s], [eta0 / 10], "o", color=exponential.color)
    ax.annotate("η₀/10", (s, eta0 / 10), textcoords="offset points", xytext=(6, -12),
                color=exponential.color)
    ax.set_yscale("log")
    ax.set_ylim(eta0 / 2000, eta0 * 1.6)
    ax.set_xlabel(f"step t (s = {s})")
    ax.set_ylabel("learning rate η(t)")
    ax.set_title("power falls fast, then slowly; exponential falls 10× every s steps")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return fig


def multistep_rate(step, milestones, initial_learning_rate: float, gamma: float):
    """PyTorch's MultiStepLR: η₀ · γ^(number of milestones ≤ step).

    Left-closed: at step == milestone the new rate already holds.
    """
    count = np.searchsorted(np.asarray(milestones, dtype=float), np.asarray(step, dtype=float),
                            side="right")
    return initial_learning_rate * gamma**count


def boundary_table(boundary: int = 5, before: float = 0.01, after: float = 0.001,
                   around: int = 2) -> str:
    """The rate just before, at and after one boundary, as Keras, PyTorch and the source set it.

    Keras: ``PiecewiseConstantDecay([boundary], [before, after])`` (right-closed);
    PyTorch: ``MultiStepLR(milestones=[boundary], gamma=after/before)`` (left-closed);
    the source: ``before if t < boundary else after``.
    """
    keras = schedules.PiecewiseConstantDecay([boundary], [before, after])
    rows = ["  t | Keras PiecewiseConstantDecay | PyTorch MultiStepLR | source: t < 5",
            "----|------------------------------|---------------------|---------------"]
    for t in range(boundary - around, boundary + around + 1):
        torch = multistep_rate(t, [boundary], before, after / before)
        source = before if t < boundary else after
        mark = "  ← boundary" if t == boundary else ""
        rows.append(f"{t:3d} | {keras(t):28.4g} | {torch:19.4g} | {source:13.4g}{mark}")
    return "\n".join(rows).replace("t < 5", f"t < {boundary}")


SOURCE_BOUNDARIES, SOURCE_VALUES = (5, 15), (0.01, 0.005, 0.001)
"""The source's piecewise schedule: 0.01 for epochs 0–4, 0.005 for epochs 5–14, then 0.001."""


def source_piecewise(epoch: int) -> float:
    """The source's ``piecewise_constant_fn(epoch)``: a function of the epoch, left-closed."""
    if epoch < SOURCE_BOUNDARIES[0]:
        return SOURCE_VALUES[0]
    if epoch < SOURCE_BOUNDARIES[1]:
        return SOURCE_VALUES[1]
    return SOURCE_VALUES[2]


def epoch_boundaries(steps_per_epoch: int) -> dict[str, schedules.PiecewiseConstantDecay]:
    """Three ways to pass the source's epoch boundaries to ``PiecewiseConstantDecay``.

    ``"[5, 15]"`` copies the numbers (Keras reads them as steps), ``"× steps"`` converts them
    to steps, and ``"× steps − 1"`` also moves each one back a step, for Keras's right-closed
    boundary: only that one matches the source at every step.
    """
    def decay(shift, scale):
        return schedules.PiecewiseConstantDecay([b * scale - shift for b in SOURCE_BOUNDARIES],
                                                list(SOURCE_VALUES))

    return {"[5, 15]": decay(0, 1), "× steps": decay(0, steps_per_epoch),
            "× steps − 1": decay(1, steps_per_epoch)}


def epoch_boundaries_table(steps_per_epoch: int, steps) -> str:
    """The rate at each of ``steps``: the source's epoch function and the three translations."""
    translations = epoch_boundaries(steps_per_epoch)
    b1, b2 = (b * steps_per_epoch for b in SOURCE_BOUNDARIES)
    names = {"[5, 15]": "[5, 15]", "× steps": f"[{b1}, {b2}]",
             "× steps − 1": f"[{b1 - 1}, {b2 - 1}]"}
    rows = [f"{'step':>5} {'epoch':>5} {'source (epoch)':>15}"
            + "".join(f"{names[key]:>12}" for key in translations)]
    for step in steps:
        rates = "".join(f"{schedule(step):>12.4g}" for schedule in translations.values())
        rows.append(f"{step:>5} {step // steps_per_epoch:>5} "
                    f"{source_piecewise(step // steps_per_epoch):>15.4g}{rates}")
    return "\n".join(rows)


def plateau_trace(val_losses, patience: int, rule: str = "keras", min_delta: float = 1e-4,
                  factor: float = 0.5) -> list[tuple[int, bool]]:
    """Per epoch: how many epochs in a row have failed to improve, and whether the rate is cut.

    rule="keras" drives course_lib's ReduceLROnPlateau (Keras 3): it cuts when ``patience``
    epochs in a row failed to beat the best value by ``min_delta``. rule="pytorch" counts as
    PyTorch's ReduceLROnPlateau does (threshold_mode="abs", threshold=min_delta, so that only
    the counting differs): it cuts once *more than* ``patience`` epochs in a row failed. After
    a cut both start counting again from 0.
    """
    choice(rule, "rule", ("keras", "pytorch"))
    values = [float(v) for v in val_losses]
    trace = []
    if rule == "keras":
        model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=1.0), stop_training=False)
        callback = callbacks.ReduceLROnPlateau(factor=factor, patience=patience,
                                               min_delta=min_delta)
        callback.set_model(model)
        callback.on_train_begin({})
        for epoch, value in enumerate(values):
            rate, waited = model.optimizer.learning_rate, callback.wait
            callback.on_epoch_end(epoch, {"val_loss": value})
            cut = model.optimizer.learning_rate < rate
            # A cut sets the callback's counter back to 0: the count that triggered it is one more.
            trace.append((waited + 1 if cut else callback.wait, cut))
        return trace
    best, bad_epochs = np.inf, 0
    for value in values:
        if value < best - min_delta:
            best, bad_epochs = value, 0
        else:
            bad_epochs += 1
        cut = bad_epochs > patience
        trace.append((bad_epochs, cut))
        if cut:
            bad_epochs = 0
    return trace


def plateau_cuts(val_losses, patience: int, rule: str = "keras", **options) -> list[int]:
    """The epochs (0-based) at whose end ReduceLROnPlateau cuts the rate (see plateau_trace)."""
    return [epoch for epoch, (_, cut) in enumerate(plateau_trace(val_losses, patience, rule,
                                                                 **options)) if cut]


def plateau_table(val_losses, patience: int, first_epoch: int = 1) -> str:
    """Epoch by epoch (1-based, from ``first_epoch``): the loss, the best so far, and each
    framework's count of bad epochs in a row, with its cuts marked."""
    values = np.asarray(val_losses, dtype=float)
    best = np.minimum.accumulate(values)
    keras = plateau_trace(values, patience, "keras")
    torch = plateau_trace(values, patience, "pytorch")
    rows = ["epoch  val_loss  best so far  Keras: bad in a row  PyTorch: bad in a row"]
    for epoch in range(first_epoch - 1, len(values)):
        cells = [f"{count}{' → cut' if cut else ''}" for count, cut in (keras[epoch], torch[epoch])]
        rows.append(f"{epoch + 1:5d}  {values[epoch]:8.4f}  {best[epoch]:11.4f}  "
                    f"{cells[0]:>19s}  {cells[1]:>21s}")
    return "\n".join(rows)


def one_cycle(schedule: schedules.OneCycle) -> Figure:
    """1cycle's learning rate (left) and momentum (right) over its steps."""
    steps = np.linspace(0, schedule.total_steps, 801)
    fig = Figure(figsize=(9.0, 3.2), layout="constrained")
    rate_ax, momentum_ax = fig.subplots(1, 2)
    rate_ax.plot(steps, schedule(steps), color="#8c564b", linewidth=2)
    rate_ax.axhline(schedule.initial_learning_rate, color="#999", linestyle=":", linewidth=1)
    rate_ax.set_title(f"rate: η₀ = {schedule.initial_learning_rate:g} → "
                      f"η₁ = {schedule.max_learning_rate:g} → η₀ → η₀/1000")
    rate_ax.set_ylabel("learning rate η")
    momentum_ax.plot(steps, schedule.momentum(steps), color="#1f77b4", linewidth=2)
    momentum_ax.set_ylim(0.8, 1.0)
    momentum_ax.set_title(f"momentum: {schedule.max_momentum:g} → {schedule.min_momentum:g} → "
                          f"{schedule.max_momentum:g}, then held")
    momentum_ax.set_ylabel("momentum β")
    for ax in (rate_ax, momentum_ax):
        ax.axvline(schedule.cycle_steps, color="#999", linestyle="--", linewidth=0.9)
        ax.set_xlabel("step")
        ax.grid(True, alpha=0.3)
    return fig


def range_test(result) -> Figure:
    """The loss-versus-rate curve of a learning-rate range test, its lowest point and the pick."""
    lowest = int(np.argmin(result.losses))
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.semilogx(result.learning_rates, result.losses, color="#4c4c4c", linewidth=1.2,
                label="loss of each batch")
    ax.plot(result.learning_rates[lowest], result.losses[lowest], "v", color="#d62728",
            markersize=9, label=f"lowest loss at η = {result.learning_rates[lowest]:.2g}")
    ax.axvline(result.suggested_learning_rate, color="#1f77b4", linestyle="--",
               label=f"suggested η = {result.suggested_learning_rate:.2g} (a tenth of that)")
    ax.set_ylim(0, 1.2 * result.losses[0])
    ax.set_xlabel("learning rate (growing every batch)")
    ax.set_ylabel("training loss")
    ax.set_title("the learning-rate range test")
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)
    return fig


def resume_trap(uninterrupted, first, right, wrong) -> Figure:
    """Learning rate and validation loss per epoch: one run, and the same run saved and resumed.

    Each argument is a ``History``: ``first`` is the part before the break, ``right`` the part
    resumed with ``initial_epoch``, ``wrong`` the part resumed without it (its epoch counter
    restarts at 0, though it trains after ``first``).
    """
    done = len(first.epoch)

    def positions(history, offset=0):
        return np.arange(len(history.epoch)) + offset + 1

    fig = Figure(figsize=(10.0, 3.4), layout="constrained")
    rate_ax, loss_ax = fig.subplots(1, 2)
    for ax, key in ((rate_ax, "learning_rate"), (loss_ax, "val_loss")):
        ax.plot(positions(uninterrupted), uninterrupted.history[key], color="#999",
                linewidth=5, alpha=0.6, label="uninterrupted run")
        ax.plot(positions(first), first.history[key], "o-", color="#4c4c4c", markersize=3,
                label=f"first {done} epochs, then saved")
        ax.plot(positions(right, done), right.history[key], "o--", color="#1f77b4",
                markersize=3, label="resumed with initial_epoch")
        ax.plot(positions(wrong, done), wrong.history[key], "o-", color="#d62728",
                markersize=3, label="resumed without it")
        ax.axvline(done + 0.5, color="#999", linestyle=":", linewidth=1)
        ax.set_xlabel("epoch")
        ax.set_yscale("log")
        ax.grid(True, which="major", alpha=0.3)
    rate_ax.set_ylabel("learning rate")
    rate_ax.set_title("the schedule of the epoch, before and after a break")
    loss_ax.set_ylabel("validation loss")
    loss_ax.set_title("what the jump does to training")
    rate_ax.legend(fontsize=8)
    return fig
