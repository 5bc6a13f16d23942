"""dilation assignment: implement dilation.py, formulas.py (and paste your convolution into conv.py)."""
