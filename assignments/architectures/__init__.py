"""Architectures: counting AlexNet to MobileNetV2 from their specs."""
