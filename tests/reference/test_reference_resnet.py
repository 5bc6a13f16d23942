"""ResNet: residual block in NumPy, counts against the literature, the torch model."""
import numpy as np
import pytest
import torch
import torch.nn.functional as Fn
from hypothesis import given, strategies as st
from torch import nn

import reference.resnet.counting as counting
import reference.resnet.torch_resnet as torch_resnet
from reference.resnet.counting import resnet_layer_table, resnet_macs, resnet_params
from reference.resnet.residual_block import residual_block_backward, residual_block_forward
from reference.resnet.torch_resnet import BasicBlock, Bottleneck, ResNet, resnet
from reference.resnet.vgg import VGG16, vgg_activations, vgg_layer_table, vgg_params
from helpers import device, rel_error

DEPTHS = (18, 34, 50, 101, 152)
TORCHVISION_PARAMS = dict(zip(DEPTHS, (11_689_512, 21_797_672, 25_557_032, 44_549_160,
                                       60_192_808)))


# ---------------------------------------------------------------- counting

def test_torchvision_parameter_counts():
    for depth in DEPTHS:
        assert resnet_params(depth) == TORCHVISION_PARAMS[depth]


def test_parameter_counts_do_not_depend_on_bottleneck_version(monkeypatch):
    monkeypatch.setattr(counting, 'BOTTLENECK_VERSION', 'v1')
    for depth in DEPTHS:
        assert resnet_params(depth) == TORCHVISION_PARAMS[depth]


def test_keras_parameter_counts(monkeypatch):
    # Keras' ResNet50/101/152 "Total params": conv biases + BN moving mean/variance
    monkeypatch.setattr(counting, 'CONV_BIAS', True)
    monkeypatch.setattr(counting, 'COUNT_BN_MOVING_STATS', True)
    assert resnet_params(50) == 25_636_712
    assert resnet_params(101) == 44_707_176
    assert resnet_params(152) == 60_419_944
    monkeypatch.setattr(counting, 'COUNT_BN_MOVING_STATS', False)
    assert resnet_params(50) == 25_557_032 + 26_560  # one bias per conv output channel


def test_multiply_adds_v1_paper(monkeypatch):
    # He et al. 2016 Table 1 (v1: stride on the first 1x1; projection shortcuts, option B)
    monkeypatch.setattr(counting, 'BOTTLENECK_VERSION', 'v1')
    gmacs = {d: resnet_macs(d) / 1e9 for d in DEPTHS}
    assert [round(gmacs[d], 2) for d in DEPTHS] == [1.81, 3.66, 3.86, 7.57, 11.28]
    for d, published in zip(DEPTHS, (1.8, 3.6, 3.8, 7.6, 11.3)):  # the paper's rounding
        assert abs(gmacs[d] - published) < 0.1


def test_multiply_adds_v15_torchvision():
    assert round(resnet_macs(50) / 1e9, 2) == 4.09  # stride on the 3x3
    assert round(resnet_macs(18) / 1e9, 2) == 1.81  # basic blocks: no difference


def test_shortcut_options(monkeypatch):
    monkeypatch.setattr(counting, 'SHORTCUT', 'A')  # zero-padding identity: free
    assert round(resnet_macs(34) / 1e9, 2) == 3.64
    assert resnet_params(34) < TORCHVISION_PARAMS[34]
    monkeypatch.setattr(counting, 'SHORTCUT', 'C')  # projection everywhere
    assert resnet_params(34) > TORCHVISION_PARAMS[34]


def test_stage_sizes_in_layer_table():
    table = resnet_layer_table(50)
    last = {row['name'].split('.')[0]: row['out_size'] for row in table if row['type'] == 'conv'}
    assert last == {'conv1': 112, 'layer1': 56, 'layer2': 28, 'layer3': 14, 'layer4': 7}
    assert table[-1]['in_channels'] == 2048


def test_vgg16():
    assert vgg_params(VGG16) == 138_357_544
    assert vgg_activations(VGG16) == 15_237_608
    assert vgg_activations(VGG16) * 4 / 1e6 == pytest.approx(61, abs=0.1)  # MB per image
    rows = vgg_layer_table(VGG16)
    assert rows[1]['params'] == 1_728 + 64 and rows[2]['params'] == 36_864 + 64  # lecture rows omit biases
    assert rows[1]['activations'] == 224 * 224 * 64


# ---------------------------------------------------------------- counting vs torch

def measure(model, input_size=224):
    """Parameters and multiply-adds (convs + fc) of a torch model, by forward hooks."""
    macs = []

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            macs.append(out[0].numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1])
        else:
            macs.append(out[0].numel() * m.in_features)

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    out = model(torch.empty(1, 3, input_size, input_size, device=next(model.parameters()).device))
    return sum(p.numel() for p in model.parameters()), sum(macs), out


