"""k-nearest-neighbour classifier with L2 distance (reference solution, CS231n API)."""
import numpy as np


class KNearestNeighbor:
    """A kNN classifier with Euclidean (L2) distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """Memorize the training data. X: (num_train, D); y: (num_train,) integer labels."""
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """Predict labels for X: (num_test, D). Returns y_pred: (num_test,)."""
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("Invalid value %d for num_loops" % num_loops)
        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """dists[i, j] = Euclidean distance between X[i] and X_train[j]. Returns (num_test, num_train)."""
        num_test, num_train = X.shape[0], self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))
        return dists

    def compute_distances_one_loop(self, X):
        """Same as compute_distances_two_loops, with one loop over the test points."""
        num_test, num_train = X.shape[0], self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            dists[i, :] = np.sqrt(np.sum((self.X_train - X[i]) ** 2, axis=1))
        return dists

    def compute_distances_no_loops(self, X):
        """Same, fully vectorized: ||a-b||^2 = ||a||^2 - 2 a.b + ||b||^2."""
        test_sq = np.sum(X ** 2, axis=1, keepdims=True)
        train_sq = np.sum(self.X_train ** 2, axis=1)
        sq = test_sq - 2.0 * X.dot(self.X_train.T) + train_sq
        return np.sqrt(np.maximum(sq, 0.0))

    def predict_labels(self, dists, k=1):
        """Majority vote among the k nearest training points; ties go to the smaller label.

        dists: (num_test, num_train). Returns y_pred: (num_test,) integers.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test, dtype=np.int64)
        for i in range(num_test):
            nearest = np.argsort(dists[i], kind="stable")[:k]
            closest_y = np.asarray(self.y_train)[nearest]
            y_pred[i] = np.argmax(np.bincount(closest_y))  # argmax picks the smallest label on ties
        return y_pred
