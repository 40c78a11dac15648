"""The exercises' small functional references agree with the course's own classes, on the cases
the grader uses (visible and hidden)."""

import numpy as np
import pytest

from course_lib import callbacks, optimizers, schedules, sparsity
from course_lib.exercises import TASKS


def cases(task_id, seeds=(0,)):
    task = TASKS[task_id]
    found = task.visible_cases()
    for seed in seeds:
        found += task.hidden_cases(seed)
    return [case.arguments() for case in found]


def one_step(optimizer, slots, grad, theta, step):
    """Put the optimizer at ``step − 1`` steps taken with these slots, then take one step."""
    state = optimizer.get_state()
    state.update(iterations=step - 1, slots=[{k: np.array(v, dtype=float) for k, v in
                                              slots.items()}])
    optimizer.set_state(state)
    theta = np.array(theta, dtype=float)
    optimizer.apply(np.array(grad, dtype=float), theta)
    return theta, optimizer.slots[0]


@pytest.mark.parametrize("kwargs", cases("ex02.q1"))
def test_momentum_step_is_sgd_with_momentum(kwargs):
    opt = optimizers.SGD(learning_rate=kwargs["learning_rate"], momentum=kwargs["momentum"])
    # With β = 0, SGD keeps no velocity: it is plain gradient descent.
    velocity = {"momentum": kwargs["velocity"]} if kwargs["momentum"] else {}
    theta, slots = one_step(opt, velocity, kwargs["grad"], kwargs["theta"], 1)
    want_theta, want_velocity = TASKS["ex02.q1"].reference(**kwargs)
    assert np.allclose(theta, want_theta)
    assert np.allclose(slots.get("momentum", want_velocity), want_velocity)


@pytest.mark.parametrize("kwargs", cases("ex03.q3"))
def test_keras_nesterov_step_is_sgd_with_nesterov(kwargs):
    opt = optimizers.SGD(learning_rate=kwargs["learning_rate"], momentum=kwargs["momentum"],
                         nesterov=True)
    theta, slots = one_step(opt, {"momentum": kwargs["velocity"]}, kwargs["grad"],
                            kwargs["theta"], 1)
    want_theta, want_velocity = TASKS["ex03.q3"].reference(**kwargs)
    assert np.allclose(theta, want_theta) and np.allclose(slots["momentum"], want_velocity)


@pytest.mark.parametrize("kwargs", cases("ex04.q1"))
def test_adagrad_step_is_keras_adagrad(kwargs):
    opt = optimizers.Adagrad(learning_rate=kwargs["learning_rate"], epsilon=kwargs["epsilon"])
    theta, slots = one_step(opt, {"s": kwargs["s"]}, kwargs["grad"], kwargs["theta"], 1)
    want_theta, want_s = TASKS["ex04.q1"].reference(**kwargs)
    assert np.allclose(theta, want_theta) and np.allclose(slots["s"], want_s)


@pytest.mark.parametrize("kwargs", cases("ex04.q2"))
def test_rmsprop_step_is_keras_rmsprop(kwargs):
    opt = optimizers.RMSprop(learning_rate=kwargs["learning_rate"], rho=kwargs["rho"],
                             epsilon=kwargs["epsilon"])
    theta, slots = one_step(opt, {"s": kwargs["s"]}, kwargs["grad"], kwargs["theta"], 1)
    want_theta, want_s = TASKS["ex04.q2"].reference(**kwargs)
    assert np.allclose(theta, want_theta) and np.allclose(slots["s"], want_s)


@pytest.mark.parametrize("kwargs", cases("ex06.q1"))
def test_adam_step_is_keras_adam_with_its_epsilon_moved(kwargs):
    # Keras divides by √s + ε with the correction folded into η; that equals the exercise's
    # √ŝ + ε' with ε' = ε / √(1 − β₂ᵗ). So give Keras ε = ε' · √(1 − β₂ᵗ).
    t = kwargs["t"]
    keras_epsilon = kwargs["epsilon"] * np.sqrt(1 - kwargs["beta_2"] ** t)
    opt = optimizers.Adam(learning_rate=kwargs["learning_rate"], beta_1=kwargs["beta_1"],
                          beta_2=kwargs["beta_2"], epsilon=keras_epsilon)
    theta, slots = one_step(opt, {"m": kwargs["m"], "s": kwargs["s"]}, kwargs["grad"],
                            kwargs["theta"], t)
    want_theta, want_m, want_s = TASKS["ex06.q1"].reference(**kwargs)
    assert np.allclose(theta, want_theta, rtol=1e-9, atol=1e-12)
    assert np.allclose(slots["m"], want_m) and np.allclose(slots["s"], want_s)


@pytest.mark.parametrize("kwargs", cases("ex07.q1"))
def test_adamax_step_is_keras_adamax(kwargs):
    opt = optimizers.Adamax(learning_rate=kwargs["learning_rate"], beta_1=kwargs["beta_1"],
                            beta_2=kwargs["beta_2"], epsilon=kwargs["epsilon"])
    theta, slots = one_step(opt, {"m": kwargs["m"], "u": kwargs["u"]}, kwargs["grad"],
                            kwargs["theta"], kwargs["t"])
    want_theta, want_m, want_u = TASKS["ex07.q1"].reference(**kwargs)
    assert np.allclose(theta, want_theta, rtol=1e-9, atol=1e-12)
    assert np.allclose(slots["m"], want_m) and np.allclose(slots["u"], want_u)


