"""Parameters and multiply-adds of ResNet-18/34/50/101/152, counted from the layer table.

The layer table (He et al. 2016, Table 1; torchvision's layout):
  stem:   conv 7x7/2, 64 (pad 3), BN, ReLU, max-pool 3x3/2 (pad 1)
  stages: 4 stages of blocks with 64, 128, 256, 512 "planes"; the first block of stages 2-4
          has stride 2
          basic block (18, 34):  conv 3x3 (planes) - BN - ReLU - conv 3x3 (planes) - BN
          bottleneck (50+):      conv 1x1 (planes) - BN - conv 3x3 (planes) - BN
                                 - conv 1x1 (4 * planes) - BN       (ReLUs between)
  head:   global average pool, fully connected -> num_classes (with bias)
Spatial sizes are rounded down as in PyTorch: 224 -> 112 -> 56 -> 56, 28, 14, 7.
Multiply-adds count every convolution (H_out * W_out * C_out * K * K * C_in) and the fully
connected layer (C_in * num_classes); BatchNorm, ReLU, pooling and additions are not counted.

Course settings (module constants; the grader may override them on its copy, so read
them when your functions run):
- BOTTLENECK_VERSION = 'v1.5': where a downsampling bottleneck puts its stride.
  'v1.5' (torchvision, NVIDIA): on the 3x3 conv. 'v1' (the paper, Caffe, Keras): on the first
  1x1 conv. Parameter counts are the same; multiply-adds differ (ResNet-50: 4.09 G vs 3.86 G).
- SHORTCUT = 'B': 'A' zero-padding identity shortcuts (no parameters) when the shape changes;
  'B' 1x1 projection (conv + BN, stride of the block) only when the shape changes
  (torchvision); 'C' projection on every block.
- CONV_BIAS = False: torchvision's convolutions have no bias (BN follows each one); Keras'
  ResNet50 keeps a bias on every convolution.
- COUNT_BN_MOVING_STATS = False: count BN's moving mean and variance as parameters too
  (Keras' "Total params" does: they are non-trainable weights there).
Defaults give torchvision's counts (ResNet-50: 25,557,032); CONV_BIAS = COUNT_BN_MOVING_STATS
= True gives Keras' ResNet50 (25,636,712).
"""

BOTTLENECK_VERSION = 'v1.5'
SHORTCUT = 'B'
CONV_BIAS = False
COUNT_BN_MOVING_STATS = False

RESNET_LAYERS = {  # depth: (block kind, blocks per stage)
    18: ('basic', (2, 2, 2, 2)),
    34: ('basic', (3, 4, 6, 3)),
    50: ('bottleneck', (3, 4, 6, 3)),
    101: ('bottleneck', (3, 4, 23, 3)),
    152: ('bottleneck', (3, 8, 36, 3)),
}
EXPANSION = {'basic': 1, 'bottleneck': 4}
STAGE_PLANES = (64, 128, 256, 512)


def conv_output_size(H, F, S=1, P=0):
    """Output size of a convolution or pooling, rounded down as PyTorch does.

    Inputs: H input size, F filter size, S stride, P padding on each side.
    Returns 1 + (H + 2P - F) // S (with sympy symbols, // gives floor).
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('conv_output_size')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def resnet_layer_table(depth, input_size=224, num_classes=1000):
    """Every conv, BN and fully connected layer of ResNet-`depth`, in order.

    Inputs:
    - depth: 18, 34, 50, 101 or 152 (see RESNET_LAYERS)
    - input_size: height = width of the RGB input
    - num_classes: outputs of the final fully connected layer

    Returns a list of dicts, one per layer, each with at least the keys
    - 'name': e.g. 'conv1', 'layer2.0.conv1', 'layer2.0.downsample', 'fc'
    - 'type': 'conv', 'bn' or 'fc'
    - 'out_size': spatial size of the layer's output (1 for 'fc')
    - 'params': learnable parameters of the layer (read CONV_BIAS, COUNT_BN_MOVING_STATS)
    - 'macs': multiply-adds of the layer (0 for 'bn')
    Follow the course settings BOTTLENECK_VERSION and SHORTCUT.
    """
    ###########################################################################
    # TODO: stem, the 4 stages of blocks (shortcuts!), fc                     #
    ###########################################################################
    raise NotImplementedError('resnet_layer_table')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def resnet_params(depth, num_classes=1000):
    """Learnable parameters of ResNet-`depth` (torchvision's ResNet-18: 11,689,512)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('resnet_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def resnet_macs(depth, input_size=224, num_classes=1000):
    """Multiply-adds of one forward pass of ResNet-`depth` on one input_size^2 RGB image."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('resnet_macs')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
