"""Keras 3's gradient clipping: clipnorm per variable, global_clipnorm over all, clipvalue."""

import numpy as np
import pytest

from course_lib import optimizers
from tests.optimizers.optimizer_factories import FACTORIES


def one_step(opt, grads, starts):
    params = [np.array(start, dtype=float) for start in starts]
    opt.apply([np.array(g, dtype=float) for g in grads], params)
    return params


@pytest.mark.parametrize("name", ["SGD momentum", "Adagrad", "RMSprop", "Adam", "Nadam"])
def test_a_gradient_of_norm_10_clipped_to_1_steps_as_g_over_10(name):
    g = np.array([6.0, -8.0])                                  # ‖g‖ = 10
    clipped = type(FACTORIES[name]())(**{**FACTORIES[name]().get_config(), "clipnorm": 1.0})
    for _ in range(3):
        after_clip = one_step(clipped, [g], [[1.0, 2.0]])
    plain = FACTORIES[name]()
    for _ in range(3):
        after_plain = one_step(plain, [g / 10], [[1.0, 2.0]])
    np.testing.assert_allclose(after_clip[0], after_plain[0], rtol=1e-14, atol=1e-15)


def test_sgd_with_clipnorm_moves_eta_times_the_threshold_along_the_gradient():
    opt = optimizers.SGD(0.1, clipnorm=1.0)
    (theta,) = one_step(opt, [[3.0, 4.0]], [[0.0, 0.0]])
    # by hand: g/‖g‖ = (0.6, 0.8), a step of η · 1 against it
    np.testing.assert_allclose(theta, [-0.06, -0.08], rtol=1e-15)


def test_a_gradient_within_the_threshold_is_untouched():
    for clipping in ({"clipnorm": 5.0}, {"global_clipnorm": 5.0}, {"clipvalue": 4.0}):
        (theta,) = one_step(optimizers.SGD(0.1, **clipping), [[3.0, 4.0]], [[0.0, 0.0]])
        assert theta.tolist() == [-0.30000000000000004, -0.4]


def test_per_variable_and_global_clipping_differ_on_two_variables():
    # g₁ = (3, 4), ‖g₁‖ = 5; g₂ = (0, 12), ‖g₂‖ = 12; N = √(25 + 144) = 13.
    grads, starts = [[3.0, 4.0], [0.0, 12.0]], [[0.0, 0.0], [0.0, 0.0]]
    per_variable = one_step(optimizers.SGD(1.0, clipnorm=6.5), grads, starts)
    together = one_step(optimizers.SGD(1.0, global_clipnorm=6.5), grads, starts)
    # clipnorm: g₁ is within 6.5 and kept; g₂ is cut to length 6.5 on its own.
    np.testing.assert_allclose(per_variable[0], [-3.0, -4.0], rtol=1e-15)
    np.testing.assert_allclose(per_variable[1], [0.0, -6.5], rtol=1e-15)
    # global: both halved (6.5 / 13), so their directions relative to each other are kept.
    np.testing.assert_allclose(together[0], [-1.5, -2.0], rtol=1e-15)
    np.testing.assert_allclose(together[1], [0.0, -6.0], rtol=1e-15)


def test_clipvalue_holds_each_element_and_changes_the_direction():
    (theta,) = one_step(optimizers.SGD(1.0, clipvalue=1.0), [[0.5, -3.0, 2.0]], [[0, 0, 0]])
    assert theta.tolist() == [-0.5, 1.0, -1.0]


def test_the_trajectory_stepper_clips_too():
    opt = optimizers.SGD(0.1, clipnorm=1.0)
    theta = np.zeros(2)
    step = opt.stepper(theta)
    step(np.array([30.0, 40.0]))
    np.testing.assert_allclose(theta, [-0.06, -0.08], rtol=1e-15)


def test_the_callers_gradient_is_not_changed():
    g = np.array([30.0, 40.0])
    optimizers.Adam(0.1, global_clipnorm=1.0).apply([g], [np.zeros(2)])
    assert g.tolist() == [30.0, 40.0]


def test_at_most_one_kind_of_clipping_and_a_positive_threshold():
    with pytest.raises(ValueError, match="only one of clipnorm, global_clipnorm and clipvalue"
                                         ".*clipnorm=1.0, global_clipnorm=2.0"):
        optimizers.SGD(0.1, clipnorm=1.0, global_clipnorm=2.0)
    with pytest.raises(ValueError, match="clipnorm must be a finite number > 0, got -1"):
        optimizers.Adam(clipnorm=-1)
    with pytest.raises(ValueError, match="clipvalue must be a finite number > 0, got 0"):
        optimizers.SGD(clipvalue=0)
    with pytest.raises(TypeError, match="clipnorm_"):
        optimizers.SGD(clipnorm_=1.0)


def test_clipping_survives_get_config_and_from_config():
    opt = optimizers.AdamW(0.01, global_clipnorm=2.0)
    config = opt.get_config()
    assert config["global_clipnorm"] == 2.0 and "clipnorm" not in config
    rebuilt = optimizers.AdamW.from_config(config)
    assert rebuilt.global_clipnorm == 2.0 and rebuilt.get_config() == config