@pytest.mark.parametrize("kwargs", cases("ex07.q2"))
def test_nadam_step_is_keras_nadam_once_its_momentum_warm_up_is_over(kwargs):
    # Keras's μ_t = β₁(1 − ½·0.96ᵗ) equals β₁ to double precision from t ≈ 900 on; with the
    # running product Π set to β₁^(t−1), Keras's m̂ is then the exercise's m̄ at step t.
    t = kwargs["t"] + 2000
    beta_1 = kwargs["beta_1"] ** (1 / 500)  # close to 1, so that β₁ᵗ still matters at t > 2000
    opt = optimizers.Nadam(learning_rate=kwargs["learning_rate"], beta_1=beta_1,
                           beta_2=kwargs["beta_2"], epsilon=kwargs["epsilon"])
    state = opt.get_state()
    state.update(iterations=t - 1, u_product=beta_1 ** (t - 1),
                 slots=[{"m": kwargs["m"], "s": kwargs["s"]}])
    opt.set_state(state)
    theta = np.array(kwargs["theta"])
    opt.apply(kwargs["grad"], theta)
    want_theta, want_m, _ = TASKS["ex07.q2"].reference(**{**kwargs, "t": t, "beta_1": beta_1})
    assert np.allclose(theta, want_theta, rtol=1e-9, atol=1e-12)
    assert np.allclose(opt.slots[0]["m"], want_m)


@pytest.mark.parametrize("kwargs", cases("ex09.q1"))
def test_power_schedule_is_power_decay(kwargs):
    schedule = schedules.PowerDecay(kwargs["initial_learning_rate"], kwargs["s"], kwargs["c"])
    assert schedule(kwargs["step"]) == pytest.approx(TASKS["ex09.q1"].reference(**kwargs))


@pytest.mark.parametrize("kwargs", cases("ex09.q2"))
def test_exponential_schedule_is_exponential_decay_by_ten(kwargs):
    schedule = schedules.ExponentialDecay(kwargs["initial_learning_rate"], kwargs["s"], 0.1)
    assert schedule(kwargs["step"]) == pytest.approx(TASKS["ex09.q2"].reference(**kwargs))


@pytest.mark.parametrize("kwargs", cases("ex09.q3"))
def test_piecewise_constant_is_piecewise_constant_decay(kwargs):
    schedule = schedules.PiecewiseConstantDecay(kwargs["boundaries"], kwargs["values"])
    assert schedule(kwargs["step"]) == TASKS["ex09.q3"].reference(**kwargs)


@pytest.mark.parametrize("kwargs", cases("ex09.q4"))
def test_one_cycle_is_one_cycle(kwargs):
    schedule = schedules.OneCycle(kwargs["total_steps"], kwargs["max_learning_rate"],
                                  initial_learning_rate=kwargs["initial_learning_rate"])
    assert schedule(kwargs["step"]) == pytest.approx(TASKS["ex09.q4"].reference(**kwargs))


class _Optimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class _Model:
    def __init__(self, learning_rate):
        self.optimizer = _Optimizer(learning_rate)


@pytest.mark.parametrize("kwargs", cases("ex09.q5", seeds=range(6)))
def test_plateau_rule_is_reduce_lr_on_plateau(kwargs):
    callback = callbacks.ReduceLROnPlateau(factor=kwargs["factor"], patience=kwargs["patience"],
                                           min_delta=kwargs["min_delta"])
    model = _Model(kwargs["learning_rate"])
    callback.set_model(model)
    callback.on_train_begin()
    rates = []
    for epoch, loss in enumerate(kwargs["val_losses"]):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        rates.append(model.optimizer.learning_rate)
    assert rates == pytest.approx(TASKS["ex09.q5"].reference(**kwargs))


@pytest.mark.parametrize("kwargs", cases("ex10.q1"))
def test_soft_threshold_is_course_lib_soft_threshold(kwargs):
    assert np.allclose(sparsity.soft_threshold(kwargs["w"], kwargs["threshold"]),
                       TASKS["ex10.q1"].reference(**kwargs))


@pytest.mark.parametrize("kwargs", cases("ex10.q2"))
def test_proximal_step_is_course_lib_proximal_step(kwargs):
    assert np.allclose(sparsity.proximal_step(kwargs["w"], kwargs["grad"],
                                              kwargs["learning_rate"], kwargs["l1"]),
                       TASKS["ex10.q2"].reference(**kwargs))


@pytest.mark.parametrize("kwargs", cases("ex10.q3"))
def test_pruning_is_course_lib_magnitude_prune(kwargs):
    assert np.array_equal(sparsity.magnitude_prune(kwargs["w"], kwargs["sparsity"]),
                          TASKS["ex10.q3"].reference(**kwargs))


@pytest.mark.parametrize("kwargs", cases("ex10.q4"))
def test_sparsity_is_course_lib_sparsity(kwargs):
    assert sparsity.sparsity(kwargs["w"]) == TASKS["ex10.q4"].reference(**kwargs)
