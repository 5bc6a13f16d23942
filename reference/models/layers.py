"""The layers the models are built from. The reference does not copy them: affine, ReLU, convolution and
pooling are the conv_pool reference's, dropout the dropout reference's, batch and layer normalization the
normalization reference's. The two loss layers are this assignment's own.

(In the grader the layers come from `reference.<assignment>`; when reference/ itself is graded as a
submission, its folders are top-level packages there.)
"""
import numpy as np

try:
    from reference.conv_pool.layers import (affine_backward, affine_forward, conv_backward_fast,
                                            conv_forward_fast, max_pool_backward_naive, max_pool_forward_naive,
                                            relu_backward, relu_forward)
    from reference.dropout.dropout import dropout_backward, dropout_forward
    from reference.normalization.layers import (batchnorm_backward, batchnorm_forward, layernorm_backward,
                                                layernorm_forward)
except ImportError:
    from conv_pool.layers import (affine_backward, affine_forward, conv_backward_fast,  # noqa: F401
                                  conv_forward_fast, max_pool_backward_naive, max_pool_forward_naive,
                                  relu_backward, relu_forward)
    from dropout.dropout import dropout_backward, dropout_forward  # noqa: F401
    from normalization.layers import (batchnorm_backward, batchnorm_forward, layernorm_backward,  # noqa: F401
                                      layernorm_forward)


def svm_loss(x, y):
    """
    Computes the loss and gradient using for multiclass SVM classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and 0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss (the hinge loss with margin 1, averaged over N)
    - dx: Gradient of the loss with respect to x
    """
    N = x.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1.0)
    margins[rows, y] = 0
    loss = np.sum(margins) / N
    dx = (margins > 0).astype(x.dtype)
    dx[rows, y] = -dx.sum(axis=1)
    return loss, dx / N


def softmax_loss(x, y):
    """
    Computes the loss and gradient for softmax classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and 0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss (cross-entropy with the natural log, averaged over N)
    - dx: Gradient of the loss with respect to x
    """
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N
