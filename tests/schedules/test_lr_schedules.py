"""Learning-rate schedules against values worked out by hand from their formulas."""

import json
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.schedules import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    OneCycle,
    PiecewiseConstantDecay,
    PowerDecay,
    deserialize,
    serialize,
)

approx = pytest.approx


# ExponentialDecay --------------------------------------------------------------------------------


def test_exponential_falls_tenfold_every_decay_steps():
    schedule = ExponentialDecay(0.01, decay_steps=100, decay_rate=0.1)
    assert schedule(0) == approx(0.01)
    assert schedule(100) == approx(0.001)
    assert schedule(200) == approx(0.0001)
    assert schedule(300) == approx(1e-5)
    # Half a period is a factor √0.1.
    assert schedule(50) == approx(0.01 / math.sqrt(10))


def test_exponential_staircase_is_flat_within_a_period():
    schedule = ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5, staircase=True)
    assert all(schedule(t) == 1.0 for t in range(10))
    assert all(schedule(t) == 0.5 for t in range(10, 20))
    assert schedule(20) == 0.25
    smooth = ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5)
    assert smooth(5) == approx(2**-0.5)


def test_exponential_rate_above_one_grows_for_a_range_test():
    schedule = ExponentialDecay(1e-5, decay_steps=100, decay_rate=10.0)
    assert schedule(500) == approx(1.0)


# InverseTimeDecay and PowerDecay -----------------------------------------------------------------


def test_inverse_time_by_hand():
    schedule = InverseTimeDecay(0.1, decay_steps=1000, decay_rate=0.5)
    assert schedule(0) == approx(0.1)
    assert schedule(1000) == approx(0.1 / 1.5)
    assert schedule(4000) == approx(0.1 / 3)
    stairs = InverseTimeDecay(0.1, decay_steps=1000, decay_rate=0.5, staircase=True)
    assert stairs(1999) == approx(0.1 / 1.5)
    assert stairs(2000) == approx(0.1 / 2)


@pytest.mark.parametrize("power", [0.5, 1.0, 2.0, 3.0])
def test_power_decay_at_s_and_2s(power):
    schedule = PowerDecay(0.2, steps=500, power=power)
    assert schedule(0) == approx(0.2)
    assert schedule(500) == approx(0.2 / 2**power)
    assert schedule(1000) == approx(0.2 / 3**power)


def test_power_decay_with_c_one_is_keras_inverse_time_decay():
    # The errata: SGD(decay=1e-4) became InverseTimeDecay(η₀, decay_steps=10_000, decay_rate=1).
    steps = np.arange(0, 50_000, 37)
    power = PowerDecay(0.01, steps=10_000, power=1.0)
    inverse = InverseTimeDecay(0.01, decay_steps=10_000, decay_rate=1.0)
    np.testing.assert_allclose(power(steps), inverse(steps), rtol=1e-14)


def test_power_decay_falls_ever_more_slowly():
    rates = PowerDecay(1.0, steps=100, power=1.5)(np.arange(0, 2000, 10))
    drops = -np.diff(rates)
    assert np.all(drops > 0)
    assert np.all(np.diff(drops) < 0)


# PiecewiseConstantDecay --------------------------------------------------------------------------


def test_piecewise_boundary_belongs_to_the_earlier_value():
    schedule = PiecewiseConstantDecay(boundaries=[10, 20], values=[1.0, 0.5, 0.1])
    assert schedule(0) == 1.0
    assert schedule(10) == 1.0
    assert schedule(11) == 0.5
    assert schedule(20) == 0.5
    assert schedule(21) == 0.1
    assert schedule(10**9) == 0.1
    np.testing.assert_array_equal(schedule(np.array([9, 10, 10.5, 20, 20.5])),
                                  [1.0, 1.0, 0.5, 0.5, 0.1])


def test_piecewise_with_no_boundaries_is_constant():
    assert PiecewiseConstantDecay([], [0.3])(12345) == 0.3


