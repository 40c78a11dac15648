"""Adam against AMSGrad on Reddi et al.'s online problem (lesson 6).

Each run is the course's ``Adam`` (β₁ = 0, β₂ = 1/(1 + C²), as in the paper's first example),
with or without ``amsgrad``, on :mod:`course_lib.problems.online`, x projected back onto
[−1, 1] after every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import optimizers
from course_lib.problems import online
from course_lib.validation import integer


@dataclass(frozen=True)
class OnlineRun:
    """``x[t]`` after t steps (``x[0]`` = 0); ``s`` and ``s_max`` the slots after each step."""

    x: np.ndarray
    s: np.ndarray
    s_max: np.ndarray | None


def online_run(amsgrad: bool, steps: int = 3000, learning_rate: float = 0.01,
               big: float = 3.0) -> OnlineRun:
    """Adam or AMSGrad for ``steps`` steps from x = 0 on the online problem with C = ``big``."""
    steps = integer(steps, "steps", low=1)
    opt = optimizers.Adam(learning_rate=learning_rate, beta_1=0.0, beta_2=1 / (1 + big * big),
                          amsgrad=amsgrad)
    x = np.zeros(1)
    path, s, s_max = [0.0], [], []
    for t in range(1, steps + 1):
        opt.apply(online.gradient(t, big), x)
        np.clip(x, -1.0, 1.0, out=x)             # the projection onto [−1, 1]
        path.append(float(x[0]))
        s.append(float(opt.slots[0]["s"][0]))
        if amsgrad:
            s_max.append(float(opt.slots[0]["s_max"][0]))
    return OnlineRun(np.array(path), np.array(s), np.array(s_max) if amsgrad else None)
