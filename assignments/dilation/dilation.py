"""Dilated convolution as an ordinary convolution with a Kronecker-dilated kernel.

A kernel K of size F x F dilated by D is

    K' = crop( kron(K, E_D) ),   E_D = the D x D matrix with a single 1 in its top-left corner,

cropped to its first (F - 1)*D + 1 rows and columns (see README.md for a worked example).
"""
import numpy as np  # noqa: F401

from .conv import conv_backward, conv_forward  # noqa: F401  (your convolution, pasted into conv.py)
from .formulas import effective_kernel_size  # noqa: F401


def dilate_kernel(K, D):
    """
    Dilate the last two axes of a kernel by D with the Kronecker construction above (use np.kron).

    Inputs:
    - K: kernel of shape (FH, FW), or a conv weight of shape (F_out, C, FH, FW) (keep any leading axes)
    - D: dilation, an integer >= 1 (D = 1 returns a copy of K)

    Returns:
    - K_dilated: of shape (..., (FH - 1)*D + 1, (FW - 1)*D + 1), with K_dilated[..., a*D, b*D] = K[..., a, b]
      and zeros elsewhere. Do not modify K.

    Raises ValueError when D is not an integer >= 1.
    """
    ###########################################################################
    # TODO: Build E_D, take the Kronecker product, crop.                      #
    ###########################################################################
    raise NotImplementedError("dilate_kernel")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def dilated_conv_forward(x, w, b, conv_param):
    """
    Forward pass of a dilated convolutional layer, computed as conv_forward with the dilated kernel.

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - w: Filter weights (not dilated), of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: dictionary with keys
      - 'stride': pixels between neighbouring windows
      - 'pad': zeros added on each side of H and W
      - 'dilation': D >= 1; D - 1 zeros between neighbouring kernel taps (1 = ordinary conv)

    Returns a tuple of:
    - out: (N, F, H', W') with H' = 1 + (H + 2*pad - ((HH - 1)*D + 1)) / stride (likewise W')
    - cache: (x, w, b, conv_param, conv_cache), where conv_cache is the cache that conv_forward
      returned for the dilated kernel

    Raises ValueError when H' or W' is not an integer.
    """
    ###########################################################################
    # TODO: Dilate w, run conv_forward with {'stride', 'pad'}, build cache.   #
    ###########################################################################
    raise NotImplementedError("dilated_conv_forward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def dilated_conv_backward(dout, cache):
    """
    Backward pass of a dilated convolutional layer.

    Inputs:
    - dout: Upstream derivatives, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param, conv_cache) from dilated_conv_forward

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W)
    - dw: Gradient with respect to the undilated weights w, of shape (F, C, HH, WW)
    - db: Gradient with respect to b, of shape (F,)

    Hint: conv_backward gives the gradient of the dilated kernel. Which of its entries does w[f, c, a, b]
    influence?
    """
    ###########################################################################
    # TODO: Implement the dilated convolution backward pass.                  #
    ###########################################################################
    raise NotImplementedError("dilated_conv_backward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
