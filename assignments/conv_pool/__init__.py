"""conv_pool assignment: implement the functions in layers.py."""
