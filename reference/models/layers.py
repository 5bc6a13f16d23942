"""The layers the models are built from. The reference does not copy them: affine, ReLU, convolution and
pooling are the conv_pool reference's, dropout the dropout reference's, batch and layer normalization the
normalization reference's, softmax_loss the two_layer_net reference's.

(In the grader the layers come from `reference.<assignment>`; when reference/ itself is graded as a
submission, its folders are top-level packages there.)
"""
try:
    from reference.conv_pool.layers import (affine_backward, affine_forward, conv_backward_fast,
                                            conv_forward_fast, max_pool_backward_naive, max_pool_forward_naive,
                                            relu_backward, relu_forward)
    from reference.dropout.dropout import dropout_backward, dropout_forward
    from reference.normalization.layers import (batchnorm_backward, batchnorm_forward, layernorm_backward,
                                                layernorm_forward)
    from reference.two_layer_net.layers import softmax_loss
except ImportError:
    from conv_pool.layers import (affine_backward, affine_forward, conv_backward_fast,  # noqa: F401
                                  conv_forward_fast, max_pool_backward_naive, max_pool_forward_naive,
                                  relu_backward, relu_forward)
    from dropout.dropout import dropout_backward, dropout_forward  # noqa: F401
    from normalization.layers import (batchnorm_backward, batchnorm_forward, layernorm_backward,  # noqa: F401
                                      layernorm_forward)
    from two_layer_net.layers import softmax_loss  # noqa: F401
