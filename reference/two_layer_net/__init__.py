"""Reference solution of the two_layer_net assignment (CS231n fc_net.py's TwoLayerNet and the loss layers)."""
