"""Every analytic question of the course, built from one symbolic source.

Where an assignment's reference has the formula (inception, densenet, resnet, dilation), the
expression here is obtained by CALLING that function with sympy symbols: the number a student
computes in the assignment and the number in the answer key come from the same code.

QUESTIONS is built at import with the reference modules' default course settings; call
build_questions() again after changing a setting (e.g. resnet's BOTTLENECK_VERSION).

Titles name the parameters (the sheet lists their values after the question) or put them in with
`{name}` / `{group}` placeholders (see Question): a number a variant changes is never typed into a
title. `source` says where the course's documents (the seeds: lecture notes 000, 001, 003, 004 and
the homework 002) have the item; assignments/analytic/README.md lists every gradable item of the
course and what grades it.
"""
from contextlib import contextmanager

import numpy as np
import sympy as sp

import reference.densenet.counting as densenet_counting
import reference.resnet.counting as resnet_counting
from reference.densenet.channels import dense_block_channels, transition_channels
from reference.dilation.dilation import dilate_kernel
from reference.dilation.formulas import (dilated_output_size, effective_kernel_size,
                                         receptive_field)
from reference.inception.flops import (conv_flops, conv_output_size, conv_params,
                                       inception_module_flops, inception_module_params)
from reference.resnet.vgg import VGG16, VGG16_FC, vgg_activations, vgg_layer_table

from .question import Question, is_finite_number, is_non_integer, is_positive_integer, to_number


def size(name):
    """A positive integer symbol (sizes, channel counts, depths)."""
    return sp.Symbol(name, integer=True, positive=True)


def count(name):
    """A non-negative integer symbol (padding)."""
    return sp.Symbol(name, integer=True, nonnegative=True)


def real(name):
    return sp.Symbol(name, real=True)


def positive(name):
    return sp.Symbol(name, positive=True)


def tenths(lo, hi):
    """Decimal values lo, lo + 0.1, ..., hi as exact Rationals."""
    return tuple(sp.Rational(i, 10) for i in range(round(10 * lo), round(10 * hi) + 1))


def positive_integer_result(x):
    return is_positive_integer(x)


def non_negative_integer_result(x):
    return bool(x.is_Integer and x >= 0)


def positive_non_integer(x):
    return is_non_integer(x) and x > 0


def only(values, expr):
    """The entries of values whose names are symbols of expr (for formulas that simplify a
    parameter away)."""
    names = {s.name for s in expr.free_symbols}
    return {k: v for k, v in values.items() if k in names}


@contextmanager
def setting(module, **values):
    """Temporarily change course settings (module constants) of a reference module."""
    old = {k: getattr(module, k) for k in values}
    for k, v in values.items():
        setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


def symbol_matrix(prefix, rows, cols, kind=real):
    """A rows x cols sympy Matrix of symbols prefix_i_j."""
    return sp.Matrix(rows, cols, lambda i, j: kind('%s_%d_%d' % (prefix, i, j)))


def symbol_vector(prefix, n, kind=real, start=0):
    return [kind('%s_%d' % (prefix, i)) for i in range(start, start + n)]


def values_of(prefix, rows, start=0):
    """{prefix_i_j: value} of a nested list (or {prefix_i: value} of a flat one), indices from start."""
    if rows and isinstance(rows[0], (list, tuple)):
        return {'%s_%d_%d' % (prefix, i + start, j + start): v for i, row in enumerate(rows) for j, v in enumerate(row)}
    return {'%s_%d' % (prefix, i + start): v for i, v in enumerate(rows)}


def correlate(X, K):
    """'valid' cross-correlation of two sympy matrices (what a CNN layer computes):
    out[i, j] = sum_ab K[a, b] X[i + a, j + b]."""
    rows, cols = X.rows - K.rows + 1, X.cols - K.cols + 1
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sum(
        K[a, b] * X[i + a, j + b] for a in range(K.rows) for b in range(K.cols)))


# The lecture's SVM/softmax example: scores of 3 images (cat, car, frog) for 3 classes.
CLASSES = ('cat', 'car', 'frog')
SVM_SCORES = (('3.2', '5.1', '-1.7'),   # image 1 (a cat): scores for cat, car, frog
              ('1.3', '4.9', '2.0'),    # image 2 (a car)
              ('2.2', '2.5', '-3.1'))   # image 3 (a frog)
SVM_LABELS = (0, 1, 2)

SIZES = tuple(range(5, 65))
FILTERS = (1, 3, 5, 7)
CHANNELS = (1, 3, 8, 16, 32, 64, 128)
FILTER_COUNTS = (8, 10, 16, 32, 64)
MULTIPLES_OF_32 = tuple(range(32, 513, 32))
PROBABILITIES = tuple(sp.Rational(n, d) for n, d in ((1, 4), (1, 2), (3, 4), (4, 5), (9, 10)))
FAN_INS = (64, 128, 256, 512, 576, 1024, 1152, 2048, 4608)
SMALL = tuple(range(0, 4))
DIGITS = tuple(range(1, 10))
PIXELS = tuple(range(0, 256))


