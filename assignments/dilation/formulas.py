"""Size formulas of dilated convolutions.

Use plain arithmetic only (+, -, *, /): every function must also work when called with sympy symbols
and then return a sympy expression. So: no int(), no math.floor, no round(), and no comparisons of the
values (sympy cannot decide `F > 1` for a symbol F).
"""


def effective_kernel_size(F, D):
    """
    Size of a kernel of size F dilated by D (D - 1 zeros between neighbouring taps). D = 1 is an
    ordinary kernel.

    Inputs:
    - F: kernel size (int or sympy expression)
    - D: dilation (int or sympy expression)

    Returns:
    - the effective kernel size (F - 1)*D + 1
    """
    ###########################################################################
    # TODO: one line.                                                         #
    ###########################################################################
    raise NotImplementedError("effective_kernel_size")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def dilated_output_size(H, F, D, S=1, P=0):
    """
    Output size of a convolution with kernel size F, dilation D, stride S and padding P on each side of
    an input of size H.

    Inputs:
    - H, F, D, S, P: ints or sympy expressions

    Returns:
    - (H + 2*P - effective_kernel_size(F, D)) / S + 1, with a true division: the caller checks whether it
      is an integer (e.g. 2.5 for H=8, F=3, D=2, S=2, P=0 means the windows do not tile the input).
      For integer inputs you may return an int when the division is exact.
    """
    ###########################################################################
    # TODO: one line (use effective_kernel_size).                             #
    ###########################################################################
    raise NotImplementedError("dilated_output_size")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def receptive_field(layers):
    """
    Receptive field (extent along one axis, in input pixels) of one output pixel of a stack of layers.

    Inputs:
    - layers: sequence of (kernel, dilation, stride) tuples, first layer first (ints or sympy
      expressions). Padding does not change the receptive field. An empty stack has receptive field 1.

    Returns:
    - r: the distance from the first to the last input pixel that the output pixel depends on, plus one.
      With dilation the set of those pixels can have holes; r is its extent.

    Hint: keep r and the jump j (input pixels between neighbouring pixels of the current layer),
    both 1 before the first layer.
    """
    ###########################################################################
    # TODO: Implement the receptive-field recurrence.                         #
    ###########################################################################
    raise NotImplementedError("receptive_field")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
