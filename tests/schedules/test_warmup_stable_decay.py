"""Warmup–stable–decay: the trapezoid, its corners computed by hand."""

import numpy as np
import pytest

from course_lib import optimizers, schedules
from course_lib.schedules import WarmupStableDecay


def test_the_corners_by_hand():
    wsd = WarmupStableDecay(0.1, warmup_steps=10, stable_steps=80, decay_steps=10)
    # up by 0.01 a step from 0, flat at 0.1 from step 10 to 90, down by 0.01 a step to 0 at 100
    steps = np.array([0, 5, 10, 50, 90, 95, 100, 150])
    np.testing.assert_allclose(wsd(steps), [0, 0.05, 0.1, 0.1, 0.1, 0.05, 0, 0], atol=1e-15)


def test_a_start_and_an_end_above_zero():
    wsd = WarmupStableDecay(1.0, 4, 2, 5, initial_learning_rate=0.2, final_learning_rate=0.5)
    # warmup: 0.2 + 0.8 t/4; decay from step 6: 1 − 0.5 (t − 6)/5
    assert wsd(2) == pytest.approx(0.6, rel=1e-15)
    assert wsd(8) == pytest.approx(0.8, rel=1e-15)
    assert wsd(11) == wsd(1000) == pytest.approx(0.5, rel=1e-15)


def test_without_warmup_it_starts_at_the_peak():
    assert WarmupStableDecay(0.3, 0, 5, 5)(0) == 0.3


def test_the_rate_is_never_above_the_peak_and_the_area_is_the_trapezoids():
    wsd = WarmupStableDecay(0.2, 100, 700, 200)
    rates = wsd(np.arange(0, 1001))
    assert rates.max() == 0.2
    # the trapezoid's area, ½·100·0.2 + 700·0.2 + ½·200·0.2 = 170, by the trapezoid rule
    assert np.trapezoid(rates) == pytest.approx(170.0, rel=1e-12)


def test_it_drives_an_optimizer_and_round_trips_its_config():
    wsd = WarmupStableDecay(0.1, 2, 1, 2)
    opt = optimizers.SGD(learning_rate=wsd)
    theta = np.zeros(1)
    for _ in range(5):
        opt.apply(np.array([1.0]), theta)
    # rates at steps 0..4: 0, 0.05, 0.1, 0.1, 0.05
    assert theta[0] == pytest.approx(-0.3, rel=1e-14)
    assert schedules.deserialize(schedules.serialize(wsd)).get_config() == wsd.get_config()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="decay_steps must be a finite number > 0, got 0"):
        WarmupStableDecay(0.1, 1, 1, 0)
    with pytest.raises(ValueError, match="peak_learning_rate must be"):
        WarmupStableDecay(-0.1, 1, 1, 1)
