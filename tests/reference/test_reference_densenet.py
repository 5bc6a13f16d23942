"""DenseNet: channel growth, a BN-free dense block against torch, parameter counts."""
import numpy as np
import sympy as sp
import torch
import torch.nn.functional as Fn
from hypothesis import given, strategies as st
from torch import nn

import reference.densenet.counting as counting
from reference.densenet.channels import (dense_block_channels, densenet_channels,
                                         transition_channels)
from reference.densenet.conv import conv_backward, conv_forward
from reference.densenet.counting import (DENSENET121, DENSENET161, DENSENET169, DENSENET201,
                                         densenet_params)
from reference.densenet.dense_block import dense_block_backward, dense_block_forward
from helpers import device, rel_error


# ---------------------------------------------------------------- channel counting

def test_lecture_dense_block():
    assert dense_block_channels(32, 24, 3) == 104  # 32 + 3 * 24


def test_transition_and_symbols():
    assert transition_channels(1024, 0.5) == 512 and transition_channels(255, 0.5) == 127
    assert transition_channels(100, 1) == 100
    c0, k, L = sp.symbols('c0 k L', positive=True, integer=True)
    assert dense_block_channels(c0, k, L) == c0 + L * k
    assert transition_channels(2 * c0, sp.Rational(1, 2)) == c0


def test_densenet121_stages():
    stages = densenet_channels(DENSENET121)
    assert [(s['stage'], s['in_channels'], s['out_channels']) for s in stages] == [
        ('block1', 64, 256), ('transition1', 256, 128), ('block2', 128, 512),
        ('transition2', 512, 256), ('block3', 256, 1024), ('transition3', 1024, 512),
        ('block4', 512, 1024)]


def test_published_parameter_counts(monkeypatch):
    # torchvision's densenet121/169/201/161
    assert densenet_params(DENSENET121) == 7_978_856
    assert densenet_params(DENSENET169) == 14_149_480
    assert densenet_params(DENSENET201) == 20_013_928
    assert densenet_params(DENSENET161) == 28_681_000
    monkeypatch.setattr(counting, 'COUNT_BN_MOVING_STATS', True)
    assert densenet_params(DENSENET121) == 8_062_504  # Keras DenseNet121 "Total params"


class TorchDenseNet(nn.Module):
    """DenseNet-BC in plain torch modules (torchvision's layout) to count its parameters."""

    def __init__(self, cfg):
        super().__init__()
        c, k, bn = cfg['num_init_features'], cfg['growth_rate'], cfg['bn_size']
        layers = [nn.Conv2d(3, c, 7, 2, 3, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                  nn.MaxPool2d(3, 2, 1)]
        for i, L in enumerate(cfg['block_config']):
            for _ in range(L):
                layers.append(nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(),
                                            nn.Conv2d(c, bn * k, 1, bias=False),
                                            nn.BatchNorm2d(bn * k), nn.ReLU(),
                                            nn.Conv2d(bn * k, k, 3, padding=1, bias=False)))
                c += k
            if i < len(cfg['block_config']) - 1:
                layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False),
                           nn.AvgPool2d(2, 2)]
                c //= 2
        layers += [nn.BatchNorm2d(c), nn.Flatten(), nn.Linear(c, cfg['num_classes'])]
        self.layers = nn.ModuleList(layers)


def torch_count(cfg):
    with torch.device('meta'):
        return sum(p.numel() for p in TorchDenseNet(cfg).parameters())


def test_densenet121_matches_torch_modules():
    assert torch_count(DENSENET121) == densenet_params(DENSENET121)


@given(c0=st.integers(1, 64), k=st.integers(1, 32), bn_size=st.integers(1, 4),
       blocks=st.lists(st.integers(1, 6), min_size=1, max_size=4), classes=st.integers(1, 20))
def test_counts_match_torch_modules(c0, k, bn_size, blocks, classes):
    cfg = {'num_init_features': c0, 'growth_rate': k, 'block_config': tuple(blocks),
           'bn_size': bn_size, 'compression': 0.5, 'num_classes': classes}
    assert torch_count(cfg) == densenet_params(cfg)


# ---------------------------------------------------------------- the NumPy dense block

def make_block(rng, N=2, C0=3, k=2, L=3, H=5):
    x = rng.standard_normal((N, C0, H, H))
    params = {}
    for l in range(1, L + 1):
        params['W%d' % l] = rng.standard_normal((k, C0 + (l - 1) * k, 3, 3)) * 0.3
        params['b%d' % l] = rng.standard_normal(k) * 0.1
    return x, params


