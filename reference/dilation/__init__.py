"""Reference solution of the dilation assignment (Kronecker-dilated kernels, dilated conv, size formulas)."""
