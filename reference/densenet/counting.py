"""Parameter count of a DenseNet-BC from its layer table.

The network (torchvision's layout):
  stem: conv 7x7/2 (3 -> num_init_features, no bias), BN, ReLU, max-pool 3x3/2
  dense layer (input c): BN(c), ReLU, conv 1x1 (c -> bn_size * k), BN, ReLU, conv 3x3 (-> k)
  transition (input c): BN(c), ReLU, conv 1x1 (c -> floor(theta * c)), avg-pool 2x2/2
  head: BN, ReLU, global average pool, fully connected (c -> num_classes, with bias)
Convolutions have no bias. A BatchNorm layer on c channels has 2c learnable parameters
(gamma, beta); its running mean and variance are buffers, not parameters.

Course settings:
- COUNT_BN_MOVING_STATS = False: torchvision's count (DenseNet-121: 7,978,856). True also
  counts BN's moving mean and variance (2c more per BN), as Keras' "Total params" does
  (Keras DenseNet121: 8,062,504 = 7,978,856 trainable + 83,648 non-trainable).
"""
from .channels import dense_block_channels, transition_channels

COUNT_BN_MOVING_STATS = False

DENSENET121 = {'num_init_features': 64, 'growth_rate': 32, 'block_config': (6, 12, 24, 16),
               'bn_size': 4, 'compression': 0.5, 'num_classes': 1000}
DENSENET169 = dict(DENSENET121, block_config=(6, 12, 32, 32))
DENSENET201 = dict(DENSENET121, block_config=(6, 12, 48, 32))
DENSENET161 = dict(DENSENET121, num_init_features=96, growth_rate=48, block_config=(6, 12, 36, 24))


def bn_params(c):
    """Parameters of a BatchNorm layer on c channels."""
    return (4 if COUNT_BN_MOVING_STATS else 2) * c


def conv_params(C_in, C_out, K):
    """Parameters of a K x K convolution without bias."""
    return K * K * C_in * C_out


def dense_layer_params(c, k, bn_size=4):
    """BN-ReLU-conv1x1(bn_size*k)-BN-ReLU-conv3x3(k) on c input channels."""
    return (bn_params(c) + conv_params(c, bn_size * k, 1)
            + bn_params(bn_size * k) + conv_params(bn_size * k, k, 3))


def densenet_params(config):
    """Total learnable parameters of the DenseNet described by config (see DENSENET121)."""
    k, bn_size = config['growth_rate'], config.get('bn_size', 4)
    theta, num_classes = config.get('compression', 0.5), config.get('num_classes', 1000)
    c = config['num_init_features']
    total = conv_params(3, c, 7) + bn_params(c)  # stem
    for i, L in enumerate(config['block_config'], start=1):
        for l in range(L):
            total += dense_layer_params(dense_block_channels(c, k, l), k, bn_size)
        c = dense_block_channels(c, k, L)
        if i < len(config['block_config']):
            c_out = transition_channels(c, theta)
            total += bn_params(c) + conv_params(c, c_out, 1)
            c = c_out
    return total + bn_params(c) + c * num_classes + num_classes  # final BN + classifier
