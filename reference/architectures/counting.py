"""Counting an architecture from its spec (specs.py says what a spec is): output shape, parameters,
multiply-adds, depth in weight layers, size in bytes.

Plain arithmetic only (+, -, *, //): every function also works when a number in the spec or the
input shape is a sympy symbol (the course's answer key calls them with the number of classes, or
the input size, as a symbol).
"""


def _opts(layer, n):
    """The options dict of a layer whose positional fields are layer[1:n] (empty when absent)."""
    return layer[n] if len(layer) > n else {}


def _pair(v):
    return (v[0], v[1]) if isinstance(v, (tuple, list)) else (v, v)


def _size(H, K, S, P):
    return (H + 2 * P - K) // S + 1


def _window(shape, K, S, P):
    """(H_out, W_out) of a K x K window (stride S, padding P) on a (C, H, W) input."""
    (kh, kw), (ph, pw) = _pair(K), _pair(P)
    return _size(shape[1], kh, S, ph), _size(shape[2], kw, S, pw)


def _layer(layer, shape, moving_stats):
    """(output shape, parameters, multiply-adds) of one layer on an input of `shape`."""
    kind = layer[0]
    if kind in ('branches', 'residual'):
        paths = layer[1] if kind == 'branches' else (layer[1], layer[2])
        counts = [_walk(p, shape, moving_stats) for p in paths]
        outs = [c[0] for c in counts]
        if any(len(o) != 3 or o[1:] != outs[0][1:] for o in outs):
            raise ValueError('%s: the paths end with different sizes %s' % (kind, outs))
        if kind == 'residual' and outs[0] != outs[1]:
            raise ValueError('residual: main path gives %s, shortcut %s; they must be equal' % tuple(outs))
        out = (sum(o[0] for o in outs),) + outs[0][1:] if kind == 'branches' else outs[0]
        return out, sum(c[1] for c in counts), sum(c[2] for c in counts)
    if kind == 'flatten':
        return (shape[0] * shape[1] * shape[2],), 0, 0
    if kind == 'linear':
        D_out, bias = layer[1], _opts(layer, 2).get('bias', True)
        return (D_out,), (shape[0] + (1 if bias else 0)) * D_out, shape[0] * D_out
    C = shape[0]
    if kind == 'bn':
        opts = _opts(layer, 1)
        per_channel = (1 if opts.get('scale', True) else 0) + (1 if opts.get('center', True) else 0)
        return shape, (per_channel + (2 if moving_stats else 0)) * C, 0
    if kind == 'gap':
        return (C, 1, 1), 0, 0
    if kind in ('maxpool', 'avgpool'):
        return (C,) + _window(shape, layer[1], layer[2], layer[3]), 0, 0
    if kind == 'conv':
        C_out, K, S, P = layer[1:5]
        opts = _opts(layer, 5)
        groups, bias = opts.get('groups', 1), opts.get('bias', True)
        if C % groups or C_out % groups:
            raise ValueError('conv: %s input and %s output channels are not divisible by groups=%s' % (C, C_out,
                                                                                                       groups))
        kh, kw = _pair(K)
        H, W = _window(shape, K, S, P)
        per_output = C // groups * kh * kw
        return (C_out, H, W), (per_output + (1 if bias else 0)) * C_out, H * W * C_out * per_output
    if kind == 'dwconv':
        K, S, P = layer[1:4]
        opts = _opts(layer, 4)
        C_out = C * opts.get('multiplier', 1)
        kh, kw = _pair(K)
        H, W = _window(shape, K, S, P)
        bias = 1 if opts.get('bias', True) else 0
        return (C_out, H, W), (kh * kw + bias) * C_out, H * W * C_out * kh * kw
    if kind == 'sepconv':
        C_out, K, S, P = layer[1:5]
        kh, kw = _pair(K)
        H, W = _window(shape, K, S, P)
        bias = 1 if _opts(layer, 5).get('bias', True) else 0
        params = kh * kw * C + (C + bias) * C_out
        return (C_out, H, W), params, H * W * C * (kh * kw + C_out)
    raise ValueError('unknown layer kind %r' % (kind,))


def _walk(spec, shape, moving_stats=False):
    """(output shape, parameters, multiply-adds) of a sequence of layers."""
    shape, params, macs = tuple(shape), 0, 0
    for layer in spec:
        shape, p, m = _layer(layer, shape, moving_stats)
        params, macs = params + p, macs + m
    return shape, params, macs


def output_shape(spec, input_shape=(3, 224, 224)):
    """The shape (C, H, W), or (D,) after a flatten, of the spec's output for one input of
    `input_shape`. Raises ValueError when branches or a residual's two paths do not fit together."""
    return _walk(spec, input_shape)[0]


def count_params(spec, input_shape=(3, 224, 224), moving_stats=False):
    """Learnable parameters: weights and biases, batch normalisation's gamma and beta where the layer
    has them; with moving_stats=True also BN's moving mean and variance (2 per channel), as Keras'
    "Total params" counts them."""
    return _walk(spec, input_shape, moving_stats)[1]


def count_macs(spec, input_shape=(3, 224, 224)):
    """Multiply-adds of one forward pass: for every convolution H_out * W_out * C_out * (C_in /
    groups) * kh * kw (a separable one: its depthwise and its 1x1 part), for every fully connected
    layer D_in * D_out. Biases, BN, pooling and additions are not counted."""
    return _walk(spec, input_shape)[2]


def weight_depth(spec):
    """Weight layers (convolutions and fully connected layers) on the longest path from the input to
    the output: what the papers call depth (VGG-16: 16). A separable convolution counts once (as in
    the Xception paper), a depthwise and a pointwise layer written separately count twice (as in the
    MobileNet paper)."""
    depth = 0
    for layer in spec:
        if layer[0] == 'branches':
            depth += max(weight_depth(p) for p in layer[1])
        elif layer[0] == 'residual':
            depth += max(weight_depth(layer[1]), weight_depth(layer[2]))
        elif layer[0] in ('conv', 'dwconv', 'sepconv', 'linear'):
            depth += 1
    return depth


def model_bytes(params, bytes_per_param=4):
    """Bytes needed to store `params` parameters (4 bytes each in float32)."""
    return params * bytes_per_param
