"""VGG-16's layer table: activation memory and parameters per layer (CS231n lecture table).

Convolutions are 3x3, stride 1, pad 1 (the spatial size is kept), pools are 2x2 with stride 2
(the size is halved), then three fully connected layers. Plain arithmetic: input_size may be
a sympy symbol.
"""

VGG16 = (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M',
         512, 512, 512, 'M')  # configuration 'D' of Simonyan & Zisserman
VGG16_FC = (4096, 4096, 1000)


def vgg_layer_table(config=VGG16, fc=VGG16_FC, input_size=224):
    """Rows of the lecture's table, input first.

    Inputs:
    - config: conv output channels and 'M' for a 2x2/2 max-pool, in order
    - fc: output sizes of the fully connected layers
    - input_size: height = width of the RGB input

    Returns a list of dicts {'name', 'shape' (H, W, C) or (D,), 'activations' (values in the
    layer's output), 'params' (weights + biases)}. A pool halves the size: H // 2 for Python
    ints, H / 2 for sympy expressions.
    """
    ###########################################################################
    # TODO: one row for the input, each conv, each pool, each fc              #
    ###########################################################################
    raise NotImplementedError('vgg_layer_table')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def vgg_params(config=VGG16, fc=VGG16_FC):
    """Learnable parameters of the VGG net (VGG-16: 138,357,544)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('vgg_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def vgg_activations(config=VGG16, fc=VGG16_FC, input_size=224):
    """Values stored by one forward pass: the sum of every row, input included
    (VGG-16 on 224 x 224: 15,237,608, about 61 MB in float32)."""
    ###########################################################################
    # TODO                                                                    #
    ###########################################################################
    raise NotImplementedError('vgg_activations')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