@pytest.mark.parametrize(
    ("boundaries", "values", "match"),
    [
        ([10, 20], [1.0, 0.5], r"values must have len\(boundaries\) \+ 1 = 3 entries, got 2"),
        ([10], [1.0, 0.5, 0.1], "values must have"),
        ([20, 10], [1.0, 0.5, 0.1],
         r"boundaries must be strictly increasing, got \[20\.0, 10\.0\]"),
        ([10, 10], [1.0, 0.5, 0.1], "strictly increasing"),
        ([10], [1.0, -0.5], r"^values\[1\] must be a finite number >= 0, got -0\.5$"),
        ([math.nan], [1.0, 0.5], r"^boundaries\[0\] must be a finite number >= 0, got nan$"),
    ],
)
def test_piecewise_rejects_bad_arguments(boundaries, values, match):
    with pytest.raises(ValueError, match=match):
        PiecewiseConstantDecay(boundaries, values)


# CosineDecay -------------------------------------------------------------------------------------


def test_cosine_without_warmup():
    schedule = CosineDecay(0.1, decay_steps=1000, alpha=0.2)
    assert schedule(0) == approx(0.1)
    # Half way the cosine factor ½(1 + cos π/2) is ½: 0.1 · (0.8 · 0.5 + 0.2).
    assert schedule(500) == approx(0.1 * (0.8 * 0.5 + 0.2))
    assert schedule(1000) == approx(0.02)
    assert schedule(5000) == approx(0.02)


def test_cosine_with_warmup():
    schedule = CosineDecay(0.0, decay_steps=100, alpha=0.1, warmup_target=1.0, warmup_steps=20)
    assert schedule(0) == approx(0.0)
    assert schedule(5) == approx(0.25)
    assert schedule(20) == approx(1.0)
    assert schedule(70) == approx(0.1 + 0.9 * 0.5)
    assert schedule(120) == approx(0.1)
    assert schedule(10_000) == approx(0.1)


def test_cosine_ignores_warmup_steps_without_a_target_as_keras_does():
    with_steps = CosineDecay(0.1, decay_steps=100, warmup_steps=50)
    without = CosineDecay(0.1, decay_steps=100)
    steps = np.arange(200)
    np.testing.assert_allclose(with_steps(steps), without(steps))


def test_cosine_is_continuous_at_the_end_of_warmup_and_never_rises_after():
    schedule = CosineDecay(0.01, decay_steps=300, warmup_target=0.1, warmup_steps=50)
    rates = schedule(np.arange(0, 400, 0.5))
    assert np.max(np.abs(np.diff(rates))) < 0.1 / 50
    assert np.all(np.diff(schedule(np.arange(50, 400))) <= 0)


# OneCycle ----------------------------------------------------------------------------------------

# total 1000, a = 0.1: the cycle is 900 steps, the peak at step 450; η₀ = 1/10, final = η₀/1000.
ONE_CYCLE = OneCycle(total_steps=1000, max_learning_rate=1.0)


def test_one_cycle_defaults():
    assert ONE_CYCLE.initial_learning_rate == approx(0.1)
    assert ONE_CYCLE.final_learning_rate == approx(1e-4)
    assert ONE_CYCLE.cycle_steps == approx(900)


def test_one_cycle_corners_and_midpoints():
    assert ONE_CYCLE(0) == approx(0.1)
    assert ONE_CYCLE(225) == approx(0.55)
    assert ONE_CYCLE(450) == approx(1.0)
    assert ONE_CYCLE(675) == approx(0.55)
    assert ONE_CYCLE(900) == approx(0.1)
    assert ONE_CYCLE(950) == approx((0.1 + 1e-4) / 2)
    assert ONE_CYCLE(1000) == approx(1e-4)


def test_one_cycle_holds_its_final_value_past_total_steps():
    assert ONE_CYCLE(1001) == approx(1e-4)
    assert ONE_CYCLE(10**7) == approx(1e-4)
    assert ONE_CYCLE.momentum(10**7) == approx(0.95)


