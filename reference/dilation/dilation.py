"""Dilated convolution as an ordinary convolution with a Kronecker-dilated kernel.

A kernel K of size F x F dilated by D is

    K' = crop( kron(K, E_D) ),   E_D = the D x D matrix with a single 1 in its top-left corner,

cropped to its first (F - 1)*D + 1 rows and columns. kron(K, E_D) replaces every K[a, b] by the block
K[a, b] * E_D, so K[a, b] lands at (a*D, b*D) with zeros in between; the crop removes the D - 1 trailing
rows and columns of zeros. A dilated convolution with K is then an ordinary convolution with K'.
"""
from numbers import Integral

import numpy as np

from .conv import conv_backward, conv_forward
from .formulas import effective_kernel_size


def dilate_kernel(K, D):
    """
    Dilate the last two axes of a kernel by D with the Kronecker construction.

    Inputs:
    - K: kernel, (FH, FW), or a conv weight (F_out, C, FH, FW) (any leading axes are kept)
    - D: dilation, an integer >= 1 (1 returns a copy of K)

    Returns:
    - K_dilated: (..., (FH - 1)*D + 1, (FW - 1)*D + 1) with K_dilated[..., a*D, b*D] = K[..., a, b] and
      zeros elsewhere.
    """
    K = np.asarray(K)
    if not isinstance(D, Integral) or D < 1:
        raise ValueError(f"dilation must be an integer >= 1, got {D!r}")
    if K.ndim < 2:
        raise ValueError(f"kernel must have at least 2 axes, got shape {K.shape}")
    corner = np.zeros((D, D), dtype=K.dtype)
    corner[0, 0] = 1
    blocks = np.kron(K, corner)        # (..., FH*D, FW*D); kron prepends axes of length 1 to `corner`
    FH, FW = K.shape[-2:]
    return blocks[..., :effective_kernel_size(FH, D), :effective_kernel_size(FW, D)].copy()


def _plain_conv_param(conv_param):
    return {'stride': conv_param['stride'], 'pad': conv_param['pad']}


def dilated_conv_forward(x, w, b, conv_param):
    """
    Forward pass of a dilated convolutional layer.

    Inputs:
    - x: Input data, (N, C, H, W)
    - w: Filter weights, (F, C, HH, WW) (before dilation)
    - b: Biases, (F,)
    - conv_param: dictionary with keys
      - 'stride': pixels between neighbouring windows
      - 'pad': zeros added on each side of H and W
      - 'dilation': D >= 1; D - 1 zeros between neighbouring kernel taps (1 = ordinary conv)

    Returns a tuple of:
    - out: (N, F, H', W') with H' = 1 + (H + 2*pad - ((HH - 1)*D + 1)) / stride (likewise W')
    - cache: (x, w, b, conv_param, conv_cache), conv_cache being the cache of the ordinary
      convolution with the dilated kernel.

    Raises ValueError when H' or W' is not an integer.
    """
    w_dilated = dilate_kernel(w, conv_param['dilation'])
    out, conv_cache = conv_forward(x, w_dilated, b, _plain_conv_param(conv_param))
    return out, (x, w, b, conv_param, conv_cache)


def dilated_conv_backward(dout, cache):
    """
    Backward pass of a dilated convolutional layer.

    Inputs:
    - dout: Upstream derivatives, (N, F, H', W')
    - cache: (x, w, b, conv_param, conv_cache) from dilated_conv_forward

    Returns a tuple of:
    - dx: (N, C, H, W)
    - dw: (F, C, HH, WW), the gradient of the undilated weights
    - db: (F,)
    """
    x, w, b, conv_param, conv_cache = cache
    D = conv_param['dilation']
    dx, dw_dilated, db = conv_backward(dout, conv_cache)
    # w[..., a, b] is copied to w_dilated[..., a*D, b*D] and nowhere else, so the chain rule picks
    # exactly those entries of the dilated gradient.
    dw = dw_dilated[..., ::D, ::D]
    return dx, dw, db
