"""Lesson 08's self-check: which solution an optimizer finds, what a Hessian costs, and what
Adam's √ŝ measures.

Not an exercise notebook: the questions sit at the bottom of lesson 08, answered in the lesson
and checked with the same ``check``; there is no score and nothing to grade.
"""

from __future__ import annotations

from ..spec import choice_task, value_task

ID = "lesson08"

WHY_ADAM_MISSES = choice_task(
    id="lesson08.q1",
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
              "Adam's training loss is below 1e-20 and it classifies every training example "
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


HESSIAN = value_task(
    id="lesson08.q2",
    title="What a Hessian costs",
    answer_name="hessian_gigabytes",
    answer=(100_000**2) * 4 / 1e9,
    mistakes={
        100_000 * 4 / 1e9: ("n numbers (the gradient's size)",
                            "The gradient has n entries; the Hessian has one per pair of "
                            "parameters, n²."),
        (100_000**2) * 8 / 1e9: ("float64 instead of float32",
                                 "float32 numbers take 4 bytes each, not 8."),
        (100_000**2) * 4 / 2**30: ("gibibytes (2³⁰) instead of gigabytes",
                                   "The lesson's units are powers of ten: divide by 10⁹."),
        (100_000**2) * 4 * 8 / 1e9: ("bits instead of bytes",
                                     "4 bytes per number, not 32 bits: do not multiply by 8."),
    },
    hints=(
        "One entry per pair of parameters: n × n numbers.",
        "Multiply by 4 bytes and divide by 10⁹.",
    ),
)

WHAT_S_MEASURES = choice_task(
    id="lesson08.q3",
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

TASKS = (WHY_ADAM_MISSES, HESSIAN, WHAT_S_MEASURES)
