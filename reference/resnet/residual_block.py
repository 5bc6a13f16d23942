"""A basic residual block (He et al. 2016) without BatchNorm, forward and backward in NumPy.

    out = relu(F(x) + shortcut(x)),   F(x) = conv3x3(relu(conv3x3_stride(x)))

The first 3x3 conv has stride `stride` (2 where the block halves the spatial size and doubles
the channels); the second has stride 1; both pad 1. The shortcut is the identity when the
shapes match, else a 1x1 projection conv with the same stride (pad 0): it is used exactly when
params contains 'Ws' and 'bs'. ReLU comes *after* the addition.
"""
import numpy as np

from .conv import conv_forward, conv_backward


def residual_block_forward(x, params, stride=1):
    """
    Inputs:
    - x: (N, C, H, W) input
    - params: dict with
      'W1' (F, C, 3, 3), 'b1' (F,): first conv (stride `stride`, pad 1)
      'W2' (F, F, 3, 3), 'b2' (F,): second conv (stride 1, pad 1)
      optional 'Ws' (F, C, 1, 1), 'bs' (F,): projection shortcut (stride `stride`, pad 0);
      without them the shortcut is the identity, which needs F == C and stride == 1
    - stride: 1 or 2

    Returns a tuple of:
    - out: (N, F, H', W') with H' = 1 + (H - 1) // stride
    - cache: whatever residual_block_backward needs
    """
    h, cache1 = conv_forward(x, params['W1'], params['b1'], {'stride': stride, 'pad': 1})
    a = np.maximum(h, 0)
    r, cache2 = conv_forward(a, params['W2'], params['b2'], {'stride': 1, 'pad': 1})
    if 'Ws' in params:
        s, cache_s = conv_forward(x, params['Ws'], params['bs'], {'stride': stride, 'pad': 0})
    else:
        if stride != 1 or params['W2'].shape[0] != x.shape[1]:
            raise ValueError('an identity shortcut needs stride 1 and as many output channels '
                             'as input channels; give a projection Ws, bs')
        s, cache_s = x, None
    z = r + s
    return np.maximum(z, 0), (h, z, cache1, cache2, cache_s)


def residual_block_backward(dout, cache):
    """
    Inputs:
    - dout: (N, F, H', W') upstream gradient
    - cache: from residual_block_forward

    Returns a tuple of:
    - dx: (N, C, H, W)
    - grads: dict with the same keys and shapes as params
    """
    h, z, cache1, cache2, cache_s = cache
    dz = dout * (z > 0)
    grads = {}
    da, grads['W2'], grads['b2'] = conv_backward(dz, cache2)
    dx, grads['W1'], grads['b1'] = conv_backward(da * (h > 0), cache1)
    if cache_s is None:
        dx = dx + dz  # the identity term: the upstream gradient passes straight through
    else:
        dxs, grads['Ws'], grads['bs'] = conv_backward(dz, cache_s)
        dx = dx + dxs
    return dx, grads
