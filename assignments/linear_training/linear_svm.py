"""The SVM loss LinearSVM trains with: paste your svm_loss_vectorized from linear_classifiers/linear_svm.py
(with its REG_SCALE convention) — as CS231n's linear_classifier.py imports it from linear_svm.py."""


def svm_loss_vectorized(W, X, y, reg):
    """Your structured SVM loss, vectorized: returns (loss, dW)."""
    raise NotImplementedError("paste your svm_loss_vectorized from linear_classifiers/linear_svm.py")
