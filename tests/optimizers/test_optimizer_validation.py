"""Bad input raises an error that names the argument; a bad gradient changes nothing."""

import math

import numpy as np
import pytest

from course_lib import optimizers, schedules
from course_lib.optimizers import base
from course_lib.optimizers.pytorch import TorchNadam, TorchSGD

ALL_CLASSES = [optimizers.SGD, optimizers.Adagrad, optimizers.RMSprop, optimizers.Adam,
               optimizers.AdamW, optimizers.Adamax, optimizers.Nadam, TorchSGD, TorchNadam]

# (class, argument) for every hyperparameter confined to [0, 1)
UNIT_INTERVAL = [
    (optimizers.SGD, "momentum"), (optimizers.RMSprop, "rho"), (optimizers.RMSprop, "momentum"),
    (optimizers.Adam, "beta_1"), (optimizers.Adam, "beta_2"), (optimizers.AdamW, "beta_1"),
    (optimizers.AdamW, "beta_2"), (optimizers.Adamax, "beta_1"), (optimizers.Adamax, "beta_2"),
    (optimizers.Nadam, "beta_1"), (optimizers.Nadam, "beta_2"), (TorchSGD, "momentum"),
    (TorchNadam, "beta_1"), (TorchNadam, "beta_2"),
]
# (class, argument) for every hyperparameter that must be >= 0
NON_NEGATIVE = [
    (optimizers.Adagrad, "epsilon"), (optimizers.Adagrad, "initial_accumulator_value"),
    (optimizers.RMSprop, "epsilon"), (optimizers.Adam, "epsilon"), (optimizers.AdamW, "epsilon"),
    (optimizers.AdamW, "weight_decay"), (optimizers.Adamax, "epsilon"),
    (optimizers.Nadam, "epsilon"), (TorchNadam, "epsilon"), (TorchNadam, "momentum_decay"),
]


@pytest.mark.parametrize("cls", ALL_CLASSES)
@pytest.mark.parametrize("rate", [-0.1, -1e-300, math.nan, math.inf, -math.inf])
def test_learning_rate_must_be_finite_and_not_negative(cls, rate):
    with pytest.raises(ValueError, match=r"learning_rate must be a finite number >= 0, got"):
        cls(learning_rate=rate)
    opt = cls(learning_rate=0.1)
    with pytest.raises(ValueError, match=r"learning_rate must be a finite number >= 0, got"):
        opt.learning_rate = rate
    assert opt.learning_rate == 0.1


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_a_learning_rate_of_zero_trains_on_without_moving_the_weights(cls):
    # Keras 3 accepts learning_rate=0.0 and steps without moving the weights; the step
    # counter and the slots still advance, so a schedule that leaves 0 carries on from there.
    opt = cls(learning_rate=0.0)
    theta = np.array([1.0, -2.0])
    for _ in range(3):
        opt.apply(np.array([0.5, -0.25]), theta)
    assert np.array_equal(theta, [1.0, -2.0]) and opt.iterations == 3


@pytest.mark.parametrize("rate", ["0.1", True, None, [0.1], np.array([0.1])])
def test_learning_rate_must_be_a_number_or_a_schedule(rate):
    with pytest.raises(TypeError, match=r"learning_rate must be a finite number >= 0 or a "
                                        r"schedule \(a callable of the step\), got"):
        optimizers.Adam(learning_rate=rate)


@pytest.mark.parametrize(("cls", "name"), UNIT_INTERVAL)
@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5, math.nan])
def test_rates_of_decay_must_lie_in_zero_one(cls, name, value):
    with pytest.raises(ValueError, match=rf"{name} must be a number in \[0, 1\), got"):
        cls(**{name: value})
    opt = cls()
    with pytest.raises(ValueError, match=rf"{name} must be a number in \[0, 1\)"):
        setattr(opt, name, value)


@pytest.mark.parametrize(("cls", "name"), NON_NEGATIVE)
@pytest.mark.parametrize("value", [-1e-7, -1.0, math.nan, math.inf])
def test_non_negative_hyperparameters(cls, name, value):
    with pytest.raises(ValueError, match=rf"{name} must be a finite number >= 0, got"):
        cls(**{name: value})


@pytest.mark.parametrize(("cls", "name", "allowed"),
                         [(cls, name, r"a number in \[0, 1\)") for cls, name in UNIT_INTERVAL[:3]]
                         + [(cls, name, "a finite number >= 0") for cls, name in NON_NEGATIVE[:2]])
@pytest.mark.parametrize("value", ["0.5", True])
def test_hyperparameters_must_be_numbers(cls, name, allowed, value):
    with pytest.raises(TypeError, match=rf"{name} must be {allowed}, got {value!r}"):
        cls(**{name: value})


