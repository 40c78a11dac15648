"""One BLAS thread while the small network trains.

The network's products are tiny (a batch of 32 rows × 64 features × 32 units): splitting one
over threads costs more in hand-offs than it saves, and on a busy two-core machine a BLAS
thread that has to wait for a core stalls every step. On the course machine, 20 epochs on the
digits take about 0.2 s on one thread and 0.5 to 1.5 s with OpenBLAS's default two
(benchmarks/mlp_training.py).
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def single_threaded_blas() -> threadpool_limits:
    """A context manager: inside it, NumPy's BLAS runs on one thread."""
    return threadpool_limits(limits=1, user_api="blas")
