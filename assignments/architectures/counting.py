"""Counting an architecture from its spec (specs.py says what a spec is): output shape, parameters,
multiply-adds, depth in weight layers, size in bytes.

Write plain arithmetic only (+, -, *, //; no int(), float(), round(), math or numpy): every function
must also work when a number in the spec or the input shape is a sympy symbol (the course's answer
key calls them with the number of classes as a symbol). Helper functions of your own are welcome
(a function that handles one layer, and one that walks a sequence, calling itself for 'branches'
and 'residual', is a good plan).
"""


def output_shape(spec, input_shape=(3, 224, 224)):
    """
    The shape of the spec's output for one input of shape input_shape = (C, H, W).

    Returns a tuple: (C, H, W), or (D,) after a 'flatten' or a 'linear' layer. Spatial sizes are
    rounded down as in PyTorch: floor((H + 2P - K) / S) + 1 (write it with //).
    Raises ValueError when the paths of a 'branches' layer end with different spatial sizes, or
    the two paths of a 'residual' end with different shapes.
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('output_shape')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def count_params(spec, input_shape=(3, 224, 224), moving_stats=False):
    """
    Learnable parameters of the spec on an input of shape input_shape (only its channel count
    matters): weights and biases (none where a layer's options say {'bias': False}); a 'bn' layer's
    gamma (unless {'scale': False}) and beta (unless {'center': False}), one per channel.
    With moving_stats=True also BN's moving mean and variance (2 per channel): what Keras' "Total
    params" counts.

    Returns an int (an expression for sympy inputs).
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('count_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def count_macs(spec, input_shape=(3, 224, 224)):
    """
    Multiply-adds of one forward pass of one input of shape input_shape: per convolution
    H_out * W_out * C_out * (C_in / groups) * kh * kw ('dwconv': groups = C_in; 'sepconv': its
    depthwise part plus its 1x1 part), per 'linear' layer D_in * D_out. Biases, BN, pooling and
    additions are not counted.

    Returns an int (an expression for sympy inputs).
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('count_macs')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def weight_depth(spec):
    """
    The number of weight layers ('conv', 'dwconv', 'sepconv', 'linear': one each) on the longest
    path from the input to the output: the depth the papers give (VGG-16: 16). The paths of a
    'branches' layer and of a 'residual' run side by side: only the longest one counts.
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('weight_depth')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def model_bytes(params, bytes_per_param=4):
    """Bytes needed to store `params` parameters of `bytes_per_param` bytes each (4 in float32)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('model_bytes')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