@pytest.mark.parametrize(("cls", "name"), [(optimizers.SGD, "nesterov"),
                                           (optimizers.RMSprop, "centered"),
                                           (optimizers.Adam, "amsgrad")])
def test_flags_must_be_booleans(cls, name):
    with pytest.raises(TypeError, match=rf"{name} must be True or False"):
        cls(**{name: "yes"})


def test_torch_nesterov_needs_momentum():
    with pytest.raises(ValueError, match=r"momentum \(with nesterov=True\) must be a number in "
                                         r"\(0, 1\), got 0"):
        TorchSGD(nesterov=True)


def test_grads_and_params_must_pair_up():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match=r"got 1 grads for 2 params"):
        opt.apply([np.ones(2)], [np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"params is empty"):
        opt.apply([], [])
    with pytest.raises(TypeError, match=r"params is one array, so grads must be one array too"):
        opt.apply([np.ones(2)], np.ones(2))
    with pytest.raises(TypeError, match=r"params is a list, so grads must be a list too"):
        opt.apply(np.ones(2), [np.ones(2)])
    with pytest.raises(TypeError, match=r"grads_and_params\[0\] must be a \(grad, param\) pair"):
        opt.apply_gradients([np.ones(2)])


def test_shapes_must_match():
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(3,\) but params\[1\] has shape "
                                         r"\(2, 2\)"):
        optimizers.Adam().apply([np.ones(2), np.ones(3)], [np.ones(2), np.ones((2, 2))])
    with pytest.raises(ValueError, match=r"grads has shape \(2, 1\) but params has shape \(2,\)"):
        optimizers.Adam().apply(np.ones((2, 1)), np.ones(2))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.complex128, object])
def test_arrays_must_hold_floats(dtype):
    good = np.ones(3)
    bad = np.ones(3, dtype=dtype)
    with pytest.raises(TypeError, match=rf"params\[0\] must hold floating-point numbers .* "
                                        rf"got dtype {np.dtype(dtype)}"):
        optimizers.SGD().apply([good], [bad])
    with pytest.raises(TypeError, match=r"grads must hold floating-point numbers"):
        optimizers.SGD().apply(bad, good)


@pytest.mark.parametrize("bad", [[1.0, 2.0], 3.0, (1.0,), None])
def test_params_and_grads_must_be_arrays(bad):
    with pytest.raises(TypeError, match=r"params\[0\] must be a NumPy array"):
        optimizers.SGD().apply([np.ones(2)], [bad])
    with pytest.raises(TypeError, match=r"grads\[0\] must be a NumPy array"):
        optimizers.SGD().apply([bad], [np.ones(2)])


def test_params_must_not_be_read_only():
    theta = np.ones(2)
    theta.flags.writeable = False
    with pytest.raises(ValueError, match=r"params is read-only"):
        optimizers.SGD().apply(np.ones(2), theta)


def test_an_optimizer_refuses_parameters_it_was_not_built_for():
    opt = optimizers.SGD()                           # even without slots
    opt.apply(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"params has shape \(3,\) .* built for shape \(2,\)"):
        opt.apply(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"keeps state for 1 parameters, got 2"):
        opt.apply([np.ones(2)] * 2, [np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"dtype float32"):
        opt.apply(np.ones(2, np.float32), np.ones(2, np.float32))


WITH_STATE = [
    lambda: optimizers.SGD(0.1, momentum=0.9), optimizers.Adagrad,
    lambda: optimizers.Adam(amsgrad=True), lambda: optimizers.RMSprop(momentum=0.5, centered=True),
    optimizers.AdamW, optimizers.Adamax, optimizers.Nadam, lambda: TorchSGD(momentum=0.9),
    TorchNadam,
]


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("make", WITH_STATE, ids=lambda make: repr(make()).split("(")[0])
def test_a_non_finite_gradient_changes_nothing(make, bad_value, monkeypatch):
    monkeypatch.setattr(base, "CHUNK", 64)          # the big parameter is walked in pieces
    opt = make()
    rng = np.random.default_rng(0)
    big = 3 * 64 + 5                                # the bad value sits in the last piece
    params = [rng.standard_normal(4), rng.standard_normal(big)]
    opt.apply([rng.standard_normal(4), rng.standard_normal(big)], params)
    before_params = [p.copy() for p in params]
    before_state = opt.get_state()
    grads = [rng.standard_normal(4), rng.standard_normal(big)]
    grads[1][-3] = bad_value
    with pytest.raises(ValueError, match=r"grads\[1\] contains NaN or inf"):
        opt.apply(grads, params)
    assert all(np.array_equal(p, q) for p, q in zip(params, before_params, strict=True))
    after_state = opt.get_state()
    assert after_state["iterations"] == before_state["iterations"] == 1
    for name in set(before_state) - {"iterations", "slots"}:     # Nadam's running product
        assert after_state[name] == before_state[name]
    for slots, saved in zip(after_state["slots"], before_state["slots"], strict=True):
        assert all(np.array_equal(slots[name], saved[name]) for name in saved)


@pytest.mark.parametrize("size", [4, 3 * 64 + 5])
def test_huge_finite_gradients_are_not_mistaken_for_inf(size, monkeypatch):
    """Past CHUNK their sum overflows; the piece-by-piece look must then clear them."""
    monkeypatch.setattr(base, "CHUNK", 64)
    theta = np.zeros(size)
    optimizers.SGD(1e-300).apply(np.full(size, 1e308), theta)
    assert np.all(theta == -1e8)


def test_a_non_finite_gradient_is_caught_at_full_size_too():
    theta = np.zeros(base.CHUNK + 1)
    g = np.ones(base.CHUNK + 1)
    g[-1] = np.nan
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match=r"grads contains NaN or inf"):
        opt.apply(g, theta)
    assert not theta.any() and opt.iterations == 0 and opt.slots == []


