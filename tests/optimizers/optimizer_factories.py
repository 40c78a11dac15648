"""One of every optimizer setup the property tests run, each a fresh instance per call."""

import pytest

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchNadam, TorchSGD
from course_lib.schedules import ExponentialDecay

FACTORIES = {
    "SGD": lambda: optimizers.SGD(0.1),
    "SGD momentum": lambda: optimizers.SGD(0.1, momentum=0.9),
    "SGD nesterov": lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "Adagrad": lambda: optimizers.Adagrad(0.1),
    "RMSprop": lambda: optimizers.RMSprop(0.1),
    "RMSprop centered momentum": lambda: optimizers.RMSprop(0.1, momentum=0.5, centered=True),
    "Adam": lambda: optimizers.Adam(0.1),
    "Adam amsgrad": lambda: optimizers.Adam(0.1, amsgrad=True),
    "AdamW": lambda: optimizers.AdamW(0.1),
    "Adamax": lambda: optimizers.Adamax(0.1),
    "Nadam": lambda: optimizers.Nadam(0.1),
    "Adam schedule": lambda: optimizers.Adam(ExponentialDecay(0.1, 2, 0.5)),
    "TorchSGD": lambda: TorchSGD(0.1),
    "TorchSGD momentum": lambda: TorchSGD(0.1, momentum=0.9),
    "TorchSGD nesterov": lambda: TorchSGD(0.1, momentum=0.9, nesterov=True),
    "TorchNadam": lambda: TorchNadam(0.1),
}
every_optimizer = pytest.mark.parametrize("make", FACTORIES.values(), ids=FACTORIES.keys())
