"""Depthwise and depthwise-separable convolutions (MobileNet, Xception), and what they cost.

A depthwise convolution filters every input channel on its own: with a depth multiplier M, output
channel k = c * M + m is input channel c = k // M convolved with its own HH x WW filter w[k, 0]
(torch's conv2d with groups = C and weights (C * M, 1, HH, WW)). A separable convolution is a depthwise
convolution (no bias) followed by a 1 x 1 convolution that mixes the channels (weights
(F, C * M, 1, 1), bias (F,)): Keras' SeparableConv2D.

Costs count multiply-adds (one per weight per output position) and parameters. Write them in plain
arithmetic (+ - * /; no int(), round(), numpy): they must also work on sympy symbols.
"""
import numpy as np  # noqa: F401


def depthwise_conv_forward(x, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - w: (C * M, 1, HH, WW): M filters per input channel (the depth multiplier)
    - b: (C * M,)
    - conv_param: 'stride', 'pad' (ValueError when the output size is not an integer)

    Returns (out, cache): out (N, C * M, H', W'); out[:, k] is x[:, k // M] filtered by w[k, 0].
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('depthwise_conv_forward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def depthwise_conv_backward(dout, cache):
    """Returns (dx, dw, db) shaped like x, w, b."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('depthwise_conv_backward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def separable_conv_forward(x, w_depth, w_point, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - w_depth: (C * M, 1, HH, WW), the depthwise filters (no bias)
    - w_point: (F, C * M, 1, 1), the 1 x 1 convolution
    - b: (F,)
    - conv_param: 'stride', 'pad' of the depthwise part

    Returns (out, cache): out (N, F, H', W').
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('separable_conv_forward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def separable_conv_backward(dout, cache):
    """Returns (dx, dw_depth, dw_point, db) shaped like x, w_depth, w_point, b."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('separable_conv_backward')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_cost(H_out, W_out, C_in, C_out, K, bias=False):
    """{'macs': ..., 'params': ...} of a standard K x K convolution."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('conv_cost')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def separable_conv_cost(H_out, W_out, C_in, C_out, K, depth_multiplier=1, bias=False):
    """{'macs': ..., 'params': ...} of a depthwise K x K convolution (multiplier M, no bias) followed by a
    1 x 1 convolution to C_out (with a bias when `bias`)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('separable_conv_cost')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def separable_cost_ratio(C_out, K):
    """Multiply-adds of the separable convolution (M = 1) over those of the standard one: 1/C_out + 1/K^2."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('separable_cost_ratio')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