def test_one_cycle_peaks_in_the_middle_of_the_cycle_and_each_piece_is_monotone():
    steps = np.arange(0, 1001)
    rates = ONE_CYCLE(steps)
    assert steps[np.argmax(rates)] == 450
    assert np.all(np.diff(rates[:451]) > 0)
    assert np.all(np.diff(rates[450:]) < 0)


def test_one_cycle_momentum_mirrors_the_rate():
    assert ONE_CYCLE.momentum(0) == approx(0.95)
    assert ONE_CYCLE.momentum(450) == approx(0.85)
    assert ONE_CYCLE.momentum(900) == approx(0.95)
    assert ONE_CYCLE.momentum(950) == approx(0.95)
    # Through the cycle the two move together on a line: momentum falls as the rate climbs.
    steps = np.arange(0, 901)
    rate_share = (ONE_CYCLE(steps) - 0.1) / (1.0 - 0.1)
    momentum_share = (0.95 - ONE_CYCLE.momentum(steps)) / (0.95 - 0.85)
    np.testing.assert_allclose(rate_share, momentum_share, atol=1e-12)


@given(
    total_steps=st.integers(1, 10**6),
    max_rate=st.floats(1e-6, 10.0),
    fraction=st.floats(0.01, 0.99),
    step=st.floats(0, 2e6),
)
def test_one_cycle_is_never_negative_and_stays_between_final_and_max(total_steps, max_rate,
                                                                       fraction, step):
    schedule = OneCycle(total_steps, max_rate, annihilation_fraction=fraction)
    rate = schedule(step)
    assert 0 <= schedule.final_learning_rate <= rate <= max_rate * (1 + 1e-12)
    assert 0.85 - 1e-12 <= schedule.momentum(step) <= 0.95 + 1e-12


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: OneCycle(0, 1.0), ValueError, "total_steps must be an integer >= 1, got 0"),
        (lambda: OneCycle(10.5, 1.0), TypeError, "total_steps must be an integer >= 1, got 10.5"),
        (lambda: OneCycle(100, 0.0), ValueError,
         "max_learning_rate must be a finite number > 0, got 0.0"),
        # initial_learning_rate may not exceed the peak, so the range ends at max_learning_rate.
        (lambda: OneCycle(100, 1.0, initial_learning_rate=2.0), ValueError,
         "initial_learning_rate must be a number in (0, 1], got 2.0"),
        (lambda: OneCycle(100, 1.0, final_learning_rate=-1e-3), ValueError,
         "final_learning_rate must be a number in [0, 0.1], got -0.001"),
        (lambda: OneCycle(100, 1.0, annihilation_fraction=1.0), ValueError,
         "annihilation_fraction must be a number in (0, 1), got 1.0"),
        (lambda: OneCycle(100, 1.0, min_momentum=0.99), ValueError,
         "min_momentum must be a number in [0, 0.95], got 0.99"),
        (lambda: OneCycle(100, 1.0, max_momentum=1.0), ValueError,
         "max_momentum must be a number in [0, 1), got 1.0"),
    ],
)
def test_one_cycle_rejects_bad_arguments(build, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        build()


# Common to every schedule ------------------------------------------------------------------------

ALL = [
    ExponentialDecay(0.01, 100, 0.96, staircase=True),
    InverseTimeDecay(0.01, 100, 0.5),
    PowerDecay(0.01, 100, 2.0),
    PiecewiseConstantDecay([100, 300], [0.1, 0.01, 0.001]),
    CosineDecay(0.001, 500, alpha=0.05, warmup_target=0.01, warmup_steps=50),
    OneCycle(600, 0.5, annihilation_fraction=0.2, min_momentum=0.8),
]


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_config_round_trips_through_json(schedule):
    config = schedule.get_config()
    rebuilt = type(schedule).from_config(json.loads(json.dumps(config)))
    assert rebuilt.get_config() == config
    steps = np.arange(0, 1000, 7)
    np.testing.assert_array_equal(rebuilt(steps), schedule(steps))
    assert type(schedule).__name__ in repr(schedule)


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_serialize_names_the_class_and_deserialize_rebuilds_it(schedule):
    data = json.loads(json.dumps(serialize(schedule)))
    assert data["class_name"] == type(schedule).__name__
    rebuilt = deserialize(data)
    assert type(rebuilt) is type(schedule)
    steps = np.arange(0, 1000, 11)
    np.testing.assert_array_equal(rebuilt(steps), schedule(steps))


def test_deserialize_refuses_unknown_classes_and_bad_data():
    with pytest.raises(ValueError, match=r"^class_name must be one of \['CosineDecay', .*"
                                         r"'PowerDecay', 'WarmupStableDecay'\]"
                                         r", got 'LinearWarmup'$"):
        deserialize({"class_name": "LinearWarmup", "config": {}})
    with pytest.raises(ValueError, match="data"):
        deserialize({"config": {}})
    with pytest.raises(TypeError, match="schedule"):
        serialize(lambda step: 0.1)


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_one_step_gives_a_float_and_an_array_gives_the_curve(schedule):
    assert isinstance(schedule(3), float)
    assert isinstance(schedule(np.int64(3)), float)
    curve = schedule(np.arange(12).reshape(3, 4))
    assert curve.shape == (3, 4)
    assert curve[0, 3] == schedule(3)


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize(("step", "message"), [
    (-1, "step must be >= 0, got -1"),
    (np.array([0, -2]), "step must be >= 0, got -2"),
    (math.nan, "step must hold finite numbers only, got nan"),
    (math.inf, "step must hold finite numbers only, got inf"),
    (np.array([0.0, np.inf]), "step must hold finite numbers only, got inf at index 1"),
])
def test_negative_or_non_finite_steps_are_refused(schedule, step, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        schedule(step)


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_a_step_that_is_not_a_number_is_a_type_error(schedule):
    with pytest.raises(TypeError, match="^step must be an array of real numbers, got dtype"):
        schedule(True)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: ExponentialDecay(0.0, 100, 0.5), ValueError,
         "initial_learning_rate must be a finite number > 0, got 0.0"),
        (lambda: ExponentialDecay(0.1, 0, 0.5), ValueError,
         "decay_steps must be a finite number > 0, got 0"),
        (lambda: ExponentialDecay(0.1, 100, 0.0), ValueError,
         "decay_rate must be a finite number > 0, got 0.0"),
        (lambda: ExponentialDecay(0.1, 100, 0.5, staircase=1), TypeError,
         "staircase must be True or False, got 1"),
        (lambda: ExponentialDecay("0.1", 100, 0.5), TypeError,
         "initial_learning_rate must be a finite number > 0, got '0.1'"),
        (lambda: InverseTimeDecay(0.1, 100, -1.0), ValueError,
         "decay_rate must be a finite number >= 0, got -1.0"),
        (lambda: InverseTimeDecay(math.inf, 100, 1.0), ValueError,
         "initial_learning_rate must be a finite number > 0, got inf"),
        (lambda: PowerDecay(0.1, 0, 1.0), ValueError, "steps must be a finite number > 0, got 0"),
        (lambda: PowerDecay(0.1, 100, -1.0), ValueError,
         "power must be a finite number >= 0, got -1.0"),
        (lambda: CosineDecay(0.1, 0), ValueError, "decay_steps must be a finite number > 0, got 0"),
        (lambda: CosineDecay(0.1, 100, alpha=1.5), ValueError,
         "alpha must be a number in [0, 1], got 1.5"),
        (lambda: CosineDecay(0.1, 100, warmup_target=-1.0), ValueError,
         "warmup_target must be a finite number >= 0, got -1.0"),
        (lambda: CosineDecay(0.1, 100, warmup_steps=-5), ValueError,
         "warmup_steps must be a finite number >= 0, got -5"),
    ],
)
def test_bad_arguments_are_named(build, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        build()
