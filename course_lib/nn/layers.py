"""The one layer the small network needs: a fully connected (Dense) layer."""

from __future__ import annotations

import numpy as np

from course_lib.nn.activations import softmax
from course_lib.validation import choice, integer, number

ACTIVATIONS = (None, "linear", "relu", "softmax")


class Dense:
    """A fully connected layer: z = x·W + b, followed by the activation.

    activation: None (or "linear"), "relu" (max(z, 0)), or "softmax" (output layer only).

    The kernel W (fan_in × units) starts He-normal, W ~ N(0, 2 / fan_in): with ReLU units, half
    of which are silent, that keeps the variance of the activations about the same from layer to
    layer. The bias starts at 0. `seed` fixes this layer's draw; without it the model seeds the
    layer from its own seed and the layer's position.

    l1 and l2 penalise the kernel (never the bias), as Keras's kernel_regularizer=L1L2(l1, l2):

        penalty = l1·Σ|W| + l2·Σ W²        ∂penalty/∂W = l1·sign(W) + 2·l2·W

    with sign(0) = 0, the subgradient that the sparse-models lesson is about.
    """

    def __init__(
        self,
        units: int,
        activation: str | None = None,
        *,
        l1: float = 0.0,
        l2: float = 0.0,
        seed: int | None = None,
    ):
        self.units = integer(units, "units", low=1)
        activation = choice(activation, "activation", ACTIVATIONS)
        self.activation = None if activation == "linear" else activation
        self.l1 = number(l1, "l1", low=0)
        self.l2 = number(l2, "l2", low=0)
        self.seed = None if seed is None else integer(seed, "seed", low=0)
        self.kernel: np.ndarray | None = None
        self.bias: np.ndarray | None = None
        self.grad_kernel: np.ndarray | None = None
        self.grad_bias: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Dense({self.units}, activation={self.activation!r}, l1={self.l1}, l2={self.l2})"

    @property
    def built(self) -> bool:
        return self.kernel is not None

    def build(self, input_dim: int, *, seed=None, dtype=np.float64) -> None:
        """Draw W (input_dim × units) He-normal, set b = 0; `seed` serves if the layer has none."""
        rng = np.random.default_rng(self.seed if self.seed is not None else seed)
        scale = np.sqrt(2.0 / input_dim)
        self.kernel = rng.normal(0.0, scale, size=(input_dim, self.units)).astype(dtype)
        self.bias = np.zeros(self.units, dtype=dtype)
        # The gradients live in fixed buffers that every backward pass overwrites.
        self.grad_kernel = np.zeros_like(self.kernel)
        self.grad_bias = np.zeros_like(self.bias)

    @property
    def weights(self) -> list[np.ndarray]:
        """[W, b]: the live arrays the optimizer updates in place."""
        return [self.kernel, self.bias]

    @property
    def gradients(self) -> list[np.ndarray]:
        """[∂L/∂W, ∂L/∂b] from the last backward pass (buffers, overwritten by the next one)."""
        return [self.grad_kernel, self.grad_bias]

    def penalty(self) -> float:
        """l1·Σ|W| + l2·Σ W²."""
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(self.kernel).sum())
        if self.l2:
            total += self.l2 * float(np.square(self.kernel).sum())
        return total

    def forward(self, x: np.ndarray, *, training: bool = False, logits: bool = False) -> np.ndarray:
        """The layer's output for a batch x; with logits=True a softmax layer returns z itself.

        training=True keeps what backward needs: the input x and which ReLUs were active.
        """
        z = x @ self.kernel
        z += self.bias
        if training:
            self._inputs = x
        if self.activation == "relu":
            if training:
                self._active = z > 0
            np.maximum(z, 0.0, out=z)
        elif self.activation == "softmax" and not logits:
            z = softmax(z)
        return z

    def backward(self, grad_output: np.ndarray, *, input_gradient: bool = True):
        """Backpropagate ∂L/∂(output) through the layer; return ∂L/∂x (or None if not needed).

        For a softmax output layer, grad_output must be ∂L/∂z (the loss gives exactly that).
        Fills the gradient buffers with

            ∂L/∂W = xᵀ·∂L/∂z + ∂penalty/∂W        ∂L/∂b = Σ_rows ∂L/∂z        ∂L/∂x = ∂L/∂z·Wᵀ

        where ∂L/∂z = ∂L/∂(output) ⊙ [z > 0] for ReLU. grad_output is overwritten.
        """
        grad_z = grad_output
        if self.activation == "relu":
            np.multiply(grad_z, self._active, out=grad_z)
        np.matmul(self._inputs.T, grad_z, out=self.grad_kernel)
        np.sum(grad_z, axis=0, out=self.grad_bias)
        if self.l1:
            self.grad_kernel += self.l1 * np.sign(self.kernel)
        if self.l2:
            self.grad_kernel += (2.0 * self.l2) * self.kernel
        if input_gradient:
            return grad_z @ self.kernel.T
        return None
