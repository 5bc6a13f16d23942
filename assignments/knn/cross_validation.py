"""k-fold cross-validation to choose k."""
import numpy as np

from .k_nearest_neighbor import KNearestNeighbor


def cross_validate_k(X_train, y_train, k_choices, num_folds=5):
    """Accuracy of kNN for each k on each of num_folds folds.

    Inputs:
    - X_train: A numpy array of shape (N, D).
    - y_train: A numpy array of shape (N,).
    - k_choices: A list of values of k to try.
    - num_folds: The number of folds.

    Split X_train and y_train with np.array_split into num_folds consecutive folds (no shuffling). For
    fold i, train on the other folds and measure the accuracy on fold i with predict(X, k=k).

    Returns:
    - A dict {k: [accuracy on fold 0, ..., accuracy on fold num_folds-1]} with accuracies in [0, 1].
    """
    # TODO
    raise NotImplementedError


def choose_best_k(k_to_accuracies):
    """Return the k with the highest mean accuracy; on a tie, the smaller k."""
    # TODO
    raise NotImplementedError
