"""What every optimizer shares: the learning rate, the step counter, the slots,
the input checks, saving and restoring, and walking big arrays piece by piece
(the largest on two threads at once).

A subclass only writes its formula:

- ``slot_names``: the arrays it keeps per parameter (Adam: ``("m", "s")``);
- ``_update(g, theta, slots, learning_rate, t)``: the formula itself, in
  plain NumPy, applied in place to ``theta`` and the slots, for step
  t = 1, 2, … at this step's ``learning_rate`` (a float, the schedule's value
  when there is one). Hyperparameters are read from ``self``.
- ``_start_step(t)``, only if the optimizer keeps a number that changes once
  per step for all its parameters together, such as Nadam's product Π_t.

``_update`` sees a piece of a large parameter at a time (see ``CHUNK``), and
may run on two pieces at once, in two threads (see ``WORKERS``), so it changes
nothing but its arguments. The walk is invisible to the formula: on a small
parameter ``_update`` gets the arrays themselves, on a large one views of
them, and it gives the same numbers either way, bit for bit.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import functools
import importlib
import inspect
import math
import numbers
import os
from collections.abc import Callable

import numpy as np

from course_lib.optimizers.clipping import clip_by_global_norm, clip_by_norm, clip_by_value
from course_lib.optimizers.hyperparameters import Threshold
from course_lib.validation import integer, number

CHUNK = 131_072
"""Elements per piece when an update walks a large parameter (1 MB of float64).

An update is a handful of NumPy expressions, and each makes temporaries the
size of its operands. Run over a whole 10⁷-element array, every temporary is
80 MB of fresh memory and every pass goes out to main memory: a step takes
two to four times as long as over pieces (``benchmarks/optimizer_step.py``,
column "after, one piece"). Over pieces of this size the temporaries are
reused from the allocator's cache and the passes after the first find the
piece still in the CPU cache, so main memory sees each array about once per
step. Smaller pieces would fit a smaller cache, but then Python's cost per
NumPy call starts to show. The lessons' parameters (at most 4,096 elements)
are one piece: the walk never runs there.
"""

WORKERS = min(2, os.cpu_count() or 1)
"""Threads that share out the pieces of a large parameter.

Not every pass of an update waits on memory: this NumPy's float64 ``np.sqrt``
takes as long as streaming the array from memory, even on a piece already in
the cache. NumPy lets go of Python's lock inside each pass, so two threads,
each walking half of the pieces, finish such passes in about half the time.
Each element is updated on its own, so the numbers are the same whatever the
split.
"""

THREADED_PIECES = 4
"""A parameter of more than this many pieces is shared out among ``WORKERS``.

