"""Counting the cost of convolutions and of an Inception module (GoogLeNet).

Write every function with plain arithmetic (+, -, *, /, and // only where stated), without
numpy and without converting to int or float: then the same function also works on sympy
symbols, and `conv_flops(H, W, C, K, F)` called with symbols returns the formula itself.

Conventions
-----------
- A convolution's cost is counted in multiply-adds (MACs): one multiply-add per weight per
  output position. Bias additions, ReLUs and pooling comparisons are not counted.
- `FLOPS_PER_MAC = 1`: the returned "flops" are multiply-adds (the lecture's numbers). The
  grader may set it to 2 (FLOPs = 2 x MACs); your conv_flops must multiply by it.
- Every convolution inside an Inception module keeps the spatial size (stride 1, 'same'
  padding), and the pooling branch is a 3x3 max-pool with stride 1 and padding 1.
"""

FLOPS_PER_MAC = 1  # course setting: 1 -> multiply-adds, 2 -> FLOPs = 2 x multiply-adds


def conv_output_size(H, F, S=1, P=0):
    """Spatial output size of a convolution.

    Inputs:
    - H: input height (or width)
    - F: filter size
    - S: stride
    - P: zero padding on each side

    Returns the output size (H + 2P - F) / S + 1:
    - for Python ints, an int; raise ValueError when the filter does not fit, i.e. when
      (H + 2P - F) is not divisible by S;
    - for sympy inputs, the exact expression (e.g. 7/3 for H=7, F=3, S=3, P=0).
    """
    ###########################################################################
    # TODO: Implement the output size.                                        #
    ###########################################################################
    raise NotImplementedError('conv_output_size')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_flops(H_out, W_out, C_in, C_out, K):
    """Cost of a K x K convolution from C_in to C_out channels.

    Inputs:
    - H_out, W_out: spatial size of the OUTPUT
    - C_in: input channels
    - C_out: output channels (number of filters)
    - K: filter size (K x K)

    Returns the number of multiply-adds, times FLOPS_PER_MAC.
    """
    ###########################################################################
    # TODO: Implement the count.                                              #
    ###########################################################################
    raise NotImplementedError('conv_flops')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def conv_params(C_in, C_out, K, bias=True):
    """Learnable parameters of a K x K convolution from C_in to C_out channels.

    Inputs:
    - C_in, C_out, K: as in conv_flops
    - bias: whether each filter has a bias

    Returns the number of weights (and biases).
    """
    ###########################################################################
    # TODO: Implement the count.                                              #
    ###########################################################################
    raise NotImplementedError('conv_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def inception_module_flops(H, W, C_in, c1, c3r, c3, c5r, c5, pool_proj):
    """Cost of an Inception module (GoogLeNet, with dimension reductions).

    Inputs:
    - H, W: spatial size of the input (also of the output)
    - C_in: input channels
    - c1: filters of the 1x1 branch
    - c3r, c3: 1x1 reduction filters, then 3x3 filters of the 3x3 branch
    - c5r, c5: 1x1 reduction filters, then 5x5 filters of the 5x5 branch
    - pool_proj: 1x1 filters after the 3x3 max-pool

    Returns a dict with keys:
    - 'branch1x1', 'branch3x3', 'branch5x5', 'branch_pool': the cost of each branch, its 1x1
      reduction (or projection) included
    - 'total': the sum of the four branches
    - 'out_channels': the depth of the concatenated output
    """
    ###########################################################################
    # TODO: Use conv_flops for every convolution of the module.               #
    ###########################################################################
    raise NotImplementedError('inception_module_flops')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def inception_module_params(C_in, c1, c3r, c3, c5r, c5, pool_proj, bias=True):
    """Learnable parameters of an Inception module, per branch.

    Inputs: as inception_module_flops (without H, W, which do not change the count), plus
    - bias: whether every convolution has biases

    Returns a dict with the same keys as inception_module_flops.
    """
    ###########################################################################
    # TODO: Use conv_params for every convolution of the module.              #
    ###########################################################################
    raise NotImplementedError('inception_module_params')
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
