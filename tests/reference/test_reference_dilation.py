"""Reference dilation: Kronecker-dilated kernels, dilated conv vs torch, size formulas (numbers and sympy)."""

import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as tF
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.dilation.conv import conv_backward, conv_forward
from reference.dilation.dilation import dilate_kernel, dilated_conv_backward, dilated_conv_forward
from reference.dilation.grading import zero_insertion
from reference.dilation.formulas import dilated_output_size, effective_kernel_size, receptive_field
from helpers import device

MODULES = ["dilation.dilation", "dilation.formulas", "dilation.conv"]


def torch_grads(fn, inputs, dout):
    """Run fn on float64 tensors (on device()) and backprop dout; returns (out, [grad of each input])."""
    ts = [torch.tensor(a, dtype=torch.float64, device=device(), requires_grad=True) for a in inputs]
    out = fn(*ts)
    out.backward(torch.tensor(dout, dtype=torch.float64, device=device()))
    return out.detach().cpu().numpy(), [t.grad.cpu().numpy() for t in ts]


# ---- dilate_kernel -------------------------------------------------------------------------------------------

def test_dilate_kernel_worked_example():
    """The README's example: kron(K, [[1, 0], [0, 0]]) then crop to (2 - 1)*2 + 1 = 3."""
    K = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(np.kron(K, [[1, 0], [0, 0]]),
                                  [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(dilate_kernel(K, 2), [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    np.testing.assert_array_equal(dilate_kernel(K, 3), [[1, 0, 0, 2], [0, 0, 0, 0], [0, 0, 0, 0], [3, 0, 0, 4]])


@given(lead=st.sampled_from([(), (2, 3), (1, 1)]), FH=st.integers(1, 4), FW=st.integers(1, 4),
       D=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_dilate_kernel_equals_zero_insertion(lead, FH, FW, D, seed):
    K = np.random.default_rng(seed).standard_normal(lead + (FH, FW))
    K_copy = K.copy()
    out = dilate_kernel(K, D)
    assert out.shape == lead + (effective_kernel_size(FH, D), effective_kernel_size(FW, D))
    np.testing.assert_array_equal(out, zero_insertion(K, D))
    np.testing.assert_array_equal(K, K_copy)


def test_dilate_kernel_of_one_is_a_copy():
    K = np.arange(6.0).reshape(2, 3)
    out = dilate_kernel(K, 1)
    np.testing.assert_array_equal(out, K)
    assert not np.shares_memory(out, K)


@pytest.mark.parametrize("D", [0, -1, 1.5])
def test_dilate_kernel_rejects_bad_dilation(D):
    with pytest.raises(ValueError):
        dilate_kernel(np.ones((2, 2)), D)


# ---- dilated convolution ------------------------------------------------------------------------------------

@st.composite
def dilated_conv_cases(draw):
    """(x, w, b, conv_param, dout) with an integer output size."""
    N, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    HH, WW, D, stride = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3)), \
        draw(st.integers(1, 3))
    H_out, W_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = effective_kernel_size(HH, D), effective_kernel_size(WW, D)
    pad = draw(st.integers(0, min(2, min((H_out - 1) * stride + kh - 1, (W_out - 1) * stride + kw - 1) // 2)))
    H, W = (H_out - 1) * stride + kh - 2 * pad, (W_out - 1) * stride + kw - 2 * pad
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x, w, b = rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, HH, WW)), rng.standard_normal(F)
    return x, w, b, {'stride': stride, 'pad': pad, 'dilation': D}, rng.standard_normal((N, F, H_out, W_out))


@given(case=dilated_conv_cases())
def test_dilated_conv_matches_torch(case):
    x, w, b, conv_param, dout = case
    out, cache = dilated_conv_forward(x, w, b, conv_param)
    ref_out, ref_grads = torch_grads(
        lambda x, w, b: tF.conv2d(x, w, b, stride=conv_param['stride'], padding=conv_param['pad'],
                                  dilation=conv_param['dilation']), (x, w, b), dout)
    assert out.shape == ref_out.shape
    np.testing.assert_allclose(out, ref_out, rtol=1e-10, atol=1e-12)
    for got, ref in zip(dilated_conv_backward(dout, cache), ref_grads):
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


@given(case=dilated_conv_cases())
def test_dilated_conv_is_conv_with_dilated_kernel(case):
    x, w, b, conv_param, _ = case
    plain = {'stride': conv_param['stride'], 'pad': conv_param['pad']}
    out = dilated_conv_forward(x, w, b, conv_param)[0]
    np.testing.assert_allclose(out, conv_forward(x, dilate_kernel(w, conv_param['dilation']), b, plain)[0],
                               rtol=1e-12, atol=1e-12)
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    args = conv_param['dilation'], conv_param['stride'], conv_param['pad']
    assert out.shape[2:] == (dilated_output_size(H, HH, *args), dilated_output_size(W, WW, *args))


@given(case=dilated_conv_cases())
def test_dilated_conv_inputs_not_modified(case):
    x, w, b, conv_param, dout = case
    param = dict(conv_param)
    arrays = [a.copy() for a in (x, w, b, dout)]
    for a in arrays:
        a.setflags(write=False)
    dilated_conv_backward(arrays[3], dilated_conv_forward(*arrays[:3], conv_param)[1])
    for now, before in zip(arrays, (x, w, b, dout)):
        np.testing.assert_array_equal(now, before)
    assert conv_param == param


def test_conv_matches_torch_strided_padded():
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 3, 9, 7)), rng.standard_normal((4, 3, 3, 1)), rng.standard_normal(4)
    dout = rng.standard_normal((2, 4, 5, 5))
    out, cache = conv_forward(x, w, b, {'stride': 2, 'pad': 1})
    ref_out, ref_grads = torch_grads(lambda x, w, b: tF.conv2d(x, w, b, stride=2, padding=1), (x, w, b), dout)
    np.testing.assert_allclose(out, ref_out, rtol=1e-10, atol=1e-12)
    for got, ref in zip(conv_backward(dout, cache), ref_grads):
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


def test_dilated_conv_raises_on_non_integer_output_size():
    x, w, b = np.zeros((1, 1, 8, 8)), np.zeros((1, 1, 3, 3)), np.zeros(1)
    # (8 + 0 - 5) / 2 + 1 = 2.5
    with pytest.raises(ValueError, match=r"\(8 \+ 2\*0 - 5\) / 2 \+ 1"):
        dilated_conv_forward(x, w, b, {'stride': 2, 'pad': 0, 'dilation': 2})
    assert dilated_output_size(8, 3, 2, 2, 0) == 2.5


# ---- formulas with numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("F, D, expected", [(3, 1, 3), (3, 2, 5), (3, 4, 9), (1, 5, 1), (5, 3, 13)])
def test_effective_kernel_size(F, D, expected):
    assert effective_kernel_size(F, D) == expected


def test_dilated_output_size_is_exact():
    out = dilated_output_size(32, 3, 2, 1, 2)
    assert out == 32 and isinstance(out, int)
    assert dilated_output_size(11, 3, 2, 2, 1) == 5
    assert dilated_output_size(12, 3, 2, 2, 1) == 5.5


@pytest.mark.parametrize("layers, expected", [
    ([], 1),
    ([(3, 1, 1)], 3),
    ([(3, 1, 1), (3, 1, 1)], 5),
    ([(3, 1, 1), (3, 2, 1), (3, 4, 1)], 15),          # Yu & Koltun: 3x3 layers, dilation 1, 2, 4
    ([(7, 1, 2), (3, 1, 2), (3, 1, 1)], 19),          # 7 + 2*2 + 2*4
    ([(2, 1, 2), (2, 1, 2), (2, 1, 2)], 8),           # non-overlapping 2x2 stride-2 pooling, three times
])
def test_receptive_field_known_values(layers, expected):
    assert receptive_field(layers) == expected


def brute_force_receptive_field(layers):
    """Extent of the set of input positions that output position 0 reads, propagated layer by layer back."""
    positions = {0}
    for kernel, dilation, stride in reversed(layers):
        positions = {p * stride + t * dilation for p in positions for t in range(kernel)}
    return max(positions) - min(positions) + 1


layer_stacks = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), max_size=4)


