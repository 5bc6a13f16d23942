"""DenseNet: channel growth, a dense block in NumPy, parameter counts."""