def test_torch_model_matches_counts(monkeypatch):
    for depth in DEPTHS:
        with torch.device('meta'):
            params, macs, out = measure(resnet(depth))
        assert params == TORCHVISION_PARAMS[depth] and macs == resnet_macs(depth)
        assert out.shape == (1, 1000)
    monkeypatch.setattr(torch_resnet, 'STRIDE_ON_3X3', False)
    monkeypatch.setattr(counting, 'BOTTLENECK_VERSION', 'v1')
    with torch.device('meta'):
        params, macs, _ = measure(resnet(50, num_classes=10), input_size=160)
    assert params == resnet_params(50, num_classes=10)
    assert macs == resnet_macs(50, input_size=160, num_classes=10)


def test_torchvision_names():
    with torch.device('meta'):
        names = {n for n, _ in resnet(50).named_parameters()}
    assert {'conv1.weight', 'bn1.weight', 'layer1.0.conv3.weight', 'layer1.0.downsample.0.weight',
            'layer4.2.bn3.bias', 'fc.weight', 'fc.bias'} <= names
    assert 'layer1.1.downsample.0.weight' not in names


@pytest.mark.parametrize('depth', [18, 50])
def test_stage_output_shapes(depth):
    model = resnet(depth).to(device()).eval()
    shapes = {}
    for name in ('layer1', 'layer2', 'layer3', 'layer4'):
        getattr(model, name).register_forward_hook(
            lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape)))
    with torch.no_grad():
        out = model(torch.randn(1, 3, 224, 224, device=device()))
    e = 1 if depth < 50 else 4
    assert shapes == {'layer1': (1, 64 * e, 56, 56), 'layer2': (1, 128 * e, 28, 28),
                      'layer3': (1, 256 * e, 14, 14), 'layer4': (1, 512 * e, 7, 7)}
    assert out.shape == (1, 1000)


def test_small_resnet_overfits_random_batch():
    torch.manual_seed(0)
    model = ResNet(BasicBlock, (1, 1, 1, 1), num_classes=10).to(device())  # "ResNet-10"
    x = torch.randn(32, 3, 16, 16, device=device())
    y = torch.randint(0, 10, (32,), device=device())
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(12):
        opt.zero_grad()
        loss = Fn.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    assert model.conv1.weight.grad.abs().sum() > 0  # gradients reach the stem
    assert loss.item() < 0.05
    assert (model(x).argmax(1) == y).all()


def test_blocks_keep_or_halve():
    x = torch.randn(2, 64, 8, 8)
    assert BasicBlock(64, 64)(x).shape == x.shape
    down = nn.Sequential(nn.Conv2d(64, 512, 1, 2, bias=False), nn.BatchNorm2d(512))
    assert Bottleneck(64, 128, 2, down)(x).shape == (2, 512, 4, 4)
    assert isinstance(ResNet(BasicBlock, (1, 1, 1, 1), 7).fc, nn.Linear)


def identity_bn(bn):
    """Put a BatchNorm in eval mode with statistics that make it the identity map."""
    bn.eval()
    with torch.no_grad():
        bn.running_mean.zero_()
        bn.running_var.fill_(1 - bn.eps)
        bn.weight.fill_(1)
        bn.bias.zero_()


@pytest.mark.parametrize('stride, projection', [(1, False), (2, True), (1, True)])
def test_basic_block_equals_numpy_block(stride, projection):
    """With identity BatchNorms, torch's BasicBlock is the NumPy block (biases zero)."""
    rng = np.random.default_rng(5)
    C, F = 3, 3 * stride if projection else 3
    x, params = make_block(rng, 2, C, F, 7, stride, projection)
    for name in ('b1', 'b2', 'bs'):
        if name in params:
            params[name][:] = 0
    down = nn.Sequential(nn.Conv2d(C, F, 1, stride, bias=False), nn.BatchNorm2d(F)) \
        if projection else None
    block = BasicBlock(C, F, stride, down).double()
    with torch.no_grad():
        block.conv1.weight.copy_(torch.tensor(params['W1']))
        block.conv2.weight.copy_(torch.tensor(params['W2']))
        if projection:
            block.downsample[0].weight.copy_(torch.tensor(params['Ws']))
            identity_bn(block.downsample[1])
    identity_bn(block.bn1)
    identity_bn(block.bn2)
    with torch.no_grad():
        out = block(torch.tensor(x)).numpy()
    assert rel_error(out, residual_block_forward(x, params, stride)[0]) < 1e-9


@pytest.mark.parametrize('stride_on_3x3', [True, False])
def test_bottleneck_equals_functional_definition(monkeypatch, stride_on_3x3):
    monkeypatch.setattr(torch_resnet, 'STRIDE_ON_3X3', stride_on_3x3)
    torch.manual_seed(0)
    down = nn.Sequential(nn.Conv2d(8, 16, 1, 2, bias=False), nn.BatchNorm2d(16))
    block = Bottleneck(8, 4, 2, down).double()
    for bn in (block.bn1, block.bn2, block.bn3, down[1]):
        identity_bn(bn)
    x = torch.randn(2, 8, 7, 7, dtype=torch.double)
    s1, s3 = (1, 2) if stride_on_3x3 else (2, 1)
    with torch.no_grad():
        h = torch.relu(Fn.conv2d(x, block.conv1.weight, stride=s1))
        h = torch.relu(Fn.conv2d(h, block.conv2.weight, stride=s3, padding=1))
        expected = torch.relu(Fn.conv2d(h, block.conv3.weight) + Fn.conv2d(x, down[0].weight, stride=2))
        assert torch.allclose(block(x), expected, rtol=1e-10, atol=1e-12)
    assert block(x).shape == (2, 16, 4, 4)


