"""Transposed convolution ("deconvolution", U-Net's up-convolution): forward and backward.

Each input pixel x[n, c, i, j] adds x[n, c, i, j] * w[c, f] to the output window that starts at
(i * stride, j * stride); then `pad` rows and columns are cropped from each side (and
`output_padding` extra rows and columns are kept at the bottom and right). The weight layout is
torch's: w has shape (C_in, F, HH, WW), input channels first. Loops are allowed.
"""
import numpy as np  # noqa: F401


def conv_transpose_output_size(H, F, S=1, P=0, output_padding=0):
    """(H - 1) * S - 2P + F + output_padding (plain arithmetic: sympy symbols work)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('conv_transpose_output_size')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_transpose_forward(x, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - w: (C, F, HH, WW)  (input channels first, as torch.nn.functional.conv_transpose2d)
    - b: (F,)
    - conv_param: 'stride', 'pad', and optionally 'output_padding' (default 0, < stride)

    Returns (out, cache): out (N, F, H', W') with H' = (H - 1) * stride - 2 * pad + HH +
    output_padding; cache (x, w, b, conv_param). Raises ValueError on a bad conv_param.
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('conv_transpose_forward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_transpose_backward(dout, cache):
    """
    Inputs: dout (N, F, H', W'); cache from conv_transpose_forward.
    Returns (dx, dw, db) shaped like x, w, b.
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('conv_transpose_backward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
