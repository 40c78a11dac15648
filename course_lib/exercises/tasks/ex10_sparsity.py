"""Exercise 10, sparse models: soft-thresholding, the proximal L1 step, pruning, and measuring
how sparse a model is."""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Mistake, Task, choice_task
from . import draw


def soft_threshold(w, threshold):
    """sign(w) · max(|w| − λ, 0): every weight λ closer to 0, and those within λ exactly 0."""
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


def _threshold_never_zeroes(w, threshold):
    return w - threshold * np.sign(w)


def _hard_threshold(w, threshold):
    return np.where(np.abs(w) > threshold, w, 0.0)


def _threshold_sign_lost(w, threshold):
    return np.maximum(np.abs(w) - threshold, 0.0)


def _negatives_lost(w, threshold):
    return np.maximum(w - threshold, 0.0)


def _ridge_shrink(w, threshold):
    return w / (1 + threshold)


def _random_threshold(rng):
    return {"w": draw.vector(rng, draw.size(rng, 4, 8)),
            "threshold": draw.uniform(rng, 0.05, 1.0)}


SOFT = Task(
    id="ex10.q1",
    title="Soft-thresholding",
    answer_name="soft_threshold",
    reference=soft_threshold,
    points=2,
    edge_cases=(
        Case("both signs, one exactly at the threshold", {
            "w": np.array([-2.0, -0.5, 0.0, 0.3, 1.5]), "threshold": 0.5}),
        Case("a threshold larger than every weight", {
            "w": np.array([0.2, -0.1, 0.05]), "threshold": 1.0}),
    ),
    random_kwargs=_random_threshold,
    mistakes=(
        Mistake("shrinks but never zeroes",
                "Subtracting λ·sign(w) pushes a small weight past 0 to the other side. Stop "
                "at 0: sign(w) · max(|w| − λ, 0).",
                _threshold_never_zeroes),
        Mistake("hard thresholding (no shrink)",
                "Soft-thresholding also moves the surviving weights λ closer to 0.",
                _hard_threshold),
        Mistake("sign lost",
                "max(|w| − λ, 0) is the new size; multiply by sign(w) to keep the direction.",
                _threshold_sign_lost),
        Mistake("L2's shrink w/(1+λ): never exactly zero",
                "Dividing shrinks every weight but zeroes none; that is the proximal step of "
                "the L2 penalty, not of L1.",
                _ridge_shrink),
        Mistake("negative weights lost (max(w − λ, 0))",
                "max(w − λ, 0) zeroes every negative weight. Shrink the size and keep the "
                "sign: sign(w) · max(|w| − λ, 0).",
                _negatives_lost),
    ),
    hints=(
        "Work with the size |w| and the sign sign(w) separately.",
        "The new size is |w| − λ, but never below 0: np.maximum(np.abs(w) - threshold, 0).",
        "Multiply the new size by np.sign(w).",
    ),
)


def proximal_l1_step(w, grad, learning_rate, l1):
    """w ← soft_threshold(w − η∇, η·l1): a gradient step on the smooth loss, then the L1 prox."""
    return soft_threshold(w - learning_rate * grad, learning_rate * l1)


def _prox_unscaled(w, grad, learning_rate, l1):
    return soft_threshold(w - learning_rate * grad, l1)


def _subgradient_step(w, grad, learning_rate, l1):
    return w - learning_rate * (grad + l1 * np.sign(w))


def _prox_before_gradient(w, grad, learning_rate, l1):
    return soft_threshold(w, learning_rate * l1) - learning_rate * grad


def _prox_uphill(w, grad, learning_rate, l1):
    return soft_threshold(w + learning_rate * grad, learning_rate * l1)


def _on_wrong_threshold(mistake: Mistake) -> Mistake:
    """The right proximal step, calling a soft_threshold with one of task 1's mistakes."""
    def variant(w, grad, learning_rate, l1):
        return mistake.variant(w - learning_rate * grad, learning_rate * l1)

    return Mistake(f"right step, but task 1's soft_threshold: {mistake.name}",
                   "This step calls your soft_threshold, and that is what is wrong: fix task 1 "
                   "and this task passes too.",
                   variant)


def _random_prox(rng):
    n = draw.size(rng, 4, 8)
    return {"w": draw.vector(rng, n), "grad": draw.vector(rng, n),
            "learning_rate": draw.uniform(rng, 0.05, 0.5), "l1": draw.uniform(rng, 0.1, 2.0)}


