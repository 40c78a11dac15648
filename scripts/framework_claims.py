"""Run the Keras 3 and PyTorch claims the lessons and the cheat sheet make, and print the answers.

Keras and PyTorch are not course requirements, so this runs in a scratch environment, outside
the repository's venv::

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install keras torch==2.13.0
    KERAS_BACKEND=torch /tmp/kvenv/bin/python scripts/framework_claims.py

Last run: Keras 3.15.1, PyTorch 2.13.0 (lessons 06, 09, 11, README, CHEATSHEET.md).
"""

from __future__ import annotations

import inspect
import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

TINY_GRADIENT = 1e-6


def keras_moves(optimizer, gradient: float = 1.0, steps: int = 1) -> list[float]:
    """How far each of ``steps`` Keras updates moves one float64 weight on a steady gradient."""
    weight = keras.Variable(np.array([0.0]), dtype="float64")
    moves, before = [], 0.0
    for _ in range(steps):
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.array([gradient])), weight)])
        after = float(weight.numpy()[0])
        moves.append(before - after)
        before = after
    return moves


def torch_first_move(cls, **kwargs) -> float:
    weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = cls([weight], **kwargs)
    weight.grad = torch.tensor([TINY_GRADIENT], dtype=torch.float64)
    optimizer.step()
    return -float(weight.detach()[0])


def learning_rate_zero() -> None:
    print("SGD(learning_rate=0.0) moves:", keras_moves(keras.optimizers.SGD(0.0), steps=3))
    print("SGD(learning_rate=-0.1) moves:", keras_moves(keras.optimizers.SGD(-0.1), steps=2))
    schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=900, warmup_target=1e-3,
                                                      warmup_steps=100)
    moves = keras_moves(keras.optimizers.Adam(learning_rate=schedule), steps=1200)
    print("Adam on warmup from 0 + cosine to 0, 1200 steps: moves at steps 1, 101, 1001:",
          moves[0], moves[100], moves[1000])


def renamed_arguments() -> None:
    for kwargs in ({"lr": 0.01}, {"lr": 0.01, "decay": 1e-4}):
        try:
            keras.optimizers.SGD(**kwargs)
        except ValueError as error:
            print(f"SGD(**{kwargs}) raises ValueError: {error}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizer = keras.optimizers.SGD(learning_rate=0.01, decay=1e-4)
    print("SGD(learning_rate=0.01, decay=1e-4) warns:", [str(w.message) for w in caught])
    moves = keras_moves(optimizer, steps=20_001)
    print("  moves at steps 1 and 20 001:", moves[0], moves[-1])
    try:
        keras.optimizers.SGD(learning_rate=0.01, momentun=0.9)
        print("SGD(learning_rate=0.01, momentun=0.9) is accepted")
    except ValueError as error:
        print(f"SGD(learning_rate=0.01, momentun=0.9) raises ValueError: {error}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plateau = keras.callbacks.ReduceLROnPlateau(factor=0.5, patiences=5)
    print("ReduceLROnPlateau(factor=.5, patiences=5): warnings", [str(w.message) for w in caught],
          "patience", plateau.patience)
    keras.backend.set_epsilon(1e-10)
    print("after set_epsilon(1e-10): backend", keras.backend.epsilon(),
          "Adam().epsilon", keras.optimizers.Adam().epsilon)
    keras.backend.set_epsilon(1e-7)


def piecewise_boundaries() -> None:
    piecewise = keras.optimizers.schedules.PiecewiseConstantDecay([5, 15], [0.01, 0.005, 0.001])
    print("PiecewiseConstantDecay([5, 15]) at steps 5, 6, 15, 16:",
          [float(piecewise(step)) for step in (5, 6, 15, 16)])


def optimizer_classes_and_defaults() -> None:
    print("keras.optimizers:", sorted(n for n in dir(keras.optimizers) if n[0].isupper()))
    print("torch.optim:", sorted(n for n in dir(torch.optim) if n[0].isupper()))
    for name in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam", "Lion", "Lamb",
                 "Adafactor", "Muon"):
        print("keras", name, _defaults(getattr(keras.optimizers, name)))
    for name in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "Adafactor",
                 "Muon"):
        print("torch", name, _defaults(getattr(torch.optim, name)))


def _defaults(cls) -> dict:
    hidden = {"self", "params", "foreach", "maximize", "capturable", "differentiable", "fused",
              "name", "kwargs"}
    return {key: parameter.default for key, parameter in inspect.signature(cls).parameters.items()
            if key not in hidden and parameter.default is not inspect.Parameter.empty}


