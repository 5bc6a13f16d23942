"""The convolution variants' references against torch (conv_transpose2d, grid_sample, grouped conv2d) on drawn
cases, and the published numbers: MobileNet's Table 3, U-Net's and DCGAN's up-sampling sizes, PixelCNN's masks."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given

from grader.suites.conv_variants import (MASK_DRAWN, MASKED_DRAWN, deform_params, depthwise_params, make_deform,
                                         make_depthwise, make_mask, make_masked, make_transposed, transposed_params)
from reference.conv_variants import oracle
from reference.conv_variants.conv import conv_forward
from reference.conv_variants.deformable import bilinear_sample, deform_conv_backward, deform_conv_forward
from reference.conv_variants.masked import masked_conv_backward, masked_conv_forward, pixelcnn_mask
from reference.conv_variants.separable import (conv_cost, depthwise_conv_backward, depthwise_conv_forward,
                                               separable_conv_backward, separable_conv_cost, separable_conv_forward,
                                               separable_cost_ratio)
from reference.conv_variants.transposed import (conv_transpose_backward, conv_transpose_forward,
                                                conv_transpose_output_size)


def close(got, expected):
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-10)


@given(transposed_params())
def test_transposed_equals_torch(p):
    i = make_transposed(p)
    out, cache = conv_transpose_forward(i["x"], i["w"], i["b"], i["conv_param"])
    expected, grads = oracle.transposed(i["x"], i["w"], i["b"], i["conv_param"], i["dout"])
    close((out,) + conv_transpose_backward(i["dout"], cache), (expected,) + grads)


@given(transposed_params())
def test_transposed_is_the_input_gradient_of_a_convolution(p):
    i = make_transposed(p)
    y = conv_transpose_forward(i["x"], i["w"], np.zeros(i["w"].shape[1]), i["conv_param"])[0]
    close([y], [oracle.conv_input_gradient(i["dout"].shape, i["w"], i["conv_param"], i["x"])])


def test_up_sampling_sizes():
    assert conv_transpose_output_size(16, 2, 2) == 32         # U-Net's 2x2 up-convolution doubles the size
    assert conv_transpose_output_size(4, 4, 2, 1) == 8        # DCGAN
    assert conv_transpose_output_size(7, 3, 2, 1, 1) == 14
    H, F, S, P = sp.symbols("H F S P", positive=True)
    assert sp.expand(conv_transpose_output_size(H, F, S, P)) == H * S - S - 2 * P + F
    with pytest.raises(ValueError):
        conv_transpose_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), np.zeros(1),
                               {"stride": 2, "pad": 0, "output_padding": 2})


@given(deform_params())
def test_deformable_equals_grid_sample(p):
    i = make_deform(p)
    out, cache = deform_conv_forward(i["x"], i["offset"], i["w"], i["b"], i["conv_param"])
    expected, grads = oracle.deformable(i["x"], i["offset"], i["w"], i["b"], i["conv_param"], i["dout"])
    close((out,) + deform_conv_backward(i["dout"], cache), (expected,) + grads)


@given(deform_params())
def test_deformable_with_zero_offsets_is_the_convolution(p):
    i = make_deform(p)
    zeros = np.zeros(i["offset"].shape)
    close([deform_conv_forward(i["x"], zeros, i["w"], i["b"], i["conv_param"])[0]],
          [conv_forward(i["x"], i["w"], i["b"], i["conv_param"])[0]])


def test_deformable_offset_gradient_is_the_numerical_one():
    i = make_deform({"N": 1, "C": 2, "F": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "H_out": 3, "W_out": 3,
                     "span": 1, "seed": 5})
    cache = deform_conv_forward(i["x"], i["offset"], i["w"], i["b"], i["conv_param"])[1]
    doffset = deform_conv_backward(i["dout"], cache)[1]
    h, num = 1e-6, np.zeros(i["offset"].shape)
    for k in np.ndindex(num.shape):
        o = i["offset"].copy()
        o[k] += h
        plus = np.sum(deform_conv_forward(i["x"], o, i["w"], i["b"], i["conv_param"])[0] * i["dout"])
        o[k] -= 2 * h
        minus = np.sum(deform_conv_forward(i["x"], o, i["w"], i["b"], i["conv_param"])[0] * i["dout"])
        num[k] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(doffset, num, rtol=1e-5, atol=1e-7)


def test_bilinear_sample_reads_zeros_outside():
    img = np.arange(12.0).reshape(3, 4)
    got = bilinear_sample(img, np.array([1.0, 1.5, -0.5, 2.5, -1.0, 0.25]), np.array([2.0, 1.5, 0.0, 3.0, 0.0, 3.5]))
    np.testing.assert_allclose(got, [6.0, 7.5, 0.0, 5.5, 0.0, 0.75 * 0.5 * 3 + 0.25 * 0.5 * 7])


def test_pixelcnn_masks():
    a = pixelcnn_mask((1, 1, 5, 5), "A")[0, 0]
    b = pixelcnn_mask((1, 1, 5, 5), "B")[0, 0]
    assert a.sum() == 12 and b.sum() == 13 and a[2, 2] == 0 and b[2, 2] == 1
    assert not a[3:].any() and not a[2, 3:].any() and a[:2].all() and a[2, :2].all()
    rgb = pixelcnn_mask((3, 3, 1, 1), "A", 3)[:, :, 0, 0]     # R sees nothing, G sees R, B sees R and G
    np.testing.assert_array_equal(rgb, [[0, 0, 0], [1, 0, 0], [1, 1, 0]])
    np.testing.assert_array_equal(pixelcnn_mask((3, 3, 1, 1), "B", 3)[:, :, 0, 0], np.tril(np.ones((3, 3))))
    for bad in (((1, 1, 4, 3), "A", 1), ((1, 1, 3, 3), "C", 1), ((3, 2, 3, 3), "B", 3)):
        with pytest.raises(ValueError):
            pixelcnn_mask(*bad)


@given(MASK_DRAWN)
def test_mask_b_keeps_what_mask_a_keeps_and_the_centre(p):
    i = make_mask(p)
    a, b = pixelcnn_mask(i["shape"], "A", i["color_groups"]), pixelcnn_mask(i["shape"], "B", i["color_groups"])
    cy, cx = i["shape"][2] // 2, i["shape"][3] // 2
    assert (b >= a).all()
    diff = b - a
    diff[:, :, cy, cx] = 0
    assert not diff.any()


@given(MASKED_DRAWN)
def test_masked_equals_torch(p):
    i = make_masked(p)
    out, cache = masked_conv_forward(i["x"], i["w"], i["b"], i["conv_param"], i["mask_type"], i["color_groups"])
    mask = pixelcnn_mask(i["w"].shape, i["mask_type"], i["color_groups"])
    expected, grads = oracle.masked(i["x"], i["w"], i["b"], i["conv_param"], mask, i["dout"])
    close((out,) + masked_conv_backward(i["dout"], cache), (expected,) + grads)


@given(depthwise_params())
def test_depthwise_and_separable_equal_torch(p):
    i = make_depthwise(p)
    out, cache = depthwise_conv_forward(i["x"], i["w"], i["b"], i["conv_param"])
    expected, grads = oracle.conv(i["x"], i["w"], i["b"], i["conv_param"], i["dout"], groups=i["x"].shape[1])
    close((out,) + depthwise_conv_backward(i["dout"], cache), (expected,) + grads)
    args = (i["x"], i["w"], i["w_point"], i["b_point"], i["conv_param"])
    out, cache = separable_conv_forward(*args)
    expected, grads = oracle.separable(*args, i["dout_point"])
    close((out,) + separable_conv_backward(i["dout_point"], cache), (expected,) + grads)


def test_mobilenet_table_3():
    """14 x 14 x 512 -> 512 with 3 x 3 kernels: 462M multiply-adds and 2.36M parameters for the convolution,
    52.3M and 0.27M for the depthwise separable one (Howard et al. 2017, Table 3)."""
    assert conv_cost(14, 14, 512, 512, 3) == {"macs": 462_422_016, "params": 2_359_296}
    assert separable_conv_cost(14, 14, 512, 512, 3) == {"macs": 52_283_392, "params": 266_752}
    assert separable_cost_ratio(512, 3) == pytest.approx(52_283_392 / 462_422_016)
    C, K = sp.symbols("C_out K", positive=True, integer=True)
    Ho, Wo, Ci = sp.symbols("H_out W_out C_in", positive=True, integer=True)
    ratio = separable_conv_cost(Ho, Wo, Ci, C, K)["macs"] / conv_cost(Ho, Wo, Ci, C, K)["macs"]
    assert sp.simplify(ratio - separable_cost_ratio(C, K)) == 0
