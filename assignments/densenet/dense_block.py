"""A dense block without BatchNorm, forward and backward in NumPy.

Layer l (l = 1..L) sees the concatenation of the block input and of every earlier layer's
output, applies ReLU and a 3x3 convolution (stride 1, pad 1) with k filters, and its k
feature maps are concatenated to the rest:
    x_l = conv3x3(relu([x_0, x_1, ..., x_{l-1}]))        block output [x_0, x_1, ..., x_L]
Use conv_forward / conv_backward from conv.py (provided).
"""
import numpy as np

from .conv import conv_forward, conv_backward

CONV_PARAM = {'stride': 1, 'pad': 1}


def dense_block_forward(x, params):
    """
    Inputs:
    - x: (N, C0, H, W) block input
    - params: dict with, for l = 1..L, 'W%d' % l of shape (k, C0 + (l - 1) * k, 3, 3) and
      'b%d' % l of shape (k,)

    Returns a tuple of:
    - out: (N, C0 + L * k, H, W), the concatenation [x, x_1, ..., x_L] along the channels
    - cache: whatever dense_block_backward needs
    """
    ###########################################################################
    # TODO: Implement the forward pass.                                       #
    ###########################################################################
    raise NotImplementedError('dense_block_forward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def dense_block_backward(dout, cache):
    """
    Inputs:
    - dout: (N, C0 + L * k, H, W) upstream gradient
    - cache: from dense_block_forward

    Returns a tuple of:
    - dx: (N, C0, H, W) gradient with respect to the block input x
    - grads: dict with 'W%d' and 'b%d' for l = 1..L, shaped like params

    Hint: a feature map feeds the block output AND every later layer; its gradient is the
    sum of all of those.
    """
    ###########################################################################
    # TODO: Implement the backward pass.                                      #
    ###########################################################################
    raise NotImplementedError('dense_block_backward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
