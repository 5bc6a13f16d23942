"""The lecture's nearest-neighbour classifier with the L1 (Manhattan) distance d1(I1, I2) = sum_p |I1^p - I2^p|,
and its k-nearest-neighbour vote. (The `knn` assignment is the Euclidean CS231n version.)"""
import numpy as np


def l1_distance(I1, I2):
    """
    The L1 distance between two images (arrays of the same shape): the sum over every pixel p of
    |I1[p] - I2[p]|.

    Returns:
    - the distance, a float
    """
    ###########################################################################
    # TODO: implement l1_distance.                                            #
    ###########################################################################
    raise NotImplementedError("l1_distance")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


class NearestNeighbor(object):
    """A nearest-neighbour classifier with the L1 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Train the classifier: it simply remembers all the training data.

        Inputs:
        - X: A numpy array of shape (num_train, D): one training example per row
        - y: A numpy array of shape (num_train,) of integer labels
        """
        self.Xtr = X
        self.ytr = y

    def compute_distances_l1(self, X):
        """
        The L1 distance between each test point in X and each training point, with at most one loop (over
        the test points, as the lecture does).

        Inputs:
        - X: A numpy array of shape (num_test, D)

        Returns:
        - dists: A numpy array of shape (num_test, num_train); dists[i, j] is the L1 distance between the
          ith test point and the jth training point
        """
        #######################################################################
        # TODO: implement compute_distances_l1.                               #
        #######################################################################
        raise NotImplementedError("compute_distances_l1")
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

    def predict(self, X, k=1):
        """
        Predict a label for each test point: the most common label among its k nearest training points in
        L1 distance (k = 1: the nearest one, as in the lecture). Break ties between labels by choosing the
        smaller label.

        Inputs:
        - X: A numpy array of shape (num_test, D)
        - k: The number of nearest neighbours that vote

        Returns:
        - y_pred: A numpy array of shape (num_test,) of the predicted labels
        """
        #######################################################################
        # TODO: implement predict.                                            #
        #######################################################################
        raise NotImplementedError("predict")
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
