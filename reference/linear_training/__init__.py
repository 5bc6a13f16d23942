"""Reference solution of the linear_training assignment (CS231n assignment 1's linear_classifier.py)."""
