"""two_layer_net assignment: implement svm_loss and softmax_loss in layers.py and TwoLayerNet in fc_net.py (paste
your affine and ReLU layers from conv_pool into layers.py)."""
