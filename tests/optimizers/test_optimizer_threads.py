"""A large parameter is updated in pieces, by worker threads, a share each: the numbers must
not change.

The walk in pieces is what lets every ``_update`` be written as its formula
in plain NumPy at no cost in speed (see ``base.CHUNK``): each expression's
temporaries are a piece long. Every update is element-wise, so walking the
pieces on two threads must give bit for bit what one call of ``_update`` on
the whole arrays gives. The tests shrink CHUNK and THREADED_PIECES so that a
parameter of a few hundred elements is shared out, and compare against the
same steps run as a single piece.
"""

import math
import multiprocessing
import threading
import time
import warnings

import numpy as np
import pytest
from optimizer_factories import every_optimizer

from course_lib import optimizers
from course_lib.optimizers import base
from course_lib.optimizers.pytorch import TorchNadam

PIECE = 64                   # CHUNK while a test runs: a few hundred elements make many pieces
THREADED = 2                 # THREADED_PIECES while a test runs: past 128 elements, threads


def contiguous(rng):
    return rng.standard_normal(1001), np.float64           # an odd size: unequal shares


def strided(rng):
    return rng.standard_normal((400, 3))[::2], np.float64   # nditer buffers these pieces


def fortran_ordered(rng):
    return np.asfortranarray(rng.standard_normal((30, 17))), np.float64


def float32_with_float64_gradient(rng):
    return rng.standard_normal(700).astype(np.float32), np.float32


LAYOUTS = [contiguous, strided, fortran_ordered, float32_with_float64_gradient]


def run_steps(make, theta, gradients, piece, monkeypatch):
    """Take the steps with pieces of ``piece`` elements; return θ, the slots, the optimizer and
    the threads the pieces ran on."""
    monkeypatch.setattr(base, "CHUNK", piece)
    monkeypatch.setattr(base, "THREADED_PIECES", THREADED)
    optimizer = make()
    threads = record_threads(optimizer)
    for g in gradients:
        optimizer.apply(g, theta)
    return theta, optimizer.slots[0], optimizer, threads


def record_threads(optimizer):
    """Wrap the optimizer's ``_update`` so that it notes the thread each piece ran on."""
    threads = []
    update = optimizer._update

    def recording(g, theta, *rest):
        threads.append(threading.get_ident())
        update(g, theta, *rest)

    optimizer._update = recording
    return threads


@every_optimizer
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_threaded_step_equals_a_one_piece_step_bit_for_bit(make, layout, monkeypatch):
    # The same seed twice: two equal parameters, with the same layout in memory.
    (one, dtype), (other, _) = layout(np.random.default_rng(11)), layout(np.random.default_rng(11))
    rng = np.random.default_rng(12)
    gradients = [rng.standard_normal(one.shape) for _ in range(3)]
    whole, whole_slots, _, one_call = run_steps(make, one, gradients, 10**9, monkeypatch)
    shared, shared_slots, _, pieces = run_steps(make, other, gradients, PIECE, monkeypatch)
    assert len(one_call) == len(gradients)                  # one _update per step
    assert threading.get_ident() not in pieces              # the parameter was shared out
    assert shared.dtype == dtype
    assert np.array_equal(shared, whole)
    assert whole_slots.keys() == shared_slots.keys()
    for name in whole_slots:
        assert np.array_equal(shared_slots[name], whole_slots[name]), name


@every_optimizer
def test_the_pieces_of_a_large_parameter_run_on_the_worker_threads(make, monkeypatch):
    monkeypatch.setattr(base, "CHUNK", PIECE)
    monkeypatch.setattr(base, "THREADED_PIECES", THREADED)
    optimizer = make()
    theta = np.zeros(10 * PIECE)
    optimizer.apply(np.ones_like(theta), theta)              # builds the slots and scratch
    threads = record_threads(optimizer)
    optimizer.apply(np.ones_like(theta), theta)
    assert len(threads) == 10                                # every piece, once
    assert threading.get_ident() not in threads


