"""Convolution variants: transposed, deformable, masked (PixelCNN) and depthwise-separable convolutions."""
