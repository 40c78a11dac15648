"""The source's piecewise schedule counts epochs; PiecewiseConstantDecay counts steps."""

import numpy as np
import pytest

from course_lib.plots import schedules as plots


@pytest.mark.parametrize("steps_per_epoch", [1, 7, 34])
def test_only_steps_minus_one_matches_the_source_at_every_step(steps_per_epoch):
    translations = plots.epoch_boundaries(steps_per_epoch)
    steps = np.arange(20 * steps_per_epoch)
    # The source by hand: epoch = step // steps_per_epoch, 0.01 below epoch 5, 0.005 below 15.
    epoch = steps // steps_per_epoch
    source = np.where(epoch < 5, 0.01, np.where(epoch < 15, 0.005, 0.001))
    assert np.array_equal(translations["× steps − 1"](steps), source)
    late = np.flatnonzero(translations["× steps"](steps) != source)
    assert list(late) == [5 * steps_per_epoch, 15 * steps_per_epoch]


def test_copied_numbers_drop_after_five_steps_not_five_epochs():
    as_written = plots.epoch_boundaries(34)["[5, 15]"]
    assert as_written(5) == 0.01 and as_written(6) == 0.005 and as_written(16) == 0.001
    assert "  170     5           0.005" in plots.epoch_boundaries_table(34, [170])
