"""Mutants of the image-kernels reference: each realistic mistake (no flip, a flip in correlation, the transpose
for a flip, the OCR's edge kernel, unnormalized blurs...) loses points at its check; the reference reproduces
the lecture's numbers and agrees with torch.nn.functional.conv2d."""
import numpy as np
import pytest
from hypothesis import given, settings

from grader.suites import image_kernels as suite
from helpers import assert_caught, device, mutant_edits
from partial import graded

FILE = "filters.py"
CONV = "    return correlate2d(image, kernel[::-1, ::-1])"
SOBEL = "    return g_x, g_x.T.copy()"
SOBEL_X = "    g_x = np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]])"
SOBEL_FOR_CORRELATION = SOBEL_X.replace("[[1.0, 2.0, 1.0]", "[[-1.0, -2.0, -1.0]").replace("[-1.0, -2.0, -1.0]])",
                                                                                         "[1.0, 2.0, 1.0]])")
EDGE = "return np.array([[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]])"

MUTANTS = [
    # (name, [(old, new), ...], the check that must fail, checks that must still pass, words of the message)
    ("convolution_without_the_flip", [(CONV, "    return correlate2d(image, kernel)")], "convolve2d.values",
     ("correlate2d.values",), "flips the kernel in both directions"),
    ("correlation_flips_the_kernel", [("out += kernel[i, j] * image", "out += kernel[h - 1 - i, w - 1 - j] * image")],
     "correlate2d.values", (), "yours flipped it"),
    ("flip_by_transposing", [(CONV, "    return correlate2d(image, kernel.T)")], "convolve2d.values", (), "differs"),
    ("convolution_not_the_flipped_correlation", [(CONV, "    return correlate2d(image, kernel[::-1, :])")],
     "convolve2d.is_flipped_correlation", (), "correlate2d(image, kernel[::-1, ::-1])"),
    ("correlation_row_by_row_with_np_correlate",
     [("    for i in range(h):\n        for j in range(w):\n"
       "            out += kernel[i, j] * image[i:i + H - h + 1, j:j + W - w + 1]",
       "    for x in range(H - h + 1):\n        for i in range(h):\n"
       "            out[x] += np.correlate(image[x + i], kernel[i], mode=\"valid\")")],
     "correlate2d.rules", ("correlate2d.values",), "numpy.correlate"),
    ("sobel_swapped", [(SOBEL, "    return g_x.T.copy(), g_x")], "sobel_kernels.values", (), "transpose"),
    ("sobel_for_correlation", [(SOBEL_X, SOBEL_FOR_CORRELATION)], "sobel_kernels.values", (), "TRUE convolution"),
    ("sobel_sign_seen_with_own_convolution", [(SOBEL_X, SOBEL_FOR_CORRELATION)], "kernels.behaviour", (),
     "should be positive everywhere"),
    ("edge_kernel_as_the_ocr_reads_it", [(EDGE, EDGE.replace("4.0", "1.0"))], "kernels.behaviour", (),
     "should give 0 everywhere"),
    ("box_blur_not_normalized", [("return np.ones((size, size)) / size ** 2", "return np.ones((size, size))")],
     "box_blur_kernel.values", (), "sum to 1"),
    ("gaussian_not_normalized", [("    return g / g.sum()", "    return g")], "gaussian_kernel.values", (),
     "sum to 1"),
    ("gaussian_sigma_not_squared", [("(2.0 * sigma ** 2)", "(2.0 * sigma)")], "gaussian_kernel.values", (), "kernel"),
    ("magnitude_as_a_sum_of_absolutes", [("np.sqrt(convolve2d(image, g_x) ** 2 + convolve2d(image, g_y) ** 2)",
                                          "np.abs(convolve2d(image, g_x)) + np.abs(convolve2d(image, g_y))")],
     "sobel_magnitude.values", (), "magnitude"),
]


@pytest.mark.parametrize("name,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, edits, check, still, words):
    result = graded(mutant_edits(tmp_path, "image_kernels", FILE, edits), "image_kernels", (check,) + still)
    assert_caught(result, check, still, says=words)


def test_a_direct_convolution_and_a_magnitude_from_correlation_keep_full_marks(tmp_path):
    """Convolution written from the lecture's formula g(x, y) = Σ w(i, j) f(x − i, y − j) without calling
    correlate2d; the magnitude from cross-correlations (the flip only changes the signs of gx and gy)."""
    path = mutant_edits(tmp_path, "image_kernels", FILE, [
        (CONV, "    H, W = image.shape\n    h, w = kernel.shape\n    out = np.zeros((H - h + 1, W - w + 1))\n"
               "    for x in range(H - h + 1):\n        for y in range(W - w + 1):\n"
               "            for i in range(h):\n                for j in range(w):\n"
               "                    out[x, y] += kernel[i, j] * image[x + h - 1 - i, y + w - 1 - j]\n    return out"),
        ("np.sqrt(convolve2d(image, g_x) ** 2 + convolve2d(image, g_y) ** 2)",
         "np.hypot(correlate2d(image, g_x), correlate2d(image, g_y))")])
    checks = ("convolve2d.values", "convolve2d.is_flipped_correlation", "filters.hidden", "convolve2d.rules",
              "sobel_magnitude.values", "kernels.behaviour")
    result = graded(path, "image_kernels", checks)
    assert all(o.status == "passed" for o in result.values()), {n: o.output for n, o in result.items()}


def test_lecture_numbers():
    from reference.image_kernels.filters import correlate2d, sharpen_kernel, edge_kernel
    lecture = suite.make_filter({"lecture": "conv"})
    np.testing.assert_array_equal(correlate2d(lecture["image"], lecture["kernel"]),
                                  [[12, 12, 17], [10, 17, 19], [9, 6, 14]])
    binary = suite.make_filter({"lecture": "binary"})
    assert correlate2d(binary["image"], binary["kernel"])[0, 0] == 4
    assert sharpen_kernel()[1, 1] == 1 + edge_kernel()[1, 1] and edge_kernel().sum() == 0


@settings(max_examples=10)
@given(params=suite.DRAWN)
def test_reference_equals_torch_conv2d(params):
    """torch's conv2d is a cross-correlation; with the kernel flipped (torch.flip) it is the true convolution."""
    import torch
    import torch.nn.functional as F
    from reference.image_kernels.filters import convolve2d, correlate2d
    p = suite.make_filter(params)
    image = torch.tensor(p["image"], device=device())[None, None]
    kernel = torch.tensor(p["kernel"], device=device())[None, None]
    np.testing.assert_allclose(correlate2d(p["image"], p["kernel"]), F.conv2d(image, kernel)[0, 0].cpu().numpy(),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(convolve2d(p["image"], p["kernel"]),
                               F.conv2d(image, torch.flip(kernel, dims=(2, 3)))[0, 0].cpu().numpy(),
                               rtol=1e-12, atol=1e-12)


def test_reference_gaussian_is_the_outer_product_of_torch_style_1d_kernels():
    """The 2-D Gaussian is separable: outer(g, g) of the normalized 1-D kernel (torchvision's construction)."""
    import torch
    from reference.image_kernels.filters import gaussian_kernel
    for size, sigma in ((3, 1.0), (5, 0.8), (4, 2.0)):
        x = torch.linspace(-(size - 1) / 2, (size - 1) / 2, size, dtype=torch.float64)
        g = torch.exp(-0.5 * (x / sigma) ** 2)
        g = g / g.sum()
        np.testing.assert_allclose(gaussian_kernel(size, sigma), torch.outer(g, g).numpy(), rtol=1e-12)
