"""Parameter count of a DenseNet-BC from its layer table.

The network (torchvision's layout):
  stem: conv 7x7/2 (3 -> num_init_features, no bias), BN, ReLU, max-pool 3x3/2
  dense layer (input c): BN(c), ReLU, conv 1x1 (c -> bn_size * k), BN, ReLU, conv 3x3 (-> k)
  transition (input c): BN(c), ReLU, conv 1x1 (c -> floor(theta * c)), avg-pool 2x2/2
  head: BN, ReLU, global average pool, fully connected (c -> num_classes, with bias)
Convolutions have no bias. A BatchNorm layer on c channels has 2c learnable parameters
(gamma, beta); its running mean and variance are buffers, not parameters.

Course setting:
- COUNT_BN_MOVING_STATS = False: torchvision's count. The grader may set it to True: then a
  BatchNorm layer also counts its moving mean and variance (Keras' "Total params").
"""
from .channels import dense_block_channels, transition_channels

COUNT_BN_MOVING_STATS = False

DENSENET121 = {'num_init_features': 64, 'growth_rate': 32, 'block_config': (6, 12, 24, 16),
               'bn_size': 4, 'compression': 0.5, 'num_classes': 1000}
DENSENET169 = dict(DENSENET121, block_config=(6, 12, 32, 32))
DENSENET201 = dict(DENSENET121, block_config=(6, 12, 48, 32))
DENSENET161 = dict(DENSENET121, num_init_features=96, growth_rate=48, block_config=(6, 12, 36, 24))


def bn_params(c):
    """Parameters of a BatchNorm layer on c channels (read COUNT_BN_MOVING_STATS)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('bn_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_params(C_in, C_out, K):
    """Parameters of a K x K convolution from C_in to C_out channels, without bias."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('conv_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def dense_layer_params(c, k, bn_size=4):
    """Parameters of one dense layer BN-ReLU-conv1x1(bn_size*k)-BN-ReLU-conv3x3(k) that
    receives c channels."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('dense_layer_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def densenet_params(config):
    """Total learnable parameters of a DenseNet-BC.

    Inputs:
    - config: dict like DENSENET121 ('num_init_features', 'growth_rate', 'block_config',
      'bn_size' (default 4), 'compression' (default 0.5), 'num_classes' (default 1000))

    Returns the number of parameters (DenseNet-121: 7,978,856).
    """
    ###########################################################################
    # TODO: Walk the layer table above: stem, dense blocks, transitions, head #
    ###########################################################################
    raise NotImplementedError('densenet_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
