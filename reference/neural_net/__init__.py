"""Reference solution of the neural_net assignment (CS231n assignment 1's two-layer net, 2016–2020)."""
