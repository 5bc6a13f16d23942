"""Deformable convolution (Dai et al. 2017): every tap of every output position samples the input at
its grid position plus a learned offset, by bilinear interpolation.

For output (i, j) and tap (p, q) of a HH x WW kernel, k = p * WW + q:
    y = i * stride - pad + p + offset[n, 2k, i, j]        (the row)
    x = j * stride - pad + q + offset[n, 2k + 1, i, j]    (the column)
2 * HH * WW offsets per output position, (dy, dx) per tap: torchvision.ops.deform_conv2d's layout.
The input is zero outside its H x W pixels, so a point less than one pixel outside still mixes in
the border pixels. With all offsets zero it is the ordinary convolution. Loops are allowed (write
bilinear_sample first and use it).
"""
import numpy as np  # noqa: F401


def bilinear_sample(img, py, px):
    """
    img (H, W); py, px: float arrays of one shape (rows and columns of the points).
    Returns the image's values at the points, by bilinear interpolation; the image is 0 outside.
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('bilinear_sample')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def deform_conv_forward(x, offset, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - offset: (N, 2 * HH * WW, H_out, W_out): (dy, dx) of tap k = p * WW + q at channels 2k, 2k + 1
    - w: (F, C, HH, WW); b: (F,)
    - conv_param: 'stride', 'pad' (H_out = (H + 2 * pad - HH) / stride + 1, as a plain conv)

    Returns (out, cache): out (N, F, H_out, W_out).
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('deform_conv_forward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def deform_conv_backward(dout, cache):
    """Returns (dx, doffset, dw, db) shaped like x, offset, w, b."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('deform_conv_backward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
