"""Inception FLOP counts: the lecture's numbers, GoogLeNet's inception (3a), torch hooks."""
import pytest
import sympy as sp
import torch
from hypothesis import given, strategies as st
from torch import nn

import reference.inception.flops as flops
from reference.inception.flops import (conv_flops, conv_output_size, conv_params,
                                       inception_module_flops, inception_module_params)
from helpers import device

INCEPTION_3A = dict(C_in=192, c1=64, c3r=96, c3=128, c5r=16, c5=32, pool_proj=32)


def test_lecture_naive_5x5_conv():
    # 28x28x192 -> 5x5 conv, 32 filters, 'same' padding (lecture, GoogLeNet slide)
    assert conv_output_size(28, 5, 1, 2) == 28
    assert conv_flops(28, 28, 192, 32, 5) == 120_422_400


def test_lecture_bottleneck_5x5_conv():
    reduce_, conv5 = conv_flops(28, 28, 192, 16, 1), conv_flops(28, 28, 16, 32, 5)
    assert (reduce_, conv5, reduce_ + conv5) == (2_408_448, 10_035_200, 12_443_648)
    assert round(1 - (reduce_ + conv5) / conv_flops(28, 28, 192, 32, 5), 3) == 0.897


def test_inception_3a():
    counts = inception_module_flops(28, 28, **INCEPTION_3A)
    assert counts['out_channels'] == 256
    assert counts == {'branch1x1': 9_633_792, 'branch3x3': 14_450_688 + 86_704_128,
                      'branch5x5': 12_443_648, 'branch_pool': 4_816_896,
                      'total': 128_049_152, 'out_channels': 256}
    assert round(counts['total'] / 1e6) == 128  # GoogLeNet Table 1: "128M" ops for 3(a)
    params = inception_module_params(**INCEPTION_3A)
    assert params['total'] == 163_696 and params['out_channels'] == 256
    assert inception_module_params(**INCEPTION_3A, bias=False)['total'] == 163_696 - 368


def test_flops_per_mac_switch(monkeypatch):
    monkeypatch.setattr(flops, 'FLOPS_PER_MAC', 2)
    assert conv_flops(28, 28, 192, 32, 5) == 2 * 120_422_400
    assert inception_module_flops(28, 28, **INCEPTION_3A)['total'] == 2 * 128_049_152


def test_conv_params_and_sizes():
    assert conv_params(3, 10, 5) == 760  # lecture: ten 5x5x3 filters + biases
    assert conv_params(3, 10, 5, bias=False) == 750
    assert conv_output_size(7, 3, 1) == 5 and conv_output_size(7, 3, 2) == 3
    with pytest.raises(ValueError):
        conv_output_size(7, 3, 3)  # "doesn't fit": (7 - 3) / 3 + 1 is not an integer
    assert conv_output_size(sp.Integer(7), 3, 3) == sp.Rational(7, 3)


def test_formulas_are_symbolic():
    H, W, C, K, F, S, P = sp.symbols('H W C K F S P', positive=True)
    assert sp.simplify(conv_output_size(H, F, S, P) - ((H + 2 * P - F) / S + 1)) == 0
    assert conv_flops(H, W, C, K, F) == H * W * K * F ** 2 * C
    sym = sp.symbols('H W C_in c1 c3r c3 c5r c5 pool_proj', positive=True, integer=True)
    total = inception_module_flops(*sym)['total']
    values = dict(zip(sym, (28, 28, 192, 64, 96, 128, 16, 32, 32)))
    assert total.subs(values) == 128_049_152


class Inception(nn.Module):
    """GoogLeNet's module, one nn.Sequential per branch."""

    def __init__(self, C_in, c1, c3r, c3, c5r, c5, pool_proj):
        super().__init__()
        self.branches = nn.ModuleDict({
            'branch1x1': nn.Conv2d(C_in, c1, 1),
            'branch3x3': nn.Sequential(nn.Conv2d(C_in, c3r, 1), nn.ReLU(),
                                       nn.Conv2d(c3r, c3, 3, padding=1)),
            'branch5x5': nn.Sequential(nn.Conv2d(C_in, c5r, 1), nn.ReLU(),
                                       nn.Conv2d(c5r, c5, 5, padding=2)),
            'branch_pool': nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(C_in, pool_proj, 1)),
        })

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches.values()], dim=1)


def measured_macs(module, x):
    """Multiply-adds of every nn.Conv2d under each branch, measured by forward hooks."""
    macs = {}

    def hook_for(name):
        def hook(conv, inputs, out):
            per_output = conv.in_channels // conv.groups * conv.kernel_size[0] * conv.kernel_size[1]
            macs[name] = macs.get(name, 0) + out[0].numel() * per_output
        return hook

    handles = [m.register_forward_hook(hook_for(name))
               for name, branch in module.branches.items()
               for m in branch.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        out = module(x)
    for h in handles:
        h.remove()
    return macs, out


def check_against_torch(H, cfg):
    module = Inception(**cfg).to(device())
    macs, out = measured_macs(module, torch.zeros(1, cfg['C_in'], H, H, device=device()))
    counts = inception_module_flops(H, H, **cfg)
    assert {k: counts[k] for k in macs} == macs
    assert counts['total'] == sum(macs.values())
    assert out.shape[1] == counts['out_channels']
    params = inception_module_params(**cfg)
    for name, branch in module.branches.items():
        assert params[name] == sum(p.numel() for p in branch.parameters())


def test_inception_3a_matches_torch_hooks():
    check_against_torch(28, INCEPTION_3A)


@given(H=st.integers(1, 9), cfg=st.fixed_dictionaries(
    {k: st.integers(1, 12) for k in ('C_in', 'c1', 'c3r', 'c3', 'c5r', 'c5', 'pool_proj')}))
def test_module_counts_match_torch_hooks(H, cfg):
    check_against_torch(H, cfg)


@given(H=st.integers(5, 20), F=st.integers(1, 5), S=st.integers(1, 3), P=st.integers(0, 2),
       C_in=st.integers(1, 6), C_out=st.integers(1, 6))
def test_conv_counts_match_torch(H, F, S, P, C_in, C_out):
    conv = nn.Conv2d(C_in, C_out, F, stride=S, padding=P).to(device())
    with torch.no_grad():
        out = conv(torch.zeros(1, C_in, H, H, device=device()))
    if (H + 2 * P - F) % S:
        with pytest.raises(ValueError):
            conv_output_size(H, F, S, P)
        return
    H_out = conv_output_size(H, F, S, P)
    assert out.shape[2] == H_out
    assert conv_flops(H_out, H_out, C_in, C_out, F) == out[0].numel() * C_in * F * F
    assert conv_params(C_in, C_out, F) == sum(p.numel() for p in conv.parameters())
