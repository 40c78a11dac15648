"""Lesson 08's self-check (the race has no exercise notebook): which solution an optimizer
finds, what a Hessian costs, and what Adam's √ŝ measures. Checked in the lesson with
``check("l08.q1", answer)``; not part of the instructor's grading."""

from __future__ import annotations

from ..spec import Case, Exercise, Mistake, Task, choice_task

WHY_ADAM_MISSES = choice_task(
    id="l08.q1",
    title="Wilson et al.'s problem",
    answer_name="wilson_answer",
    options={
        "a": "Adam did not finish fitting the training set.",
        "b": "Started at 0, Adam gives every weight it uses the same size, so the label "
             "feature w₁ weighs no more than the two always-on features w₂, w₃.",
        "c": "Adam's learning rate was too high, so it overfitted the noise in the labels.",
        "d": "Adam's momentum overshoots the solution gradient descent finds.",
    },
    correct="b",
    mistakes={
        "a": ("thinks Adam did not fit",
              "Adam's training loss is below 1e-30 and it classifies every training example "
              "right; it fits exactly, just with other weights."),
        "c": ("blames the rate",
              "The labels have no noise, and at any small rate Adam reaches the same "
              "sign-shaped solution: it is where its per-coordinate scaling leads, not a "
              "matter of step size."),
        "d": ("blames momentum",
              "SGD with momentum reaches the same minimum-norm solution as plain SGD; what "
              "Adam adds is the division by √ŝ."),
    },
    hints=(
        "Every optimizer in the table reaches training loss ≈ 0. Look at w₁ and w₂ + w₃ instead.",
        "A new negative example is predicted sign(−w₁ + w₂ + w₃). With w₁ = w₂ = w₃, what sign?",
    ),
)


def hessian_megabytes(n_parameters, bytes_per_number):
    """The Hessian of n parameters, n² numbers, in megabytes (10⁶ bytes)."""
    return n_parameters**2 * bytes_per_number / 1e6


def _gradient_size(n_parameters, bytes_per_number):
    return n_parameters * bytes_per_number / 1e6


def _mebibytes(n_parameters, bytes_per_number):
    return n_parameters**2 * bytes_per_number / 2**20


def _bits(n_parameters, bytes_per_number):
    return n_parameters**2 * bytes_per_number * 8 / 1e6


def _random_size(rng):
    return {"n_parameters": int(rng.integers(10, 100_000)),
            "bytes_per_number": int(rng.choice([2, 4, 8]))}


HESSIAN = Task(
    id="l08.q2",
    title="What a Hessian costs",
    answer_name="hessian_megabytes",
    reference=hessian_megabytes,
    points=1,
    edge_cases=(
        Case("the lesson's MLP in float64", {"n_parameters": 4810, "bytes_per_number": 8}),
        Case("one parameter", {"n_parameters": 1, "bytes_per_number": 4}),
    ),
    random_kwargs=_random_size,
    mistakes=(
        Mistake("n numbers (the gradient's size)",
                "The gradient has n entries; the Hessian has one per pair of parameters, n².",
                _gradient_size),
        Mistake("mebibytes (2²⁰) instead of megabytes",
                "The lesson's MB is 10⁶ bytes; divide by 1e6.", _mebibytes),
        Mistake("bits instead of bytes",
                "bytes_per_number is already in bytes (8 for float64); do not multiply by 8.",
                _bits),
    ),
    hints=(
        "One entry per pair of parameters: n × n numbers.",
        "Multiply by the bytes per number and divide by 10⁶.",
    ),
)

WHAT_S_MEASURES = choice_task(
    id="l08.q3",
    title="What √ŝ estimates",
    answer_name="scaling_answer",
    options={
        "a": "The curvature along each coordinate: the diagonal of the Hessian.",
        "b": "The root mean square of that coordinate's recent gradients: the square root "
             "of their uncentred second moment.",
        "c": "The standard deviation of that coordinate's recent gradients.",
        "d": "How far that coordinate is from the minimum.",
    },
    correct="b",
    mistakes={
        "a": ("curvature",
              "ŝ averages g², which needs no second derivative. On a quadratic, g = h·θ, so "
              "√ŝ is curvature times distance, large far from the minimum even where h is small."),
        "c": ("centred (the standard deviation)",
              "The mean is not subtracted: ŝ averages g² itself, the uncentred second moment. "
              "RMSprop(centered=True) subtracts the squared mean; Adam does not."),
        "d": ("distance",
              "√ŝ is built from gradients only; it knows nothing of where the minimum is."),
    },
    hints=(
        "Write out step 2 of Adam: what is averaged?",
        "Is the mean of the gradients subtracted before squaring?",
    ),
)

SELF_CHECK = Exercise("l08", "The race: self-check", "08_race",
                      (WHY_ADAM_MISSES, HESSIAN, WHAT_S_MEASURES))
