"""Reference solution of the models assignment (CS231n assignment 2's fc_net.py, cnn.py, layer_utils.py, and
the loss layers of layers.py)."""
