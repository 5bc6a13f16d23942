"""k-nearest-neighbour classifier with L2 distance."""
import numpy as np


class KNearestNeighbor:
    """A kNN classifier with Euclidean (L2) distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """Train the classifier. For k-nearest neighbors this is just memorizing the training data.

        Inputs:
        - X: A numpy array of shape (num_train, D) containing the training data consisting of num_train
          samples each of dimension D.
        - y: A numpy array of shape (num_train,) containing the training labels, where y[i] is the label
          for X[i].
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """Predict labels for test data using this classifier.

        Inputs:
        - X: A numpy array of shape (num_test, D) containing test data.
        - k: The number of nearest neighbors that vote for the predicted labels.
        - num_loops: Which implementation to use to compute distances (0, 1 or 2 loops).

        Returns:
        - y: A numpy array of shape (num_test,) containing predicted labels for the test data, where y[i]
          is the predicted label for the test point X[i].
        """
        # TODO: compute the distances with the version num_loops selects, then call predict_labels.
        raise NotImplementedError

    def compute_distances_two_loops(self, X):
        """Compute the distance between each test point in X and each training point in self.X_train
        using a nested loop over both the training data and the test data.

        Inputs:
        - X: A numpy array of shape (num_test, D) containing test data.

        Returns:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j] is the Euclidean distance
          between the ith test point and the jth training point.
        """
        # TODO: dists[i, j] = L2 distance between X[i] and self.X_train[j].
        # Do not use a loop over dimension, nor np.linalg.norm().
        raise NotImplementedError

    def compute_distances_one_loop(self, X):
        """Compute the distance between each test point in X and each training point in self.X_train
        using a single loop over the test data.

        Input / Output: Same as compute_distances_two_loops
        """
        # TODO: compute dists[i, :] for each test point i with one loop. Do not use np.linalg.norm().
        raise NotImplementedError

    def compute_distances_no_loops(self, X):
        """Compute the distance between each test point in X and each training point in self.X_train
        using no explicit loops.

        Input / Output: Same as compute_distances_two_loops
        """
        # TODO: compute all distances without any explicit loop, using only basic array operations
        # (broadcasting and one matrix multiplication); no scipy, no np.linalg.norm().
        raise NotImplementedError

    def predict_labels(self, dists, k=1):
        """Given a matrix of distances between test points and training points, predict a label for each
        test point.

        Inputs:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j] gives the distance between
          the ith test point and the jth training point.
        - k: The number of nearest neighbors that vote.

        Returns:
        - y: A numpy array of shape (num_test,) containing predicted labels for the test data. Break ties
          by choosing the smaller label.
        """
        # TODO: for each test point find the labels of its k nearest training points and take the most
        # common one; on a tie choose the smaller label.
        raise NotImplementedError
