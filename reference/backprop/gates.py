"""Gates: the building blocks of a computational graph (CS231n lecture 4).

Every gate follows the lecture's MultiplyGate pattern:

    z = gate.forward(x, y)       # compute the output, remember what backward needs
    dx, dy = gate.backward(dz)   # chain rule: local gradient times upstream gradient

Unary gates take one input: `forward(x)` and `backward(dz) -> dx`.

Inputs are Python numbers or NumPy arrays. Arrays are handled elementwise: the
two inputs of a binary gate have the same shape, the output has that shape and
`dz` has it too. `backward` never builds a Jacobian; it multiplies the upstream
gradient elementwise by the local derivative (a Jacobian-vector product).
"""
import numpy as np


class AddGate:
    """z = x + y. Backward distributes: dx = dz, dy = dz."""

    def forward(self, x, y):
        return x + y

    def backward(self, dz):
        return dz, dz


class MultiplyGate:
    """z = x * y. Backward swaps the inputs: dx = y * dz, dy = x * dz."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dz):
        return self.y * dz, self.x * dz


class MaxGate:
    """z = max(x, y) elementwise. Backward routes dz to the larger input.

    Ties (x == y) route the whole gradient to the first input, x.
    """

    def forward(self, x, y):
        self.x_wins = np.asarray(x) >= np.asarray(y)
        return np.where(self.x_wins, x, y)[()]

    def backward(self, dz):
        dx = np.where(self.x_wins, dz, 0.0)[()]
        dy = np.where(self.x_wins, 0.0, dz)[()]
        return dx, dy


class SigmoidGate:
    """z = 1 / (1 + exp(-x)). Backward: dx = z * (1 - z) * dz."""

    def forward(self, x):
        self.z = 1.0 / (1.0 + np.exp(-x))
        return self.z

    def backward(self, dz):
        return self.z * (1.0 - self.z) * dz


class ExpGate:
    """z = exp(x). Backward: dx = exp(x) * dz = z * dz."""

    def forward(self, x):
        self.z = np.exp(x)
        return self.z

    def backward(self, dz):
        return self.z * dz


class InverseGate:
    """z = 1 / x. Backward: dx = -dz / x**2."""

    def forward(self, x):
        self.x = x
        return 1.0 / x

    def backward(self, dz):
        return -dz / (self.x * self.x)


class ScaleGate:
    """z = a * x for a fixed number a. Backward: dx = a * dz."""

    def __init__(self, a):
        self.a = a

    def forward(self, x):
        return self.a * x

    def backward(self, dz):
        return self.a * dz


class ShiftGate:
    """z = x + c for a fixed number c. Backward: dx = dz."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x + self.c

    def backward(self, dz):
        return dz
