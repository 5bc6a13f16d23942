"""Every analytic question of the course, built from one symbolic source.

Where an assignment's reference has the formula (inception, densenet, resnet, dilation), the
expression here is obtained by CALLING that function with sympy symbols: the number a student
computes in the assignment and the number in the answer key come from the same code.

QUESTIONS is built at import with the reference modules' default course settings; call
build_questions() again after changing a setting (e.g. resnet's BOTTLENECK_VERSION).
"""
from contextlib import contextmanager

import sympy as sp

import reference.densenet.counting as densenet_counting
import reference.resnet.counting as resnet_counting
from reference.densenet.channels import dense_block_channels, transition_channels
from reference.dilation.formulas import (dilated_output_size, effective_kernel_size,
                                         receptive_field)
from reference.inception.flops import (conv_flops, conv_output_size, conv_params,
                                       inception_module_flops, inception_module_params)
from reference.resnet.vgg import VGG16, VGG16_FC, vgg_activations, vgg_layer_table

from .question import Question, is_non_integer, is_positive_integer, to_number


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


def conv_questions():
    N, F, S, C_in, K = size('N'), size('F'), size('S'), size('C_in'), size('K')
    P = count('P')
    out = conv_output_size(N, F, S, P)
    choices = {'N': SIZES, 'F': FILTERS, 'S': (1, 2, 3, 4), 'P': (0, 1, 2, 3)}
    return [
        Question('conv-output-size', 'Output size of an N x N input convolved with F x F '
                 'filters, stride S, zero padding P', out,
                 {'N': 7, 'F': 3, 'S': 2, 'P': 0}, choices, positive_integer_result),
        Question('conv-output-size-nonint', 'Can an F x F filter be applied with stride S to '
                 'an N x N input (padding P)? Compute (N + 2P - F)/S + 1', out,
                 {'N': 7, 'F': 3, 'S': 3, 'P': 0}, choices, positive_non_integer,
                 note="Not an integer: the filter doesn't fit (the lecture: 7x7 input, 3x3 "
                      "filter, stride 3)."),
        Question('conv-output-size-padded', 'Output size of a 32x32 input with 5x5 filters, '
                 'stride 1, pad 2', out, {'N': 32, 'F': 5, 'S': 1, 'P': 2}, choices,
                 positive_integer_result,
                 note="Padding P = (F - 1)/2 with stride 1 keeps the size."),
        Question('conv-params', 'Parameters of a layer of K filters of size F x F x C_in, with '
                 'biases', conv_params(C_in, K, F), {'F': 5, 'C_in': 3, 'K': 10},
                 {'F': FILTERS, 'C_in': CHANNELS, 'K': FILTER_COUNTS}, positive_integer_result),
        Question('conv-macs', 'Multiply-adds of that layer on an N x N x C_in input (stride S, '
                 'pad P)', conv_flops(out, out, C_in, K, F),
                 {'N': 32, 'F': 5, 'S': 1, 'P': 2, 'C_in': 3, 'K': 10},
                 {'N': (8, 16, 28, 32, 56, 64), 'F': FILTERS, 'S': (1, 2), 'P': (0, 1, 2, 3),
                  'C_in': CHANNELS, 'K': FILTER_COUNTS}, positive_integer_result),
    ]


def memory_questions():
    S, b, K = size('S'), size('b'), size('K')
    values = vgg_activations(VGG16, VGG16_FC, S)
    note = ('The rows of the lecture table sum to 15,237,608 values, about 61 MB in float32 '
            '(forward only; about twice that with the backward pass). The "24M ~= 96 MB" total '
            'printed under that table does not match its own rows.')
    return [
        Question('vgg16-activations', 'Values stored by a forward pass of VGG-16 on one S x S '
                 'RGB image (the lecture table, input row included)', values, {'S': 224},
                 {'S': MULTIPLES_OF_32}, positive_integer_result, note=note),
        Question('vgg16-activation-bytes', 'Bytes of those activations with b bytes per value',
                 values * b, {'S': 224, 'b': 4}, {'S': MULTIPLES_OF_32, 'b': (2, 4, 8)},
                 positive_integer_result, note=note),
        Question('vgg16-params', 'Parameters of VGG-16 (weights and biases) with K classes',
                 sum(r['params'] for r in vgg_layer_table(VGG16, VGG16_FC[:-1] + (K,), 224)),
                 {'K': 1000}, {'K': (10, 100, 200, 1000)}, positive_integer_result),
    ]