def l2_against_decay_with_momentum() -> None:
    """A weight of 1 on a flat loss, SGD with momentum 0.9, η = 0.01, λ = 1, 200 steps (lesson 11).

    L2 puts λθ into the gradient, which the momentum then carries; Keras's ``weight_decay``
    shrinks θ by ηλθ outside of it. Plain SGD cannot tell them apart, momentum can.
    """
    weight = keras.Variable(np.array([1.0]), dtype="float64")
    l2 = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    for _ in range(200):
        l2.apply_gradients([(keras.ops.convert_to_tensor(1.0 * weight.numpy()), weight)])
    decayed = keras.Variable(np.array([1.0]), dtype="float64")
    decay = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, weight_decay=1.0)
    for _ in range(200):
        decay.apply_gradients([(keras.ops.convert_to_tensor(np.array([0.0])), decayed)])
    print("SGD(momentum=0.9), 200 steps on a flat loss from 1: L2 gradient",
          float(weight.numpy()[0]), "| weight_decay=1.0", float(decayed.numpy()[0]),
          "| (1 − ηλ)^200", 0.99 ** 200)


def adafactor_memory() -> None:
    """The sizes of the state each Adafactor keeps for one 256 × 128 weight matrix (lesson 11)."""
    weight = keras.Variable(np.zeros((256, 128)), dtype="float32")
    optimizer = keras.optimizers.Adafactor()
    optimizer.build([weight])
    state = [(variable.name, tuple(variable.shape)) for variable in optimizer.variables
             if tuple(variable.shape)]
    print("keras Adafactor state for a 256 × 128 weight:", state,
          "| entries", sum(int(np.prod(shape)) for _, shape in state))
    parameter = torch.zeros(256, 128, requires_grad=True)
    torch_optimizer = torch.optim.Adafactor([parameter])
    parameter.grad = torch.ones(256, 128)
    torch_optimizer.step()
    shapes = {key: tuple(value.shape) for key, value in torch_optimizer.state[parameter].items()
              if torch.is_tensor(value) and value.dim() > 0}
    print("torch Adafactor state for a 256 × 128 weight:", shapes,
          "| entries", sum(int(np.prod(shape)) for shape in shapes.values()))


def epsilon_placement() -> None:
    """One step from a fresh state on g = 10⁻⁶, η = 0.1, ε = 1e-7, against each placement."""
    g, eta, eps = TINY_GRADIENT, 0.1, 1e-7
    inside, outside = eta * g / np.sqrt(g * g + eps), eta * g / (g + eps)
    print("Adagrad: Keras", keras_moves(keras.optimizers.Adagrad(
        eta, initial_accumulator_value=0.0, epsilon=eps), g)[0], "torch",
        torch_first_move(torch.optim.Adagrad, lr=eta, eps=eps),
        "| ε inside", inside, "outside", outside)
    print("Adagrad: Keras with its default start, initial_accumulator_value=0.1:",
          keras_moves(keras.optimizers.Adagrad(eta, epsilon=eps), g)[0],
          "| η g / √(0.1 + g² + ε)", eta * g / np.sqrt(0.1 + g * g + eps))
    print("RMSprop: Keras", keras_moves(keras.optimizers.RMSprop(eta, epsilon=eps), g)[0],
          "| ε inside", eta * g / np.sqrt(0.1 * g * g + eps))
    print("RMSprop: torch", torch_first_move(torch.optim.RMSprop, lr=eta, eps=eps),
          "| ε outside", eta * g / (np.sqrt(0.01) * g + eps))
    print("Adam: Keras", keras_moves(keras.optimizers.Adam(eta, epsilon=eps), g)[0],
          "| ε on the uncorrected √s", eta * np.sqrt(0.001) / 0.1 * 0.1 * g
          / (np.sqrt(0.001) * g + eps))
    print("Adam: torch", torch_first_move(torch.optim.Adam, lr=eta, eps=eps),
          "| ε on the corrected √ŝ", outside)


