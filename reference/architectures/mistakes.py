"""Classic counting mistakes, as spec rewrites (grading side: the hints of the architectures suite).

A student's count that equals the correct count of a rewritten spec names the mistake: e.g. equal to
the count of the spec with every `groups` removed means the groups were ignored. The suite words the
hint (grader/suites/architectures.py, translated there).
"""
from .counting import count_macs, count_params


def _rewrite(spec, change):
    """The spec with change(layer) applied to every layer (inside branches and residuals too)."""
    out = []
    for layer in spec:
        if layer[0] == 'branches':
            layer = ('branches', tuple(_rewrite(p, change) for p in layer[1]))
        elif layer[0] == 'residual':
            layer = ('residual', _rewrite(layer[1], change), _rewrite(layer[2], change))
        out.append(change(layer))
    return tuple(out)


def _opts(layer, n, **new):
    return layer[:n] + (dict(layer[n] if len(layer) > n else {}, **new),)


def _no_groups(layer):
    if layer[0] == 'conv':
        return _opts(layer, 5, groups=1)
    return layer


def _biases_everywhere(layer):
    if layer[0] in ('conv', 'sepconv'):
        return _opts(layer, 5, bias=True)
    if layer[0] == 'dwconv':
        return _opts(layer, 4, bias=True)
    if layer[0] == 'linear':
        return _opts(layer, 2, bias=True)
    return layer


def _full_bn(layer):
    return ('bn',) if layer[0] == 'bn' else layer


def _separable_as_full_conv(layer):
    if layer[0] == 'sepconv':
        return ('conv',) + tuple(layer[1:5]) + tuple(layer[5:6])
    return layer


REWRITES = {'groups_ignored': _no_groups, 'bias_ignored': _biases_everywhere, 'bn_scale_ignored': _full_bn,
            'separable_as_full': _separable_as_full_conv}


def explain_params(student, spec, input_shape, moving_stats):
    """The names of the classic mistakes whose count `student` equals ('moving_stats', keys of REWRITES): several
    when they give the same count (Inception-V3's convolutions without bias each feed a BN without gamma)."""
    if student == count_params(spec, input_shape, not moving_stats):
        return ['moving_stats']
    return [name for name, change in REWRITES.items()
            if _rewrite(spec, change) != tuple(spec)
            and student == count_params(_rewrite(spec, change), input_shape, moving_stats)]


def explain_macs(student, spec, input_shape):
    return [name for name in ('groups_ignored', 'separable_as_full')
            if _rewrite(spec, REWRITES[name]) != tuple(spec)
            and student == count_macs(_rewrite(spec, REWRITES[name]), input_shape)]
