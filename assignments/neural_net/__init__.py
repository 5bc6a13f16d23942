"""neural_net assignment: implement TwoLayerNet in neural_net.py."""