@given(layers=layer_stacks)
def test_receptive_field_equals_brute_force(layers):
    assert receptive_field(layers) == brute_force_receptive_field(layers)


@settings(max_examples=10)
@given(layers=layer_stacks.filter(len), extra=st.integers(0, 3))
def test_receptive_field_equals_autograd_2d(layers, extra):
    """Input pixels that can change output pixel (0, 0) of a stack of all-ones dilated convs (torch)."""
    r = receptive_field(layers)
    x = torch.ones((1, 1, r + extra, r + extra), dtype=torch.float64, device=device(), requires_grad=True)
    h = x
    for kernel, dilation, stride in layers:
        ones = torch.ones((1, 1, kernel, kernel), dtype=torch.float64, device=device())
        h = tF.conv2d(h, ones, stride=stride, dilation=dilation)
    h[0, 0, 0, 0].backward()
    rows, cols = np.nonzero(x.grad[0, 0].cpu().numpy())
    assert rows.max() - rows.min() + 1 == r
    assert cols.max() - cols.min() + 1 == r


# ---- formulas with sympy symbols ------------------------------------------------------------------------------

def test_formulas_accept_sympy_symbols():
    H, F, D, S, P = sp.symbols('H F D S P', positive=True, integer=True)
    assert sp.simplify(effective_kernel_size(F, D) - ((F - 1) * D + 1)) == 0
    size = dilated_output_size(H, F, D, S, P)
    assert sp.simplify(size - ((H + 2 * P - (F - 1) * D - 1) / S + 1)) == 0
    assert size.subs({H: 32, F: 3, D: 2, S: 1, P: 2}) == 32
    assert size.subs({H: 12, F: 3, D: 2, S: 2, P: 1}) == sp.Rational(11, 2)
    assert sp.simplify(dilated_output_size(H, F, D) - (H - (F - 1) * D)) == 0

    k1, d1, s1, k2, d2, s2 = sp.symbols('k1 d1 s1 k2 d2 s2', positive=True, integer=True)
    r = receptive_field([(k1, d1, s1), (k2, d2, s2)])
    assert sp.expand(r - (1 + (k1 - 1) * d1 + (k2 - 1) * d2 * s1)) == 0
    assert r.subs({k1: 3, d1: 1, s1: 2, k2: 3, d2: 2, s2: 1}) == receptive_field([(3, 1, 2), (3, 2, 1)])


def test_formulas_accept_sympy_integers():
    size = dilated_output_size(sp.Integer(12), sp.Integer(3), sp.Integer(2), sp.Integer(2), sp.Integer(1))
    assert size == sp.Rational(11, 2) and isinstance(size, sp.Rational)
    assert dilated_output_size(sp.Integer(11), 3, 2, 2, 1) == 5
