"""How the channel count grows through a DenseNet (Huang et al. 2017).

Write these with plain arithmetic (no numpy, no int()/float()/math.floor), so that they also
work on sympy symbols. To round down, use `// 1` (sympy turns it into floor) and turn a
float result into an int.
"""


def dense_block_channels(c0, k, L):
    """Channels at the output of a dense block.

    Inputs:
    - c0: channels entering the block
    - k: growth rate (feature maps each layer adds)
    - L: number of layers in the block

    Returns the number of channels of the block's output (the concatenation of its input and
    of every layer's output).
    """
    ###########################################################################
    # TODO: Implement the count.                                              #
    ###########################################################################
    raise NotImplementedError('dense_block_channels')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def transition_channels(c, theta):
    """Channels after a transition layer with compression theta.

    Inputs:
    - c: channels entering the transition layer
    - theta: compression factor, 0 < theta <= 1 (DenseNet-BC: 0.5)

    Returns floor(theta * c) (an int for numbers, sympy's floor for symbols).
    """
    ###########################################################################
    # TODO: Implement the count.                                              #
    ###########################################################################
    raise NotImplementedError('transition_channels')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def densenet_channels(config):
    """Channel counts stage by stage.

    Inputs:
    - config: dict with
      'num_init_features': channels after the stem (c0 of the first block)
      'growth_rate': k
      'block_config': layers per dense block, e.g. (6, 12, 24, 16) for DenseNet-121
      'compression': theta of the transition layers (default 0.5 when absent)

    Returns a list of dicts {'stage': name, 'in_channels': c_in, 'out_channels': c_out}:
    'block1', 'transition1', 'block2', ..., in order. There is no transition after the last
    block.
    """
    ###########################################################################
    # TODO: Implement it with dense_block_channels and transition_channels.   #
    ###########################################################################
    raise NotImplementedError('densenet_channels')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