PROXIMAL = Task(
    id="ex10.q2",
    title="The proximal L1 step",
    answer_name="proximal_l1_step",
    reference=proximal_l1_step,
    points=2,
    edge_cases=(
        Case("small weights that should land on 0", {
            "w": np.array([0.05, -0.02, 1.0, -1.0]), "grad": np.array([0.1, 0.0, 0.5, -0.5]),
            "learning_rate": 0.1, "l1": 1.0}),
        Case("no gradient", {
            "w": np.array([0.3, -0.3, 2.0]), "grad": np.zeros(3),
            "learning_rate": 0.5, "l1": 0.8}),
    ),
    random_kwargs=_random_prox,
    mistakes=(
        Mistake("threshold not scaled by the learning rate",
                "The step on the L1 part has size η·l1, so threshold at learning_rate * l1.",
                _prox_unscaled),
        Mistake("plain subgradient step (never exactly zero)",
                "w − η(∇ + l1·sign(w)) jumps over 0 instead of landing on it; take the "
                "gradient step, then soft-threshold. If your step does call soft_threshold, "
                "it is task 1's that never zeroes.",
                _subgradient_step),
        Mistake("threshold before the gradient step",
                "First the gradient step w − η∇, then soft-thresholding of the result.",
                _prox_before_gradient),
        Mistake("gradient step uphill (w + η∇)",
                "The gradient step goes against the gradient: soft_threshold(w − η∇, η·l1).",
                _prox_uphill),
        # A soft_threshold that never zeroes makes this step the subgradient step above, so
        # that mistake's explanation names both causes instead of a second, identical variant.
        *(_on_wrong_threshold(mistake) for mistake in SOFT.mistakes
          if mistake.variant is not _threshold_never_zeroes),
    ),
    builds_on=(SOFT.id,),
    hints=(
        "Two parts: a plain gradient step on the smooth loss, then your soft_threshold.",
        "The threshold is η·l1, not l1.",
        "soft_threshold(w - learning_rate * grad, learning_rate * l1).",
    ),
)


def magnitude_prune(w, sparsity):
    """Set the round(sparsity · n) weights of smallest |w| to 0; return a new array."""
    count = round(sparsity * w.size)
    pruned = w.flatten()
    pruned[np.argsort(np.abs(pruned), kind="stable")[:count]] = 0.0
    return pruned.reshape(w.shape)


def _prune_by_value(w, sparsity):
    count = round(sparsity * w.size)
    pruned = w.flatten()
    pruned[np.argsort(pruned, kind="stable")[:count]] = 0.0
    return pruned.reshape(w.shape)


def _prune_largest(w, sparsity):
    count = round(sparsity * w.size)
    pruned = w.flatten()
    order = np.argsort(np.abs(pruned), kind="stable")
    pruned[order[len(order) - count:]] = 0.0
    return pruned.reshape(w.shape)


def _prune_rounded_down(w, sparsity):
    count = int(sparsity * w.size)
    pruned = w.flatten()
    pruned[np.argsort(np.abs(pruned), kind="stable")[:count]] = 0.0
    return pruned.reshape(w.shape)


def _prune_rounded_up(w, sparsity):
    count = int(np.ceil(sparsity * w.size))
    pruned = w.flatten()
    pruned[np.argsort(np.abs(pruned), kind="stable")[:count]] = 0.0
    return pruned.reshape(w.shape)


def _prune_below_fraction(w, sparsity):
    return np.where(np.abs(w) < sparsity, 0.0, w)


def _random_prune(rng):
    n = draw.size(rng, 5, 12)
    w = draw.vector(rng, n)
    # Equal magnitudes would make "the smallest" ambiguous; draw again until there are none.
    while len(set(np.abs(w))) < n:
        w = draw.vector(rng, n)
    return {"w": w, "sparsity": int(rng.integers(1, n)) / n}


PRUNE = Task(
    id="ex10.q3",
    title="Magnitude pruning",
    answer_name="magnitude_prune",
    reference=magnitude_prune,
    points=2,
    edge_cases=(
        Case("half of six weights", {"w": np.array([0.5, -3.0, 0.1, 2.0, -0.2, 1.0]),
                                     "sparsity": 0.5}),
        Case("a matrix, a quarter pruned", {
            "w": np.array([[0.9, -0.05], [-1.5, 0.3], [0.02, -0.7], [2.2, 0.4]]),
            "sparsity": 0.25}),
        Case("nothing pruned", {"w": np.array([0.1, -0.2]), "sparsity": 0.0}),
        Case("70 % of four weights: round 2.8 to 3", {
            "w": np.array([0.4, -0.1, 0.3, -0.2]), "sparsity": 0.7}),
        Case("20 % of seven weights: round 1.4 to 1", {
            "w": np.array([0.6, -0.3, 0.05, 0.9, -0.4, 0.2, -0.7]), "sparsity": 0.2}),
    ),
    hidden_edge_cases=(
        Case("hidden: 60 % of eight weights, 4.8 rounds to 5", {
            "w": np.array([0.8, -0.1, 0.6, 0.05, -0.7, 0.3, -0.2, 0.9]), "sparsity": 0.6}),
    ),
    random_kwargs=_random_prune,
    mistakes=(
        Mistake("pruned by value, not magnitude",
                "Small means close to 0: sort by |w|, so −3 is a large weight.",
                _prune_by_value),
        Mistake("pruned the largest weights",
                "Keep the large weights, they matter most; zero the smallest |w|.",
                _prune_largest),
        Mistake("fraction used as a magnitude threshold",
                "sparsity is the fraction of weights to zero, not a cut-off for |w|.",
                _prune_below_fraction),
        Mistake("count rounded down (int)",
                "int() cuts 2.8 down to 2; the number of weights to zero is the nearest whole "
                "number, round(sparsity * w.size).",
                _prune_rounded_down),
        Mistake("count rounded up (ceil)",
                "ceil() lifts 1.4 to 2; the number of weights to zero is the nearest whole "
                "number, round(sparsity * w.size).",
                _prune_rounded_up),
    ),
    hints=(
        "How many weights go? round(sparsity * w.size).",
        "np.argsort(np.abs(w.flatten())) lists the positions from smallest |w| up.",
        "Copy w (flatten() copies), set those first positions to 0, reshape to w.shape.",
    ),
)


