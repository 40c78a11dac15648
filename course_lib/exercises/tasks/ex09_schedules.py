"""Exercise 09, learning-rate schedules: power, exponential, piecewise constant, 1cycle and the
plateau rule, each the learning rate at step (or epoch) t counted from 0, as Keras counts."""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Mistake, Task, choice_task
from . import draw


def power_schedule(step, initial_learning_rate, s, c):
    """η(t) = η₀ / (1 + t/s)^c."""
    return initial_learning_rate / (1 + step / s) ** c


def _power_late(step, initial_learning_rate, s, c):
    return power_schedule(step - 1, initial_learning_rate, s, c)


def _power_inside(step, initial_learning_rate, s, c):
    return initial_learning_rate / (1 + (step / s) ** c)


def _power_without_c(step, initial_learning_rate, s, c):
    return initial_learning_rate / (1 + step / s)


def _power_staircase(step, initial_learning_rate, s, c):
    return initial_learning_rate / (1 + step // s) ** c


def _random_power(rng):
    return {"step": int(rng.integers(0, 10_001)),
            "initial_learning_rate": draw.log_uniform(rng, 1e-3, 0.1),
            "s": int(rng.integers(10, 5001)), "c": draw.uniform(rng, 0.5, 2.0)}


LATE = ("one step late (off-by-one)",
        "Steps count from 0, as Keras counts optimizer.iterations: step 0 gets η₀.")

POWER = Task(
    id="ex09.q1",
    title="Power scheduling",
    answer_name="power_schedule",
    reference=power_schedule,
    points=2,
    edge_cases=(
        Case("step 0", {"step": 0, "initial_learning_rate": 0.01, "s": 20, "c": 1.0}),
        Case("after s steps, with c = 2", {"step": 20, "initial_learning_rate": 0.01, "s": 20,
                                          "c": 2.0}),
        Case("after 2s steps, with c = 1", {"step": 40, "initial_learning_rate": 0.01, "s": 20,
                                           "c": 1.0}),
    ),
    random_kwargs=_random_power,
    mistakes=(
        Mistake(*LATE, _power_late),
        Mistake("power on t/s only",
                "The whole 1 + t/s is raised to c: η₀ / (1 + t/s)^c.",
                _power_inside),
        Mistake("power c left out",
                "c = 1 is only the usual choice; raise 1 + t/s to the power c.",
                _power_without_c),
        Mistake("staircase (t // s)",
                "That is Keras's staircase=True. Here t/s is a real number, so the rate falls "
                "a little every step.",
                _power_staircase),
    ),
    hints=(
        "One line: the formula η₀ / (1 + t/s)^c.",
        "Check it: step 0 gives η₀, step s gives η₀/2^c.",
    ),
)


def exponential_schedule(step, initial_learning_rate, s):
    """η(t) = η₀ · 0.1^(t/s): ten times smaller every s steps, smoothly."""
    return initial_learning_rate * 0.1 ** (step / s)


def _exponential_staircase(step, initial_learning_rate, s):
    return initial_learning_rate * 0.1 ** (step // s)


def _exponential_late(step, initial_learning_rate, s):
    return exponential_schedule(step - 1, initial_learning_rate, s)


def _exponential_base_e(step, initial_learning_rate, s):
    return initial_learning_rate * np.exp(-step / s)


def _exponential_upside_down(step, initial_learning_rate, s):
    return initial_learning_rate * 0.1 ** (s / step) if step else 0.0


def _exponential_times(step, initial_learning_rate, s):
    return initial_learning_rate * 0.1 * step / s


def _random_exponential(rng):
    return {"step": int(rng.integers(0, 10_001)),
            "initial_learning_rate": draw.log_uniform(rng, 1e-3, 0.1),
            "s": int(rng.integers(10, 5001))}


EXPONENTIAL = Task(
    id="ex09.q2",
    title="Exponential scheduling",
    answer_name="exponential_schedule",
    reference=exponential_schedule,
    points=2,
    edge_cases=(
        Case("step 0", {"step": 0, "initial_learning_rate": 0.01, "s": 20}),
        Case("after s steps", {"step": 20, "initial_learning_rate": 0.01, "s": 20}),
        Case("between two drops", {"step": 30, "initial_learning_rate": 0.01, "s": 20}),
    ),
    random_kwargs=_random_exponential,
    mistakes=(
        Mistake("staircase (t // s)",
                "That is Keras's staircase=True. Here the exponent is the real number t/s, "
                "so the rate falls a little every step.",
                _exponential_staircase),
        Mistake(*LATE, _exponential_late),
        Mistake("e instead of 10 (exp(−t/s))",
                "This schedule divides by 10 every s steps: 0.1^(t/s), not e^(−t/s).",
                _exponential_base_e),
        Mistake("exponent upside down (s/t)",
                "The exponent grows with t: 0.1^(t/s).",
                _exponential_upside_down),
        Mistake("times instead of power (η₀·0.1·t/s)",
                "t/s is the exponent of 0.1: initial_learning_rate * 0.1 ** (step / s), with "
                "** not *.",
                _exponential_times),
    ),
    hints=(
        "One line: η₀ · 0.1^(t/s). In Python, ** is the power.",
        "Keep t/s a real number: / not //.",
    ),
)


def piecewise_constant(step, boundaries, values):
    """values[0] while t ≤ boundaries[0], values[1] while boundaries[0] < t ≤ boundaries[1],
    …, values[-1] after the last boundary (Keras's PiecewiseConstantDecay)."""
    for boundary, value in zip(boundaries, values[:-1], strict=True):
        if step <= boundary:
            return value
    return values[-1]


def _piecewise_wrong_side(step, boundaries, values):
    for boundary, value in zip(boundaries, values[:-1], strict=True):
        if step < boundary:
            return value
    return values[-1]


def _piecewise_late(step, boundaries, values):
    return piecewise_constant(step - 1, boundaries, values)


def _piecewise_next_value(step, boundaries, values):
    """Boundaries counted from 1 (enumerate(boundaries, 1)), so each interval gets the next
    interval's value; after the last boundary values[-1] stays."""
    for index, boundary in enumerate(boundaries, 1):
        if step <= boundary:
            return values[index]
    return values[-1]


def _random_piecewise(rng):
    count = int(rng.integers(1, 4))
    boundaries = sorted(int(b) for b in rng.choice(np.arange(1, 100), count, replace=False))
    values = sorted((draw.log_uniform(rng, 1e-4, 0.1) for _ in range(count + 1)), reverse=True)
    near = int(rng.choice(boundaries)) + int(rng.integers(-1, 2))
    step = near if rng.random() < 0.7 else int(rng.integers(0, 120))
    return {"step": max(step, 0), "boundaries": boundaries, "values": values}


def _source_example(step):
    return Case(f"step {step}", {"step": step, "boundaries": [5, 15],
                                 "values": [0.01, 0.005, 0.001]})


PIECEWISE = Task(
    id="ex09.q3",
    title="Piecewise constant scheduling",
    answer_name="piecewise_constant",
    reference=piecewise_constant,
    points=2,
    edge_cases=tuple(_source_example(step) for step in (0, 5, 6, 15, 16, 100)),
    hidden_edge_cases=(
        Case("hidden: on the last of three boundaries", {
            "step": 30, "boundaries": [10, 20, 30], "values": [0.1, 0.05, 0.02, 0.01]}),
    ),
    random_kwargs=_random_piecewise,
    mistakes=(
        Mistake("boundary closed on the wrong side",
                "Keras keeps a boundary step in the interval before it: values[0] while "
                "t ≤ boundaries[0]. (The source's own function uses <, the other convention.)",
                _piecewise_wrong_side),
        Mistake(*LATE, _piecewise_late),
        Mistake("values shifted by one index",
                "values[0] belongs to the steps up to boundaries[0]: the value's index is the "
                "number of boundaries t has passed, counted from 0.",
                _piecewise_next_value),
    ),
    hints=(
        "Walk through the boundaries in order; the first one that t has not passed picks "
        "the value.",
        "'Not passed' means t ≤ boundary: at t = 5 with boundaries [5, 15] the rate is "
        "still values[0].",
        "If t is past every boundary, return values[-1].",
    ),
)


def one_cycle(step, total_steps, initial_learning_rate, max_learning_rate):
    """1cycle: the cycle is the first 90 % of the steps; up linearly from η₀ to η₁ over its
    first half, back down to η₀ over its second half, then down linearly to η₀/1000 at
    ``total_steps``, and held there."""
    cycle = 0.9 * total_steps
    return float(np.interp(
        step,
        [0.0, cycle / 2, cycle, total_steps],
        [initial_learning_rate, max_learning_rate, initial_learning_rate,
         initial_learning_rate / 1000],
    ))


def _cycle_late(step, total_steps, initial_learning_rate, max_learning_rate):
    return one_cycle(step - 1, total_steps, initial_learning_rate, max_learning_rate)


def _cycle_without_final_phase(step, total_steps, initial_learning_rate, max_learning_rate):
    cycle = 0.9 * total_steps
    return float(np.interp(step, [0.0, cycle / 2, cycle],
                           [initial_learning_rate, max_learning_rate, initial_learning_rate]))


def _cycle_over_all_steps(step, total_steps, initial_learning_rate, max_learning_rate):
    return float(np.interp(step, [0.0, total_steps / 2, total_steps],
                           [initial_learning_rate, max_learning_rate, initial_learning_rate]))


def _cycle_not_held(step, total_steps, initial_learning_rate, max_learning_rate):
    """The last phase's straight line continued past total_steps, down below 0."""
    cycle = 0.9 * total_steps
    if step <= cycle:
        return one_cycle(step, total_steps, initial_learning_rate, max_learning_rate)
    slope = (initial_learning_rate / 1000 - initial_learning_rate) / (total_steps - cycle)
    return initial_learning_rate + slope * (step - cycle)


def _cycle_down_to_zero(step, total_steps, initial_learning_rate, max_learning_rate):
    cycle = 0.9 * total_steps
    return float(np.interp(step, [0.0, cycle / 2, cycle, total_steps],
                           [initial_learning_rate, max_learning_rate, initial_learning_rate, 0.0]))


def _random_cycle(rng):
    total = int(rng.integers(100, 2001))
    peak = draw.log_uniform(rng, 0.01, 1.0)
    return {"step": int(rng.integers(0, int(1.1 * total))), "total_steps": total,
            "initial_learning_rate": draw.rounded(peak / draw.uniform(rng, 5, 20)),
            "max_learning_rate": peak}


def _cycle_case(label, step):
    return Case(label, {"step": step, "total_steps": 1000, "initial_learning_rate": 0.01,
                        "max_learning_rate": 0.1})


ONE_CYCLE = Task(
    id="ex09.q4",
    title="1cycle",
    answer_name="one_cycle",
    reference=one_cycle,
    points=2,
    edge_cases=(
        _cycle_case("step 0", 0),
        _cycle_case("climbing (step 200)", 200),
        _cycle_case("the peak (step 450)", 450),
        _cycle_case("falling (step 700)", 700),
        _cycle_case("the last phase (step 950)", 950),
        _cycle_case("after the end (step 1200)", 1200),
    ),
    random_kwargs=_random_cycle,
    mistakes=(
        Mistake(*LATE, _cycle_late),
        Mistake("no final phase",
                "After the cycle the rate keeps falling, linearly down to η₀/1000 at the "
                "last step.",
                _cycle_without_final_phase),
        Mistake("the cycle spans all steps",
                "The up-and-down cycle takes the first 90 % of the steps; the last 10 % take "
                "the rate down by orders of magnitude.",
                _cycle_over_all_steps),
        Mistake("rate not held after the end (it goes negative)",
                "The line of the last phase stops at η₀/1000 at total_steps; after that the "
                "rate stays η₀/1000 instead of falling below 0.",
                _cycle_not_held),
        Mistake("last phase down to 0, not η₀/1000",
                "The last phase ends at η₀/1000: a rate of 0 would stop training.",
                _cycle_down_to_zero),
    ),
    hints=(
        "Mark the corners: (0, η₀), (0.45·N, η₁), (0.9·N, η₀), (N, η₀/1000).",
        "Between two corners the rate is on a straight line; after N it stays at η₀/1000.",
        "np.interp(step, corner_steps, corner_rates) joins the corners with straight lines "
        "and holds the last value.",
    ),
)


def plateau_learning_rates(val_losses, learning_rate, factor, patience, min_delta):
    """The learning rate after each epoch under Keras's ReduceLROnPlateau (no cooldown).

    An epoch improves when its loss < best − min_delta, and only then does best become its
    loss: best is the loss of the last epoch that improved, not the running minimum, so
    gains smaller than min_delta add up until together they beat it. Otherwise wait grows
    by 1, and when wait reaches patience the rate is multiplied by factor and wait starts
    again from 0.
    """
    best, wait, rates = np.inf, 0, []
    for loss in val_losses:
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                learning_rate, wait = learning_rate * factor, 0
        rates.append(learning_rate)
    return rates


def _plateau(val_losses, learning_rate, factor, patience, min_delta, *, extra_wait=0,
             against_last=False, running_minimum=False, reset=True, use_delta=True):
    """The plateau rule with one thing changed, to build the wrong variants from."""
    best, wait, rates = np.inf, 0, []
    for loss in val_losses:
        if loss < best - (min_delta if use_delta else 0.0):
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience + extra_wait:
                learning_rate = learning_rate * factor
                wait = 0 if reset else wait
        if against_last:
            best = loss
        if running_minimum:
            best = min(best, loss)
        rates.append(learning_rate)
    return rates


def _plateau_relative(val_losses, learning_rate, factor, patience, min_delta):
    """PyTorch's default threshold: an epoch improves when loss < best·(1 − min_delta)."""
    best, wait, rates = np.inf, 0, []
    for loss in val_losses:
        if loss < best * (1 - min_delta):
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                learning_rate, wait = learning_rate * factor, 0
        rates.append(learning_rate)
    return rates


def _plateau_one_late(**kwargs):
    return _plateau(**kwargs, extra_wait=1)


def _plateau_against_last(**kwargs):
    return _plateau(**kwargs, against_last=True)


def _plateau_running_minimum(**kwargs):
    return _plateau(**kwargs, running_minimum=True)


def _plateau_recorded_before(**kwargs):
    rates = plateau_learning_rates(**kwargs)
    return [kwargs["learning_rate"], *rates[:-1]]


def _plateau_no_reset(**kwargs):
    return _plateau(**kwargs, reset=False)


def _plateau_no_delta(**kwargs):
    return _plateau(**kwargs, use_delta=False)


def _random_plateau(rng):
    losses, loss = [], 1.0
    for _ in range(int(rng.integers(10, 26))):
        loss += -rng.uniform(0, 0.05) if rng.random() < 0.5 else rng.uniform(0, 0.03)
        losses.append(draw.rounded(loss))
    return {"val_losses": losses, "learning_rate": draw.log_uniform(rng, 1e-3, 0.1),
            "factor": draw.uniform(rng, 0.1, 0.9), "patience": int(rng.integers(1, 5)),
            "min_delta": 0.0 if rng.random() < 0.4 else draw.log_uniform(rng, 1e-4, 1e-2)}


PLATEAU = Task(
    id="ex09.q5",
    title="The plateau rule",
    answer_name="plateau_learning_rates",
    reference=plateau_learning_rates,
    points=2,
    edge_cases=(
        Case("a long plateau, patience 2", {
            "val_losses": [1.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], "learning_rate": 0.1,
            "factor": 0.5, "patience": 2, "min_delta": 0.0}),
        Case("creeping down by less than min_delta", {
            "val_losses": [1.0, 0.9999, 0.9998, 0.9997, 0.9996, 0.9995], "learning_rate": 0.1,
            "factor": 0.5, "patience": 2, "min_delta": 0.001}),
        Case("a jump up, then a slow recovery", {
            "val_losses": [1.0, 0.7, 0.9, 0.8, 0.75, 0.72], "learning_rate": 0.01,
            "factor": 0.1, "patience": 3, "min_delta": 0.0}),
        Case("small gains that add up to more than min_delta", {
            "val_losses": [1.0, 0.9996, 0.9992, 0.9988, 0.9984, 0.998, 0.9976],
            "learning_rate": 0.1, "factor": 0.5, "patience": 3, "min_delta": 0.001}),
        Case("small losses: min_delta is absolute", {
            "val_losses": [0.2, 0.15, 0.146, 0.142, 0.145, 0.135, 0.13], "learning_rate": 0.1,
            "factor": 0.5, "patience": 2, "min_delta": 0.01}),
    ),
    random_kwargs=_random_plateau,
    mistakes=(
        Mistake("waits one epoch too many (> patience)",
                "Keras cuts at the end of the patience-th epoch without improvement: "
                "wait >= patience. (PyTorch waits one epoch more.)",
                _plateau_one_late),
        Mistake("rate recorded before the epoch's update",
                "Append the rate after deciding on the cut: the list holds the rate in force "
                "after each epoch, so a cut at the end of an epoch shows in that epoch's entry.",
                _plateau_recorded_before),
        Mistake("best kept as the running minimum",
                "Keras moves best only when an epoch improves (loss < best − min_delta). A "
                "running minimum also follows the small gains, so they never add up to an "
                "improvement.",
                _plateau_running_minimum),
        Mistake("compared with the last epoch, not the best",
                "An epoch improves only if it beats best, the loss of the last epoch that "
                "improved, by min_delta.",
                _plateau_against_last),
        Mistake("wait not reset after a cut",
                "After cutting the rate, start counting from 0 again.",
                _plateau_no_reset),
        Mistake("relative threshold (PyTorch's best·(1 − min_delta))",
                "PyTorch's default compares with best·(1 − threshold). Keras's min_delta is "
                "absolute: an epoch improves when loss < best − min_delta.",
                _plateau_relative),
        Mistake("min_delta ignored",
                "An improvement must be larger than min_delta: loss < best − min_delta.",
                _plateau_no_delta),
    ),
    hints=(
        "Keep three things across epochs: best, wait and the current rate.",
        "Each epoch: if loss < best − min_delta, it improved (best = loss, wait = 0); "
        "else wait += 1 and best stays as it is.",
        "When wait reaches patience: multiply the rate by factor and set wait = 0. Append "
        "the rate after every epoch.",
    ),
)

RESUME = choice_task(
    id="ex09.q6",
    title="Resuming training",
    answer_name="resume_answer",
    options={
        "a": "Training resumes exactly where it stopped.",
        "b": "The schedule starts again from epoch 0, so the learning rate jumps back up "
             "to its initial value.",
        "c": "fit() raises an error because the epoch counter was lost.",
        "d": "The learning rate drops to 0.",
    },
    correct="b",
    mistakes={
        "a": ("epoch taken as saved",
              "The optimizer's learning rate is saved, but fit() counts epochs from 0 again "
              "unless you pass initial_epoch."),
        "c": ("expects an error",
              "Nothing fails: the schedule just sees epoch 0 and returns η₀."),
        "d": ("expects the rate to vanish",
              "Epoch 0 gives the schedule's highest rate, η₀, not 0."),
    },
    hints=(
        "Which epoch number does fit() start from when you call it again?",
        "What does the schedule return for that epoch?",
    ),
)

EXERCISE = Exercise("ex09", "Learning-rate schedules", "ex09_schedules",
                    (POWER, EXPONENTIAL, PIECEWISE, ONE_CYCLE, PLATEAU, RESUME))
