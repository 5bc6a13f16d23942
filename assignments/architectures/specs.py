"""The lecture's architectures, written down as data (PROVIDED: nothing here counts anything).

A spec is a tuple of layers; a layer is a tuple whose first item names its kind:
  ('conv', C_out, K, S, P[, opts])   K x K convolution, stride S, zero padding P (K and P may be
                                     (rows, cols) pairs); opts: {'bias': True, 'groups': 1}
  ('dwconv', K, S, P[, opts])        depthwise convolution: one K x K filter per input channel
                                     (groups = C_in); opts: {'bias': True, 'multiplier': 1}
                                     (C_out = C_in * multiplier)
  ('sepconv', C_out, K, S, P[, opts]) separable convolution (Keras' SeparableConv2D): a depthwise
                                     K x K convolution without bias, then a 1 x 1 convolution to
                                     C_out; opts: {'bias': True} (the 1 x 1's bias)
  ('bn'[, opts])                     batch normalisation; opts: {'scale': True, 'center': True}
                                     (gamma and beta); its moving mean and variance are buffers
  ('maxpool', K, S, P), ('avgpool', K, S, P)
  ('gap',)                           global average pooling: (C, H, W) -> (C, 1, 1)
  ('flatten',)                       (C, H, W) -> (C * H * W,)
  ('linear', D_out[, opts])          fully connected; opts: {'bias': True}
  ('branches', (spec, spec, ...))    the same input through every branch, outputs concatenated
                                     along the channels (an empty branch passes its input on)
  ('residual', main, shortcut)       main(x) + shortcut(x) (shortcut () is the identity)
Activations, dropout and local response normalisation change no count and are left out.
Spatial sizes are rounded down as in PyTorch: floor((H + 2P - K) / S) + 1.

Each builder takes num_classes (a sympy symbol works too); INPUTS gives each architecture's input
shape (C, H, W). Sources: the papers' tables (AlexNet, VGG, GoogLeNet, MobileNet, MobileNetV2) and
the Keras Applications code for the models of the lecture's Keras table (ResNet-V2, Inception-V3,
Xception, MobileNet, MobileNetV2: convolutions without bias where Keras has use_bias=False).
"""

NO_BIAS = {'bias': False}


def conv_bn(C_out, K, S=1, P=0, bn=None):
    """Keras' conv2d_bn: a convolution without bias, then batch normalisation."""
    return (('conv', C_out, K, S, P, NO_BIAS), ('bn', bn or {}))


# ---------------------------------------------------------------- AlexNet

def alexnet(num_classes=1000, groups=2):
    """Krizhevsky et al. 2012 on 227 x 227 (the paper says 224; 227 is what its numbers need).
    groups=2: conv2, conv4 and conv5 only see the channels on their own GPU (the paper); groups=1:
    every layer sees every channel."""
    g = {'groups': groups}
    return (('conv', 96, 11, 4, 0), ('maxpool', 3, 2, 0),
            ('conv', 256, 5, 1, 2, g), ('maxpool', 3, 2, 0),
            ('conv', 384, 3, 1, 1), ('conv', 384, 3, 1, 1, g), ('conv', 256, 3, 1, 1, g),
            ('maxpool', 3, 2, 0), ('flatten',),
            ('linear', 4096), ('linear', 4096), ('linear', num_classes))


def alexnet_torchvision(num_classes=1000):
    """torchvision's one-GPU variant (64, 192, 384, 256, 256 filters) on 224 x 224."""
    return (('conv', 64, 11, 4, 2), ('maxpool', 3, 2, 0), ('conv', 192, 5, 1, 2), ('maxpool', 3, 2, 0),
            ('conv', 384, 3, 1, 1), ('conv', 256, 3, 1, 1), ('conv', 256, 3, 1, 1), ('maxpool', 3, 2, 0),
            ('flatten',), ('linear', 4096), ('linear', 4096), ('linear', num_classes))


# ---------------------------------------------------------------- VGG

