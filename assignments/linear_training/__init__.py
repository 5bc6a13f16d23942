"""linear_training assignment: implement LinearClassifier.train and predict in linear_classifier.py (paste your
vectorized losses into linear_svm.py and softmax.py)."""
