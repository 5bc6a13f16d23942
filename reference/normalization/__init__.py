"""Reference solution of the normalization assignment (CS231n batch, layer, spatial batch and group norm)."""
