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

Course settings (module constants; the grader may override them on its copy):
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
    """1 + (H + 2P - F) // S, rounded down as PyTorch does (sympy: floor)."""
    return (H + 2 * P - F) // S + 1


def _conv_row(name, H, C_in, C_out, K, S=1, P=0):
    """One convolution of the table: dict with its output size, parameters and multiply-adds."""
    H_out = conv_output_size(H, K, S, P)
    return {'name': name, 'type': 'conv', 'in_channels': C_in, 'out_channels': C_out,
            'kernel': K, 'stride': S, 'out_size': H_out,
            'params': (K * K * C_in + (1 if CONV_BIAS else 0)) * C_out,
            'macs': H_out * H_out * C_out * K * K * C_in}


def _bn_row(name, C, H):
    """A BatchNorm layer on C channels: gamma and beta (and the moving stats if counted)."""
    return {'name': name, 'type': 'bn', 'in_channels': C, 'out_channels': C, 'kernel': 1,
            'stride': 1, 'out_size': H, 'params': (4 if COUNT_BN_MOVING_STATS else 2) * C,
            'macs': 0}


def _conv_bn(name, H, C_in, C_out, K, S=1, P=0):
    """A convolution followed by its BatchNorm: two rows."""
    conv = _conv_row(name, H, C_in, C_out, K, S, P)
    return [conv, _bn_row(name + '.bn', C_out, conv['out_size'])]


def _block_rows(name, kind, H, C_in, planes, stride):
    """Rows of one residual block, shortcut included. Returns (rows, H_out, C_out)."""
    if kind == 'basic':
        rows = _conv_bn(name + '.conv1', H, C_in, planes, 3, stride, 1)
        rows += _conv_bn(name + '.conv2', rows[-1]['out_size'], planes, planes, 3, 1, 1)
    else:
        s1, s3 = (stride, 1) if BOTTLENECK_VERSION == 'v1' else (1, stride)
        rows = _conv_bn(name + '.conv1', H, C_in, planes, 1, s1, 0)
        rows += _conv_bn(name + '.conv2', rows[-1]['out_size'], planes, planes, 3, s3, 1)
        rows += _conv_bn(name + '.conv3', rows[-1]['out_size'], planes, 4 * planes, 1, 1, 0)
    C_out = planes * EXPANSION[kind]
    reshape = stride != 1 or C_in != C_out
    if SHORTCUT == 'C' or (SHORTCUT == 'B' and reshape):
        rows += _conv_bn(name + '.downsample', H, C_in, C_out, 1, stride, 0)
    return rows, rows[-1]['out_size'], C_out


def resnet_layer_table(depth, input_size=224, num_classes=1000):
    """Every conv, BN and fully connected layer of ResNet-`depth`, in order.

    Returns a list of dicts with keys 'name', 'type' ('conv' | 'bn' | 'fc'), 'in_channels',
    'out_channels', 'kernel', 'stride', 'out_size' (spatial size of the output), 'params',
    'macs'.
    """
    kind, blocks = RESNET_LAYERS[depth]
    rows = _conv_bn('conv1', input_size, 3, 64, 7, 2, 3)
    H, C = conv_output_size(rows[-1]['out_size'], 3, 2, 1), 64  # max-pool 3x3/2, pad 1
    for stage, (planes, n) in enumerate(zip(STAGE_PLANES, blocks), start=1):
        for i in range(n):
            stride = 2 if stage > 1 and i == 0 else 1
            block, H, C = _block_rows('layer%d.%d' % (stage, i), kind, H, C, planes, stride)
            rows += block
    rows.append({'name': 'fc', 'type': 'fc', 'in_channels': C, 'out_channels': num_classes,
                 'kernel': 1, 'stride': 1, 'out_size': 1,
                 'params': (C + 1) * num_classes, 'macs': C * num_classes})
    return rows


def resnet_params(depth, num_classes=1000):
    """Learnable parameters of ResNet-`depth` (torchvision: 11,689,512 for 18, ...)."""
    return sum(row['params'] for row in resnet_layer_table(depth, 224, num_classes))


def resnet_macs(depth, input_size=224, num_classes=1000):
    """Multiply-adds of one forward pass of ResNet-`depth` on an input_size^2 RGB image."""
    return sum(row['macs'] for row in resnet_layer_table(depth, input_size, num_classes))
