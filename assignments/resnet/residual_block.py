"""A basic residual block (He et al. 2016) without BatchNorm, forward and backward in NumPy.

    out = relu(F(x) + shortcut(x)),   F(x) = conv3x3(relu(conv3x3_stride(x)))

The first 3x3 conv has stride `stride` (2 where the block halves the spatial size and doubles
the channels); the second has stride 1; both pad 1. The shortcut is the identity when the
shapes match, else a 1x1 projection conv with the same stride (pad 0): it is used exactly when
params contains 'Ws' and 'bs'. ReLU comes *after* the addition.
Use conv_forward / conv_backward from conv.py (provided).
"""
import numpy as np

from .conv import conv_forward, conv_backward


def residual_block_forward(x, params, stride=1):
    """
    Inputs:
    - x: (N, C, H, W) input
    - params: dict with
      'W1' (F, C, 3, 3), 'b1' (F,): first conv (stride `stride`, pad 1)
      'W2' (F, F, 3, 3), 'b2' (F,): second conv (stride 1, pad 1)
      optional 'Ws' (F, C, 1, 1), 'bs' (F,): projection shortcut (stride `stride`, pad 0);
      without them the shortcut is the identity, which needs F == C and stride == 1
      (raise ValueError otherwise)
    - stride: 1 or 2

    Returns a tuple of:
    - out: (N, F, H', W') with H' = 1 + (H - 1) // stride
    - cache: whatever residual_block_backward needs
    """
    ###########################################################################
    # TODO: Implement the forward pass.                                       #
    ###########################################################################
    raise NotImplementedError('residual_block_forward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def residual_block_backward(dout, cache):
    """
    Inputs:
    - dout: (N, F, H', W') upstream gradient
    - cache: from residual_block_forward

    Returns a tuple of:
    - dx: (N, C, H, W)
    - grads: dict with the same keys and shapes as params ('W1', 'b1', 'W2', 'b2', and
      'Ws', 'bs' when the block has a projection)
    """
    ###########################################################################
    # TODO: Implement the backward pass.                                      #
    ###########################################################################
    raise NotImplementedError('residual_block_backward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
