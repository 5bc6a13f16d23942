"""The classic image kernels, and the two ways of sliding them over an image.

Cross-correlation (what CNN layers, CS231n's conv layer and torch's conv2d compute):
    out[x, y] = sum_{i, j} w[i, j] * f[x + i, y + j]
True convolution (the lecture's g = w * f): g(x, y) = sum_{i, j} w(i, j) f(x - i, y - j), i.e. the
cross-correlation with the kernel flipped in both directions, w[::-1, ::-1].

Both are "valid": the kernel stays inside the image, so an H x W image and an h x w kernel give an
(H - h + 1) x (W - w + 1) output. Axes: x is the row index, y the column index (image[x, y]).
"""
import numpy as np


def correlate2d(image, kernel):
    """
    Valid cross-correlation of a 2-D image with a 2-D kernel: out[x, y] = sum_{i, j} kernel[i, j] *
    image[x + i, y + j].

    Inputs:
    - image: array of shape (H, W)
    - kernel: array of shape (h, w), h <= H and w <= W

    Returns:
    - out: float array of shape (H - h + 1, W - w + 1)
    """
    H, W = image.shape
    h, w = kernel.shape
    out = np.zeros((H - h + 1, W - w + 1))
    for i in range(h):
        for j in range(w):
            out += kernel[i, j] * image[i:i + H - h + 1, j:j + W - w + 1]
    return out


def convolve2d(image, kernel):
    """
    Valid true convolution of a 2-D image with a 2-D kernel (the kernel flipped in both directions, then
    slid as in correlate2d). For an h x w kernel,
    out[x, y] = sum_{i, j} kernel[i, j] * image[x + h - 1 - i, y + w - 1 - j].

    Inputs:
    - image: array of shape (H, W)
    - kernel: array of shape (h, w), h <= H and w <= W

    Returns:
    - out: float array of shape (H - h + 1, W - w + 1)
    """
    return correlate2d(image, kernel[::-1, ::-1])


def sobel_kernels():
    """
    The lecture's Sobel kernels, for true convolution (x: rows, y: columns):
        G_x = [[+1, +2, +1],      G_y = [[+1, 0, -1],
               [ 0,  0,  0],             [+2, 0, -2],
               [-1, -2, -1]]             [+1, 0, -1]]
    convolve2d(f, G_x) is then a smoothed f[x + 1, y] - f[x - 1, y] (the change down the rows), and
    convolve2d(f, G_y) a smoothed f[x, y + 1] - f[x, y - 1] (the change along the columns).

    Returns a tuple of:
    - G_x, G_y: float arrays of shape (3, 3)
    """
    g_x = np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]])
    return g_x, g_x.T.copy()


def edge_kernel():
    """
    The edge-detection (Laplacian) kernel [[0, -1, 0], [-1, 4, -1], [0, -1, 0]]: 0 on a constant image.

    Returns:
    - a float array of shape (3, 3)
    """
    return np.array([[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]])


def sharpen_kernel():
    """
    The sharpening kernel [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]: the image plus its edges (identity + edge
    kernel).

    Returns:
    - a float array of shape (3, 3)
    """
    return np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])


def box_blur_kernel(size=3):
    """
    The box blur: the mean of a size x size window, np.ones((size, size)) / size**2 (its entries sum to 1,
    so a constant image keeps its value).

    Returns:
    - a float array of shape (size, size)
    """
    return np.ones((size, size)) / size ** 2


def gaussian_kernel(size=3, sigma=1.0):
    """
    The Gaussian blur kernel: entries proportional to exp(-(i**2 + j**2) / (2 sigma**2)) for offsets i, j
    from the centre (-(size - 1) / 2 ... (size - 1) / 2), normalized to sum to 1.

    Returns:
    - a float array of shape (size, size)
    """
    r = np.arange(size) - (size - 1) / 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2.0 * sigma ** 2))
    return g / g.sum()


def sobel_magnitude(image):
    """
    The gradient magnitude sqrt(gx**2 + gy**2), where gx and gy are the true convolutions of the image with
    the lecture's G_x and G_y.

    Inputs:
    - image: array of shape (H, W), H >= 3 and W >= 3

    Returns:
    - float array of shape (H - 2, W - 2)
    """
    g_x, g_y = sobel_kernels()
    return np.sqrt(convolve2d(image, g_x) ** 2 + convolve2d(image, g_y) ** 2)