def sparsity(w):
    """The fraction of the weights that are exactly 0."""
    return np.count_nonzero(w == 0) / w.size


def _density(w):
    return np.count_nonzero(w) / w.size


def _zero_count(w):
    return float(np.count_nonzero(w == 0))


def _percent(w):
    return 100 * np.count_nonzero(w == 0) / w.size


def _near_zero_counted(w):
    return np.count_nonzero(np.abs(w) < 1e-6) / w.size


def _divided_by_rows(w):
    return np.count_nonzero(w == 0) / len(w)


def _random_sparsity(rng):
    n = draw.size(rng, 5, 20)
    w = draw.vector(rng, n)
    w[rng.random(n) < 0.4] = 0.0
    w[rng.random(n) < 0.15] = 1e-9
    return {"w": w}


MEASURE = Task(
    id="ex10.q4",
    title="Measuring sparsity",
    answer_name="sparsity",
    reference=sparsity,
    edge_cases=(
        Case("two zeros and a tiny weight", {"w": np.array([0.0, 0.0, 1e-9, 2.5])}),
        Case("a matrix", {"w": np.array([[0.0, 1.0], [0.0, 0.0], [3.0, 0.0]])}),
        Case("no zeros", {"w": np.array([0.1, -0.2, 0.3])}),
    ),
    random_kwargs=_random_sparsity,
    mistakes=(
        Mistake("density instead of sparsity",
                "Sparsity counts the zeros; the fraction of non-zeros is the density.",
                _density),
        Mistake("a count, not a fraction",
                "Divide the number of zeros by the number of weights.",
                _zero_count),
        Mistake("a percentage, not a fraction",
                "Return a number between 0 and 1.",
                _percent),
        Mistake("near-zero weights counted as zeros",
                "Only exact zeros make a model smaller or faster: count w == 0.",
                _near_zero_counted),
        Mistake("divided by the rows (len), not the weights (size)",
                "len() counts the rows of a matrix; w.size counts every weight.",
                _divided_by_rows),
    ),
    hints=(
        "w == 0 is an array of True/False; np.count_nonzero counts the True.",
        "Divide by w.size, the number of weights (len() would count rows).",
    ),
)

EXACT_ZEROS = choice_task(
    id="ex10.q5",
    title="Exact zeros",
    answer_name="exact_zeros_answer",
    options={
        "a": "Its steps are smaller, so the weights can settle on 0.",
        "b": "Soft-thresholding sets every weight within η·l1 of 0 to exactly 0, while a "
             "subgradient step of size η·l1 jumps over 0.",
        "c": "It rounds the weights to a few decimals.",
        "d": "It prunes a fixed fraction of the weights after each step.",
    },
    correct="b",
    mistakes={
        "a": ("step size blamed",
              "Both take steps of size η·l1 on the penalty; only soft-thresholding stops at 0."),
        "c": ("thinks it rounds",
              "No rounding happens: the max(|w| − η·l1, 0) is exactly 0 for small weights."),
        "d": ("proximal step confused with pruning",
              "Pruning zeroes a fixed fraction; the proximal step zeroes whatever lies "
              "within η·l1 of 0."),
    },
    hints=(
        "Take w = 0.01, η·l1 = 0.1: what does each step give?",
        "The subgradient step gives 0.01 − 0.1 = −0.09; soft-thresholding gives 0.",
    ),
)

EXERCISE = Exercise("ex10", "Sparse models", "ex10_sparsity",
                    (SOFT, PROXIMAL, PRUNE, MEASURE, EXACT_ZEROS))
