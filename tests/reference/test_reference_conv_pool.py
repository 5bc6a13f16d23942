"""Reference conv_pool layers against torch, CS231n's published numbers, and each other."""

import numpy as np
import pytest
import torch
import torch.nn.functional as tF
from hypothesis import given
from hypothesis import strategies as st

from reference.conv_pool.layers import (
    affine_backward, affine_forward, avg_pool_backward_naive, avg_pool_forward_naive, conv_backward_fast,
    conv_backward_naive, conv_forward_fast, conv_forward_naive, conv_output_size, max_pool_backward_naive,
    max_pool_forward_naive, relu_backward, relu_forward,
)
from helpers import device, rel_error

MODULES = ["conv_pool.layers"]


def torch_grads(fn, inputs, dout):
    """Run fn on float64 tensors (on device()) and backprop dout; returns (out, [grad of each input])."""
    ts = [torch.tensor(a, dtype=torch.float64, device=device(), requires_grad=True) for a in inputs]
    out = fn(*ts)
    out.backward(torch.tensor(dout, dtype=torch.float64, device=device()))
    return out.detach().cpu().numpy(), [t.grad.cpu().numpy() for t in ts]


@st.composite
def conv_cases(draw):
    """(x, w, b, conv_param, dout) with an integer output size, drawn small."""
    N, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    HH, WW, stride = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    H_out, W_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    max_pad = min((H_out - 1) * stride + HH - 1, (W_out - 1) * stride + WW - 1) // 2
    pad = draw(st.integers(0, min(2, max_pad)))
    H, W = (H_out - 1) * stride + HH - 2 * pad, (W_out - 1) * stride + WW - 2 * pad
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x, w, b = rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, HH, WW)), rng.standard_normal(F)
    dout = rng.standard_normal((N, F, H_out, W_out))
    return x, w, b, {'stride': stride, 'pad': pad}, dout


@st.composite
def pool_cases(draw):
    """(x, pool_param, dout) with an integer output size; windows may overlap (stride < pool)."""
    N, C = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    ph, pw, stride = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    H_out, W_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((N, C, (H_out - 1) * stride + ph, (W_out - 1) * stride + pw))
    dout = rng.standard_normal((N, C, H_out, W_out))
    return x, {'pool_height': ph, 'pool_width': pw, 'stride': stride}, dout


# ---- CS231n's published numbers (assignment notebooks) --------------------------------------------------

def test_affine_forward_published():
    x = np.linspace(-0.1, 0.5, num=2 * 120).reshape(2, 4, 5, 6)
    w = np.linspace(-0.2, 0.3, num=120 * 3).reshape(120, 3)
    b = np.linspace(-0.3, 0.1, num=3)
    correct_out = np.array([[1.49834967, 1.70660132, 1.91485297],
                            [3.25553199, 3.5141327, 3.77273342]])
    assert rel_error(affine_forward(x, w, b)[0], correct_out) < 1e-8


def test_relu_forward_published():
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    correct_out = np.array([[0., 0., 0., 0.],
                            [0., 0., 0.04545455, 0.13636364],
                            [0.22727273, 0.31818182, 0.40909091, 0.5]])
    assert rel_error(relu_forward(x)[0], correct_out) < 5e-8


