"""The optimizers of the course, with Keras 3's names, defaults and formulas.

::

    from course_lib import optimizers

    opt = optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    opt.apply(grads, params)          # params (NumPy arrays) move in place
    opt.iterations                    # steps taken so far

Each class's docstring gives its update as the lessons write it and says
where PyTorch differs; ``TorchSGD`` and ``TorchNadam`` compute PyTorch's
versions.
"""

from course_lib.optimizers.adagrad import Adagrad
from course_lib.optimizers.adam import Adam, AdamW
from course_lib.optimizers.adamax import Adamax
from course_lib.optimizers.base import Optimizer
from course_lib.optimizers.nadam import Nadam
from course_lib.optimizers.pytorch import TorchNadam, TorchSGD
from course_lib.optimizers.rmsprop import RMSprop
from course_lib.optimizers.schedule_free import ScheduleFreeAdamW
from course_lib.optimizers.sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Adamax", "Nadam", "Optimizer", "RMSprop", "SGD",
           "ScheduleFreeAdamW", "TorchNadam", "TorchSGD"]