VGG_CONFIGS = {  # conv output channels, 'M' for a 2 x 2 / 2 max-pool (Simonyan & Zisserman, Table 1)
    11: (64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'),
    13: (64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'),
    16: (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'),
    19: (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M',
         512, 512, 512, 512, 'M'),
}


def vgg(depth=16, num_classes=1000):
    """VGG-11/13/16/19: 3 x 3 convolutions (stride 1, pad 1, with bias), then 4096, 4096, classes."""
    layers = tuple(('maxpool', 2, 2, 0) if v == 'M' else ('conv', v, 3, 1, 1) for v in VGG_CONFIGS[depth])
    return layers + (('flatten',), ('linear', 4096), ('linear', 4096), ('linear', num_classes))


# ---------------------------------------------------------------- GoogLeNet

GOOGLENET_MODULES = (  # Szegedy et al. 2014, Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
    ('3a', 64, 96, 128, 16, 32, 32), ('3b', 128, 128, 192, 32, 96, 64), 'M',
    ('4a', 192, 96, 208, 16, 48, 64), ('4b', 160, 112, 224, 24, 64, 64), ('4c', 128, 128, 256, 24, 64, 64),
    ('4d', 112, 144, 288, 32, 64, 64), ('4e', 256, 160, 320, 32, 128, 128), 'M',
    ('5a', 256, 160, 320, 32, 128, 128), ('5b', 384, 192, 384, 48, 128, 128))


def inception_module(c1, c3r, c3, c5r, c5, pool_proj):
    """GoogLeNet's module (convolutions with bias, 'same' padding)."""
    return ('branches', ((('conv', c1, 1, 1, 0),),
                         (('conv', c3r, 1, 1, 0), ('conv', c3, 3, 1, 1)),
                         (('conv', c5r, 1, 1, 0), ('conv', c5, 5, 1, 2)),
                         (('maxpool', 3, 1, 1), ('conv', pool_proj, 1, 1, 0))))


def googlenet(num_classes=1000):
    """GoogLeNet as in the paper's Table 1 (no batch normalisation; the auxiliary classifiers, used
    only in training, left out)."""
    layers = (('conv', 64, 7, 2, 3), ('maxpool', 3, 2, 1), ('conv', 64, 1, 1, 0), ('conv', 192, 3, 1, 1),
              ('maxpool', 3, 2, 1))
    for m in GOOGLENET_MODULES:
        layers += (('maxpool', 3, 2, 1),) if m == 'M' else (inception_module(*m[1:]),)
    return layers + (('gap',), ('flatten',), ('linear', num_classes))


# ---------------------------------------------------------------- ResNet-V2 (Keras' ResNet50V2 ...)

RESNET_V2_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


def _preact_block(filters, stride, conv_shortcut):
    """Keras' block2: BN-ReLU first; 1x1, 3x3 (stride), 1x1 (bias) convolutions; the shortcut is a
    1x1 convolution of the pre-activation (conv_shortcut) or x itself (max-pooled 1x1 when strided)."""
    main = conv_bn(filters, 1) + conv_bn(filters, 3, stride, 1) + (('conv', 4 * filters, 1, 1, 0),)
    if conv_shortcut:
        return (('bn',), ('residual', main, (('conv', 4 * filters, 1, stride, 0),)))
    return (('residual', (('bn',),) + main, (('maxpool', 1, stride, 0),) if stride > 1 else ()),)


def resnet_v2(depth=50, num_classes=1000):
    """Keras' ResNet50V2/101V2/152V2 (He et al. 2016, identity mappings). Each stage strides in its
    LAST block (stride 1 in the last stage)."""
    layers = (('conv', 64, 7, 2, 3), ('maxpool', 3, 2, 1))
    for filters, blocks, stride in zip((64, 128, 256, 512), RESNET_V2_BLOCKS[depth], (2, 2, 2, 1)):
        layers += _preact_block(filters, 1, True)
        for _ in range(blocks - 2):
            layers += _preact_block(filters, 1, False)
        layers += _preact_block(filters, stride, False)
    return layers + (('bn',), ('gap',), ('flatten',), ('linear', num_classes))


# ---------------------------------------------------------------- Inception-V3 (Keras)

def _bn3(C_out, K, S=1, P=0):
    """Keras' Inception-V3 conv2d_bn: no bias, batch normalisation without gamma (scale=False)."""
    return conv_bn(C_out, K, S, P, {'scale': False})


def _same(K):
    return (K[0] // 2, K[1] // 2) if isinstance(K, tuple) else K // 2


def _chain(*convs):
    """Stride-1 'same' conv2d_bn layers: (C_out, K) pairs."""
    return sum((_bn3(c, k, 1, _same(k)) for c, k in convs), ())


def _avg_branch(C_out):
    return (('avgpool', 3, 1, 1),) + _bn3(C_out, 1)


def inception_v3(num_classes=1000):
    """Keras' InceptionV3 on 299 x 299 (Szegedy et al. 2016), without the auxiliary classifier."""
    layers = (_bn3(32, 3, 2) + _bn3(32, 3) + _bn3(64, 3, 1, 1) + (('maxpool', 3, 2, 0),)
              + _bn3(80, 1) + _bn3(192, 3) + (('maxpool', 3, 2, 0),))
    for pool in (32, 64, 64):                                   # mixed0-2: 35 x 35
        layers += (('branches', (_chain((64, 1)), _chain((48, 1), (64, 5)), _chain((64, 1), (96, 3), (96, 3)),
                                 _avg_branch(pool))),)
    layers += (('branches', (_bn3(384, 3, 2), _chain((64, 1), (96, 3)) + _bn3(96, 3, 2),   # mixed3: 17 x 17
                             (('maxpool', 3, 2, 0),))),)
    for c in (128, 160, 160, 192):                              # mixed4-7
        layers += (('branches', (_chain((192, 1)), _chain((c, 1), (c, (1, 7)), (192, (7, 1))),
                                 _chain((c, 1), (c, (7, 1)), (c, (1, 7)), (c, (7, 1)), (192, (1, 7))),
                                 _avg_branch(192))),)
    layers += (('branches', (_chain((192, 1)) + _bn3(320, 3, 2),                          # mixed8: 8 x 8
                             _chain((192, 1), (192, (1, 7)), (192, (7, 1))) + _bn3(192, 3, 2),
                             (('maxpool', 3, 2, 0),))),)
    split = ('branches', (_chain((384, (1, 3))), _chain((384, (3, 1)))))
    for _ in range(2):                                          # mixed9-10
        layers += (('branches', (_chain((320, 1)), _chain((384, 1)) + (split,),
                                 _chain((448, 1), (384, 3)) + (split,), _avg_branch(192))),)
    return layers + (('gap',), ('flatten',), ('linear', num_classes))


# ---------------------------------------------------------------- Xception (Keras)

def _sep_bn(C_out):
    return (('sepconv', C_out, 3, 1, 1, NO_BIAS), ('bn',))


def _xception_down(channels):
    """An entry/exit-flow block: separable convolutions, a 3 x 3 / 2 max-pool, and a strided 1x1
    convolution (+ BN) on the shortcut."""
    main = sum((_sep_bn(c) for c in channels), ()) + (('maxpool', 3, 2, 1),)
    return ('residual', main, conv_bn(channels[-1], 1, 2, 0))


def xception(num_classes=1000):
    """Keras' Xception on 299 x 299 (Chollet 2017): 36 convolutions in the feature extractor."""
    layers = conv_bn(32, 3, 2) + conv_bn(64, 3)
    for c in (128, 256, 728):
        layers += (_xception_down((c, c)),)
    for _ in range(8):                                          # middle flow
        layers += (('residual', _sep_bn(728) * 3, ()),)
    layers += (_xception_down((728, 1024)),) + _sep_bn(1536) + _sep_bn(2048)
    return layers + (('gap',), ('flatten',), ('linear', num_classes))


# ---------------------------------------------------------------- MobileNet, MobileNetV2 (Keras)

MOBILENET_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)) + ((512, 1),) * 5 + \
    ((1024, 2), (1024, 1))


def mobilenet(num_classes=1000):
    """MobileNet (Howard et al. 2017, Table 1) as Keras builds it: depthwise 3 x 3 and pointwise 1 x 1
    convolutions, each without bias and followed by BN; the classifier is a 1 x 1 convolution."""
    layers = conv_bn(32, 3, 2, 1)
    for filters, stride in MOBILENET_BLOCKS:
        layers += (('dwconv', 3, stride, 1, NO_BIAS), ('bn',)) + conv_bn(filters, 1)
    return layers + (('gap',), ('conv', num_classes, 1, 1, 0), ('flatten',))


MOBILENET_V2_BLOCKS = (  # Sandler et al. 2018, Table 2: expansion t, channels c, repeats n, stride s
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


def mobilenet_v2(num_classes=1000):
    """MobileNetV2 as Keras builds it: inverted residual blocks (1x1 expansion, depthwise 3 x 3,
    linear 1x1 projection), a residual connection where the shape is kept."""
    layers, C = conv_bn(32, 3, 2, 1), 32
    for t, c, n, s in MOBILENET_V2_BLOCKS:
        for i in range(n):
            stride = s if i == 0 else 1
            expand = conv_bn(C * t, 1) if t != 1 else ()
            block = expand + (('dwconv', 3, stride, 1, NO_BIAS), ('bn',)) + conv_bn(c, 1)
            layers += (('residual', block, ()),) if stride == 1 and C == c else block
            C = c
    return layers + conv_bn(1280, 1) + (('gap',), ('flatten',), ('linear', num_classes))


# ---------------------------------------------------------------- the lecture's list

INPUTS = {  # name: (builder, its arguments, input shape (C, H, W))
    'alexnet': (alexnet, {}, (3, 227, 227)),
    'alexnet_torchvision': (alexnet_torchvision, {}, (3, 224, 224)),
    'vgg16': (vgg, {'depth': 16}, (3, 224, 224)),
    'vgg19': (vgg, {'depth': 19}, (3, 224, 224)),
    'googlenet': (googlenet, {}, (3, 224, 224)),
    'resnet50v2': (resnet_v2, {'depth': 50}, (3, 224, 224)),
    'resnet101v2': (resnet_v2, {'depth': 101}, (3, 224, 224)),
    'resnet152v2': (resnet_v2, {'depth': 152}, (3, 224, 224)),
    'inception_v3': (inception_v3, {}, (3, 299, 299)),
    'xception': (xception, {}, (3, 299, 299)),
    'mobilenet': (mobilenet, {}, (3, 224, 224)),
    'mobilenet_v2': (mobilenet_v2, {}, (3, 224, 224)),
}


def architecture(name, num_classes=1000):
    """(spec, input shape) of one of the lecture's architectures."""
    builder, kwargs, shape = INPUTS[name]
    return builder(num_classes=num_classes, **kwargs), shape
