"""torch oracle of the counts (grading side): a spec built as a real torch.nn.Module on the "meta" device.

Meta tensors have shapes and no storage, so VGG-19's 144 M parameters cost nothing to build and a
forward pass on a (1, C, H, W) meta input only propagates shapes. The oracle measures what torch
sees, independently of the arithmetic in counting.py:
- parameters: numel() of model.parameters() (+ BN's running_mean and running_var buffers when the
  moving statistics count);
- multiply-adds: forward hooks on every nn.Conv2d (output elements x C_in/groups x kh x kw) and
  nn.Linear (output elements x in_features);
- output shape: the forward pass itself;
- depth: torch.fx traces the model; the longest path through the traced graph counts its
  convolutions, separable convolutions (one each, as the Xception paper does) and linear layers.
"""
import torch
import torch.nn.functional as F
from torch import fx, nn


class BatchNorm(nn.Module):
    """Batch normalisation with gamma and/or beta as the spec says (Keras' scale/center)."""

    def __init__(self, C, scale=True, center=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(C)) if scale else None
        self.bias = nn.Parameter(torch.zeros(C)) if center else None
        self.register_buffer('running_mean', torch.zeros(C))
        self.register_buffer('running_var', torch.ones(C))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False)


class Separable(nn.Module):
    """Keras' SeparableConv2D: depthwise (no bias), then 1 x 1."""

    def __init__(self, C, C_out, K, S, P, bias):
        super().__init__()
        self.depthwise = nn.Conv2d(C, C, K, S, P, groups=C, bias=False)
        self.pointwise = nn.Conv2d(C, C_out, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class Branches(nn.Module):
    def __init__(self, paths):
        super().__init__()
        self.paths = nn.ModuleList(paths)

    def forward(self, x):
        return torch.cat([p(x) for p in self.paths], 1)


class Residual(nn.Module):
    def __init__(self, main, shortcut):
        super().__init__()
        self.main, self.shortcut = main, shortcut

    def forward(self, x):
        return self.main(x) + self.shortcut(x)


def _tuple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else v


def _opts(layer, n):
    return layer[n] if len(layer) > n else {}


def _module(layer, C):
    """(module, output channels) for one layer on C input channels."""
    kind = layer[0]
    if kind == 'conv':
        opts = _opts(layer, 5)
        return nn.Conv2d(C, layer[1], _tuple(layer[2]), layer[3], _tuple(layer[4]), groups=opts.get('groups', 1),
                         bias=opts.get('bias', True)), layer[1]
    if kind == 'dwconv':
        opts = _opts(layer, 4)
        C_out = C * opts.get('multiplier', 1)
        return nn.Conv2d(C, C_out, _tuple(layer[1]), layer[2], _tuple(layer[3]), groups=C,
                         bias=opts.get('bias', True)), C_out
    if kind == 'sepconv':
        return Separable(C, layer[1], _tuple(layer[2]), layer[3], _tuple(layer[4]),
                         _opts(layer, 5).get('bias', True)), layer[1]
    if kind == 'bn':
        opts = _opts(layer, 1)
        return BatchNorm(C, opts.get('scale', True), opts.get('center', True)), C
    if kind in ('maxpool', 'avgpool'):
        pool = nn.MaxPool2d if kind == 'maxpool' else nn.AvgPool2d
        return pool(_tuple(layer[1]), layer[2], _tuple(layer[3])), C
    if kind == 'gap':
        return nn.AdaptiveAvgPool2d(1), C
    if kind == 'flatten':
        return nn.Flatten(), None      # the channel count of a flattened input is set by build()
    if kind == 'linear':
        return nn.LazyLinear(layer[1], bias=_opts(layer, 2).get('bias', True)), layer[1]
    if kind == 'branches':
        built = [build_sequence(p, C) for p in layer[1]]
        return Branches([b for b, _ in built]), sum(c for _, c in built)
    if kind == 'residual':
        (main, C_main), (short, _) = build_sequence(layer[1], C), build_sequence(layer[2], C)
        return Residual(main, short), C_main
    raise ValueError('unknown layer kind %r' % (kind,))


def build_sequence(spec, C):
    modules = []
    for layer in spec:
        module, C = _module(layer, C)
        modules.append(module)
    return nn.Sequential(*modules), C


def build(spec, input_shape):
    """The spec as an nn.Module on the meta device, its lazy linear layers sized by one meta forward."""
    with torch.device('meta'):
        model, _ = build_sequence(spec, input_shape[0])
        model(torch.empty((1,) + tuple(input_shape)))
    return model


def _depth(model):
    """Weight layers on the longest path of the traced graph."""
    weights = (nn.Conv2d, nn.Linear, Separable)

    class Tracer(fx.Tracer):
        def is_leaf_module(self, m, name):
            return isinstance(m, weights + (BatchNorm,)) or super().is_leaf_module(m, name)

    graph = Tracer().trace(model)
    depth = {}
    for node in graph.nodes:
        before = max((depth[a] for a in node.all_input_nodes), default=0)
        layer = node.op == 'call_module' and isinstance(model.get_submodule(node.target), weights)
        depth[node] = before + (1 if layer else 0)
    return max(depth.values())


def measure(spec, input_shape):
    """{'output_shape', 'params', 'params_with_moving_stats', 'macs', 'depth'} as torch measures them."""
    model = build(spec, input_shape)
    macs = [0]

    def hook(module, inputs, out):
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            macs[0] += out.numel() * module.in_channels // module.groups * kh * kw
        else:
            macs[0] += out.numel() * module.in_features

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    with torch.device('meta'):
        out = model(torch.empty((1,) + tuple(input_shape)))
    params = sum(p.numel() for p in model.parameters())
    stats = sum(b.numel() for name, b in model.named_buffers() if name.rsplit('.', 1)[-1].startswith('running_'))
    return {'output_shape': tuple(out.shape[1:]), 'params': params, 'params_with_moving_stats': params + stats,
            'macs': macs[0], 'depth': _depth(model)}
