"""The learning-rate range test: sweep the rate exponentially, watch the loss, pick η.

Train for a few hundred batches while the learning rate grows by the same factor at every
batch, from min_lr to max_lr, and record each batch's loss. The loss first hardly moves (the
rate is too small), then falls fast, then turns and explodes (the rate is too large). The
weights and the optimizer's state are put back afterwards, so the test costs time but changes
nothing.

The suggestion is one tenth of the rate at which the recorded loss was lowest. At the lowest
point the rate is already on the edge: one more growth step and the loss turns up. Ten times
lower sits on the steep, fast-falling part of the curve and safely inside the stable range (a
common rule of thumb, fastai's "minimum / 10"). For 1cycle, use the suggestion as the peak η1
and about η1/10 as η0, as the source text does; the bottom of the curve itself is too high for a
peak (on the digits MLP a 1cycle peaking there ends at chance accuracy, lesson 9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_lib.nn.threads import single_threaded_blas
from course_lib.validation import integer, number

SUGGESTION_RULE = "one tenth of the learning rate at which the recorded batch loss was lowest"


@dataclass(frozen=True, eq=False)
class LearningRateFinderResult:
    """The sweep: learning_rates[i] was used for the batch whose loss is losses[i]."""

    learning_rates: np.ndarray
    losses: np.ndarray
    suggested_learning_rate: float
    rule: str
    exploded: bool

    def plot(self, ax=None):
        """Loss against learning rate on a log axis, with the suggestion marked."""
        import matplotlib.pyplot as plt

        if ax is None:
            ax = plt.gca()
        ax.semilogx(self.learning_rates, self.losses, label="batch loss")
        ax.axvline(self.suggested_learning_rate, color="tab:red", linestyle="--",
                   label=f"suggested η = {self.suggested_learning_rate:.3g}")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.legend()
        return ax


class _Sweep:
    """The sweep as a schedule: rates[step − first_step]."""

    def __init__(self, rates: np.ndarray, first_step: int):
        self.rates = rates
        self.first_step = first_step

    def __call__(self, step) -> float:
        return float(self.rates[int(step) - self.first_step])


def find_learning_rate(model, X, y, min_lr: float = 1e-5, max_lr: float = 10.0,
                       steps: int | None = None, epochs: int = 1, batch_size: int = 32,
                       explosion_factor: float = 4.0, seed: int = 0) -> LearningRateFinderResult:
    """Run the range test on a compiled model and return the rates, the losses and a suggestion.

    Batch i = 0, ..., steps − 1 is trained at η_i = min_lr · (max_lr / min_lr)^(i / (steps − 1)),
    and losses[i] is that batch's own loss (not a running mean), measured in the forward pass
    just before its update, as in fit; an exploding batch is not applied. steps defaults to
    `epochs` passes over the data; the batches are shuffled with `seed`. The sweep stops early
    once a loss is not finite or exceeds explosion_factor × the lowest loss so far; that last
    loss is kept in the result.

    The model's weights, the optimizer's state (slots and iterations), its learning rate and its
    momentum are restored afterwards, even if the sweep raises. A sweep that explodes before the
    loss ever falls below its first value raises a ValueError: min_lr was already too large.
    """
    if model.optimizer is None:
        raise RuntimeError("compile the model (model.compile(optimizer=...)) before the range test")
    min_lr = number(min_lr, "min_lr", low=0, low_inclusive=False)
    max_lr = number(max_lr, "max_lr", low=min_lr, low_inclusive=False)
    batch_size = integer(batch_size, "batch_size", low=1)
    explosion_factor = number(explosion_factor, "explosion_factor", low=1, low_inclusive=False)
    seed = integer(seed, "seed", low=0)
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),) or len(X) == 0:
        raise ValueError(f"X must be (examples × features) and y one label per example, "
                         f"got shapes {X.shape} and {y.shape}")
    batches_per_epoch = -(-len(X) // batch_size)
    if steps is None:
        steps = integer(epochs, "epochs", low=1) * batches_per_epoch
    steps = integer(steps, "steps", low=2)
    rates = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))

    if not model.built:
        model.build(X.shape[1])
    optimizer = model.optimizer
    saved = model.save_state()
    # An optimizer refuses a float in place of its schedule (as Keras does), so for one that
    # holds a schedule the sweep goes in as a schedule of the step instead.
    sweep = None
    if callable(optimizer.learning_rate):
        sweep = _Sweep(rates, first_step=optimizer.iterations)
    rng = np.random.default_rng(seed)
    losses: list[float] = []
    lowest = math.inf
    exploded = False
    try:
        if sweep is not None:
            optimizer.learning_rate = sweep
        # A diverging sweep overflows on purpose; its warnings would only be noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), single_threaded_blas():
            for step, rate in enumerate(rates):
                position = step % batches_per_epoch
                if position == 0:
                    order = rng.permutation(len(X))
                rows = order[position * batch_size:(position + 1) * batch_size]
                loss, gradients = model.loss_and_gradients(X[rows], y[rows])
                losses.append(loss)
                if not math.isfinite(loss) or loss > explosion_factor * lowest:
                    exploded = True
                    break
                lowest = min(lowest, loss)
                if sweep is None:
                    optimizer.learning_rate = float(rate)
                optimizer.apply(gradients, model.weights)
    finally:
        model.load_state(saved)

    losses_array = np.array(losses)
    rates = rates[:len(losses)]
    # The exploding last loss, if any, is above `lowest`, so it can never be the minimum.
    best_step = int(np.argmin(np.where(np.isfinite(losses_array), losses_array, np.inf)))
    if not math.isfinite(lowest) or (exploded and best_step == 0):
        raise ValueError(f"the loss never fell below its first value before it exploded: "
                         f"min_lr={min_lr} is already too large; lower min_lr")
    return LearningRateFinderResult(
        learning_rates=rates,
        losses=losses_array,
        suggested_learning_rate=float(rates[best_step] / 10),
        rule=SUGGESTION_RULE,
        exploded=exploded,
    )
