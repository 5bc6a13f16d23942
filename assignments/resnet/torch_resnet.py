"""ResNet-18/34/50/101/152 as torch nn.Modules, with torchvision's structure and names.

Use exactly these module names (the grader copies weights in by name and counts parameters):
  ResNet:      conv1, bn1, relu, maxpool, layer1 .. layer4 (nn.Sequential of blocks),
               avgpool, fc
  BasicBlock:  conv1, bn1, relu, conv2, bn2, downsample
  Bottleneck:  conv1, bn1, conv2, bn2, conv3, bn3, relu, downsample
  downsample:  None, or nn.Sequential(conv1x1(inplanes, planes * expansion, stride),
                                      nn.BatchNorm2d(planes * expansion))
Every convolution has bias=False (a BatchNorm follows it); fc has a bias.

Course setting:
- STRIDE_ON_3X3 = True: a downsampling Bottleneck puts its stride on the 3x3 conv (v1.5,
  torchvision). The grader may set it to False: stride on the first 1x1 conv (v1, the paper).
"""
import torch
from torch import nn

STRIDE_ON_3X3 = True


def conv3x3(in_planes, out_planes, stride=1):
    """3x3 convolution with padding 1 and no bias (a BatchNorm follows). PROVIDED."""
    return nn.Conv2d(in_planes, out_planes, 3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution without bias. PROVIDED."""
    return nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the shortcut, then ReLU.

    Inputs of the constructor:
    - inplanes: input channels
    - planes: output channels (expansion = 1)
    - stride: stride of the first conv
    - downsample: module applied to x for the shortcut, or None for the identity
    forward(x): x (N, inplanes, H, W) -> (N, planes, H', W')
    """
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        #######################################################################
        # TODO: Create the layers.                                            #
        #######################################################################
        raise NotImplementedError('BasicBlock.__init__')
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

    def forward(self, x):
        #######################################################################
        # TODO: Implement the forward pass (ReLU after the addition).         #
        #######################################################################
        raise NotImplementedError('BasicBlock.forward')
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################


class Bottleneck(nn.Module):
    """conv1x1 - BN - ReLU - conv3x3 - BN - ReLU - conv1x1 (4x planes) - BN, + shortcut, ReLU.

    Inputs of the constructor: as BasicBlock; the block outputs planes * 4 channels, and the
    stride goes on conv2 (the 3x3) when STRIDE_ON_3X3, else on conv1.
    forward(x): x (N, inplanes, H, W) -> (N, 4 * planes, H', W')
    """
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        #######################################################################
        # TODO: Create the layers.                                            #
        #######################################################################
        raise NotImplementedError('Bottleneck.__init__')
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

    def forward(self, x):
        #######################################################################
        # TODO: Implement the forward pass (ReLU after the addition).         #
        #######################################################################
        raise NotImplementedError('Bottleneck.forward')
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################


class ResNet(nn.Module):
    """Stem (7x7/2 conv, BN, ReLU, 3x3/2 max-pool), four stages, global average pool, fc.

    Inputs of the constructor:
    - block: BasicBlock or Bottleneck
    - layers: blocks per stage, e.g. (2, 2, 2, 2)
    - num_classes: outputs of fc
    Stages have 64, 128, 256, 512 planes; the first block of stages 2-4 has stride 2. A block
    gets a downsample (projection) exactly when its stride is not 1 or its input channels
    differ from planes * block.expansion.
    forward(x): x (N, 3, H, W) -> scores (N, num_classes)
    """

    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        #######################################################################
        # TODO: Create the stem, layer1..layer4, avgpool and fc.              #
        #######################################################################
        raise NotImplementedError('ResNet.__init__')
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

    def forward(self, x):
        #######################################################################
        # TODO: Implement the forward pass.                                   #
        #######################################################################
        raise NotImplementedError('ResNet.forward')
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################


def resnet(depth, num_classes=1000):
    """ResNet-`depth` with randomly initialised weights.

    Inputs:
    - depth: 18, 34 (BasicBlock) or 50, 101, 152 (Bottleneck); blocks per stage
      18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3),
      152: (3, 8, 36, 3)
    - num_classes: outputs of the final fully connected layer

    Returns a ResNet nn.Module.
    """
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('resnet')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
