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
    ###########################################################################
    # TODO: implement correlate2d.                                            #
    ###########################################################################
    raise NotImplementedError("correlate2d")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


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
    ###########################################################################
    # TODO: implement convolve2d.                                             #
    ###########################################################################
    raise NotImplementedError("convolve2d")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def sobel_kernels():
    """
    The lecture's Sobel kernels G_x and G_y (3 x 3, entries 0, +-1, +-2), for true convolution (x: rows,
    y: columns): convolve2d(f, G_x) is a smoothed f[x + 1, y] - f[x - 1, y] (the change down the rows, weighted
    1, 2, 1 across them), and convolve2d(f, G_y) a smoothed f[x, y + 1] - f[x, y - 1] (the change along the
    columns). Mind the flip: true convolution flips the kernel before sliding it.

    Returns a tuple of:
    - G_x, G_y: float arrays of shape (3, 3)
    """
    ###########################################################################
    # TODO: implement sobel_kernels.                                          #
    ###########################################################################
    raise NotImplementedError("sobel_kernels")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def edge_kernel():
    """
    The lecture's 3 x 3 edge-detection (Laplacian) kernel: the centre pixel against its four neighbours
    (up, down, left, right; the corners get 0), so that a constant image gives 0.

    Returns:
    - a float array of shape (3, 3)
    """
    ###########################################################################
    # TODO: implement edge_kernel.                                            #
    ###########################################################################
    raise NotImplementedError("edge_kernel")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def sharpen_kernel():
    """
    The lecture's 3 x 3 sharpening kernel: the image plus its edges (the identity kernel plus edge_kernel()).

    Returns:
    - a float array of shape (3, 3)
    """
    ###########################################################################
    # TODO: implement sharpen_kernel.                                         #
    ###########################################################################
    raise NotImplementedError("sharpen_kernel")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def box_blur_kernel(size=3):
    """
    The box blur: the mean of a size x size window, np.ones((size, size)) / size**2 (its entries sum to 1,
    so a constant image keeps its value).

    Returns:
    - a float array of shape (size, size)
    """
    ###########################################################################
    # TODO: implement box_blur_kernel.                                        #
    ###########################################################################
    raise NotImplementedError("box_blur_kernel")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def gaussian_kernel(size=3, sigma=1.0):
    """
    The Gaussian blur kernel: entries proportional to exp(-(i**2 + j**2) / (2 sigma**2)) for offsets i, j
    from the centre (-(size - 1) / 2 ... (size - 1) / 2), normalized to sum to 1.

    Returns:
    - a float array of shape (size, size)
    """
    ###########################################################################
    # TODO: implement gaussian_kernel.                                        #
    ###########################################################################
    raise NotImplementedError("gaussian_kernel")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def sobel_magnitude(image):
    """
    The gradient magnitude sqrt(gx**2 + gy**2), where gx and gy are the true convolutions of the image with
    the lecture's G_x and G_y.

    Inputs:
    - image: array of shape (H, W), H >= 3 and W >= 3

    Returns:
    - float array of shape (H - 2, W - 2)
    """
    ###########################################################################
    # TODO: implement sobel_magnitude.                                        #
    ###########################################################################
    raise NotImplementedError("sobel_magnitude")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
