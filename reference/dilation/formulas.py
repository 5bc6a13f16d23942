"""Size formulas of dilated convolutions.

Plain arithmetic only (no int(), no math.floor), so every function also works on sympy symbols and
returns a sympy expression. Integrality is the caller's business: a non-integer output size means the
windows do not tile the input.
"""
from numbers import Integral


def _divide(a, b):
    """a / b, as an exact integer when both are integers and b divides a; otherwise plain a / b."""
    if isinstance(a, Integral) and isinstance(b, Integral) and a % b == 0:
        return a // b
    return a / b


def effective_kernel_size(F, D):
    """
    Size of a kernel of size F dilated by D (D - 1 zeros between neighbouring taps): (F - 1)*D + 1.

    D = 1 is an ordinary kernel.
    """
    return (F - 1) * D + 1


def dilated_output_size(H, F, D, S=1, P=0):
    """
    Output size of a convolution with kernel size F, dilation D, stride S and padding P on each side of
    an input of size H: (H + 2*P - ((F - 1)*D + 1)) / S + 1.

    Returns an int when the division is exact (integer inputs), otherwise the plain quotient: a float for
    Python numbers, a Rational for sympy numbers, an expression for sympy symbols.
    """
    return _divide(H + 2 * P - effective_kernel_size(F, D), S) + 1


def receptive_field(layers):
    """
    Receptive field (extent, in input pixels along one axis) of one output pixel of a stack of layers.

    Input:
    - layers: sequence of (kernel, dilation, stride) tuples, first layer first.

    Standard recurrence, r = j = 1 before the first layer; for each layer
        r += (effective_kernel_size(kernel, dilation) - 1) * j
        j *= stride
    where j (the jump) is the distance in input pixels between neighbouring pixels of the current layer.
    With dilation the receptive field may have holes: r is the extent from its first to its last pixel.
    Padding does not change r. An empty stack has r = 1.
    """
    r, jump = 1, 1
    for kernel, dilation, stride in layers:
        r = r + (effective_kernel_size(kernel, dilation) - 1) * jump
        jump = jump * stride
    return r
