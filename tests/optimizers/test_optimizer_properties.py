"""Properties every optimizer keeps: in place, dtype, shapes, equivalent call forms, resume."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from optimizer_factories import every_optimizer

from course_lib import optimizers
from course_lib.optimizers import base
from course_lib.optimizers.moving_average import moving_average
from course_lib.optimizers.pytorch import TorchNadam, TorchSGD
from course_lib.schedules import ExponentialDecay


@st.composite
def problems(draw):
    """A parameter and a gradient of the same shape and dtype; |g| ≥ 1/64 so each step moves."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=5))
    width = 32 if dtype is np.float32 else 64
    theta = draw(hnp.arrays(dtype, shape, elements=st.floats(-10, 10, width=width)))
    size = draw(hnp.arrays(dtype, shape, elements=st.floats(1 / 64, 10, width=width)))
    sign = draw(hnp.arrays(dtype, shape, elements=st.sampled_from([-1.0, 1.0])))
    return theta, size * sign


@every_optimizer
@settings(max_examples=12, deadline=None)
@given(problem=problems())
def test_update_is_in_place_and_keeps_shape_and_dtype(make, problem):
    theta, g = problem
    start = theta.copy()
    alias = theta[...]                    # a second view of the same memory
    opt = make()
    opt.apply(g, theta)
    assert theta.dtype == start.dtype and theta.shape == start.shape
    assert np.shares_memory(alias, theta)
    assert np.all(alias != start)         # every coordinate moved, seen through the view
    opt.apply(g, theta)
    assert theta.dtype == start.dtype and theta.shape == start.shape
    assert np.all(np.isfinite(theta))
    for slot in opt.slots[0].values():
        assert slot.dtype == start.dtype and slot.shape == start.shape


@every_optimizer
def test_one_array_and_a_list_of_one_array_give_the_same_steps(make):
    rng = np.random.default_rng(0)
    single, listed, pair = rng.standard_normal((3, 4)), None, None
    listed, pair = single.copy(), single.copy()
    a, b, c = make(), make(), make()
    for _ in range(3):
        g = rng.standard_normal((3, 4))
        a.apply(g, single)
        b.apply([g], [listed])
        c.apply((g,), (pair,))
    assert np.array_equal(single, listed) and np.array_equal(single, pair)


@every_optimizer
def test_apply_and_apply_gradients_agree(make):
    rng = np.random.default_rng(1)
    params = [rng.standard_normal(5), rng.standard_normal((2, 3))]
    twins = [p.copy() for p in params]
    a, b = make(), make()
    for _ in range(3):
        grads = [rng.standard_normal(5), rng.standard_normal((2, 3))]
        a.apply(grads, params)
        b.apply_gradients(zip(grads, twins, strict=True))
    assert all(np.array_equal(p, q) for p, q in zip(params, twins, strict=True))
    assert a.iterations == b.iterations == 3


@every_optimizer
def test_save_and_restore_resumes_bit_for_bit(make):
    rng = np.random.default_rng(2)
    grads = [[rng.standard_normal(7), rng.standard_normal((2, 2))] for _ in range(6)]
    params = [rng.standard_normal(7), rng.standard_normal((2, 2))]
    opt = make()
    for g in grads[:3]:
        opt.apply(g, params)
    state, config = opt.get_state(), opt.get_config()
    saved_params = [p.copy() for p in params]
    for g in grads[3:]:                   # the uninterrupted run goes on, moving opt's slots
        opt.apply(g, params)

    resumed = type(opt).from_config(config)
    resumed.set_state(state)
    for g in grads[3:]:
        resumed.apply(g, saved_params)
    assert all(np.array_equal(p, q) for p, q in zip(params, saved_params, strict=True))
    assert resumed.iterations == opt.iterations == 6
    for slots, resumed_slots in zip(opt.slots, resumed.slots, strict=True):
        assert slots.keys() == resumed_slots.keys()
        assert all(np.array_equal(slots[name], resumed_slots[name]) for name in slots)


def test_set_state_copies_the_arrays_it_is_given():
    opt = optimizers.Adam(0.1)
    theta = np.ones(3)
    opt.apply(np.ones(3), theta)
    state = opt.get_state()
    other = optimizers.Adam(0.1)
    other.set_state(state)
    state["slots"][0]["m"][:] = 123.0
    assert np.all(other.slots[0]["m"] != 123.0)


@pytest.fixture
def small_chunk(monkeypatch):
    """Pieces of 64 elements, so that small arrays take the piece-by-piece path."""
    monkeypatch.setattr(base, "CHUNK", 64)
    return 64


@every_optimizer
def test_a_large_parameter_walked_in_pieces_moves_like_small_ones(make, small_chunk):
    """Past CHUNK elements the update runs piece by piece; the result must not change."""
    rng = np.random.default_rng(3)
    sizes = [small_chunk, small_chunk, 17]
    big = rng.standard_normal(sum(sizes))
    pieces = np.split(big.copy(), np.cumsum(sizes)[:-1])
    whole, parts = make(), make()
    for _ in range(2):
        g = rng.standard_normal(big.size)
        whole.apply(g, big)
        parts.apply(np.split(g, np.cumsum(sizes)[:-1]), pieces)
    assert np.array_equal(big, np.concatenate(pieces))


