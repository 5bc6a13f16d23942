"""The ordinary convolution that masked_conv_forward runs with the masked kernel.

Paste your conv_pool solution here (conv_output_size and conv_forward_fast/conv_backward_fast, or the
naive versions), renamed to the names below. Same API as CS231n's conv layers.
"""
import numpy as np  # noqa: F401


def conv_output_size(H, HH, stride, pad):
    """
    (H + 2*pad - HH) / stride + 1 as an int. Raises ValueError, showing the formula with the numbers,
    when it is not a positive integer.
    """
    ###########################################################################
    # TODO: Paste your conv_output_size from conv_pool.                      #
    ###########################################################################
    raise NotImplementedError("conv_output_size")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_forward(x, w, b, conv_param):
    """
    Convolution (cross-correlation, no kernel flip) forward pass.

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - w: Filter weights, of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: dictionary with keys 'stride' and 'pad'

    Returns a tuple of:
    - out: (N, F, H', W') with H' = 1 + (H + 2*pad - HH) / stride, W' = 1 + (W + 2*pad - WW) / stride
    - cache: (x, w, b, conv_param)

    Raises ValueError when H' or W' is not an integer.
    """
    ###########################################################################
    # TODO: Paste your conv_forward_fast (or conv_forward_naive) here.        #
    ###########################################################################
    raise NotImplementedError("conv_forward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_backward(dout, cache):
    """
    Convolution backward pass.

    Inputs:
    - dout: Upstream derivatives, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param) from conv_forward

    Returns a tuple of:
    - dx: (N, C, H, W)
    - dw: (F, C, HH, WW)
    - db: (F,)
    """
    ###########################################################################
    # TODO: Paste your conv_backward_fast (or conv_backward_naive) here.      #
    ###########################################################################
    raise NotImplementedError("conv_backward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