# ---------------------------------------------------------------- the NumPy block

def make_block(rng, N, C, F, H, stride, projection):
    params = {'W1': rng.standard_normal((F, C, 3, 3)) * 0.3, 'b1': rng.standard_normal(F) * 0.1,
              'W2': rng.standard_normal((F, F, 3, 3)) * 0.3, 'b2': rng.standard_normal(F) * 0.1}
    if projection:
        params['Ws'] = rng.standard_normal((F, C, 1, 1)) * 0.3
        params['bs'] = rng.standard_normal(F) * 0.1
    return rng.standard_normal((N, C, H, H)), params


def torch_block(x, p, stride):
    r = Fn.conv2d(torch.relu(Fn.conv2d(x, p['W1'], p['b1'], stride, 1)), p['W2'], p['b2'], 1, 1)
    s = Fn.conv2d(x, p['Ws'], p['bs'], stride) if 'Ws' in p else x
    return torch.relu(r + s)


block_cases = st.one_of(
    st.tuples(st.integers(1, 4), st.just(1), st.just(False)),  # (C, stride, projection)
    st.tuples(st.integers(1, 3), st.just(2), st.just(True)),   # channels double, stride 2
    st.tuples(st.integers(1, 4), st.just(1), st.just(True)))


@given(seed=st.integers(0, 2 ** 32 - 1), N=st.integers(1, 3), H=st.integers(2, 7), case=block_cases)
def test_residual_block_matches_torch(seed, N, H, case):
    C, stride, projection = case
    F = 2 * C if stride == 2 else C
    rng = np.random.default_rng(seed)
    x, params = make_block(rng, N, C, F, H, stride, projection)
    out, cache = residual_block_forward(x, params, stride)
    assert out.shape == (N, F, 1 + (H - 1) // stride, 1 + (H - 1) // stride)
    dout = rng.standard_normal(out.shape)
    dx, grads = residual_block_backward(dout, cache)
    tx = torch.tensor(x, requires_grad=True)
    tp = {n: torch.tensor(v, requires_grad=True) for n, v in params.items()}
    t_out = torch_block(tx, tp, stride)
    t_out.backward(torch.tensor(dout))
    assert rel_error(out, t_out.detach().numpy()) < 1e-9
    assert rel_error(dx, tx.grad.numpy()) < 1e-9
    assert grads.keys() == params.keys()
    for n in params:
        assert rel_error(grads[n], tp[n].grad.numpy()) < 1e-8


@pytest.mark.parametrize('stride, projection', [(1, False), (2, True)])
def test_residual_block_numerical_gradient(stride, projection):
    rng = np.random.default_rng(3)
    x, params = make_block(rng, 2, 2, 2 * stride, 5, stride, projection)
    out, cache = residual_block_forward(x, params, stride)
    dout = rng.standard_normal(out.shape)
    dx, grads = residual_block_backward(dout, cache)
    f = lambda x_, p_: np.sum(residual_block_forward(x_, p_, stride)[0] * dout)
    h = 1e-5
    for _ in range(5):
        vx = rng.standard_normal(x.shape)
        vp = {n: rng.standard_normal(v.shape) for n, v in params.items()}
        numeric = (f(x + h * vx, {n: params[n] + h * vp[n] for n in params})
                   - f(x - h * vx, {n: params[n] - h * vp[n] for n in params})) / (2 * h)
        analytic = np.sum(dx * vx) + sum(np.sum(grads[n] * vp[n]) for n in params)
        assert abs(numeric - analytic) / max(1e-8, abs(numeric) + abs(analytic)) < 1e-7


@given(seed=st.integers(0, 2 ** 32 - 1), C=st.integers(1, 4), H=st.integers(1, 6))
def test_zero_residual_weights_give_identity(seed, C, H):
    rng = np.random.default_rng(seed)
    x, params = make_block(rng, 2, C, C, H, 1, False)
    params['W2'][:] = 0
    params['b2'][:] = 0
    x_pos = np.abs(x) + 0.1  # positive input: the final ReLU is the identity too
    out, cache = residual_block_forward(x_pos, params, 1)
    np.testing.assert_array_equal(out, x_pos)
    dout = rng.standard_normal(out.shape)
    dx, _ = residual_block_backward(dout, cache)
    np.testing.assert_allclose(dx, dout, rtol=0, atol=1e-12)  # only the identity term remains
    out, cache = residual_block_forward(x, params, 1)  # any input: relu(x), gradient masked
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    np.testing.assert_allclose(residual_block_backward(dout, cache)[0], dout * (x > 0), atol=1e-12)


def test_identity_shortcut_needs_matching_shapes():
    rng = np.random.default_rng(0)
    x, params = make_block(rng, 1, 2, 2, 4, 2, False)
    with pytest.raises(ValueError):
        residual_block_forward(x, params, 2)