def conv_questions():
    N, F, S, C_in, K, L = size('N'), size('F'), size('S'), size('C_in'), size('K'), size('L')
    P = count('P')
    out = conv_output_size(N, F, S, P)
    choices = {'N': SIZES, 'F': FILTERS, 'S': (1, 2, 3, 4), 'P': (0, 1, 2, 3)}
    valid = conv_output_size(N, F, 1, 0)
    x = symbol_matrix('x', 5, 5)
    k = symbol_matrix('k', 3, 3)
    patch, gaussian = symbol_matrix('x', 3, 3), sp.Matrix([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
    return [
        Question('conv-output-size', 'Output size of an N x N input convolved with F x F filters, '
                 'stride S, zero padding P', out, {'N': 7, 'F': 3, 'S': 2, 'P': 0}, choices,
                 positive_integer_result, ask_formula=True, source='004: 5203-5213; 001: 312-420'),
        Question('conv-output-size-nonint', 'Can an F x F filter be applied with stride S to an '
                 'N x N input (padding P)? Compute (N + 2P - F)/S + 1', out,
                 {'N': 7, 'F': 3, 'S': 3, 'P': 0}, choices, positive_non_integer, decimals=2,
                 note="Not an integer: the filter doesn't fit (the lecture: 7x7 input, 3x3 "
                      "filter, stride 3: 2.33).", source='004: 5203-5215'),
        Question('conv-output-size-padded', 'Output size of an N x N input with F x F filters, '
                 'stride S, zero padding P', out, {'N': 32, 'F': 5, 'S': 1, 'P': 2}, choices,
                 positive_integer_result, note="Padding P = (F - 1)/2 with stride 1 keeps the size.",
                 source='004: 5219-5233, 5282-5290; 001: 424-444'),
        Question('conv-same-padding', 'Zero padding that keeps the size of the input of an F x F '
                 'convolution with stride 1', (F - 1) / 2, {'F': 5}, {'F': (3, 5, 7, 9, 11)},
                 positive_integer_result, ask_formula=True, source='004: 5251-5258'),
        Question('conv-params', 'Parameters of a layer of K filters of size F x F x C_in, with '
                 'biases', conv_params(C_in, K, F), {'F': 5, 'C_in': 3, 'K': 10},
                 {'F': FILTERS, 'C_in': CHANNELS, 'K': FILTER_COUNTS}, positive_integer_result,
                 ask_formula=True, source='004: 5296-5314; 001: 520-534'),
        Question('conv-neuron-inputs', 'Numbers in the dot product of one neuron of a conv layer '
                 '(F x F filters on a C_in-channel input), bias not counted', F * F * C_in,
                 {'F': 5, 'C_in': 3}, {'F': FILTERS, 'C_in': CHANNELS}, positive_integer_result,
                 source='004: 4919-4938, 5375'),
        Question('conv-macs', 'Multiply-adds of a layer of K filters of size F x F x C_in on an '
                 'N x N x C_in input, stride S, zero padding P',
                 conv_flops(out, out, C_in, K, F), {'N': 32, 'F': 5, 'S': 1, 'P': 2, 'C_in': 3, 'K': 10},
                 {'N': (8, 16, 28, 32, 56, 64), 'F': FILTERS, 'S': (1, 2), 'P': (0, 1, 2, 3),
                  'C_in': CHANNELS, 'K': FILTER_COUNTS}, positive_integer_result),
        Question('conv-map-size', 'Size of each activation map of K filters of size F x F x 3 '
                 'slid over an N x N x 3 image (stride 1, no padding)', valid,
                 {'N': 32, 'F': 5}, {'N': MULTIPLES_OF_32[:4] + (28, 48), 'F': (3, 5, 7)},
                 positive_integer_result, note='6 such filters give a 28 x 28 x 6 "new image".',
                 source='004: 4960-4977'),
        Question('conv-output-neurons', 'Neurons of the output volume of K filters of size F x F '
                 'slid over an N x N input (stride 1, no padding)', valid * valid * K,
                 {'N': 32, 'F': 5, 'K': 5}, {'N': (28, 32, 48, 64), 'F': (3, 5, 7), 'K': (4, 5, 6, 8)},
                 positive_integer_result, note='The lecture: a 28 x 28 x 5 grid of neurons.',
                 source='004: 5395-5403'),
        Question('conv-shrink', 'Size after L stacked F x F convolutions (stride 1, no padding) on '
                 'an N x N input', N - L * (F - 1), {'N': 32, 'F': 5, 'L': 2},
                 {'N': (32, 48, 64), 'F': (3, 5), 'L': (1, 2, 3, 4)}, positive_integer_result,
                 ask_formula=True, note='32 -> 28 -> 24: shrinking this fast is not a good idea.',
                 source='004: 5264-5268'),
        Question('pool-output-size', 'Output size of F x F pooling with stride S on an N x N '
                 'input (no padding)', conv_output_size(N, F, S, 0), {'N': 224, 'F': 2, 'S': 2},
                 {'N': MULTIPLES_OF_32, 'F': (2, 3), 'S': (1, 2)}, positive_integer_result,
                 source='004: 5436-5445; 001: 463-470'),
        Question('image-values', 'Numbers that store an H x W RGB image (also: the numbers of the '
                 'mean image subtracted from it)', size('H') * size('W') * 3, {'H': 32, 'W': 32},
                 {'H': (32, 64, 100, 224), 'W': (32, 64, 224, 300)}, positive_integer_result,
                 note='CIFAR-10: 32 x 32 x 3 = 3072 (the linear classifier\'s input); 1080 x 1080 x 3 '
                      'for a phone photo; 300 x 100 x 3 in the lecture\'s picture.',
                 source='004: 215, 3246-3250; 001: 120'),
        Question('conv-example', 'Cross-correlation (what a conv layer computes: no padding, stride '
                 '1, kernel not flipped) of the 5 x 5 input {x} with the 3 x 3 kernel {k}: the 3 x 3 '
                 'output', correlate(x, k),
                 dict(values_of('x', [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3],
                                      [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]),
                      **values_of('k', [[0, 1, 2], [2, 2, 0], [0, 1, 2]])),
                 dict({n: SMALL for n in values_of('x', [[0] * 5] * 5)},
                      **{n: (0, 1, 2) for n in values_of('k', [[0] * 3] * 3)}),
                 source='000: 23-44'),
        Question('conv-example-binary', 'The 3 x 3 kernel {k} slid over the binary 5 x 5 image '
                 '{x} (no padding, stride 1): the 3 x 3 output', correlate(x, k),
                 dict(values_of('x', [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                                      [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]),
                      **values_of('k', [[1, 0, 1], [0, 1, 0], [1, 0, 1]])),
                 {n: (0, 1) for n in values_of('x', [[0] * 5] * 5)},
                 note='The kernel is symmetric: convolution and cross-correlation agree.',
                 source='001: 161-185'),
        Question('blur-example', 'The 3 x 3 Gaussian blur [[1, 2, 1], [2, 4, 2], [1, 2, 1]]/16 at '
                 'the centre of the patch {x}', sum(patch[i] * gaussian[i] for i in range(9)),
                 values_of('x', [[178, 174, 177], [179, 178, 179], [168, 171, 178]]),
                 {n: tuple(range(160, 200)) for n in values_of('x', [[0] * 3] * 3)}, decimals=0,
                 note='The lecture rounds 176.1875 to 176.', source='004: 5030-5042'),
    ]


def memory_questions():
    S, b, K, C = size('S'), size('b'), size('K'), size('C')
    values = vgg_activations(VGG16, VGG16_FC, S)
    vgg16_params = sum(r['params'] for r in vgg_layer_table(VGG16, VGG16_FC[:-1] + (K,), 224))
    vgg19 = VGG16[:9] + (256,) + VGG16[9:13] + (512,) + VGG16[13:17] + (512,) + VGG16[17:]
    note = ('The rows of the lecture table sum to 15,237,608 values, about 61 MB in float32 '
            '(forward only; about twice that with the backward pass). The "24M ~= 96 MB" total '
            'printed under that table does not match its own rows.')
    return [
        Question('vgg16-activations', 'Values stored by a forward pass of VGG-16 on one S x S '
                 'RGB image (the lecture table, input row included)', values, {'S': 224},
                 {'S': MULTIPLES_OF_32}, positive_integer_result, note=note, source='001: 644-697'),
        Question('vgg16-activation-bytes', 'Bytes of those activations with b bytes per value',
                 values * b, {'S': 224, 'b': 4}, {'S': MULTIPLES_OF_32, 'b': (2, 4, 8)},
                 positive_integer_result, note=note, unit='bytes', source='001: 697'),
        Question('vgg16-params', 'Parameters of VGG-16 (weights and biases) with K classes',
                 vgg16_params, {'K': 1000}, {'K': (10, 100, 200, 1000)}, positive_integer_result,
                 source='001: 646-699; 003: 117'),
        Question('vgg19-params', 'Parameters of VGG-19 (weights and biases) with K classes',
                 sum(r['params'] for r in vgg_layer_table(vgg19, VGG16_FC[:-1] + (K,), 224)),
                 {'K': 1000}, {'K': (10, 100, 200, 1000)}, positive_integer_result,
                 source='003: 118'),
        Question('vgg16-model-mib', 'Size of VGG-16 with K classes in float32, in MiB (2^20 bytes)',
                 vgg16_params * 4 / 2 ** 20, {'K': 1000}, {'K': (10, 100, 200, 1000)},
                 is_finite_number, decimals=0, unit='MiB',
                 note='The Keras table lists "528 MB" (its weight file).', source='003: 117'),
        Question('three-3x3-params', 'Parameters of three stacked 3 x 3 convolutions, C channels in '
                 'and out, without biases (VGG: "why only 3 x 3?")', 3 * (3 * 3 * C * C), {'C': 64},
                 {'C': (16, 32, 64, 128, 256)}, positive_integer_result, ask_formula=True,
                 source='001: 636-642'),
        Question('one-7x7-params', 'Parameters of one 7 x 7 convolution with the same receptive '
                 'field, C channels in and out, without biases', 7 * 7 * C * C, {'C': 64},
                 {'C': (16, 32, 64, 128, 256)}, positive_integer_result, source='001: 636-642'),
    ]


def receptive_field_questions():
    F, D, N, S, w, d = size('F'), size('D'), size('N'), size('S'), size('w'), size('d')
    P = count('P')
    K = symbol_matrix('k', 2, 2)
    kronecker = sp.ImmutableMatrix(dilate_kernel(np.array(K.tolist(), dtype=object), 2).tolist())
    return [
        Question('rf-two-convs', 'Receptive field of two stacked F x F convolutions (stride 1)',
                 receptive_field([(F, 1, 1), (F, 1, 1)]), {'F': 3}, {'F': (3, 5, 7)},
                 positive_integer_result, note='Two 3x3 convs see as much as one 5x5.',
                 ask_formula=True, source='001: 542-546'),
        Question('rf-three-convs', 'Receptive field of three stacked F x F convolutions '
                 '(stride 1)', receptive_field([(F, 1, 1), (F, 1, 1), (F, 1, 1)]), {'F': 3},
                 {'F': (3, 5, 7)}, positive_integer_result,
                 note='Three 3x3 convs see as much as one 7x7.', source='001: 636-642'),
        Question('dilated-effective-kernel', 'Effective size of an F x F kernel with dilation D',
                 effective_kernel_size(F, D), {'F': 3, 'D': 2},
                 {'F': (3, 5), 'D': (1, 2, 3, 4)}, positive_integer_result, ask_formula=True,
                 source='002: 330-352'),
        Question('dilated-output-size', 'Output size of an N x N input, F x F kernel, '
                 'dilation D, stride S, padding P', dilated_output_size(N, F, D, S, P),
                 {'N': 32, 'F': 3, 'D': 2, 'S': 1, 'P': 2},
                 {'N': SIZES, 'F': (3, 5), 'D': (1, 2, 3, 4), 'S': (1, 2), 'P': (0, 1, 2, 3, 4)},
                 positive_integer_result),
        Question('dilated-valid-output-size', 'Output size of an N x N input convolved with an '
                 'F x F kernel of dilation D (stride 1, no padding)', dilated_output_size(N, F, D),
                 {'N': 32, 'F': 3, 'D': 2}, {'N': SIZES[10:], 'F': (3, 5), 'D': (1, 2, 3)},
                 positive_integer_result, ask_formula=True, source='002: 354-358'),
        Question('rf-dilated-stack', 'Receptive field of three F x F convolutions (stride 1) '
                 'with dilations 1, D, D^2',
                 receptive_field([(F, 1, 1), (F, D, 1), (F, D ** 2, 1)]), {'F': 3, 'D': 2},
                 {'F': (3, 5), 'D': (2, 3)}, positive_integer_result,
                 note='Dilations 1, 2, 4 with 3x3 kernels: 3, 7, 15 (Yu & Koltun).'),
        Question('rf-dilated-three', 'Receptive field of three stacked convolutions (stride 1): '
                 '(w - 1) x (w - 1) with dilation d - 1, then w x w with dilation d, then '
                 '(w + 1) x (w + 1) with dilation d + 1',
                 sp.factor(receptive_field([(w - 1, d - 1, 1), (w, d, 1), (w + 1, d + 1, 1)])),
                 {'w': 3, 'd': 2}, {'w': (2, 3, 4, 5), 'd': (2, 3, 4)}, positive_integer_result,
                 ask_formula=True, source='002: 409-429'),
        Question('dilated-kernel', 'The 2 x 2 kernel {k} dilated by D = 2 (Kronecker product with '
                 'the 2 x 2 matrix E = [[1, 0], [0, 0]], then cropped to the effective size): the '
                 'kernel of the equivalent ordinary convolution', kronecker,
                 values_of('k', [[1, 2], [3, 4]]), {n: DIGITS for n in values_of('k', [[0] * 2] * 2)},
                 ask_formula=True,
                 note='kron(K, E) is 4 x 4; its last row and column are zeros: crop to '
                      'D(F - 1) + 1 = 3.', source='002: 360-405'),
    ]


def inception_questions():
    H, C_in, C_r, C_out, F = size('H'), size('C_in'), size('C_r'), size('C_out'), size('F')
    naive = conv_flops(H, H, C_in, C_out, F)
    bottleneck = conv_flops(H, H, C_in, C_r, 1) + conv_flops(H, H, C_r, C_out, F)
    saving = sp.simplify(100 * (1 - bottleneck / naive))  # in percent; H cancels
    lecture = {'H': 28, 'C_in': 192, 'C_r': 16, 'C_out': 32, 'F': 5}
    choices = {'H': (7, 14, 28, 56), 'C_in': (128, 192, 256, 480, 512),
               'C_r': (16, 24, 32, 48, 64), 'C_out': (32, 48, 64, 96, 128), 'F': (3, 5)}
    module = dict(H=size('H'), W=size('H'), C_in=size('C_in'), c1=size('c1'), c3r=size('c3r'),
                  c3=size('c3'), c5r=size('c5r'), c5=size('c5'), pool_proj=size('pool_proj'))
    counts = inception_module_flops(**module)
    params = inception_module_params(*(module[k] for k in ('C_in', 'c1', 'c3r', 'c3', 'c5r',
                                                           'c5', 'pool_proj')))
    inception_3a = {'H': 28, 'C_in': 192, 'c1': 64, 'c3r': 96, 'c3': 128, 'c5r': 16, 'c5': 32,
                    'pool_proj': 32}
    module_choices = {'H': (7, 14, 28), 'C_in': (192, 256, 480, 512, 528, 832),
                      'c1': (64, 96, 128, 192), 'c3r': (64, 96, 128), 'c3': (128, 192, 208, 256),
                      'c5r': (16, 24, 32, 48), 'c5': (32, 48, 64, 96, 128),
                      'pool_proj': (32, 64, 128)}
    questions = [
        Question('inception-naive-macs', 'Multiply-adds of an F x F conv (same padding) from '
                 'H x H x C_in to C_out channels', naive,
                 {k: v for k, v in lecture.items() if k != 'C_r'},
                 {k: v for k, v in choices.items() if k != 'C_r'}, positive_integer_result,
                 source='002: 196-202'),
        Question('inception-bottleneck-macs', 'The same with a 1x1 conv to C_r channels first',
                 bottleneck, lecture, choices, positive_integer_result, source='002: 204-218'),
        Question('inception-bottleneck-saving', 'Percentage of the multiply-adds the bottleneck '
                 'saves', saving, only(lecture, saving), only(choices, saving),
                 lambda x: bool(x.is_Rational and x < 100), decimals=0, unit='percent',
                 note='89.67% fewer multiply-adds in the lecture example ("about 90%").',
                 source='002: 220-226'),
        Question('inception-3a-channels', "Output channels of an Inception module with branches "
                 "c1 (1x1), c3 (3x3 after a 1x1 reduce), c5 (5x5 after a 1x1 reduce) and pool_proj "
                 "(1x1 after a max-pool)", counts['out_channels'],
                 {k: inception_3a[k] for k in ('c1', 'c3', 'c5', 'pool_proj')},
                 {k: module_choices[k] for k in ('c1', 'c3', 'c5', 'pool_proj')},
                 positive_integer_result, source="001: 718-729 (GoogLeNet's 3a)"),
        Question('inception-3a-macs', 'Multiply-adds of that module on H x H x C_in (reduces '
                 'c3r, c5r)', counts['total'], inception_3a, module_choices, positive_integer_result,
                 note='GoogLeNet Table 1 rounds this to "128M" for inception (3a).',
                 source='002: 240-278'),
        Question('inception-3a-params', 'Parameters of that module (convolutions with biases)',
                 params['total'], {k: v for k, v in inception_3a.items() if k != 'H'},
                 {k: v for k, v in module_choices.items() if k != 'H'}, positive_integer_result,
                 note='GoogLeNet Table 1 prints 159K for inception (3a); its own row gives '
                      '163,696 with biases (163,328 without).'),
    ]
    branches = (('1x1', 'c1', 1, 'C_in', 'a 1 x 1 conv to c1 channels'),
                ('3x3-reduce', 'c3r', 1, 'C_in', 'the 1 x 1 reduce to c3r channels'),
                ('3x3', 'c3', 3, 'c3r', 'the 3 x 3 conv from c3r to c3 channels'),
                ('5x5-reduce', 'c5r', 1, 'C_in', 'the 1 x 1 reduce to c5r channels'),
                ('5x5', 'c5', 5, 'c5r', 'the 5 x 5 conv from c5r to c5 channels'),
                ('pool-proj', 'pool_proj', 1, 'C_in', 'the 1 x 1 projection after the max-pool'))
    for label, out, kernel, inp, words in branches:
        macs = conv_flops(module['H'], module['H'], module[inp], module[out], kernel)
        names = [n for n in inception_3a if sp.Symbol(n, integer=True, positive=True) in macs.free_symbols]
        questions.append(Question(
            'inception-3a-branch-%s-macs' % label, 'Multiply-adds of %s of an Inception module on '
            'H x H x C_in (same padding)' % words, macs, {n: inception_3a[n] for n in names},
            {n: module_choices[n] for n in names}, positive_integer_result, source='002: 240-276'))
    return questions


def densenet_questions():
    c0, k, L, K = size('c0'), size('k'), size('L'), size('K')
    half = sp.Rational(1, 2)
    config = dict(densenet_counting.DENSENET121, growth_rate=k, num_classes=K, compression=half)
    with setting(densenet_counting, COUNT_BN_MOVING_STATS=False):
        params = densenet_counting.densenet_params(config)
    with setting(densenet_counting, COUNT_BN_MOVING_STATS=True):
        keras = densenet_counting.densenet_params(config)
    return [
        Question('densenet-block-channels', 'Channels after a dense block: c0 inputs, L layers, '
                 'growth rate k', dense_block_channels(c0, k, L), {'c0': 32, 'k': 24, 'L': 3},
                 {'c0': (16, 24, 32, 48, 64), 'k': (12, 16, 24, 32, 40, 48),
                  'L': tuple(range(2, 25))}, positive_integer_result, ask_formula=True,
                 source='002: 176-182'),
        Question('densenet-transition-channels', 'Channels after that block and a transition '
                 'with compression 1/2', transition_channels(dense_block_channels(c0, k, L), half),
                 {'c0': 64, 'k': 32, 'L': 6},
                 {'c0': (16, 24, 32, 48, 64), 'k': (12, 16, 24, 32, 40, 48),
                  'L': tuple(range(2, 25))}, positive_integer_result),
        Question('densenet121-params', 'Parameters of DenseNet-121 (torchvision convention) '
                 'with growth rate k and K classes', sp.expand(params), {'k': 32, 'K': 1000},
                 {'k': (12, 16, 24, 32, 48), 'K': (10, 100, 1000)}, positive_integer_result),
        Question('densenet121-params-keras', "Parameters of Keras' DenseNet121 (BN moving "
                 "statistics counted) with growth rate k and K classes", sp.expand(keras),
                 {'k': 32, 'K': 1000}, {'k': (12, 16, 24, 32, 48), 'K': (10, 100, 1000)},
                 positive_integer_result, source='003: 129'),
    ]


def resnet_questions():
    K, S = size('K'), size('S')
    b2, b3, b4, b5 = (size(n) for n in ('b2', 'b3', 'b4', 'b5'))
    questions = []
    for depth in (18, 34, 50, 101, 152):
        with setting(resnet_counting, CONV_BIAS=False, COUNT_BN_MOVING_STATS=False):
            params = resnet_counting.resnet_params(depth, num_classes=K)
        questions.append(Question(
            'resnet%d-params' % depth, 'Parameters of ResNet-%d (torchvision) with K classes'
            % depth, params, {'K': 1000}, {'K': (10, 100, 200, 1000)}, positive_integer_result))
        versions = ('v1',) if depth < 50 else ('v1', 'v1.5')
        for version in versions:
            with setting(resnet_counting, BOTTLENECK_VERSION=version, SHORTCUT='B'):
                macs = resnet_counting.resnet_macs(depth, input_size=S)
            suffix = '' if version == 'v1' else '-v1.5'
            questions.append(Question(
                'resnet%d-macs%s' % (depth, suffix),
                'Multiply-adds of ResNet-%d on one S x S image (%s)' % (
                    depth, 'stride on the 3x3, torchvision' if suffix else 'the paper'),
                macs, {'S': 224}, {'S': MULTIPLES_OF_32}, positive_integer_result,
                note='' if suffix else 'The lecture\'s table prints %s (the paper\'s rounding).'
                % {18: '1.8e9', 34: '3.6e9', 50: '3.8e9', 101: '7.6e9', 152: '11.3e9'}[depth],
                source='' if suffix else '003: 90'))
    for depth in (50, 101, 152):
        with setting(resnet_counting, CONV_BIAS=True, COUNT_BN_MOVING_STATS=True):
            keras = resnet_counting.resnet_params(depth, num_classes=K)
        questions.append(Question(
            'resnet%d-params-keras' % depth, "Parameters of Keras' ResNet%d (conv biases, BN "
            "moving statistics counted) with K classes" % depth, keras, {'K': 1000},
            {'K': (10, 100, 1000)}, positive_integer_result,
            source='003: %d' % {50: 119, 101: 120, 152: 121}[depth]))
    questions.append(Question(
        'resnet-bottleneck-depth', 'Layers with weights of a bottleneck ResNet whose four stages '
        'have b2, b3, b4, b5 blocks (the stem conv and the fc layer counted)',
        3 * (b2 + b3 + b4 + b5) + 2, {'b2': 3, 'b3': 4, 'b4': 6, 'b5': 3},
        {'b2': (2, 3), 'b3': (4, 8), 'b4': (6, 23, 36), 'b5': (3,)}, positive_integer_result,
        ask_formula=True, note='ResNet-50: [3, 4, 6, 3]; 101: [3, 4, 23, 3]; 152: [3, 8, 36, 3].',
        source='003: 78-91'))
    return questions


def expectation(outcomes):
    """sum of probability * value over (probability, value) pairs, kept unevaluated so the
    formula shows the computation (p * (a/p) + (1 - p) * 0)."""
    return sp.Add(*(sp.Mul(prob, value, evaluate=False) for prob, value in outcomes),
                  evaluate=False)


def training_questions():
    p, a, fan_in = positive('p'), real('a'), size('fan_in')
    sigma, L, t = positive('sigma'), size('L'), size('t')
    beta1, beta2 = positive('beta1'), positive('beta2')
    C, F, s = size('C'), size('F'), positive('s')
    w0, x, w1, y = real('w0'), real('x'), real('w1'), real('y')
    drop_choices = {'p': PROBABILITIES, 'a': tuple(range(1, 11))}
    note = 'p is the probability of KEEPING a unit (CS231n 2018+).'
    masks = [(p * p, w0 * x + w1 * y), (p * (1 - p), w0 * x), ((1 - p) * p, w1 * y), ((1 - p) ** 2, 0)]
    return [
        Question('dropout-train-expectation', 'Expected output of a unit with activation a at '
                 'training time, dropout keeping it with probability p (not inverted)',
                 expectation([(p, a), (1 - p, 0)]), {'p': '0.5', 'a': 3}, drop_choices, note=note,
                 source='004: 4620-4650'),
        Question('dropout-test-output', 'What the unit must output at test time to match that '
                 'expectation (not inverted)', p * a, {'p': '0.5', 'a': 3}, drop_choices,
                 note=note, source='004: 4650-4662'),
        Question('dropout-inverted-expectation', 'Expected training-time output with inverted '
                 'dropout (kept units divided by p)', expectation([(p, a / p), (1 - p, 0)]),
                 {'p': '0.5', 'a': 3}, drop_choices, note=note + ' Test time is the identity.',
                 ask_formula=True, source='004: 4700-4730'),
        Question('dropout-two-inputs', 'Expected training-time output of a = w0*x + w1*y when '
                 'dropout keeps each of x and y with probability p (not inverted)',
                 sp.expand(sum(prob * v for prob, v in masks)),
                 {'p': '0.5', 'w0': 1, 'x': 2, 'w1': 3, 'y': 4},
                 {'p': PROBABILITIES, 'w0': DIGITS, 'x': DIGITS, 'w1': DIGITS, 'y': DIGITS},
                 ask_formula=True, note='The lecture lists the four masks: E[a] = (w0 x + w1 y)/2.',
                 source='004: 4630-4650'),
        Question('xavier-std', 'Xavier initialisation: standard deviation for fan-in fan_in',
                 1 / sp.sqrt(fan_in), {'fan_in': 512}, {'fan_in': FAN_INS}, decimals=4,
                 ask_formula=True, source='004: 3410'),
        Question('he-std', 'He (Kaiming) initialisation for ReLU: standard deviation',
                 sp.sqrt(2 / fan_in), {'fan_in': 512}, {'fan_in': FAN_INS}, decimals=4,
                 ask_formula=True, source='004: 3466'),
        Question('he-std-conv', 'He initialisation of a conv layer with C input channels and '
                 'F x F filters: standard deviation', sp.sqrt(2 / (C * F * F)), {'C': 3, 'F': 8},
                 {'C': (1, 3, 16, 32, 64), 'F': (3, 5, 8)}, decimals=3, source='002: 503-506'),
        Question('init-preactivation-std', 'Standard deviation of a hidden unit before the '
                 'nonlinearity: unit-Gaussian inputs (fan_in of them) times weights s * randn',
                 s * sp.sqrt(fan_in), {'s': '0.01', 'fan_in': 500},
                 {'s': tuple(map(to_number, ('0.01', '0.1', '1'))), 'fan_in': (100, 500, 1000)},
                 decimals=3, note='0.01: small, tanh then shrinks it layer after layer (0.213, '
                 '0.048, ...); 1.0: about 22, tanh saturates at +-1.', source='004: 3272-3390'),
        Question('vanishing-gradient-bound', 'Bound on the gradient scale through L layers '
                 'whose Jacobians have largest singular value sigma', sigma ** L,
                 {'sigma': '0.9', 'L': 100},
                 {'sigma': tuple(map(to_number, ('0.5', '0.8', '0.9', '0.95', '0.99'))),
                  'L': (10, 20, 50, 100, 200)}, significant=3, source='002: 484-499'),
        Question('adam-bias-correction-m', "Factor Adam's first moment is multiplied by at step "
                 "t (bias correction)", 1 / (1 - beta1 ** t), {'beta1': '0.9', 't': 1},
                 {'beta1': tuple(map(to_number, ('0.8', '0.9', '0.95'))),
                  't': tuple(range(1, 11))}, decimals=2, ask_formula=True, source='004: 4440-4452'),
        Question('adam-bias-correction-v', "Factor Adam's second moment is multiplied by at "
                 "step t", 1 / (1 - beta2 ** t), {'beta2': '0.999', 't': 1},
                 {'beta2': tuple(map(to_number, ('0.99', '0.999', '0.9999'))),
                  't': tuple(range(1, 11))}, decimals=2, source='004: 4440-4452'),
        Question('update-weight-ratio', 'Ratio of the update scale to the parameter scale',
                 real('update_scale') / positive('param_scale'),
                 {'update_scale': '0.0002', 'param_scale': '0.02'},
                 {'update_scale': tuple(map(to_number, ('0.00002', '0.0002', '0.002'))),
                  'param_scale': tuple(map(to_number, ('0.02', '0.2', '2')))},
                 note='You want about 1e-3.', source='004: 4000-4015'),
    ]


def schedule_questions():
    lr0, k, t, step, gamma = positive('lr0'), positive('k'), size('t'), size('step'), positive('gamma')
    lr_choices = tuple(map(to_number, ('0.1', '0.01', '0.001')))
    k_choices = tuple(map(to_number, ('0.01', '0.05', '0.1', '0.5')))
    return [
        Question('lr-step-decay', 'Step decay: learning rate at epoch t, starting at lr0 and '
                 'multiplied by gamma every `step` epochs', lr0 * gamma ** sp.floor(t / step),
                 {'lr0': '0.01', 'gamma': '0.5', 'step': 10, 't': 25},
                 {'lr0': lr_choices, 'gamma': tuple(map(to_number, ('0.1', '0.5'))), 'step': (5, 10, 20),
                  't': tuple(range(0, 61, 5))[1:]}, significant=3, source='004: 4475-4479'),
        Question('lr-exp-decay', 'Exponential decay lr0 * e^(-k t): learning rate at epoch t',
                 lr0 * sp.exp(-k * t), {'lr0': '0.01', 'k': '0.1', 't': 10},
                 {'lr0': lr_choices, 'k': k_choices, 't': (1, 5, 10, 20)}, significant=3,
                 ask_formula=True, source='004: 4481-4483'),
        Question('lr-inverse-decay', '1/t decay lr0 / (1 + k t): learning rate at epoch t',
                 lr0 / (1 + k * t), {'lr0': '0.01', 'k': '0.1', 't': 10},
                 {'lr0': lr_choices, 'k': k_choices, 't': (1, 5, 10, 20)}, significant=3,
                 ask_formula=True, source='004: 4485-4487'),
    ]


def activation_questions():
    x, alpha = real('x'), positive('alpha')
    D, H, k = size('D'), size('H'), size('k')
    sigmoid = 1 / (1 + sp.exp(-x))
    return [
        Question('sigmoid-grad', 'Derivative of the sigmoid 1/(1 + e^-x) at x (it saturates where |x| '
                 'is large)', sp.diff(sigmoid, x), {'x': 10},
                 {'x': tuple(range(-10, 11))}, significant=3, ask_formula=True,
                 note='sigma(x)(1 - sigma(x)): 0.25 at 0, 4.54e-5 at +-10.',
                 source='004: 2293, 3010-3025'),
        Question('tanh-grad', 'Derivative of tanh at x', sp.diff(sp.tanh(x), x), {'x': 1},
                 {'x': tuple(range(-5, 6))}, significant=3, ask_formula=True,
                 source='004: 3101-3112'),
        Question('leaky-relu-grad', 'Derivative of Leaky ReLU max(alpha x, x) at a negative x',
                 alpha, {'alpha': '0.01'}, {'alpha': tuple(map(to_number, ('0.01', '0.1', '0.2')))},
                 ask_formula=True, source='004: 2985, 3150; 002: 515'),
        Question('elu-grad', 'Derivative of ELU (alpha (e^x - 1) for x <= 0) at a negative x',
                 sp.diff(alpha * (sp.exp(x) - 1), x), {'alpha': 1, 'x': -1},
                 {'alpha': (1, 2), 'x': tuple(range(-5, 0))}, decimals=3, ask_formula=True,
                 source='004: 2992; 002: 524-528'),
        Question('maxout-params', 'Parameters of a Maxout layer of H units, each the max of k linear '
                 'functions of D inputs (with biases)', k * (D * H + H), {'D': 100, 'H': 50, 'k': 2},
                 {'D': (10, 100, 3072), 'H': (10, 50, 100), 'k': (2, 3, 4)}, positive_integer_result,
                 ask_formula=True, note='k times a plain layer: Maxout doubles the parameters.',
                 source='004: 3165-3179'),
    ]


def network_questions():
    n0, n1, n2, n3 = (size(n) for n in ('n0', 'n1', 'n2', 'n3'))
    D, H, K, C = size('D'), size('H'), size('K'), size('C')
    s, reg = positive('s'), positive('reg')
    return [
        Question('fc-net-params', 'Learnable parameters of a fully connected net n0 -> n1 -> n2 -> '
                 'n3 (weights and biases)', (n0 + 1) * n1 + (n1 + 1) * n2 + (n2 + 1) * n3,
                 {'n0': 3, 'n1': 4, 'n2': 4, 'n3': 1},
                 {'n0': (2, 3, 4, 5), 'n1': (3, 4, 5, 6), 'n2': (2, 3, 4), 'n3': (1, 2, 3)},
                 positive_integer_result, ask_formula=True,
                 note='The lecture\'s 3-layer forward pass (3 -> 4 -> 4 -> 1): 41.',
                 source='004: 2672-2690'),
        Question('two-layer-params', 'Parameters of a two-layer net: D inputs, H hidden, K classes',
                 (D + 1) * H + (H + 1) * K, {'D': 3072, 'H': 50, 'K': 10},
                 {'D': (3072, 784), 'H': (50, 100, 200), 'K': (10, 100)}, positive_integer_result,
                 source='004: 3501-3537'),
        Question('loss-with-reg-at-init', 'Expected softmax loss at initialisation of the two-layer net '
                 '(D inputs, H hidden, C classes, weights s * randn, biases 0) with the regularization '
                 '0.5 * reg * (sum of the squared weights) turned on', sp.log(C) + reg * s ** 2 * (D * H + H * C) / 2,
                 {'D': 3072, 'H': 50, 'C': 10, 's': '0.0001', 'reg': 1000},
                 {'H': (50, 100), 'C': (10, 100), 'reg': (100, 1000, 10000)}, decimals=2,
                 note='ln 10 + 0.5 x 1000 x 1e-8 x 154,100 = 3.07; the lecture\'s run printed 3.0686 (the '
                      'loss must go up).', source='004: 3560-3571'),
        Question('linear-classifier-params', 'Parameters (W and b) of a linear classifier f = Wx + b '
                 'for D-dimensional inputs and K classes', K * (D + 1), {'D': 3072, 'K': 10},
                 {'D': (3072, 784, 12288), 'K': (10, 100)}, positive_integer_result,
                 source='004: 620-640'),
    ]


def svm_loss(scores, y, delta, power=1):
    """Multiclass SVM (hinge) loss of one example: sum over j != y of max(0, s_j - s_y + delta)."""
    return sum(sp.Max(0, s - scores[y] + delta) ** power for j, s in enumerate(scores) if j != y)


def softmax_probability(scores, y):
    return sp.exp(scores[y]) / sum(sp.exp(s) for s in scores)


def classifier_questions():
    delta = positive('delta')
    scores = [[real('s_%d_%s' % (i, c)) for c in CLASSES] for i in range(1, 4)]
    values = {s.name: v for row, vals in zip(scores, SVM_SCORES) for s, v in zip(row, vals)}
    score_choices = {name: tenths(-5, 6) for name in values}
    losses = [svm_loss(row, y, delta) for row, y in zip(scores, SVM_LABELS)]
    mean = sum(losses) / 3
    every = dict(values, delta=1)
    source = '004: 980-1050'
    questions = []
    for i, (row, loss) in enumerate(zip(scores, losses), start=1):
        names = [s.name for s in row]
        questions.append(Question(
            'svm-loss-example-%d' % i, 'Multiclass SVM loss of image %d (a %s), margin delta'
            % (i, CLASSES[SVM_LABELS[i - 1]]), loss,
            dict({n: values[n] for n in names}, delta=1),
            {n: score_choices[n] for n in names}, ask_formula=i == 1, source=source))
    questions += [
        Question('svm-loss-mean', 'Mean SVM loss over the three images', mean, every,
                 score_choices, decimals=2, note='The lecture: (2.9 + 0 + 12.9)/3 = 5.27.',
                 source=source),
        Question('svm-loss-all-classes', 'The mean SVM loss if the sum ran over all classes, '
                 'j = y_i included', sum(svm_loss(row, y, delta) + delta for row, y in zip(scores, SVM_LABELS)) / 3,
                 every, score_choices, decimals=2, note='Every example adds delta: 5.27 + 1.',
                 source='004: 1085'),
        Question('svm-loss-mean-over-classes', 'The mean SVM loss if each L_i took the mean over '
                 'j != y_i instead of the sum', mean / 2, every, score_choices, decimals=2,
                 note='Divided by the number of classes - 1: the minimum is unchanged.',
                 source='004: 1106'),
        Question('svm-loss-squared', 'The mean squared-hinge loss (each max(0, ...) squared)',
                 sum(svm_loss(row, y, delta, 2) for row, y in zip(scores, SVM_LABELS)) / 3, every,
                 score_choices, decimals=2, note='(2.9^2 + 0 + 6.3^2 + 6.6^2)/3: a different loss.',
                 source='004: 1118-1128'),
        Question('svm-loss-doubled-w', 'Loss of image 2 (a car) with W doubled (every score times 2)',
                 svm_loss([2 * s for s in scores[1]], SVM_LABELS[1], delta),
                 dict({s.name: values[s.name] for s in scores[1]}, delta=1),
                 {s.name: score_choices[s.name] for s in scores[1]},
                 note='0 again: W with L = 0 is not unique.', source='004: 1189-1230'),
        Question('svm-loss-init', 'SVM loss of an example at initialisation, when every score is '
                 'about 0 (C classes, margin delta)', (size('C') - 1) * delta, {'C': 3, 'delta': 1},
                 {'C': tuple(range(2, 11))}, positive_integer_result, ask_formula=True,
                 source='004: 1147-1166'),
        Question('softmax-loss-init', 'Softmax loss at initialisation, when every score is about 0 '
                 '(C classes, natural log)', sp.log(size('C')), {'C': 10},
                 {'C': (2, 3, 5, 10, 100, 1000)}, decimals=2, ask_formula=True,
                 note='The lecture\'s sanity check prints 2.30261216167 for CIFAR-10.',
                 source='004: 1289, 3537-3542'),
    ]
    row, names = scores[0], [s.name for s in scores[0]]
    first = dict({n: values[n] for n in names})
    questions += [
        Question('softmax-probability-example-1', 'Softmax probability of the correct class '
                 '(cat) for image 1', softmax_probability(row, SVM_LABELS[0]), first,
                 {n: score_choices[n] for n in names}, decimals=2,
                 note='The lecture rounds it to 0.13.', source='004: 1256-1270'),
        Question('softmax-probability-example-1-car', 'Softmax probability of the class car for '
                 'image 1', softmax_probability(row, 1), first, {n: score_choices[n] for n in names},
                 decimals=2, note='The lecture rounds it to 0.87.', source='004: 1256-1270'),
        Question('softmax-loss-example-1', 'Softmax (cross-entropy) loss of image 1, natural log',
                 -sp.log(softmax_probability(row, SVM_LABELS[0])), first,
                 {n: score_choices[n] for n in names}, decimals=2,
                 note='-ln 0.13 = 2.04 (the lecture).', source='004: 1256-1270'),
    ]
    jiggle = [real('t_%d' % j) for j in range(3)]
    for i, lecture in enumerate(([10, -2, 3], [10, 9, 9], [10, -100, -100]), start=1):
        questions.append(Question(
            'softmax-loss-scores-%d' % i, 'Softmax loss (natural log) of the scores {t}, the correct '
            'class first', -sp.log(softmax_probability(jiggle, 0)), values_of('t', lecture),
            {n: tuple(range(-10, 11)) for n in values_of('t', lecture)}, decimals=4,
            note='The SVM loss of all three is 0 and stays 0 when they move a little; the softmax '
                 'loss always wants more.', source='004: 1295-1310'))
    questions.append(Question(
        'svm-loss-scores', 'SVM loss (margin 1) of the scores {t}, the correct class first',
        svm_loss(jiggle, 0, 1), values_of('t', [10, 9, 9]),
        {n: tuple(range(-10, 11)) for n in values_of('t', [0, 0, 0])}, source='004: 1295-1310'))
    W = symbol_matrix('W', 3, 4)
    xs, bs = sp.Matrix(symbol_vector('x', 4)), sp.Matrix(symbol_vector('b', 3))
    test, train = symbol_matrix('a', 4, 4), symbol_matrix('c', 4, 4)
    images = dict(values_of('a', [[56, 32, 10, 18], [90, 23, 128, 133], [24, 26, 178, 200], [2, 0, 255, 220]]),
                  **values_of('c', [[10, 20, 24, 17], [8, 10, 89, 100], [12, 16, 178, 170], [4, 32, 233, 112]]))
    pixel_choices = {n: PIXELS for n in images}
    questions += [
        Question('linear-score-example', 'Scores f = Wx + b (cat, dog, ship) of the linear '
                 'classifier W = {W}, b = {b} for the image x = {x}',
                 sp.ImmutableMatrix(W * xs + bs),
                 dict(values_of('W', [['0.2', '-0.5', '0.1', '2.0'], ['1.5', '1.3', '2.1', '0.0'],
                                      ['0', '0.25', '0.2', '-0.3']]),
                      **values_of('x', [56, 231, 24, 2]), **values_of('b', ['1.1', '3.2', '-1.2'])),
                 {n: PIXELS for n in values_of('x', [0] * 4)},
                 note='The slide prints 61.95 for the ship: that is W x without its bias -1.2.',
                 source='004: 650-690'),
        Question('l1-distance-example', 'L1 distance between the test image {a} and the training '
                 'image {c}', sum(sp.Abs(test[i] - train[i]) for i in range(16)), images,
                 pixel_choices, positive_integer_result, source='004: 330-349'),
        Question('l2-distance-example', 'L2 (Euclidean) distance between the same two images',
                 sp.sqrt(sum((test[i] - train[i]) ** 2 for i in range(16))), images, pixel_choices,
                 decimals=2, source='004: 430-433'),
        Question('nn-train-accuracy', 'Accuracy (in %) of the 1-nearest-neighbour classifier on '
                 'its own training set of distinct images', sp.Integer(100), {},
                 unit='percent', note='Every training image is its own nearest neighbour.',
                 source='004: 485-495'),
    ]
    return questions


def graph_questions():
    x, y, z = real('x'), real('y'), real('z')
    f = (x + y) * z
    nonzero = tuple(v for v in range(-9, 10) if v)
    choices = {'x': nonzero, 'y': nonzero, 'z': nonzero}
    lecture = {'x': -2, 'y': 5, 'z': -4}
    source = '004: 1960-2080'
    questions = [Question('graph-add-mul', 'f(x, y, z) = (x + y) z', f, lecture, choices,
                          source=source),
                 Question('graph-add-mul-q', 'q = x + y in f = q z', x + y,
                          {n: lecture[n] for n in ('x', 'y')}, {n: nonzero for n in ('x', 'y')},
                          source=source)]
    for v in (x, y, z):
        df = sp.diff(f, v)  # (x + y) z: df/dx = df/dy = z, df/dz = x + y
        used = sorted(s.name for s in df.free_symbols)  # sorted: sets have no stable order
        questions.append(Question('graph-add-mul-df-d%s' % v.name, 'df/d%s of (x + y) z' % v.name,
                                  df, {n: lecture[n] for n in used}, {n: nonzero for n in used},
                                  source=source))
    w0, x0, w1, x1, w2 = (real(n) for n in ('w0', 'x0', 'w1', 'x1', 'w2'))
    dot = w0 * x0 + w1 * x1 + w2
    g = 1 / (1 + sp.exp(-dot))
    sigmoid_lecture = {'w0': 2, 'x0': -1, 'w1': -3, 'x1': -2, 'w2': -3}
    small = tuple(range(-3, 4))
    source = '004: 2200-2300'
    questions.append(Question(
        'graph-sigmoid', 'f(w, x) = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2)))', g, sigmoid_lecture,
        {n: small for n in sigmoid_lecture}, decimals=2, source=source))
    questions.append(Question(
        'graph-sigmoid-df-ddot', 'df/d(w0 x0 + w1 x1 + w2) of the sigmoid neuron: the gradient '
        'at the dot product', (g * (1 - g)), sigmoid_lecture, {n: small for n in sigmoid_lecture},
        decimals=2, note='sigma(1 - sigma) = 0.20 (the lecture rounds it to 0.2).', source=source))
    for v in (w0, x0, w1, x1, w2):
        questions.append(Question(
            'graph-sigmoid-df-d%s' % v.name, 'df/d%s of the sigmoid neuron' % v.name,
            sp.diff(g, v), sigmoid_lecture, {n: small for n in sigmoid_lecture}, decimals=1,
            note='The lecture multiplies by 0.2: x1 -> -3 x 0.2 = -0.6, w1 -> -2 x 0.2 = -0.4.',
            source=source))
    u = positive('u')
    questions.append(Question(
        'inverse-gate-grad', 'Local gradient d(1/u)/du of the 1/x gate at u', sp.diff(1 / u, u),
        {'u': '1.37'}, {'u': tenths(1, 5)}, decimals=2, ask_formula=True,
        note='The sigmoid neuron\'s backward pass: -1/1.37^2 = -0.53.', source='004: 2131-2282'))
    return questions


def numerical_derivative_questions():
    L0, L1, h = real('L_W'), real('L_W_plus_h'), positive('h')
    plus = tuple(sp.Rational(n, 100000) for n in range(125300, 125401))
    questions = []
    for i, after in enumerate(('1.25322', '1.25353', '1.25347')):
        questions.append(Question(
            'numerical-derivative' + ('-%d' % (i + 1) if i else ''), 'Numerical derivative: the '
            'loss goes from L_W to L_W_plus_h when one weight grows by h', (L1 - L0) / h,
            {'L_W': '1.25347', 'L_W_plus_h': after, 'h': '0.0001'}, {'L_W_plus_h': plus},
            ask_formula=not i, note='The lecture: %s' % ('-2.5', '0.6', '0.0')[i],
            source='004: 1400-1660'))
    return questions


def homework_derivation_questions():
    """The homework's derivations (002), asked so that its wrong forms are wrong: the answer is a
    vector or a matrix of expressions in the question's names, checked entry by entry."""
    x, g, w = symbol_vector('x', 5), symbol_vector('g', 3), symbol_vector('w', 3)
    dz = real('dz')
    fc_w = symbol_vector('w', 4, start=1)     # the homework's w_1 ... w_4
    p3 = symbol_matrix('p', 2, 2)
    G = symbol_matrix('g', 2, 2)
    upsampled = sp.ImmutableMatrix(4, 4, lambda i, j: G[i // 2, j // 2] / 4)
    integers = tuple(v for v in range(-5, 6) if v)
    return [
        Question('conv1d-weight-grad', 'A 1-D convolution z_i = w_0 x_i + w_1 x_(i+1) + w_2 x_(i+2), '
                 'i = 0, 1, 2, of x = {x}; the upstream gradients g_i = dL/dz_i are {g}. The gradient '
                 '[dL/dw_0, dL/dw_1, dL/dw_2]',
                 sp.ImmutableMatrix([sum(g[i] * x[i + j] for i in range(3)) for j in range(3)]),
                 dict(values_of('x', [1, 2, 0, -1, 3]), **values_of('g', [1, -2, 1])),
                 {n: integers for n in list(values_of('x', [0] * 5)) + list(values_of('g', [0] * 3))},
                 ask_formula=True, names=tuple(s.name for s in w),
                 note='dL/dw_j = sum_i g_i x_(i+j): the input correlated with the upstream gradient '
                      '(no w in it).', source='002: 63-82'),
        Question('fc-input-grad', 'A fully connected output z = w_1 f_1 + w_2 f_2 + w_3 f_3 + w_4 f_4 '
                 '+ b with [w_1, w_2, w_3, w_4] = {w} and upstream gradient dz = dL/dz: the gradient '
                 '[dL/df_1, dL/df_2, dL/df_3, dL/df_4]', sp.ImmutableMatrix([dz * wi for wi in fc_w]),
                 dict({'dz': 3}, **values_of('w', [1, -1, 3, 2], start=1)),
                 dict({'dz': integers}, **{n: integers for n in values_of('w', [0] * 4, start=1)}),
                 ask_formula=True, source='002: 100-118'),
        Question('fc-grad-reshape', 'The 2 x 2 map p = [[p_0_0, p_0_1], [p_1_0, p_1_1]] is flattened '
                 'row by row into [f_1, f_2, f_3, f_4] = [p_0_0, p_0_1, p_1_0, p_1_1] and fed to that '
                 'fully connected layer ([w_1, w_2, w_3, w_4] = {w}, upstream gradient dz): the gradient '
                 'dL/dp as a 2 x 2 matrix',
                 sp.ImmutableMatrix(2, 2, lambda i, j: dz * fc_w[2 * i + j]),
                 dict({'dz': 3}, **values_of('w', [1, -1, 3, 2], start=1)),
                 dict({'dz': integers}, **{n: integers for n in values_of('w', [0] * 4, start=1)}),
                 ask_formula=True, names=tuple(s.name for s in p3),
                 note='Reshape the gradient dz * w to p\'s shape: it does not depend on p.',
                 source='002: 100-118'),
        Question('avgpool-backward', 'A 2 x 2 average pooling with stride 2 turns a 4 x 4 map into '
                 'a 2 x 2 one; its upstream gradient is {g}. The gradient with respect to the 4 x 4 '
                 'input', upsampled, values_of('g', [[4, 8], [-4, 12]]),
                 {n: tuple(range(-12, 13, 4)) for n in values_of('g', [[0] * 2] * 2)},
                 ask_formula=True,
                 note='Each upstream value, divided by 4, fills its own 2 x 2 window.',
                 source='002: 120-128'),
        Question('unet-bottleneck-size', 'Spatial size at the bottom of a U-Net encoder: an N x N '
                 'input halved by k 2 x 2 max-pools', size('N') / 2 ** size('k'), {'N': 256, 'k': 4},
                 {'N': (128, 256, 512, 572), 'k': (2, 3, 4)}, positive_integer_result,
                 ask_formula=True, source='002: 37-47'),
        Question('unet-conv-params', 'Parameters of a U-Net 3 x 3 conv from C_in to C_out channels '
                 '(filters F x F x C_in, with biases)', conv_params(size('C_in'), size('C_out'), size('F')),
                 {'F': 3, 'C_in': 64, 'C_out': 128}, {'F': (3,), 'C_in': (64, 128, 256, 512),
                                                     'C_out': (128, 256, 512, 1024)},
                 positive_integer_result, source='002: 49'),
        Question('transposed-output-size', 'Output size of a transposed convolution ("up-'
                 'convolution") of an N x N input with F x F filters, stride S, padding P',
                 (size('N') - 1) * size('S') - 2 * count('P') + size('F'),
                 {'N': 16, 'F': 2, 'S': 2, 'P': 0},
                 {'N': (4, 8, 16, 32), 'F': (2, 3, 4), 'S': (1, 2), 'P': (0, 1)},
                 positive_integer_result, ask_formula=True,
                 note='U-Net doubles 16 x 16 to 32 x 32; DCGAN\'s 4 x 4, stride 2, pad 1 doubles too.',
                 source='002: 55-61'),
        Question('deformable-offsets', 'Offsets a deformable convolution with F x F kernels learns '
                 'at every output position', 2 * size('F') ** 2, {'F': 3}, {'F': (3, 5, 7)},
                 positive_integer_result, ask_formula=True, source='002: 306-318'),
        Question('pixelcnn-mask-a-taps', 'Taps of an F x F PixelCNN mask A that are kept (rows above '
                 'the centre, and left of it in its row; the centre masked)',
                 (size('F') ** 2 - 1) / 2, {'F': 5}, {'F': (3, 5, 7)}, positive_integer_result,
                 ask_formula=True, source='002: 433-449'),
        Question('pixelcnn-mask-b-taps', 'Taps of an F x F PixelCNN mask B that are kept (the '
                 'centre kept too)', (size('F') ** 2 + 1) / 2, {'F': 5}, {'F': (3, 5, 7)},
                 positive_integer_result, source='002: 433-449'),
        Question('separable-params', 'Parameters of a depthwise-separable convolution (F x F '
                 'depthwise, then 1 x 1 from C_in to C_out channels), no biases',
                 size('F') ** 2 * size('C_in') + size('C_in') * size('C_out'),
                 {'F': 3, 'C_in': 512, 'C_out': 512},
                 {'F': (3, 5), 'C_in': (32, 64, 128, 256, 512), 'C_out': (64, 128, 256, 512, 1024)},
                 positive_integer_result, ask_formula=True,
                 note='MobileNet, Table 3: 266,752 against 2,359,296 for the full 3 x 3 conv.',
                 source='003: 127'),
        Question('separable-macs-percent', 'Multiply-adds of a depthwise-separable convolution as a '
                 'percentage of those of the full F x F convolution (C_out output channels)',
                 100 * (1 / size('C_out') + 1 / size('F') ** 2), {'F': 3, 'C_out': 512},
                 {'F': (3, 5), 'C_out': (64, 128, 256, 512, 1024)}, decimals=1, unit='percent',
                 note='1/C_out + 1/F^2: about 11.3% for MobileNet\'s 3 x 3, 512 channels.',
                 source='003: 127'),
    ]


def build_questions():
    """{id: Question} for every analytic question, in the course's order."""
    questions = (conv_questions() + memory_questions() + receptive_field_questions()
                 + inception_questions() + densenet_questions() + resnet_questions()
                 + training_questions() + schedule_questions() + activation_questions()
                 + network_questions() + classifier_questions() + graph_questions()
                 + numerical_derivative_questions() + homework_derivation_questions())
    registry = {}
    for q in questions:
        if q.id in registry:
            raise ValueError('duplicate question id %s' % q.id)
        registry[q.id] = q
    return registry


QUESTIONS = build_questions()