@pytest.mark.parametrize("size", [2, base.THREADED_PIECES * base.CHUNK])
def test_a_small_parameter_is_updated_by_the_calling_thread(size):
    """With the real constants: a 2-D problem, and the largest parameter left unshared."""
    optimizer = optimizers.Adam()
    theta = np.zeros(size)
    optimizer.apply(np.ones(size), theta)
    threads = record_threads(optimizer)
    optimizer.apply(np.ones(size), theta)
    assert set(threads) == {threading.get_ident()}


def test_one_element_past_the_threshold_is_shared_out():
    size = base.THREADED_PIECES * base.CHUNK + 1
    optimizer = optimizers.Adam()
    theta = np.zeros(size)
    optimizer.apply(np.ones(size), theta)
    threads = record_threads(optimizer)
    optimizer.apply(np.ones(size), theta)
    assert threading.get_ident() not in threads
    assert len(threads) == base.THREADED_PIECES + 1         # five pieces, the last of one element


@pytest.mark.parametrize("make, product", [(optimizers.Nadam, "u_product"),
                                           (TorchNadam, "mu_product")])
def test_the_running_product_of_mu_grows_once_per_step(make, product, monkeypatch):
    """Π_t = μ_1 μ_2 … μ_t, however many pieces and threads the parameter is walked in."""
    rng = np.random.default_rng(2)
    theta = rng.standard_normal(20 * PIECE)
    gradients = [rng.standard_normal(theta.size) for _ in range(3)]
    _, _, optimizer, _ = run_steps(make, theta, gradients, PIECE, monkeypatch)
    psi = getattr(optimizer, "momentum_decay", 1.0)         # Keras's Nadam: 0.96ᵗ, ψ = 1
    expected = math.prod(0.9 * (1 - 0.5 * 0.96 ** (psi * t)) for t in (1, 2, 3))
    assert getattr(optimizer, product) == pytest.approx(expected, rel=1e-14)


def test_the_callers_errstate_holds_in_the_worker_threads(monkeypatch):
    monkeypatch.setattr(base, "CHUNK", PIECE)
    monkeypatch.setattr(base, "THREADED_PIECES", THREADED)
    theta = np.zeros(10 * PIECE)
    g = np.ones(theta.size)
    g[-1] = 1e200                                            # g² overflows, in the last share
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow"):
        optimizers.Adagrad().apply(g, theta)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.Adagrad().apply(g, np.zeros(theta.size))


def test_an_error_in_one_share_is_raised_after_every_share_has_finished(monkeypatch):
    """apply() must not return while a worker still writes into the parameter."""
    monkeypatch.setattr(base, "CHUNK", PIECE)
    monkeypatch.setattr(base, "THREADED_PIECES", THREADED)
    theta = np.zeros(10 * PIECE)
    second_share = theta[theta.size // 2:]
    optimizer = optimizers.SGD(0.1)
    update = optimizer._update
    finished = []

    def first_share_fails_at_once(g, theta_piece, *rest):
        if not np.shares_memory(theta_piece, second_share):
            raise RuntimeError("a failing piece")
        time.sleep(0.002)                                    # the other share takes its time
        update(g, theta_piece, *rest)
        finished.append(theta_piece.size)

    optimizer._update = first_share_fails_at_once
    with pytest.raises(RuntimeError, match="a failing piece"):
        optimizer.apply(np.ones(theta.size), theta)
    assert sum(finished) == second_share.size
    assert np.all(second_share == -0.1)


def _step_in_a_forked_child(theta, g, queue):
    optimizers.Adam().apply(g, theta)
    queue.put(theta)


def test_a_forked_child_can_still_share_out_a_step(monkeypatch):
    """The child inherits the pool without its threads; it must not wait for them forever."""
    monkeypatch.setattr(base, "CHUNK", PIECE)
    monkeypatch.setattr(base, "THREADED_PIECES", THREADED)
    rng = np.random.default_rng(5)
    start, g = rng.standard_normal(10 * PIECE), rng.standard_normal(10 * PIECE)
    expected = start.copy()
    optimizers.Adam().apply(g, expected)                     # the parent's pool has its threads
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    child = fork.Process(target=_step_in_a_forked_child, args=(start.copy(), g, queue))
    child.start()
    try:
        moved = queue.get(timeout=30)                        # queue.Empty if the child hangs
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    assert child.exitcode == 0
    assert np.array_equal(moved, expected)
