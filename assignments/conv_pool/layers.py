"""CS231n layers: affine, ReLU, convolution, max and average pooling.

Every forward returns (out, cache); every backward takes (dout, cache) and returns the gradients of the
forward's inputs. Never modify an input array in place (this is checked).
Convolution here is cross-correlation: do NOT flip the kernel (as in CS231n and torch).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view  # noqa: F401  (handy for conv_forward_fast)


def conv_output_size(H, HH, stride, pad):
    """
    Output size of a convolution or pooling window along one axis: (H + 2*pad - HH) / stride + 1.

    Inputs:
    - H: input size along the axis
    - HH: kernel (or pooling window) size along the axis
    - stride: step between neighbouring windows (>= 1)
    - pad: zeros added on each side of the axis (>= 0)

    Returns an int. Raises ValueError when the windows do not tile the padded input exactly, i.e. when
    stride does not divide H + 2*pad - HH, or when the kernel is larger than the padded input. The message
    must show the formula with the numbers, e.g.
    "output size is not an integer: (H + 2*pad - HH) / stride + 1 = (5 + 2*0 - 2) / 2 + 1 = 2.5".
    """
    ###########################################################################
    # TODO: Compute the output size; raise ValueError as described above.    #
    ###########################################################################
    raise NotImplementedError("conv_output_size")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def affine_forward(x, w, b):
    """
    Computes the forward pass for an affine (fully connected) layer.

    The input x has shape (N, d_1, ..., d_k): a minibatch of N examples, each of D = d_1 * ... * d_k
    values. Reshape each example into a vector of dimension D, then transform it to an output of
    dimension M.

    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    ###########################################################################
    # TODO: Implement the affine forward pass. Store the result in out.       #
    ###########################################################################
    raise NotImplementedError("affine_forward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def affine_backward(dout, cache):
    """
    Computes the backward pass for an affine layer.

    Inputs:
    - dout: Upstream derivative, of shape (N, M)
    - cache: Tuple of:
      - x: Input data, of shape (N, d_1, ..., d_k)
      - w: Weights, of shape (D, M)
      - b: Biases, of shape (M,)

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d_1, ..., d_k)
    - dw: Gradient with respect to w, of shape (D, M)
    - db: Gradient with respect to b, of shape (M,)
    """
    ###########################################################################
    # TODO: Implement the affine backward pass.                               #
    ###########################################################################
    raise NotImplementedError("affine_backward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def relu_forward(x):
    """
    Computes the forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: x
    """
    ###########################################################################
    # TODO: Implement the ReLU forward pass.                                  #
    ###########################################################################
    raise NotImplementedError("relu_forward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def relu_backward(dout, cache):
    """
    Computes the backward pass for a layer of rectified linear units (ReLUs).
    Use gradient 0 where x == 0 (as torch does).

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: Input x, of same shape as dout

    Returns:
    - dx: Gradient with respect to x
    """
    ###########################################################################
    # TODO: Implement the ReLU backward pass.                                 #
    ###########################################################################
    raise NotImplementedError("relu_backward")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    The input consists of N data points, each with C channels, height H and width W. We convolve each
    input with F different filters, where each filter spans all C channels and has height HH and width WW.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields in the
        horizontal and vertical directions.
      - 'pad': The number of pixels that will be used to zero-pad the input.

    During padding, 'pad' zeros should be placed symmetrically (i.e equally on both sides)
    along the height and width axes of the input. Be careful not to modify the original
    input x directly.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W') where H' and W' are given by
      H' = 1 + (H + 2 * pad - HH) / stride
      W' = 1 + (W + 2 * pad - WW) / stride
    - cache: (x, w, b, conv_param)

    Raises ValueError (use conv_output_size) when H' or W' is not an integer.
    """
    ###########################################################################
    # TODO: Implement the convolutional forward pass with explicit loops.     #
    # Hint: you can use the function np.pad for padding.                      #
    ###########################################################################
    raise NotImplementedError("conv_forward_naive")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a convolutional layer.

    Inputs:
    - dout: Upstream derivatives, of shape (N, F, H', W')
    - cache: A tuple of (x, w, b, conv_param) as in conv_forward_naive

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W)
    - dw: Gradient with respect to w, of shape (F, C, HH, WW)
    - db: Gradient with respect to b, of shape (F,)
    """
    ###########################################################################
    # TODO: Implement the convolutional backward pass.                        #
    ###########################################################################
    raise NotImplementedError("conv_backward_naive")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def max_pool_forward_naive(x, pool_param):
    """
    A naive implementation of the forward pass for a max-pooling layer. No padding.

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with the following keys:
      - 'pool_height': The height of each pooling region
      - 'pool_width': The width of each pooling region
      - 'stride': The distance between adjacent pooling regions

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W') where H' and W' are given by
      H' = 1 + (H - pool_height) / stride
      W' = 1 + (W - pool_width) / stride
    - cache: (x, pool_param)

    Raises ValueError (use conv_output_size) when H' or W' is not an integer.
    """
    ###########################################################################
    # TODO: Implement the max-pooling forward pass.                           #
    ###########################################################################
    raise NotImplementedError("max_pool_forward_naive")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def max_pool_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a max-pooling layer.

    Each window sends its upstream gradient to its maximum only. If several cells of a window tie for the
    maximum, the gradient goes to the FIRST of them in row-major order inside the window (what np.argmax
    returns on the flattened window). Windows may overlap (stride < pool size): their gradients add up.

    Inputs:
    - dout: Upstream derivatives, of shape (N, C, H', W')
    - cache: A tuple of (x, pool_param) as in the forward pass.

    Returns:
    - dx: Gradient with respect to x, of shape (N, C, H, W)
    """
    ###########################################################################
    # TODO: Implement the max-pooling backward pass.                          #
    ###########################################################################
    raise NotImplementedError("max_pool_backward_naive")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def avg_pool_forward_naive(x, pool_param):
    """
    A naive implementation of the forward pass for an average-pooling layer. No padding.

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with keys 'pool_height', 'pool_width', 'stride' (as max pooling)

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W'): the mean of each window
    - cache: (x, pool_param)

    Raises ValueError (use conv_output_size) when H' or W' is not an integer.
    """
    ###########################################################################
    # TODO: Implement the average-pooling forward pass.                       #
    ###########################################################################
    raise NotImplementedError("avg_pool_forward_naive")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def avg_pool_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for an average-pooling layer.

    Inputs:
    - dout: Upstream derivatives, of shape (N, C, H', W')
    - cache: A tuple of (x, pool_param) as in the forward pass.

    Returns:
    - dx: Gradient with respect to x, of shape (N, C, H, W)
    """
    ###########################################################################
    # TODO: Implement the average-pooling backward pass.                      #
    ###########################################################################
    raise NotImplementedError("avg_pool_backward_naive")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_forward_fast(x, w, b, conv_param):
    """
    A vectorized forward pass for a convolutional layer: no Python loops over N, F, H' or W'.

    Same inputs, outputs, cache (x, w, b, conv_param) and errors as conv_forward_naive.
    Suggested: im2col with np.lib.stride_tricks.sliding_window_view (every window is a view of the padded
    input, no copy), then one matrix product (np.matmul, np.tensordot or np.einsum).
    """
    ###########################################################################
    # TODO: Implement a vectorized convolutional forward pass.                #
    ###########################################################################
    raise NotImplementedError("conv_forward_fast")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_backward_fast(dout, cache):
    """
    A vectorized backward pass for a convolutional layer.

    Inputs:
    - dout: Upstream derivatives, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param), from conv_forward_fast or conv_forward_naive

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W)
    - dw: Gradient with respect to w, of shape (F, C, HH, WW)
    - db: Gradient with respect to b, of shape (F,)
    """
    ###########################################################################
    # TODO: Implement a vectorized convolutional backward pass.               #
    ###########################################################################
    raise NotImplementedError("conv_backward_fast")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