def receptive_field_questions():
    F, D, N, S = size('F'), size('D'), size('N'), size('S')
    P = count('P')
    return [
        Question('rf-two-convs', 'Receptive field of two stacked F x F convolutions (stride 1)',
                 receptive_field([(F, 1, 1), (F, 1, 1)]), {'F': 3}, {'F': (3, 5, 7)},
                 positive_integer_result, note='Two 3x3 convs see as much as one 5x5.'),
        Question('rf-three-convs', 'Receptive field of three stacked F x F convolutions '
                 '(stride 1)', receptive_field([(F, 1, 1), (F, 1, 1), (F, 1, 1)]), {'F': 3}, {'F': (3, 5, 7)},
                 positive_integer_result, note='Three 3x3 convs see as much as one 7x7.'),
        Question('dilated-effective-kernel', 'Effective size of an F x F kernel with dilation D',
                 effective_kernel_size(F, D), {'F': 3, 'D': 2},
                 {'F': (3, 5), 'D': (1, 2, 3, 4)}, positive_integer_result),
        Question('dilated-output-size', 'Output size of an N x N input, F x F kernel, '
                 'dilation D, stride S, padding P', dilated_output_size(N, F, D, S, P),
                 {'N': 32, 'F': 3, 'D': 2, 'S': 1, 'P': 2},
                 {'N': SIZES, 'F': (3, 5), 'D': (1, 2, 3, 4), 'S': (1, 2), 'P': (0, 1, 2, 3, 4)},
                 positive_integer_result),
        Question('rf-dilated-stack', 'Receptive field of three F x F convolutions (stride 1) '
                 'with dilations 1, D, D^2',
                 receptive_field([(F, 1, 1), (F, D, 1), (F, D ** 2, 1)]), {'F': 3, 'D': 2},
                 {'F': (3, 5), 'D': (2, 3)}, positive_integer_result,
                 note='Dilations 1, 2, 4 with 3x3 kernels: 3, 7, 15 (Yu & Koltun).'),
    ]


def inception_questions():
    H, C_in, C_r, C_out, F = size('H'), size('C_in'), size('C_r'), size('C_out'), size('F')
    naive = conv_flops(H, H, C_in, C_out, F)
    bottleneck = conv_flops(H, H, C_in, C_r, 1) + conv_flops(H, H, C_r, C_out, F)
    saving = sp.simplify(1 - bottleneck / naive)  # H cancels
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
    return [
        Question('inception-naive-macs', 'Multiply-adds of an F x F conv (same padding) from '
                 'H x H x C_in to C_out channels', naive,
                 {k: v for k, v in lecture.items() if k != 'C_r'},
                 {k: v for k, v in choices.items() if k != 'C_r'}, positive_integer_result),
        Question('inception-bottleneck-macs', 'The same with a 1x1 conv to C_r channels first',
                 bottleneck, lecture, choices, positive_integer_result),
        Question('inception-bottleneck-saving', 'Fraction of the multiply-adds the bottleneck '
                 'saves', saving, only(lecture, saving), only(choices, saving),
                 lambda x: bool(x.is_Rational and x < 1), decimals=3,
                 note='About 89.7% fewer multiply-adds in the lecture example.'),
        Question('inception-3a-channels', "Output channels of an Inception module "
                 "(GoogLeNet's 3a: 64; 96->128; 16->32; pool->32)", counts['out_channels'],
                 {k: inception_3a[k] for k in ('c1', 'c3', 'c5', 'pool_proj')},
                 {k: module_choices[k] for k in ('c1', 'c3', 'c5', 'pool_proj')},
                 positive_integer_result),
        Question('inception-3a-macs', 'Multiply-adds of that module on H x H x C_in',
                 counts['total'], inception_3a, module_choices, positive_integer_result,
                 note='GoogLeNet Table 1 rounds this to "128M" for inception (3a).'),
        Question('inception-3a-params', 'Parameters of that module (convolutions with biases)',
                 params['total'], {k: v for k, v in inception_3a.items() if k != 'H'},
                 {k: v for k, v in module_choices.items() if k != 'H'}, positive_integer_result,
                 note='GoogLeNet Table 1 prints 159K for inception (3a); its own row gives '
                      '163,696 with biases (163,328 without).'),
    ]


