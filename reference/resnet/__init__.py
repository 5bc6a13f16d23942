"""ResNet: a residual block in NumPy, parameter and multiply-add counts, the network in torch."""
