"""PruningMask: fine-tuning a pruned network keeps its zeros, and only them."""

import numpy as np

from course_lib import datasets, optimizers
from course_lib.nn import MLP
from course_lib.sparsity import PruningMask, magnitude_prune, sparsity


def _pruned_model(fraction=0.75):
    data = datasets.load_digits_split()
    model = MLP(hidden_units=(16,), n_classes=data.n_classes, seed=3)
    model.build(data.X_train.shape[1])
    weights = model.get_weights()
    weights[0::2] = magnitude_prune(weights[0::2], fraction)
    model.set_weights(weights)
    model.compile(optimizers.SGD(learning_rate=0.1, momentum=0.9))
    return model, data


def test_the_pruned_weights_stay_exactly_zero_and_the_others_train():
    model, data = _pruned_model()
    before = model.get_weights()
    model.fit(data.X_train[:256], data.y_train[:256], epochs=2, batch_size=32,
              callbacks=[PruningMask()])
    for start, end in zip(before[0::2], model.get_weights()[0::2], strict=True):
        zero = start == 0
        assert np.all(end[zero] == 0)
        # The kept weights train (a few read pixels that are blank in every image and stay).
        assert np.mean(end[~zero] != start[~zero]) > 0.8
    # 75 % of each layer's weights were pruned, and no kept weight happened to land on zero.
    assert sparsity(model.get_weights()[0::2]) == sparsity(before[0::2])


def test_without_the_mask_training_moves_the_pruned_weights_off_zero():
    model, data = _pruned_model()
    model.fit(data.X_train[:256], data.y_train[:256], epochs=1, batch_size=32)
    assert sparsity(model.get_weights()[0::2]) < 0.5


def test_the_mask_is_read_when_training_begins():
    model, data = _pruned_model(fraction=0.5)
    mask = PruningMask()
    model.fit(data.X_train[:64], data.y_train[:64], epochs=1, batch_size=32, callbacks=[mask])
    expected = [layer.kernel != 0 for layer in model.layers]
    for kept, found in zip(mask.masks, expected, strict=True):
        np.testing.assert_array_equal(kept, found)
    assert [kept.mean() for kept in mask.masks] == [0.5, 0.5]