def densenet_questions():
    c0, k, L, K = size('c0'), size('k'), size('L'), size('K')
    half = sp.Rational(1, 2)
    config = dict(densenet_counting.DENSENET121, growth_rate=k, num_classes=K, compression=half)
    with setting(densenet_counting, COUNT_BN_MOVING_STATS=False):
        params = densenet_counting.densenet_params(config)
    return [
        Question('densenet-block-channels', 'Channels after a dense block: c0 inputs, L layers, '
                 'growth rate k', dense_block_channels(c0, k, L), {'c0': 32, 'k': 24, 'L': 3},
                 {'c0': (16, 24, 32, 48, 64), 'k': (12, 16, 24, 32, 40, 48),
                  'L': tuple(range(2, 25))}, positive_integer_result),
        Question('densenet-transition-channels', 'Channels after that block and a transition '
                 'with compression 1/2', transition_channels(dense_block_channels(c0, k, L), half),
                 {'c0': 64, 'k': 32, 'L': 6},
                 {'c0': (16, 24, 32, 48, 64), 'k': (12, 16, 24, 32, 40, 48),
                  'L': tuple(range(2, 25))}, positive_integer_result),
        Question('densenet121-params', 'Parameters of DenseNet-121 (torchvision convention) '
                 'with growth rate k and K classes', sp.expand(params), {'k': 32, 'K': 1000},
                 {'k': (12, 16, 24, 32, 48), 'K': (10, 100, 1000)}, positive_integer_result),
    ]


def resnet_questions():
    K, S = size('K'), size('S')
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
                macs, {'S': 224}, {'S': MULTIPLES_OF_32}, positive_integer_result))
    with setting(resnet_counting, CONV_BIAS=True, COUNT_BN_MOVING_STATS=True):
        keras = resnet_counting.resnet_params(50, num_classes=K)
    questions.append(Question(
        'resnet50-params-keras', "Parameters of Keras' ResNet50 (conv biases, BN moving "
        "statistics counted) with K classes", keras, {'K': 1000}, {'K': (10, 100, 1000)},
        positive_integer_result))
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
    drop_choices = {'p': PROBABILITIES, 'a': tuple(range(1, 11))}
    note = 'p is the probability of KEEPING a unit (CS231n 2018+).'
    return [
        Question('dropout-train-expectation', 'Expected output of a unit with activation a at '
                 'training time, dropout keeping it with probability p (not inverted)',
                 expectation([(p, a), (1 - p, 0)]), {'p': '0.5', 'a': 3}, drop_choices, note=note),
        Question('dropout-test-output', 'What the unit must output at test time to match that '
                 'expectation (not inverted)', p * a, {'p': '0.5', 'a': 3}, drop_choices,
                 note=note),
        Question('dropout-inverted-expectation', 'Expected training-time output with inverted '
                 'dropout (kept units divided by p)', expectation([(p, a / p), (1 - p, 0)]),
                 {'p': '0.5', 'a': 3}, drop_choices, note=note + ' Test time is the identity.'),
        Question('xavier-std', 'Xavier initialisation: standard deviation for fan-in fan_in',
                 1 / sp.sqrt(fan_in), {'fan_in': 512}, {'fan_in': FAN_INS}, decimals=4),
        Question('he-std', 'He (Kaiming) initialisation for ReLU: standard deviation',
                 sp.sqrt(2 / fan_in), {'fan_in': 512}, {'fan_in': FAN_INS}, decimals=4),
        Question('vanishing-gradient-bound', 'Bound on the gradient scale through L layers '
                 'whose Jacobians have largest singular value sigma', sigma ** L,
                 {'sigma': '0.9', 'L': 100},
                 {'sigma': tuple(map(to_number, ('0.5', '0.8', '0.9', '0.95', '0.99'))),
                  'L': (10, 20, 50, 100, 200)}, decimals=8),
        Question('adam-bias-correction-m', "Factor Adam's first moment is multiplied by at step "
                 "t (bias correction)", 1 / (1 - beta1 ** t), {'beta1': '0.9', 't': 1},
                 {'beta1': tuple(map(to_number, ('0.8', '0.9', '0.95'))),
                  't': tuple(range(1, 11))}),
        Question('adam-bias-correction-v', "Factor Adam's second moment is multiplied by at "
                 "step t", 1 / (1 - beta2 ** t), {'beta2': '0.999', 't': 1},
                 {'beta2': tuple(map(to_number, ('0.99', '0.999', '0.9999'))),
                  't': tuple(range(1, 11))}),
    ]


def svm_loss(scores, y, delta):
    """Multiclass SVM (hinge) loss of one example: sum over j != y of max(0, s_j - s_y + delta)."""
    return sum(sp.Max(0, s - scores[y] + delta) for j, s in enumerate(scores) if j != y)


def softmax_probability(scores, y):
    return sp.exp(scores[y]) / sum(sp.exp(s) for s in scores)


