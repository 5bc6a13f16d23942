"""k-fold cross-validation to choose k (reference solution)."""
import numpy as np

from .k_nearest_neighbor import KNearestNeighbor


def cross_validate_k(X_train, y_train, k_choices, num_folds=5):
    """Accuracy of kNN for each k on each of num_folds folds.

    X_train: (N, D); y_train: (N,). The data is split with np.array_split into num_folds consecutive folds;
    fold i is the validation set and the other folds the training set.
    Returns a dict {k: [accuracy on fold 0, ..., accuracy on fold num_folds-1]} (floats in [0, 1]).
    """
    X_folds = np.array_split(X_train, num_folds)
    y_folds = np.array_split(y_train, num_folds)
    k_to_accuracies = {}
    for k in k_choices:
        accuracies = []
        for i in range(num_folds):
            X_tr = np.concatenate(X_folds[:i] + X_folds[i + 1:])
            y_tr = np.concatenate(y_folds[:i] + y_folds[i + 1:])
            classifier = KNearestNeighbor()
            classifier.train(X_tr, y_tr)
            y_pred = classifier.predict(X_folds[i], k=k)
            accuracies.append(float(np.mean(y_pred == y_folds[i])))
        k_to_accuracies[k] = accuracies
    return k_to_accuracies


def choose_best_k(k_to_accuracies):
    """The k with the highest mean accuracy; ties go to the smaller k."""
    return min(k_to_accuracies, key=lambda k: (-np.mean(k_to_accuracies[k]), k))