def torch_block(x, params):
    features = [x]
    for l in range(1, len(params) // 2 + 1):
        a = torch.relu(torch.cat(features, 1))
        features.append(Fn.conv2d(a, params['W%d' % l], params['b%d' % l], padding=1))
    return torch.cat(features, 1)


@given(seed=st.integers(0, 2 ** 32 - 1), N=st.integers(1, 3), C0=st.integers(1, 4),
       k=st.integers(1, 3), L=st.integers(1, 4), H=st.integers(1, 6))
def test_dense_block_matches_torch(seed, N, C0, k, L, H):
    rng = np.random.default_rng(seed)
    x, params = make_block(rng, N, C0, k, L, H)
    out, cache = dense_block_forward(x, params)
    assert out.shape == (N, dense_block_channels(C0, k, L), H, H)
    np.testing.assert_array_equal(out[:, :C0], x)
    dout = rng.standard_normal(out.shape)
    dx, grads = dense_block_backward(dout, cache)

    tx = torch.tensor(x, device=device(), requires_grad=True)
    tp = {n: torch.tensor(v, device=device(), requires_grad=True) for n, v in params.items()}
    t_out = torch_block(tx, tp)
    t_out.backward(torch.tensor(dout, device=device()))
    assert rel_error(out, t_out.detach().cpu().numpy()) < 1e-9
    assert rel_error(dx, tx.grad.cpu().numpy()) < 1e-9
    assert grads.keys() == params.keys()
    for n in params:
        assert rel_error(grads[n], tp[n].grad.cpu().numpy()) < 1e-8


def test_dense_block_numerical_gradient():
    rng = np.random.default_rng(0)
    x, params = make_block(rng)
    out, cache = dense_block_forward(x, params)
    dout = rng.standard_normal(out.shape)
    dx, grads = dense_block_backward(dout, cache)
    f = lambda x_, p_: np.sum(dense_block_forward(x_, p_)[0] * dout)
    h = 1e-5
    for _ in range(5):  # random directional derivatives
        vx = rng.standard_normal(x.shape)
        vp = {n: rng.standard_normal(v.shape) for n, v in params.items()}
        plus = f(x + h * vx, {n: params[n] + h * vp[n] for n in params})
        minus = f(x - h * vx, {n: params[n] - h * vp[n] for n in params})
        numeric = (plus - minus) / (2 * h)
        analytic = np.sum(dx * vx) + sum(np.sum(grads[n] * vp[n]) for n in params)
        assert abs(numeric - analytic) / max(1e-8, abs(numeric) + abs(analytic)) < 1e-7


def test_every_layer_reaches_every_later_layer():
    rng = np.random.default_rng(1)
    C0, k, L = 3, 2, 4
    x, params = make_block(rng, C0=C0, k=k, L=L)
    out, cache = dense_block_forward(x, params)
    for j in range(1, L + 1):  # gradient flowing into layer j's output only
        dout = np.zeros_like(out)
        dout[:, C0 + (j - 1) * k:C0 + j * k] = rng.standard_normal(dout[:, :k].shape)
        dx, grads = dense_block_backward(dout, cache)
        assert np.abs(dx).sum() > 0
        Wj = grads['W%d' % j]
        for i in range(j):  # x_0 and every x_i (i < j) is an input of layer j
            lo, hi = (0, C0) if i == 0 else (C0 + (i - 1) * k, C0 + i * k)
            assert np.abs(Wj[:, lo:hi]).sum() > 0


@given(seed=st.integers(0, 2 ** 32 - 1), S=st.integers(1, 3), P=st.integers(0, 2),
       K=st.integers(1, 4), H=st.integers(4, 8))
def test_conv_helper_matches_torch(seed, S, P, K, H):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((2, 3, H, H)), rng.standard_normal((4, 3, K, K)), rng.standard_normal(4)
    out, cache = conv_forward(x, w, b, {'stride': S, 'pad': P})
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv_backward(dout, cache)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    t_out = Fn.conv2d(tx, tw, tb, stride=S, padding=P)
    t_out.backward(torch.tensor(dout))
    assert rel_error(out, t_out.detach().numpy()) < 1e-9
    for mine, theirs in ((dx, tx), (dw, tw), (db, tb)):
        assert rel_error(mine, theirs.grad.numpy()) < 1e-9