@pytest.mark.parametrize("conv_forward", [conv_forward_naive, conv_forward_fast])
def test_conv_forward_published(conv_forward):
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    correct_out = np.array([[[[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
                             [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
                             [[0.50813986, 0.54309974], [0.64082444, 0.67101435]]],
                            [[[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
                             [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
                             [[2.36270298, 2.36904306], [2.38090835, 2.38247847]]]])
    out, _ = conv_forward(x, w, b, {'stride': 2, 'pad': 1})
    assert rel_error(out, correct_out) < 1e-7


def test_max_pool_forward_published():
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    correct_out = np.array([[[[-0.26315789, -0.24842105], [-0.20421053, -0.18947368]],
                             [[-0.14526316, -0.13052632], [-0.08631579, -0.07157895]],
                             [[-0.02736842, -0.01263158], [0.03157895, 0.04631579]]],
                            [[[0.09052632, 0.10526316], [0.14947368, 0.16421053]],
                             [[0.20842105, 0.22315789], [0.26736842, 0.28210526]],
                             [[0.32631579, 0.34105263], [0.38526316, 0.4]]]])
    out, _ = max_pool_forward_naive(x, {'pool_height': 2, 'pool_width': 2, 'stride': 2})
    assert rel_error(out, correct_out) < 1e-7


# ---- against torch: values and gradients -----------------------------------------------------------------

@given(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3), st.integers(1, 4),
       st.integers(0, 2**32 - 1))
def test_affine_matches_torch(N, d, M, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((N, *d)), rng.standard_normal((int(np.prod(d)), M)), rng.standard_normal(M)
    dout = rng.standard_normal((N, M))
    out, cache = affine_forward(x, w, b)
    ref_out, ref_grads = torch_grads(lambda x, w, b: x.reshape(N, -1) @ w + b, (x, w, b), dout)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12, atol=1e-12)
    for got, ref in zip(affine_backward(dout, cache), ref_grads):
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


@given(st.integers(0, 2**32 - 1))
def test_relu_matches_torch(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, 4, 5))
    x[0, 0, :2] = 0.0                       # the kink: gradient 0 there, as torch
    dout = rng.standard_normal(x.shape)
    out, cache = relu_forward(x)
    ref_out, (ref_dx,) = torch_grads(torch.relu, (x,), dout)
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(relu_backward(dout, cache), ref_dx)


@pytest.mark.parametrize("forward, backward", [(conv_forward_naive, conv_backward_naive),
                                               (conv_forward_fast, conv_backward_fast)])
@given(case=conv_cases())
def test_conv_matches_torch(forward, backward, case):
    x, w, b, conv_param, dout = case
    out, cache = forward(x, w, b, conv_param)
    ref_out, ref_grads = torch_grads(
        lambda x, w, b: tF.conv2d(x, w, b, stride=conv_param['stride'], padding=conv_param['pad']),
        (x, w, b), dout)
    assert out.shape == ref_out.shape
    np.testing.assert_allclose(out, ref_out, rtol=1e-10, atol=1e-12)
    for got, ref in zip(backward(dout, cache), ref_grads):
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("forward, backward, torch_pool", [
    (max_pool_forward_naive, max_pool_backward_naive, tF.max_pool2d),
    (avg_pool_forward_naive, avg_pool_backward_naive, tF.avg_pool2d),
])
@given(case=pool_cases())
def test_pool_matches_torch(forward, backward, torch_pool, case):
    x, pool_param, dout = case
    out, cache = forward(x, pool_param)
    kernel = (pool_param['pool_height'], pool_param['pool_width'])
    ref_out, (ref_dx,) = torch_grads(lambda x: torch_pool(x, kernel, stride=pool_param['stride']), (x,), dout)
    assert out.shape == ref_out.shape
    np.testing.assert_allclose(out, ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(backward(dout, cache), ref_dx, rtol=1e-12, atol=1e-12)


# ---- gradients against a numerical derivative of the forward (no torch) ------------------------------------

def directional_error(forward, inputs, analytic, dout, rng, h=1e-5):
    """|numerical - analytic| for a random direction v: d/dt <forward(inputs + t v), dout> at t = 0."""
    vs = [rng.standard_normal(a.shape) for a in inputs]
    plus = forward(*[a + h * v for a, v in zip(inputs, vs)])
    minus = forward(*[a - h * v for a, v in zip(inputs, vs)])
    numerical = np.sum((plus - minus) * dout) / (2 * h)
    return abs(numerical - sum(np.sum(g * v) for g, v in zip(analytic, vs)))


@given(case=conv_cases())
def test_conv_backward_naive_numerical(case):
    x, w, b, conv_param, dout = case
    _, cache = conv_forward_naive(x, w, b, conv_param)
    grads = conv_backward_naive(dout, cache)
    err = directional_error(lambda x, w, b: conv_forward_naive(x, w, b, conv_param)[0], (x, w, b), grads, dout,
                            np.random.default_rng(0))
    assert err < 1e-6


@given(case=pool_cases())
def test_pool_backward_numerical(case):
    x, pool_param, dout = case
    for forward, backward in [(max_pool_forward_naive, max_pool_backward_naive),
                              (avg_pool_forward_naive, avg_pool_backward_naive)]:
        dx = backward(dout, forward(x, pool_param)[1])
        err = directional_error(lambda x: forward(x, pool_param)[0], (x,), (dx,), dout, np.random.default_rng(0))
        assert err < 1e-6


# ---- fast == naive, properties ------------------------------------------------------------------------------

@given(case=conv_cases())
def test_fast_equals_naive(case):
    x, w, b, conv_param, dout = case
    out_naive, cache_naive = conv_forward_naive(x, w, b, conv_param)
    out_fast, cache_fast = conv_forward_fast(x, w, b, conv_param)
    assert rel_error(out_fast, out_naive) < 1e-9
    for fast, naive in zip(conv_backward_fast(dout, cache_fast), conv_backward_naive(dout, cache_naive)):
        assert fast.shape == naive.shape
        assert rel_error(fast, naive) < 1e-9


def test_fast_and_naive_caches_are_interchangeable():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    conv_param = {'stride': 2, 'pad': 1}
    _, cache = conv_forward_naive(x, w, b, conv_param)
    dout = rng.standard_normal((2, 4, 4, 4))
    for fast, naive in zip(conv_backward_fast(dout, cache), conv_backward_naive(dout, cache)):
        assert rel_error(fast, naive) < 1e-9


@given(case=conv_cases(), shift=st.tuples(st.integers(0, 2), st.integers(0, 2)))
def test_conv_translation_equivariance(case, shift):
    """Cropping the input by stride*k pixels crops the output by k pixels (no padding)."""
    x, w, b, conv_param, _ = case
    conv_param = {'stride': conv_param['stride'], 'pad': 0}
    s, (a, c) = conv_param['stride'], shift
    HH, WW = w.shape[2:]
    if x.shape[2] - s * a < HH or x.shape[3] - s * c < WW or (x.shape[2] - HH) % s or (x.shape[3] - WW) % s:
        return
    out = conv_forward_fast(x, w, b, conv_param)[0]
    shifted = conv_forward_fast(x[:, :, s * a:, s * c:], w, b, conv_param)[0]
    np.testing.assert_allclose(shifted, out[:, :, a:, c:], rtol=1e-12, atol=1e-12)


@given(case=pool_cases())
def test_max_pool_backward_routes_to_argmax_only(case):
    x, pool_param, dout = case
    dx = max_pool_backward_naive(dout, max_pool_forward_naive(x, pool_param)[1])
    out = max_pool_forward_naive(x, pool_param)[0]
    # every cell that receives gradient holds its window's maximum, and nothing is lost or created
    receiving = dx != 0
    assert np.all(np.isin(x[receiving], out))
    np.testing.assert_allclose(dx.sum(), dout.sum(), rtol=1e-10, atol=1e-12)


def test_max_pool_ties_go_to_first_max_in_row_major_order():
    pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}
    x = np.array([[[[0., 5.], [5., 5.]]]])               # three tied maxima
    dx = max_pool_backward_naive(np.array([[[[3.]]]]), max_pool_forward_naive(x, pool_param)[1])
    np.testing.assert_array_equal(dx, [[[[0., 3.], [0., 0.]]]])
    x = np.zeros((1, 1, 3, 3))                          # all tied, overlapping windows (stride 1)
    pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 1}
    dx = max_pool_backward_naive(np.ones((1, 1, 2, 2)), max_pool_forward_naive(x, pool_param)[1])
    np.testing.assert_array_equal(dx[0, 0], [[1., 1., 0.], [1., 1., 0.], [0., 0., 0.]])


# ---- inputs are never modified ---------------------------------------------------------------------------

def frozen(*arrays):
    """Read-only copies: an in-place write raises instead of passing silently."""
    copies = [a.copy() for a in arrays]
    for c in copies:
        c.setflags(write=False)
    return copies


def assert_unchanged(arrays, originals):
    for now, before in zip(arrays, originals):
        np.testing.assert_array_equal(now, before)


@given(case=conv_cases())
def test_conv_inputs_not_modified(case):
    x, w, b, conv_param, dout = case
    param = dict(conv_param)
    inputs = frozen(x, w, b, dout)
    for forward, backward in [(conv_forward_naive, conv_backward_naive), (conv_forward_fast, conv_backward_fast)]:
        backward(inputs[3], forward(*inputs[:3], conv_param)[1])
    assert_unchanged(inputs, (x, w, b, dout))
    assert conv_param == param


@given(case=pool_cases())
def test_pool_inputs_not_modified(case):
    x, pool_param, dout = case
    param = dict(pool_param)
    inputs = frozen(x, dout)
    for forward, backward in [(max_pool_forward_naive, max_pool_backward_naive),
                              (avg_pool_forward_naive, avg_pool_backward_naive)]:
        backward(inputs[1], forward(inputs[0], pool_param)[1])
    assert_unchanged(inputs, (x, dout))
    assert pool_param == param


def test_affine_relu_inputs_not_modified():
    rng = np.random.default_rng(2)
    x, w, b, dout = rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 5)), rng.standard_normal(5), \
        rng.standard_normal((3, 5))
    inputs = frozen(x, w, b, dout)
    affine_backward(inputs[3], affine_forward(*inputs[:3])[1])
    relu_backward(inputs[0], relu_forward(inputs[0])[1])
    assert_unchanged(inputs, (x, w, b, dout))


# ---- output size -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("H, HH, stride, pad, expected", [
    (32, 3, 1, 1, 32), (5, 3, 2, 1, 3), (4, 4, 2, 1, 2), (7, 7, 3, 0, 1), (6, 2, 2, 0, 3)])
def test_conv_output_size(H, HH, stride, pad, expected):
    assert conv_output_size(H, HH, stride, pad) == expected


@pytest.mark.parametrize("H, HH, stride, pad", [(5, 2, 2, 0), (32, 3, 2, 1), (6, 3, 2, 0), (2, 5, 1, 0)])
def test_conv_output_size_not_integer_raises(H, HH, stride, pad):
    with pytest.raises(ValueError, match=rf"\({H} \+ 2\*{pad} - {HH}\) / {stride} \+ 1"):
        conv_output_size(H, HH, stride, pad)


def test_layers_raise_on_non_integer_output_size():
    x, w, b = np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 2, 2)), np.zeros(3)
    for forward in (conv_forward_naive, conv_forward_fast):
        with pytest.raises(ValueError, match="not an integer"):
            forward(x, w, b, {'stride': 2, 'pad': 0})
    for forward in (max_pool_forward_naive, avg_pool_forward_naive):
        with pytest.raises(ValueError, match="not an integer"):
            forward(x, {'pool_height': 2, 'pool_width': 2, 'stride': 2})