def gradient_clipping() -> None:
    """Keras's clipnorm, global_clipnorm and clipvalue on two variables, against course_lib's."""
    from course_lib import optimizers as course

    grads = [np.array([3.0, 4.0]), np.array([0.0, 12.0])]
    for kwargs in ({"clipnorm": 6.5}, {"global_clipnorm": 6.5}, {"clipvalue": 3.5},
                   {"clipnorm": 0.0}, {"clipnorm": -1.0}):
        weights = [keras.Variable(np.zeros(2), dtype="float64") for _ in grads]
        keras.optimizers.SGD(1.0, **kwargs).apply_gradients(
            [(keras.ops.convert_to_tensor(g), w) for g, w in zip(grads, weights, strict=True)])
        moved = [w.numpy().tolist() for w in weights]
        try:
            params = [np.zeros(2) for _ in grads]
            course.SGD(1.0, **kwargs).apply([g.copy() for g in grads], params)
            ours = [p.tolist() for p in params]
        except ValueError as error:
            ours = f"ValueError: {error}"
        print(f"SGD(1.0, **{kwargs}) on g = (3, 4), (0, 12): keras {moved} | course_lib {ours}")
    rng = np.random.default_rng(0)
    gradients = [rng.standard_normal(3) * 5 for _ in range(20)]
    for name in ("Adam", "RMSprop", "Nadam"):
        weight = keras.Variable(np.zeros(3), dtype="float64")
        opt = getattr(keras.optimizers, name)(0.1, clipnorm=1.0)
        theta = np.zeros(3)
        ours = getattr(course, name)(0.1, clipnorm=1.0)
        for g in gradients:
            opt.apply_gradients([(keras.ops.convert_to_tensor(g), weight)])
            ours.apply(g.copy(), theta)
        print(f"{name}(0.1, clipnorm=1.0), 20 steps: largest difference keras − course_lib",
              float(np.abs(weight.numpy() - theta).max()))
    try:
        keras.optimizers.SGD(0.1, clipnorm=1.0, global_clipnorm=1.0)
    except ValueError as error:
        print("SGD(clipnorm=1.0, global_clipnorm=1.0) raises ValueError:", error)


def schedule_free() -> None:
    """Keras's ScheduleFreeAdamW: its arguments, and 60 steps against course_lib's.

    Keras's source computes x from y and the momentum z *before* this step's update of z
    ("Store momentum_old before any updates"); course_lib does the same. On the torch backend
    ``momentum.value`` is the tensor that ``assign_sub`` then changes in place, so Keras ends
    up using the new z: the last column replays that reading.
    """
    from course_lib import optimizers as course

    print("keras ScheduleFreeAdamW", _defaults(keras.optimizers.ScheduleFreeAdamW))
    rng = np.random.default_rng(1)
    start, eta, beta_1, beta_2, eps = rng.standard_normal(4), 0.05, 0.9, 0.999, 1e-8
    for warmup in (0, 10):
        weight = keras.Variable(start.copy(), dtype="float64")
        keras_opt = keras.optimizers.ScheduleFreeAdamW(eta, warmup_steps=warmup)
        theta = start.copy()
        ours = course.ScheduleFreeAdamW(eta, warmup_steps=warmup)
        y, z, s = start.copy(), start.copy(), np.zeros(4)     # the new-z reading
        gap_ours = gap_new_z = gap_z = 0.0
        for t in range(1, 61):
            g = 2 * weight.numpy() + rng.standard_normal(4)   # a noisy bowl, at Keras's y
            keras_opt.apply_gradients([(keras.ops.convert_to_tensor(g), weight)])
            ours.apply(g.copy(), theta)
            rate = eta * (min(t / warmup, 1.0) if warmup else 1.0)
            s += (1 - beta_2) * (g * g - s)
            z = z - rate * g / (np.sqrt(s / (1 - beta_2**t)) + eps)
            x = (y - (1 - beta_1) * z) / beta_1
            x += (z - x) / t
            y = (1 - beta_1) * z + beta_1 * x
            gap_new_z = max(gap_new_z, float(np.abs(weight.numpy() - y).max()))
            gap_z = max(gap_z, float(np.abs(keras_opt._momentums[0].numpy()
                                             - ours.slots[0]["z"]).max()))
            ours_y = theta.copy()
            theta[...] = weight.numpy()                       # both continue from Keras's y
            ours.slots[0]["z"][...] = keras_opt._momentums[0].numpy()
            gap_ours = max(gap_ours, float(np.abs(weight.numpy() - ours_y).max()))
        print(f"ScheduleFreeAdamW({eta}, warmup_steps={warmup}), 60 steps, one step at a time "
              f"from Keras's state: |z keras − z course_lib| ≤ {gap_z:.2g}; |y keras − y "
              f"course_lib| ≤ {gap_ours:.2g}; |y keras − y with the new z| ≤ {gap_new_z:.2g}")

if __name__ == "__main__":
    print("keras", keras.__version__, "torch", torch.__version__)
    for claim in (learning_rate_zero, renamed_arguments, piecewise_boundaries,
                  optimizer_classes_and_defaults, epsilon_placement,
                  l2_against_decay_with_momentum, adafactor_memory, gradient_clipping,
                  schedule_free):
        print(f"--- {claim.__name__}")
        claim()
