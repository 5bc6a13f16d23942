"""Gates: the building blocks of a computational graph (CS231n lecture 4).

Every gate follows the lecture's MultiplyGate pattern:

    z = gate.forward(x, y)       # compute the output, remember what backward needs
    dx, dy = gate.backward(dz)   # chain rule: local gradient times upstream gradient

Unary gates take one input: `forward(x)` and `backward(dz) -> dx`.

Inputs are Python numbers or NumPy arrays. Arrays are handled elementwise: the
two inputs of a binary gate have the same shape, the output has that shape and
`dz` has it too. `backward` must never build a Jacobian matrix: multiply the
upstream gradient elementwise by the local derivative (a Jacobian-vector product).
A scalar input gives a scalar output and scalar gradients.
"""
import numpy as np


class AddGate:
    """z = x + y."""

    def forward(self, x, y):
        """
        Inputs:
        - x, y: numbers, or arrays of the same shape.

        Returns:
        - z: x + y, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z. Store in self whatever backward will need (if any).    #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient dL/dz, same shape as z.

        Returns a tuple:
        - dx: dL/dx, same shape as x.
        - dy: dL/dy, same shape as y.
        """
        ###########################################################################
        # TODO: Compute dx and dy.                                                #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class MultiplyGate:
    """z = x * y (elementwise)."""

    def forward(self, x, y):
        """
        Inputs:
        - x, y: numbers, or arrays of the same shape.

        Returns:
        - z: x * y, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z and store what backward needs.                          #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns a tuple (dx, dy), each the shape of the matching input.
        """
        ###########################################################################
        # TODO: Compute dx and dy.                                                #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class MaxGate:
    """z = max(x, y) (elementwise).

    Ties: where x == y, the whole gradient goes to the FIRST input, x.
    """

    def forward(self, x, y):
        """
        Inputs:
        - x, y: numbers, or arrays of the same shape.

        Returns:
        - z: elementwise maximum of x and y, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z and store what backward needs.                          #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns a tuple (dx, dy), each the shape of the matching input.
        """
        ###########################################################################
        # TODO: Route dz to the input that won (x on a tie).                      #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class SigmoidGate:
    """z = 1 / (1 + exp(-x)) (elementwise)."""

    def forward(self, x):
        """
        Inputs:
        - x: a number or an array.

        Returns:
        - z: sigmoid of x, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z and store what backward needs.                          #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns:
        - dx: same shape as x.
        """
        ###########################################################################
        # TODO: Compute dx (hint: the derivative is easy to write in terms of z). #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class ExpGate:
    """z = exp(x) (elementwise)."""

    def forward(self, x):
        """
        Inputs:
        - x: a number or an array.

        Returns:
        - z: exp(x), same shape as x.
        """
        ###########################################################################
        # TODO: Compute z and store what backward needs.                          #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns:
        - dx: same shape as x.
        """
        ###########################################################################
        # TODO: Compute dx.                                                       #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class InverseGate:
    """z = 1 / x (elementwise)."""

    def forward(self, x):
        """
        Inputs:
        - x: a nonzero number or an array with no zeros.

        Returns:
        - z: 1 / x, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z and store what backward needs.                          #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns:
        - dx: same shape as x.
        """
        ###########################################################################
        # TODO: Compute dx.                                                       #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class ScaleGate:
    """z = a * x for a fixed number a given to the constructor."""

    def __init__(self, a):
        self.a = a

    def forward(self, x):
        """
        Inputs:
        - x: a number or an array.

        Returns:
        - z: a * x, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z.                                                        #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns:
        - dx: same shape as x.
        """
        ###########################################################################
        # TODO: Compute dx.                                                       #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################


class ShiftGate:
    """z = x + c for a fixed number c given to the constructor."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        """
        Inputs:
        - x: a number or an array.

        Returns:
        - z: x + c, same shape as x.
        """
        ###########################################################################
        # TODO: Compute z.                                                        #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dz):
        """
        Inputs:
        - dz: upstream gradient, same shape as z.

        Returns:
        - dx: same shape as x.
        """
        ###########################################################################
        # TODO: Compute dx.                                                       #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################
