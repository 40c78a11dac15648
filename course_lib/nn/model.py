"""A small Keras-like model: a stack of Dense layers trained by backpropagation.

    model = MLP(hidden_units=(64,), n_classes=10, seed=0)
    model.compile(optimizer=optimizers.Adam(), loss="sparse_categorical_crossentropy")
    history = model.fit(X_train, y_train, epochs=20, validation_data=(X_valid, y_valid))

One step of `fit` on a batch (x, y): a forward pass to the logits, the loss and its gradient
with respect to the logits, a backward pass that fills each layer's ∂L/∂W and ∂L/∂b, then
`optimizer.apply(gradients, weights)`, which updates the weight arrays in place.

Exact resume: the order of the examples in epoch e is a permutation drawn from
np.random.default_rng((seed, 1, e)), so it depends on nothing but the model's seed and the
epoch number. A run saved after epoch k (`state = model.save_state()`) and continued from there
(`model.load_state(state)`, then `fit(..., initial_epoch=k)`) repeats the uninterrupted run bit
for bit, provided the callbacks keep no state of their own across the break (a
LearningRateScheduler of the epoch keeps none; a ReduceLROnPlateau's patience counter does).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.callbacks import Callback, History
from course_lib.nn import losses
from course_lib.nn.activations import softmax
from course_lib.nn.layers import Dense
from course_lib.nn.threads import single_threaded_blas
from course_lib.validation import choice, integer

_INIT_STREAM = 0
_SHUFFLE_STREAM = 1


class Sequential:
    """Dense layers applied one after the other, with Keras's compile / fit / evaluate / predict.

    The last layer's activation is "softmax" (with loss="sparse_categorical_crossentropy") or
    None (with SparseCategoricalCrossentropy(from_logits=True)); hidden layers use "relu" or
    None. Weights are float64 unless dtype=np.float32 is given. `seed` fixes the initial weights
    and the shuffling; without one the model draws a seed once and keeps it in `model.seed`.
    The layers are built on the first call that sees data, or right away if input_dim is given.
    """

    def __init__(self, layers=None, *, input_dim: int | None = None, seed: int | None = None,
                 dtype=np.float64):
        if seed is None:
            seed = int(np.random.default_rng().integers(2**32))
        self.seed = integer(seed, "seed", low=0)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
        self.dtype = np.dtype(dtype)
        self.input_dim: int | None = None
        self.layers: list[Dense] = []
        for layer in layers or []:
            self.add(layer)
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history: History | None = None
        self._weights: list[np.ndarray] = []
        self._gradients: list[np.ndarray] = []
        if input_dim is not None:
            self.build(input_dim)

    def add(self, layer: Dense) -> None:
        if not isinstance(layer, Dense):
            raise TypeError(f"layers must be Dense layers, got {layer!r}")
        if self.built:
            raise ValueError("cannot add a layer to a model that is already built")
        self.layers.append(layer)

    @property
    def built(self) -> bool:
        return self.input_dim is not None

    def build(self, input_dim: int) -> None:
        """Create every layer's weights for inputs with input_dim features."""
        input_dim = integer(input_dim, "input_dim", low=1)
        if not self.layers:
            raise ValueError("the model has no layers; add Dense layers first")
        for layer in self.layers[:-1]:
            if layer.activation == "softmax":
                raise ValueError(f"softmax is only allowed in the last layer, found {layer!r}")
        width = input_dim
        for index, layer in enumerate(self.layers):
            layer.build(width, seed=(self.seed, _INIT_STREAM, index), dtype=self.dtype)
            width = layer.units
        self.input_dim = input_dim
        self._weights = [array for layer in self.layers for array in layer.weights]
        self._gradients = [array for layer in self.layers for array in layer.gradients]

    # -- training configuration --------------------------------------------------------------

    def compile(self, optimizer, loss="sparse_categorical_crossentropy") -> None:
        """Choose the optimizer (an object with apply(gradients, weights)) and the loss."""
        has_apply = callable(getattr(optimizer, "apply", None))
        if not (has_apply and hasattr(optimizer, "learning_rate")):
            raise TypeError(
                "optimizer must be an optimizer object such as course_lib.optimizers.Adam(), "
                f"with apply(gradients, weights) and learning_rate; got {optimizer!r}"
            )
        loss = losses.get(loss)
        if self.layers:
            last = self.layers[-1].activation
            if loss.from_logits and last == "softmax":
                raise ValueError("the last layer applies softmax but the loss expects logits "
                                 "(from_logits=True); drop one of the two")
            if not loss.from_logits and last != "softmax":
                raise ValueError("the loss expects probabilities (from_logits=False) but the last "
                                 "layer has no softmax; use activation='softmax' or "
                                 "from_logits=True")
        self.optimizer = optimizer
        self.loss = loss

    # -- weights and state -------------------------------------------------------------------

    @property
    def weights(self) -> list[np.ndarray]:
        """[W1, b1, W2, b2, ...]: the live arrays (the optimizer updates these in place)."""
        return list(self._weights)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of [W1, b1, W2, b2, ...]."""
        self._require_built()
        return [array.copy() for array in self._weights]

    def set_weights(self, weights) -> None:
        """Copy `weights` (as returned by get_weights) into the model's arrays."""
        self._require_built()
        weights = list(weights)
        if len(weights) != len(self._weights):
            raise ValueError(f"weights must be a list of {len(self._weights)} weight arrays, "
                             f"got {len(weights)}")
        weights = [np.asarray(source) for source in weights]
        # Every array is checked before any is copied, so bad weights leave the model as it was.
        for index, (target, source) in enumerate(zip(self._weights, weights, strict=True)):
            if source.shape != target.shape:
                raise ValueError(f"weights[{index}] must have shape {target.shape}, "
                                 f"got shape {source.shape}")
        for target, source in zip(self._weights, weights, strict=True):
            # Copy into the existing arrays: the optimizer's slots stay paired with them.
            np.copyto(target, source)

    def save_state(self) -> dict:
        """Everything a resumed fit needs: weight copies, the optimizer's state and its
        learning rate and momentum (which callbacks may have changed)."""
        self._require_compiled()
        state = {"weights": self.get_weights(), "optimizer": self.optimizer.get_state(),
                 "learning_rate": self.optimizer.learning_rate}
        if hasattr(self.optimizer, "momentum"):
            state["momentum"] = self.optimizer.momentum
        return state

    def load_state(self, state: dict) -> None:
        """Restore what save_state returned (compile with the same optimizer class first)."""
        self._require_compiled()
        if not self.built:
            self.build(state["weights"][0].shape[0])
        self.set_weights(state["weights"])
        self.optimizer.set_state(state["optimizer"])
        self.optimizer.learning_rate = state["learning_rate"]
        if "momentum" in state:
            self.optimizer.momentum = state["momentum"]

    # -- forward and backward ----------------------------------------------------------------

    def _logits(self, x: np.ndarray, training: bool) -> np.ndarray:
        for layer in self.layers[:-1]:
            x = layer.forward(x, training=training)
        return self.layers[-1].forward(x, training=training, logits=True)

    def _penalty(self) -> float:
        return sum(layer.penalty() for layer in self.layers if layer.l1 or layer.l2)

    def _backward(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Forward and backward on one batch: fills the gradient buffers, returns
        (loss, accuracy)."""
        logits = self._logits(x, training=True)
        data_loss, grad = self.loss.value_and_gradient(y, logits)
        accuracy = np.count_nonzero(logits.argmax(axis=1) == y) / len(y)
        for index in range(len(self.layers) - 1, -1, -1):
            # The first layer's input is the data: its gradient is never needed.
            grad = self.layers[index].backward(grad, input_gradient=index > 0)
        return data_loss + self._penalty(), accuracy

    def loss_and_gradients(self, x, y) -> tuple[float, list[np.ndarray]]:
        """The loss on (x, y), penalties included, and copies of its gradient for every weight
        array, in the order of get_weights. Nothing is updated."""
        self._require_compiled()
        x, y = self._check_data(x, y, "x", "y")
        loss, _ = self._backward(x, y)
        return loss, [grad.copy() for grad in self._gradients]

    def _train_step(self, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
        loss, accuracy = self._backward(x, y)
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"the loss is {loss} at step {self.optimizer.iterations}: training diverged "
                "(is the learning rate too large?); the weights were not updated")
        self.optimizer.apply(self._gradients, self._weights)
        return {"loss": loss, "accuracy": accuracy}

    def train_on_batch(self, x, y) -> dict[str, float]:
        """One optimizer step on the batch (x, y); returns that batch's loss and accuracy, both
        measured before the step (as the logs of fit report them). A loss that is not finite
        raises FloatingPointError before anything is updated, here and in fit."""
        self._require_compiled()
        x, y = self._check_data(x, y, "x", "y")
        return self._train_step(x, y)

    # -- fit, evaluate, predict --------------------------------------------------------------

    def fit(self, X, y, epochs: int = 1, batch_size: int | None = 32, validation_data=None,
            callbacks=None, initial_epoch: int = 0, verbose: int = 0,
            shuffle: bool = True) -> History:
        """Train for epochs initial_epoch, ..., epochs − 1 and return the History.

        history.history holds, per epoch: loss and accuracy (the mean over the epoch's batches,
        weighted by batch size, each measured before its update, penalties included, as Keras
        reports them), val_loss and val_accuracy (on validation_data after the epoch), and
        learning_rate: the rate the optimizer applied at the epoch's last step, so a cut that
        ReduceLROnPlateau makes at the end of epoch e first shows at epoch e + 1.

        verbose: 0 silent, 1 a progress bar over the epochs (tqdm), 2 one line per epoch.
        """
        self._require_compiled()
        X, y = self._check_data(X, y, "X", "y")
        epochs = integer(epochs, "epochs", low=0)
        initial_epoch = integer(initial_epoch, "initial_epoch", low=0)
        batch_size = 32 if batch_size is None else integer(batch_size, "batch_size", low=1)
        choice(verbose, "verbose", (0, 1, 2))
        if validation_data is not None:
            if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_valid, y_valid), "
                                 f"got {validation_data!r}")
            validation_data = self._check_data(*validation_data, "X_valid", "y_valid")
        callbacks = list(callbacks or [])
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError("callbacks must be course_lib.callbacks.Callback objects, "
                                f"got {callback!r}")

        n = len(X)
        n_batches = -(-n // batch_size)
        history = History()
        history.params = {"epochs": epochs, "steps": n_batches, "verbose": verbose}
        callbacks.append(history)
        for callback in callbacks:
            callback.set_model(self)
        self.stop_training = False

        epoch_range = range(initial_epoch, epochs)
        if verbose == 1:
            from tqdm.auto import tqdm

            epoch_range = tqdm(epoch_range, desc="epochs")
        logs: dict[str, float] = {}
        for callback in callbacks:
            callback.on_train_begin(logs)
        try:
            with single_threaded_blas():
                for epoch in epoch_range:
                    logs = self._fit_epoch(epoch, X, y, batch_size, n_batches, shuffle,
                                           validation_data, callbacks)
                    if verbose == 1:
                        epoch_range.set_postfix({k: f"{v:.4g}" for k, v in logs.items()})
                    elif verbose == 2:
                        shown = " - ".join(f"{k}: {v:.4g}" for k, v in logs.items())
                        print(f"Epoch {epoch + 1}/{epochs} - {shown}")
                    if self.stop_training:
                        break
        finally:
            if verbose == 1:
                epoch_range.close()
        for callback in callbacks:
            callback.on_train_end(logs)
        return history

    def _fit_epoch(self, epoch, X, y, batch_size, n_batches, shuffle, validation_data,
                   callbacks) -> dict[str, float]:
        """One epoch of fit: the batches in the epoch's order, then validation; returns the logs."""
        for callback in callbacks:
            callback.on_epoch_begin(epoch, {})
        if shuffle:
            order = np.random.default_rng((self.seed, _SHUFFLE_STREAM, epoch)).permutation(len(X))
            X, y = X[order], y[order]
        loss_sum = accuracy_sum = 0.0
        seen = 0
        for batch in range(n_batches):
            for callback in callbacks:
                callback.on_train_batch_begin(batch, {})
            rows = slice(batch * batch_size, (batch + 1) * batch_size)
            batch_logs = self._train_step(X[rows], y[rows])
            size = len(y[rows])
            loss_sum += batch_logs["loss"] * size
            accuracy_sum += batch_logs["accuracy"] * size
            seen += size
            for callback in callbacks:
                callback.on_train_batch_end(batch, batch_logs)
            if self.stop_training:
                break
        logs = {"loss": loss_sum / seen, "accuracy": accuracy_sum / seen}
        if validation_data is not None:
            logs["val_loss"], logs["val_accuracy"] = self._evaluate(*validation_data, None)
        logs["learning_rate"] = self._last_learning_rate()
        for callback in callbacks:
            callback.on_epoch_end(epoch, logs)
        return logs

    def _last_learning_rate(self) -> float:
        """The rate of the step just taken: a schedule is evaluated at iterations − 1."""
        rate = self.optimizer.learning_rate
        if callable(rate):
            return float(rate(self.optimizer.iterations - 1))
        return float(rate)

    def _evaluate(self, X: np.ndarray, y: np.ndarray,
                  batch_size: int | None) -> tuple[float, float]:
        size = len(X) if batch_size is None else batch_size
        loss_sum = correct = 0.0
        for start in range(0, len(X), size):
            logits = self._logits(X[start:start + size], training=False)
            labels = y[start:start + size]
            loss_sum += self.loss.value_and_gradient(labels, logits)[0] * len(labels)
            correct += np.count_nonzero(logits.argmax(axis=1) == labels)
        return float(loss_sum / len(X) + self._penalty()), float(correct / len(X))

    def evaluate(self, X, y, batch_size: int | None = None, return_dict: bool = False):
        """[loss, accuracy] on (X, y), penalties included in the loss (a dict if return_dict).

        batch_size=None evaluates all rows at once; a number bounds the memory used.
        """
        self._require_compiled()
        X, y = self._check_data(X, y, "X", "y")
        if batch_size is not None:
            batch_size = integer(batch_size, "batch_size", low=1)
        loss, accuracy = self._evaluate(X, y, batch_size)
        if return_dict:
            return {"loss": loss, "accuracy": accuracy}
        return [loss, accuracy]

    def predict(self, X) -> np.ndarray:
        """The last layer's output for every row of X: class probabilities after a softmax."""
        X = self._check_features(X, "X")
        logits = self._logits(X, training=False)
        return softmax(logits) if self.layers[-1].activation == "softmax" else logits

    # -- checks ------------------------------------------------------------------------------

    def _require_built(self) -> None:
        if not self.built:
            raise ValueError("the model is not built yet: call build(input_dim), or fit it first")

    def _require_compiled(self) -> None:
        if self.optimizer is None:
            raise RuntimeError("call model.compile(optimizer=...) before training or evaluating")

    def _check_features(self, X, name: str) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"{name} must be a non-empty 2-D array (examples × features), "
                             f"got shape {X.shape}")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
        X = X.astype(self.dtype, copy=False)
        if not np.all(np.isfinite(X)):
            bad = int(np.count_nonzero(~np.isfinite(X)))
            raise ValueError(f"{name} must hold finite numbers only, got {bad} NaN or infinite "
                             f"value{'s' * (bad != 1)}")
        if not self.built:
            self.build(X.shape[1])
        if X.shape[1] != self.input_dim:
            raise ValueError(f"{name} must have {self.input_dim} features (columns), "
                             f"got {X.shape[1]}")
        return X

    def _check_data(self, X, y, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_features(X, x_name)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(f"{y_name} must be a 1-D array of {len(X)} class indices, "
                             f"got shape {y.shape}")
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.intp)
        if y.dtype.kind not in "iu":
            raise TypeError(f"{y_name} must hold integer class indices, got dtype {y.dtype}")
        n_classes = self.layers[-1].units
        if y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"{y_name} must hold class indices in [0, {n_classes - 1}], "
                             f"got values from {y.min()} to {y.max()}")
        return X, y


class MLP(Sequential):
    """A multilayer perceptron for classification:

        Dense(h, "relu") for each h in hidden_units, then Dense(n_classes, "softmax")

    with the same l1 and l2 kernel penalties on every layer.
    """

    def __init__(self, hidden_units=(64,), n_classes: int = 10, *, input_dim: int | None = None,
                 l1: float = 0.0, l2: float = 0.0, seed: int | None = None, dtype=np.float64):
        hidden_units = tuple(hidden_units)
        n_classes = integer(n_classes, "n_classes", low=2)
        layers = [Dense(units, activation="relu", l1=l1, l2=l2) for units in hidden_units]
        layers.append(Dense(n_classes, activation="softmax", l1=l1, l2=l2))
        super().__init__(layers, input_dim=input_dim, seed=seed, dtype=dtype)
