"""Problems to optimize: 2-D test functions with exact gradients, and a runner that walks them."""

from course_lib.problems.surfaces import (
    PROBLEMS,
    Beale,
    Bowl,
    Problem,
    Rosenbrock,
    RotatedBowl,
    Saddle,
)
from course_lib.problems.trajectory import MAX_NORM, Trajectory, trajectory

__all__ = [
    "MAX_NORM",
    "PROBLEMS",
    "Beale",
    "Bowl",
    "Problem",
    "Rosenbrock",
    "RotatedBowl",
    "Saddle",
    "Trajectory",
    "trajectory",
]
