"""A dense block without BatchNorm, forward and backward in NumPy.

Layer l (l = 1..L) sees the concatenation of the block input and of every earlier layer's
output, applies ReLU and a 3x3 convolution (stride 1, pad 1) with k filters, and its k
feature maps are concatenated to the rest:
    x_l = conv3x3(relu([x_0, x_1, ..., x_{l-1}]))        block output [x_0, x_1, ..., x_L]
"""
import numpy as np

from .conv import conv_forward, conv_backward

CONV_PARAM = {'stride': 1, 'pad': 1}


def dense_block_forward(x, params):
    """
    Inputs:
    - x: (N, C0, H, W) block input
    - params: dict with, for l = 1..L, 'W%d' % l of shape (k, C0 + (l - 1) * k, 3, 3) and
      'b%d' % l of shape (k,)

    Returns a tuple of:
    - out: (N, C0 + L * k, H, W), the concatenation [x, x_1, ..., x_L] along channels
    - cache: whatever dense_block_backward needs
    """
    L = len(params) // 2
    features, caches = [x], []
    for l in range(1, L + 1):
        inp = np.concatenate(features, axis=1)
        y, conv_cache = conv_forward(np.maximum(inp, 0), params['W%d' % l], params['b%d' % l],
                                     CONV_PARAM)
        features.append(y)
        caches.append((inp, conv_cache))
    return np.concatenate(features, axis=1), (x.shape[1], caches)


def dense_block_backward(dout, cache):
    """
    Inputs:
    - dout: (N, C0 + L * k, H, W) upstream gradient
    - cache: from dense_block_forward

    Returns a tuple of:
    - dx: (N, C0, H, W) gradient with respect to the block input
    - grads: dict with 'W%d' and 'b%d' for l = 1..L, shaped like params
    """
    C0, caches = cache
    dout = dout.copy()  # d(block output); gradients of earlier features accumulate here
    grads = {}
    for l in range(len(caches), 0, -1):
        inp, conv_cache = caches[l - 1]
        c = inp.shape[1]  # channels before x_l: x_l occupies [c, c + k)
        k = conv_cache[1].shape[0]
        da, grads['W%d' % l], grads['b%d' % l] = conv_backward(dout[:, c:c + k], conv_cache)
        dout[:, :c] += da * (inp > 0)
    return dout[:, :C0], grads
