"""A small multilayer perceptron in NumPy with a Keras-like compile / fit / evaluate / predict."""

from course_lib.nn.layers import Dense
from course_lib.nn.losses import SparseCategoricalCrossentropy
from course_lib.nn.model import MLP, Sequential

__all__ = ["Dense", "MLP", "Sequential", "SparseCategoricalCrossentropy"]
