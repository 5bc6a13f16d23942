"""models assignment: implement the loss layers in layers.py, the sandwiches in layer_utils.py, and the networks
in fc_net.py and cnn.py (paste your own layers from conv_pool, dropout and normalization into layers.py)."""