def classifier_questions():
    delta = positive('delta')
    scores = [[real('s_%d_%s' % (i, c)) for c in CLASSES] for i in range(1, 4)]
    values = {s.name: v for row, vals in zip(scores, SVM_SCORES) for s, v in zip(row, vals)}
    score_choices = {name: tenths(-5, 6) for name in values}
    losses = [svm_loss(row, y, delta) for row, y in zip(scores, SVM_LABELS)]
    questions = []
    for i, (row, loss) in enumerate(zip(scores, losses), start=1):
        names = [s.name for s in row]
        questions.append(Question(
            'svm-loss-example-%d' % i, 'Multiclass SVM loss of image %d (a %s), margin delta'
            % (i, CLASSES[SVM_LABELS[i - 1]]), loss,
            dict({n: values[n] for n in names}, delta=1),
            {n: score_choices[n] for n in names}))
    questions.append(Question(
        'svm-loss-mean', 'Mean SVM loss over the three images', sum(losses) / 3,
        dict(values, delta=1), score_choices))
    row, names = scores[0], [s.name for s in scores[0]]
    first = dict({n: values[n] for n in names})
    questions += [
        Question('softmax-probability-example-1', 'Softmax probability of the correct class '
                 '(cat) for image 1', softmax_probability(row, SVM_LABELS[0]), first,
                 {n: score_choices[n] for n in names}, decimals=3,
                 note='The lecture rounds it to 0.13.'),
        Question('softmax-loss-example-1', 'Softmax (cross-entropy) loss of image 1, natural log',
                 -sp.log(softmax_probability(row, SVM_LABELS[0])), first,
                 {n: score_choices[n] for n in names}, decimals=2,
                 note='-ln 0.13 = 2.04 (the lecture).'),
    ]
    return questions


def graph_questions():
    x, y, z = real('x'), real('y'), real('z')
    f = (x + y) * z
    nonzero = tuple(v for v in range(-9, 10) if v)
    choices = {'x': nonzero, 'y': nonzero, 'z': nonzero}
    lecture = {'x': -2, 'y': 5, 'z': -4}
    questions = [Question('graph-add-mul', 'f(x, y, z) = (x + y) z', f, lecture, choices)]
    for v in (x, y, z):
        df = sp.diff(f, v)  # (x + y) z: df/dx = df/dy = z, df/dz = x + y
        used = sorted(s.name for s in df.free_symbols)  # sorted: sets have no stable order
        questions.append(Question('graph-add-mul-df-d%s' % v.name, 'df/d%s of (x + y) z' % v.name,
                                  df, {n: lecture[n] for n in used}, {n: nonzero for n in used}))
    w0, x0, w1, x1, w2 = (real(n) for n in ('w0', 'x0', 'w1', 'x1', 'w2'))
    g = 1 / (1 + sp.exp(-(w0 * x0 + w1 * x1 + w2)))
    sigmoid_lecture = {'w0': 2, 'x0': -1, 'w1': -3, 'x1': -2, 'w2': -3}
    small = tuple(range(-3, 4))
    questions.append(Question(
        'graph-sigmoid', 'f(w, x) = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2)))', g, sigmoid_lecture,
        {n: small for n in sigmoid_lecture}, decimals=2))
    for v in (w0, x0, w1, x1, w2):
        questions.append(Question(
            'graph-sigmoid-df-d%s' % v.name, 'df/d%s of the sigmoid neuron' % v.name,
            sp.diff(g, v), sigmoid_lecture, {n: small for n in sigmoid_lecture}, decimals=2))
    return questions


def numerical_derivative_questions():
    L0, L1, h = real('L_W'), real('L_W_plus_h'), positive('h')
    plus = tuple(sp.Rational(n, 100000) for n in range(125300, 125401))
    return [Question('numerical-derivative', 'Numerical derivative: the loss goes from L_W to '
                     'L_W_plus_h when one weight grows by h', (L1 - L0) / h,
                     {'L_W': '1.25347', 'L_W_plus_h': '1.25322', 'h': '0.0001'},
                     {'L_W_plus_h': plus})]


def build_questions():
    """{id: Question} for every analytic question, in the course's order."""
    questions = (conv_questions() + memory_questions() + receptive_field_questions()
                 + inception_questions() + densenet_questions() + resnet_questions()
                 + training_questions() + classifier_questions() + graph_questions()
                 + numerical_derivative_questions())
    registry = {}
    for q in questions:
        if q.id in registry:
            raise ValueError('duplicate question id %s' % q.id)
        registry[q.id] = q
    return registry


QUESTIONS = build_questions()
