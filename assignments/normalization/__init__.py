"""normalization assignment: implement the functions in layers.py."""