@pytest.mark.parametrize("rate", [-1.0, -1e-12, math.nan, math.inf])
def test_a_schedule_returning_a_bad_rate_is_caught_before_any_change(rate):
    opt = optimizers.SGD(learning_rate=lambda step: 0.1 if step == 0 else rate)
    theta = np.ones(2)
    opt.apply(np.ones(2), theta)
    with pytest.raises(ValueError, match=r"the learning_rate schedule's value at step 1 must be "
                                         r"a finite number >= 0, got"):
        opt.apply(np.ones(2), theta)
    assert np.all(theta == 0.9) and opt.iterations == 1


def test_warmup_from_zero_then_cosine_to_zero_runs_through_both_zeros():
    # Lesson 11's schedule: η = 0 at step 0 (warmup start) and from step 1000 on (cosine end).
    schedule = schedules.CosineDecay(0.0, decay_steps=900, warmup_target=1e-3, warmup_steps=100)
    opt = optimizers.Adam(learning_rate=schedule)
    theta = np.array([1.0])
    moved = []
    for _ in range(1200):
        before = theta.copy()
        opt.apply(np.array([1.0]), theta)
        moved.append(float(before[0] - theta[0]))
    # On a steady gradient Adam's corrected step is η(t) itself (to ε), so the moves trace
    # the schedule: nothing at step 0 and after step 1000, η_w at the peak.
    assert moved[0] == 0.0 and all(step == 0.0 for step in moved[1000:])
    assert moved[100] == pytest.approx(1e-3, rel=1e-6)
    assert opt.iterations == 1200


@pytest.mark.parametrize("rate", ["0.1", None, [0.1], True])
def test_a_schedule_must_return_a_number(rate):
    opt = optimizers.SGD(learning_rate=lambda step: rate)
    with pytest.raises(TypeError, match=r"the learning_rate schedule's value at step 0 must be "
                                        r"a finite number >= 0, got"):
        opt.apply(np.ones(2), np.ones(2))


def test_a_constant_rate_cannot_replace_a_schedule():
    opt = optimizers.Adam(learning_rate=lambda step: 0.01)
    with pytest.raises(TypeError, match=r"learning_rate is a schedule"):
        opt.learning_rate = 0.001
    opt.learning_rate = lambda step: 0.002           # another schedule is fine
    assert opt.current_learning_rate == 0.002


def test_set_state_checks_what_it_is_given():
    opt = optimizers.Adam()
    with pytest.raises(TypeError, match=r"state must be the dict get_state\(\) returned"):
        opt.set_state([1, 2])
    with pytest.raises(ValueError, match=r"state is missing \['slots'\]"):
        opt.set_state({"iterations": 0})
    with pytest.raises(ValueError, match=r"state\['iterations'\] must be an integer >= 0"):
        opt.set_state({"iterations": -1, "slots": None})
    with pytest.raises(ValueError, match=r"a slot 'velocity' this optimizer does not keep"):
        opt.set_state({"iterations": 1, "slots": [{"velocity": np.zeros(2)}]})
    with pytest.raises(ValueError, match=r"state is missing \['u_product'\]"):
        optimizers.Nadam().set_state({"iterations": 1, "slots": None})
    with pytest.raises(ValueError, match=r"different shapes or dtypes"):
        opt.set_state({"iterations": 1, "slots": [{"m": np.zeros(2), "s": np.zeros(3)}]})


def test_restored_state_refuses_parameters_of_another_shape():
    opt = optimizers.Adam()
    opt.set_state({"iterations": 1, "slots": [{"m": np.zeros(2), "s": np.zeros(2)}]})
    with pytest.raises(ValueError, match=r"built for shape \(2,\)"):
        opt.apply(np.ones(3), np.ones(3))