Handing work to a thread costs tens of microseconds: the 2-D problems and the
small networks of the lessons are updated by the calling thread alone.
"""


class Optimizer:
    """The base class: ``apply(grads, params)`` moves ``params`` in place.

    ``learning_rate`` is a float or a schedule, any callable of the step such
    as ``course_lib.schedules.ExponentialDecay``. As in Keras, the rate used by
    a step is the schedule at ``iterations`` before that step: the first
    update uses ``schedule(0)``.

    Every optimizer also takes Keras's clipping arguments, at most one of them:
    ``clipnorm``, ``global_clipnorm`` or ``clipvalue`` (see
    :mod:`course_lib.optimizers.clipping`); the formula then sees the clipped
    gradient.
    """

    slot_names: tuple[str, ...] = ()
    _state_attributes: tuple[str, ...] = ()
    clipnorm = Threshold()
    global_clipnorm = Threshold()
    clipvalue = Threshold()

    def __init__(self, learning_rate, *, clipnorm=None, global_clipnorm=None, clipvalue=None):
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        chosen = {name: value for name, value in self._clipping().items() if value is not None}
        if len(chosen) > 1:
            raise ValueError("only one of clipnorm, global_clipnorm and clipvalue can be set, "
                             f"got {', '.join(f'{k}={v!r}' for k, v in chosen.items())}")
        self._iterations = 0
        self._slots: list[dict[str, np.ndarray]] | None = None
        # (shape, dtype) of each parameter the slots belong to; None where unknown.
        self._specs: list[tuple | None] | None = None

    # -- the learning rate ------------------------------------------------

    @property
    def learning_rate(self):
        """The float or the schedule this optimizer was given."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if callable(value):
            self._learning_rate = value
            return
        if callable(getattr(self, "_learning_rate", None)):
            # Keras refuses this too: a fixed number would silently end the schedule.
            raise TypeError(
                "learning_rate is a schedule; assign another schedule, or build a new optimizer "
                f"with a constant learning rate, instead of assigning {value!r}"
            )
        self._learning_rate = _checked_learning_rate(value)

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next step will use: the schedule at ``iterations``."""
        if not callable(self._learning_rate):
            return self._learning_rate
        return number(self._learning_rate(self._iterations),
                      f"the learning_rate schedule's value at step {self._iterations}", low=0)

    @property
    def iterations(self) -> int:
        """How many steps this optimizer has taken."""
        return self._iterations

    @property
    def slots(self) -> list[dict[str, np.ndarray]]:
        """Per parameter, the live slot arrays by name (empty until the first step)."""
        return [] if self._slots is None else self._slots

    # -- one step ---------------------------------------------------------

    def apply(self, grads, params) -> None:
        """One step: move each parameter in place along its gradient.

        ``grads`` and ``params`` are two NumPy arrays, or two lists of them in
        the same order. Every input is checked before anything moves: a bad
        shape, a wrong dtype or a gradient holding NaN or inf raises, and
        leaves every parameter, every slot and ``iterations`` as they were.
        """
        grads, params, names = _as_lists(grads, params)
        self._check_slots_fit(params, names)
        for g, name in zip(grads, names, strict=True):
            _check_finite(g, "grads" + name)
        self._step(grads, params)

    def stepper(self, params: np.ndarray) -> Callable[[np.ndarray], None]:
        """``step(g)``, the same as ``apply(g, params)``, for a loop that moves one small
        parameter many times, such as a point walking a 2-D surface.

        On two numbers the checks cost more than the formula, so ``params`` is
        checked here, once per run, and ``step`` checks only that ``g`` has the
        shape and dtype of ``params``. The caller makes sure each ``g`` is
        finite before the step (``course_lib.problems.trajectory`` does, to end
        a diverging run instead of raising). The numbers are those of ``apply``.
        """
        if type(self).apply is not Optimizer.apply:
            # A subclass that changed apply must see every step.
            return functools.partial(self.apply, params=params)
        _check_float_array(params, "params")
        if not params.flags.writeable:
            raise ValueError("params is read-only; the optimizer updates it in place")
        self._check_slots_fit([params], [""])
        shape, dtype = params.shape, params.dtype

        def step(g: np.ndarray) -> None:
            if not (isinstance(g, np.ndarray) and g.shape == shape and g.dtype == dtype):
                raise ValueError(f"each gradient must be an array of shape {shape} and dtype "
                                 f"{dtype}, like params; got {g!r}")
            self._step([g], [params])

        return step

    def _step(self, grads, params) -> None:
        """The step itself, on inputs already checked."""
        # A Python float: NumPy converts it to each parameter's dtype, so a float32
        # parameter is updated in float32 arithmetic.
        learning_rate = self.current_learning_rate
        t = self._iterations + 1
        grads = self._clipped(grads)
        self._build(params)
        self._start_step(t)
        for g, theta, slots in zip(grads, params, self._slots, strict=True):
            if theta.size <= THREADED_PIECES * CHUNK:
                self._walk(g, theta, slots, learning_rate, t, (0, theta.size))
            else:
                _at_once([functools.partial(self._walk, g, theta, slots, learning_rate, t, share)
                          for share in _shares(theta.size, WORKERS)])
        self._iterations += 1

    def _clipped(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        """The gradients after the clipping this optimizer was given, if any."""
        if self.clipnorm is not None:
            return [clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None:
            return [clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    def _clipping(self) -> dict:
        return {"clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue}

    def _walk(self, g, theta, slots, learning_rate, t, share) -> None:
        """Run ``_update`` over the pieces of one share of one parameter."""
        for g_piece, theta_piece, slot_pieces in _pieces(g, theta, slots, share):
            self._update(g_piece, theta_piece, slot_pieces, learning_rate, t)

    def apply_gradients(self, grads_and_params) -> None:
        """One step from ``(grad, param)`` pairs, as in Keras."""
        pairs = list(grads_and_params)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise TypeError(f"grads_and_params[{i}] must be a (grad, param) pair, got {pair!r}")
        self.apply([g for g, _ in pairs], [theta for _, theta in pairs])

    def _update(self, g, theta, slots, learning_rate: float, t: int) -> None:
        raise NotImplementedError

    def _start_step(self, t: int) -> None:
        """Advance what changes once per step for all the parameters together (nothing here)."""

    def _initial_slot(self, name: str, theta: np.ndarray) -> np.ndarray:
        return np.zeros(theta.shape, theta.dtype)

    def _build(self, params) -> None:
        """Create the slots on the first step, and any slot a hyperparameter switched on since."""
        if self._slots is None:
            self._slots = [{} for _ in params]
        if self._specs is None or None in self._specs:
            self._specs = [(theta.shape, theta.dtype) for theta in params]
        for theta, slots in zip(params, self._slots, strict=True):
            for name in self.slot_names:
                if name not in slots:
                    slots[name] = self._initial_slot(name, theta)

    def _check_slots_fit(self, params, names) -> None:
        if self._specs is None:
            return
        if len(params) != len(self._specs):
            raise ValueError(f"this optimizer keeps state for {len(self._specs)} parameters, "
                             f"got {len(params)}; use one optimizer per list of parameters")
        for theta, spec, name in zip(params, self._specs, names, strict=True):
            if spec is not None and spec != (theta.shape, theta.dtype):
                raise ValueError(
                    f"params{name} has shape {theta.shape} and dtype {theta.dtype}, but this "
                    f"optimizer was built for shape {spec[0]} and dtype {spec[1]}; "
                    "use one optimizer per list of parameters")

    # -- saving and restoring ---------------------------------------------

    def get_state(self) -> dict:
        """A deep copy of everything that changes while training: resume with ``set_state``."""
        slots = None if self._slots is None else [
            {name: array.copy() for name, array in slots.items()} for slots in self._slots]
        state = {"iterations": self._iterations, "slots": slots}
        state.update({name: getattr(self, name) for name in self._state_attributes})
        return state

    def set_state(self, state: dict) -> None:
        """Put back what ``get_state`` returned; the next step continues exactly."""
        if not isinstance(state, dict):
            raise TypeError(f"state must be the dict get_state() returned, got {state!r}")
        missing = {"iterations", "slots", *self._state_attributes} - state.keys()
        if missing:
            raise ValueError(f"state is missing {sorted(missing)}")
        iterations = integer(state["iterations"], "state['iterations']", low=0)
        slots = state["slots"]
        if slots is not None:
            slots = [_copied_slots(entry, i, self.slot_names) for i, entry in enumerate(slots)]
        attributes = {name: number(state[name], f"state[{name!r}]")
                      for name in self._state_attributes}
        for name, value in attributes.items():
            setattr(self, name, value)
        self._iterations = iterations
        self._slots = slots
        self._specs = None if slots is None else [_spec_of(entry) for entry in slots]

    def get_config(self) -> dict:
        """The constructor's arguments, current values; a schedule as class and config.

        The clipping argument appears only when one is set (Keras lists all three, None).
        """
        arguments = [name for name, parameter
                     in list(inspect.signature(type(self).__init__).parameters.items())[1:]
                     if parameter.kind is not inspect.Parameter.VAR_KEYWORD]
        config = {name: getattr(self, name) for name in arguments}
        config.update({name: value for name, value in self._clipping().items()
                       if value is not None})
        config["learning_rate"] = _serialized(self._learning_rate)
        return config

    @classmethod
    def from_config(cls, config: dict):
        """A fresh optimizer built from ``get_config()``."""
        config = dict(config)
        config["learning_rate"] = _deserialized(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        config = self.get_config()
        config["learning_rate"] = self._learning_rate
        arguments = ", ".join(f"{name}={value!r}" for name, value in config.items())
        return f"{type(self).__name__}({arguments})"


def _checked_learning_rate(value) -> float:
    """A constant learning rate; 0 is allowed, as in Keras: a warmup starts there and a cosine
    decay ends there."""
    if isinstance(value, bool | np.ndarray) or not isinstance(value, numbers.Real):
        raise TypeError("learning_rate must be a finite number >= 0 or a schedule (a callable "
                        f"of the step), got {value!r}")
    return number(value, "learning_rate", low=0)


def _as_lists(grads, params):
    """Both arguments as lists, with the suffix that names each entry in messages."""
    if isinstance(params, np.ndarray):
        if isinstance(grads, np.floating):
            # NumPy turns arithmetic on a 0-d array into a scalar: 2 * theta for theta = array(3.0).
            grads = np.asarray(grads)
        if not isinstance(grads, np.ndarray):
            raise TypeError(f"params is one array, so grads must be one array too, "
                            f"got {type(grads).__name__}")
        grads, params, names = [grads], [params], [""]
    elif isinstance(params, list | tuple):
        if not isinstance(grads, list | tuple):
            raise TypeError(f"params is a list, so grads must be a list too, "
                            f"got {type(grads).__name__}")
        names = [f"[{i}]" for i in range(len(params))]
    else:
        raise TypeError(f"params must be a NumPy array or a list of NumPy arrays, "
                        f"got {type(params).__name__}")
    if len(grads) != len(params):
        raise ValueError(f"got {len(grads)} grads for {len(params)} params: "
                         "pass one gradient per parameter")
    if not params:
        raise ValueError("params is empty: there is nothing to update")
    grads = [np.asarray(g) if isinstance(g, np.floating) else g for g in grads]
    for g, theta, name in zip(grads, params, names, strict=True):
        _check_float_array(theta, "params" + name)
        _check_float_array(g, "grads" + name)
        if g.shape != theta.shape:
            raise ValueError(f"grads{name} has shape {g.shape} but params{name} has shape "
                             f"{theta.shape}: they must match")
        if not theta.flags.writeable:
            raise ValueError(f"params{name} is read-only; the optimizer updates it in place")
    return list(grads), list(params), names


def _check_float_array(array, name: str) -> None:
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(array).__name__}")
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must hold floating-point numbers (float16, float32 or "
                        f"float64), got dtype {array.dtype}")


def _check_finite(g: np.ndarray, name: str) -> None:
    """Raise if ``g`` holds NaN or inf, without allocating an array the size of a large ``g``."""
    if g.size <= CHUNK:
        finite = np.isfinite(g).all()
    else:
        # The sum is finite exactly when no element is NaN or inf, unless huge finite
        # values overflowed it: only then look at the elements, piece by piece.
        with np.errstate(over="ignore", invalid="ignore"):
            finite = math.isfinite(np.add.reduce(g, axis=None))
        if not finite:
            with np.nditer(g, flags=["external_loop", "buffered", "zerosize_ok"],
                           buffersize=CHUNK) as pieces:
                finite = all(np.isfinite(piece).all() for piece in pieces)
    if not finite:
        raise ValueError(f"{name} contains NaN or inf; no parameter and no slot was changed")


def _shares(size: int, count: int) -> list[tuple[int, int]]:
    """``size`` elements cut into ``count`` ranges ``(start, stop)`` of nearly equal length."""
    return [(size * k // count, size * (k + 1) // count) for k in range(count)]


@functools.cache
def _workers() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="optimizer")


# A forked child inherits the pool but not its threads: it must start its own.
os.register_at_fork(after_in_child=_workers.cache_clear)


def _at_once(tasks) -> None:
    """Run the tasks on the worker threads, wait for every one, then raise the first error."""
    # Each task runs in a copy of the caller's context, so that the caller's np.errstate holds.
    futures = [_workers().submit(contextvars.copy_context().run, task) for task in tasks]
    concurrent.futures.wait(futures)
    for future in futures:
        future.result()


def _pieces(g, theta, slots, share):
    """Yield ``(g, theta, slots)`` for cache-sized pieces of one share of a parameter.

    A small parameter is one piece, the arrays themselves. A large one is
    walked by ``np.nditer`` in pieces of ``CHUNK`` elements, over the range
    ``share`` of its elements: views when the arrays are contiguous, buffers
    written back when they are not. The gradient is cast to the parameter's
    dtype, as Keras does.
    """
    if theta.size <= CHUNK:
        yield g.astype(theta.dtype, copy=False), theta, slots
        return
    names = list(slots)
    operands = [g, theta, *slots.values()]
    with np.nditer(operands, flags=["external_loop", "buffered", "ranged", "zerosize_ok"],
                   op_flags=[["readonly"]] + [["readwrite"]] * (len(operands) - 1),
                   op_dtypes=[theta.dtype] * len(operands), casting="same_kind",
                   buffersize=CHUNK) as walk:
        walk.iterrange = share
        for g_piece, theta_piece, *slot_pieces in walk:
            yield g_piece, theta_piece, dict(zip(names, slot_pieces, strict=True))


def _copied_slots(entry, index: int, allowed: tuple[str, ...]) -> dict[str, np.ndarray]:
    if not isinstance(entry, dict):
        raise TypeError(f"state['slots'][{index}] must be a dict of arrays, got {entry!r}")
    copied = {}
    for name, array in entry.items():
        if name not in allowed:
            raise ValueError(f"state['slots'][{index}] has a slot {name!r} this optimizer does "
                             f"not keep (it keeps {list(allowed)})")
        _check_float_array(array, f"state['slots'][{index}][{name!r}]")
        copied[name] = np.array(array, order="C", copy=True)
    if len({(array.shape, array.dtype) for array in copied.values()}) > 1:
        raise ValueError(f"state['slots'][{index}] holds arrays of different shapes or dtypes")
    return copied


def _spec_of(slots: dict[str, np.ndarray]):
    """The (shape, dtype) the slots were built for, None when there are none to tell."""
    for array in slots.values():
        return array.shape, array.dtype
    return None


def _serialized(learning_rate):
    if hasattr(learning_rate, "get_config"):
        kind = type(learning_rate)
        return {"module": kind.__module__, "class_name": kind.__qualname__,
                "config": learning_rate.get_config()}
    return learning_rate


def _deserialized(learning_rate):
    if isinstance(learning_rate, dict):
        kind = getattr(importlib.import_module(learning_rate["module"]),
                       learning_rate["class_name"])
        return kind.from_config(learning_rate["config"])
    return learning_rate