@every_optimizer
def test_strided_and_fortran_ordered_parameters_move_like_contiguous_ones(make, small_chunk):
    rng = np.random.default_rng(4)
    full = rng.standard_normal((2 * small_chunk + 6, 3))
    strided = full[::2]                              # a view with gaps, above CHUNK elements
    fortran = np.asfortranarray(rng.standard_normal((20, 15)))
    small_view = rng.standard_normal((4, 6))[:, ::2]
    params = [strided, fortran, small_view]
    copies = [np.ascontiguousarray(p) for p in params]
    a, b = make(), make()
    for _ in range(2):
        grads = [rng.standard_normal(p.shape) for p in params]
        a.apply(grads, params)
        b.apply([np.ascontiguousarray(g) for g in grads], copies)
    assert all(np.array_equal(p, q) for p, q in zip(params, copies, strict=True))
    assert np.shares_memory(strided, full)           # and the view still writes into full
    assert np.array_equal(full[::2], copies[0])


@every_optimizer
def test_a_float64_gradient_is_cast_to_a_float32_parameter_first(make, small_chunk):
    rng = np.random.default_rng(5)
    for size in (10, 3 * small_chunk + 10):          # the small path and the piecewise one
        theta = rng.standard_normal(size).astype(np.float32)
        twin = theta.copy()
        a, b = make(), make()
        for _ in range(2):
            g = rng.standard_normal(size)
            a.apply(g, theta)
            b.apply(g.astype(np.float32), twin)
        assert theta.dtype == np.float32
        assert np.array_equal(theta, twin)


def test_schedule_is_evaluated_at_iterations_before_the_step():
    seen = []

    def schedule(step):
        seen.append(step)
        return 0.1 * (step + 1)

    opt = optimizers.SGD(learning_rate=schedule)
    theta = np.zeros(1)
    assert opt.current_learning_rate == pytest.approx(0.1)
    seen.clear()
    for _ in range(3):
        opt.apply(np.ones(1), theta)
    assert seen == [0, 1, 2]
    # θ = 0 − 0.1·1 − 0.2·1 − 0.3·1
    assert theta[0] == pytest.approx(-0.6, rel=1e-14)
    assert opt.current_learning_rate == pytest.approx(0.4)


def test_a_schedule_survives_get_config_and_from_config():
    opt = optimizers.Adam(learning_rate=ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5))
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    rebuilt = optimizers.Adam.from_config(config)
    assert isinstance(rebuilt.learning_rate, ExponentialDecay)
    assert rebuilt.learning_rate.get_config() == opt.learning_rate.get_config()
    assert rebuilt.get_config() == config


@every_optimizer
def test_get_config_round_trips(make):
    opt = make()
    rebuilt = type(opt).from_config(opt.get_config())
    assert rebuilt.get_config() == opt.get_config()
    assert repr(rebuilt) == repr(opt)


def test_momentum_switched_on_mid_run_starts_from_zero_velocity():
    opt = optimizers.SGD(0.1)
    theta = np.zeros(2)
    opt.apply(np.ones(2), theta)                     # plain step: θ = [−0.1, −0.1]
    opt.momentum = 0.9
    opt.apply(np.ones(2), theta)                     # m = 0.9·0 − 0.1·1, θ += m
    assert np.allclose(opt.slots[0]["momentum"], -0.1)
    assert np.allclose(theta, -0.2)


def test_learning_rate_can_be_lowered_between_steps():
    opt = optimizers.SGD(0.1)
    theta = np.zeros(1)
    opt.apply(np.ones(1), theta)
    opt.learning_rate = 0.01
    assert opt.current_learning_rate == 0.01
    opt.apply(np.ones(1), theta)
    assert theta[0] == pytest.approx(-0.11, rel=1e-14)


def test_float32_stays_float32_through_every_slot():
    opt = optimizers.RMSprop(0.1, momentum=0.9, centered=True)
    theta = np.ones(4, dtype=np.float32)
    opt.apply(np.full(4, 0.5, dtype=np.float32), theta)
    assert theta.dtype == np.float32
    assert {slot.dtype for slot in opt.slots[0].values()} == {np.dtype(np.float32)}


KERAS_3_DEFAULTS = {
    optimizers.SGD: {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    optimizers.Adagrad: {"learning_rate": 0.001, "initial_accumulator_value": 0.1,
                         "epsilon": 1e-7},
    optimizers.RMSprop: {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
                         "centered": False},
    optimizers.Adam: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                      "amsgrad": False},
    optimizers.AdamW: {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9,
                       "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    optimizers.Adamax: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    optimizers.Nadam: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    # PyTorch's own defaults for its forms
    TorchSGD: {"learning_rate": 0.001, "momentum": 0.0, "nesterov": False},
    TorchNadam: {"learning_rate": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8,
                 "momentum_decay": 0.004},
}


@pytest.mark.parametrize("cls", KERAS_3_DEFAULTS, ids=lambda cls: cls.__name__)
def test_names_and_defaults_are_the_frameworks(cls):
    assert cls().get_config() == KERAS_3_DEFAULTS[cls]


def test_the_moving_average_is_the_weighted_mean_of_the_old_average_and_x():
    """average ← β average + (1 − β) x, computed as average + (1 − β)(x − average)."""
    rng = np.random.default_rng(3)
    average, x = rng.standard_normal(1000), rng.standard_normal(1000)
    expected = 0.9 * average + 0.1 * x
    moving_average(average, x, 0.9)
    np.testing.assert_allclose(average, expected, rtol=1e-12, atol=1e-15)
    constant = np.full(3, 2.5)
    moving_average(constant, np.full(3, 2.5), 0.999)          # the mean of equal values
    assert np.array_equal(constant, np.full(3, 2.5))
