"""Dilated convolutions (Kronecker-dilated kernels)."""
