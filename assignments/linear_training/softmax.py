"""The softmax loss Softmax trains with: paste your softmax_loss_vectorized from linear_classifiers/softmax.py
(with its REG_SCALE convention) — as CS231n's linear_classifier.py imports it from softmax.py."""


def softmax_loss_vectorized(W, X, y, reg):
    """Your softmax loss, vectorized: returns (loss, dW)."""
    raise NotImplementedError("paste your softmax_loss_vectorized from linear_classifiers/softmax.py")
