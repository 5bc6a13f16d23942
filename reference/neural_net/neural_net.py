"""A two-layer fully-connected network with its own training loop (CS231n assignment 1, neural_net.py,
2016–2020): input - affine - ReLU - affine - softmax.

Course setting REG_SCALE: the regularization term is REG_SCALE * reg * (sum(W1**2) + sum(W2**2)), the
biases unregularized. 1.0 is CS231n 2017–2020 (no factor 0.5); 0.5 is 2016 ("multiply the regularization
loss by 0.5").
"""
import numpy as np

REG_SCALE = 1.0


class TwoLayerNet(object):
    """
    A two-layer fully-connected neural network. The net has an input dimension of N, a hidden layer
    dimension of H, and performs classification over C classes. We train the network with a softmax loss
    function and L2 regularization on the weight matrices. The network uses a ReLU nonlinearity after the
    first fully connected layer.

    The outputs of the second fully-connected layer are the scores for each class.
    """

    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        """
        Initialize the model. Weights are initialized to small random values (std * standard normal) and
        biases are initialized to zero. Weights and biases are stored in the variable self.params, a
        dictionary with the following keys:

        W1: First layer weights; has shape (D, H)
        b1: First layer biases; has shape (H,)
        W2: Second layer weights; has shape (H, C)
        b2: Second layer biases; has shape (C,)

        Inputs:
        - input_size: The dimension D of the input data.
        - hidden_size: The number of neurons H in the hidden layer.
        - output_size: The number of classes C.
        """
        self.params = {}
        self.params['W1'] = std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

    def loss(self, X, y=None, reg=0.0):
        """
        Compute the loss and gradients for a two layer fully connected neural network.

        Inputs:
        - X: Input data of shape (N, D). Each X[i] is a training sample.
        - y: Vector of training labels. y[i] is the label for X[i], and each y[i] is an integer in the
          range 0 <= y[i] < C. This parameter is optional; if it is not passed then we only return
          scores, and if it is passed then we instead return the loss and gradients.
        - reg: Regularization strength.

        Returns:
        If y is None, return a matrix scores of shape (N, C) where scores[i, c] is the score for class c
        on input X[i].

        If y is not None, instead return a tuple of:
        - loss: Loss (data loss and regularization loss) for this batch of training samples.
        - grads: Dictionary mapping parameter names to gradients of those parameters with respect to the
          loss function; has the same keys as self.params.
        """
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        N = X.shape[0]

        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2
        if y is None:
            return scores

        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(N), y].mean()
        loss += REG_SCALE * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        dscores = np.exp(log_probs)
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {'W2': hidden.T.dot(dscores) + 2 * REG_SCALE * reg * W2, 'b2': dscores.sum(axis=0)}
        dhidden = dscores.dot(W2.T) * (hidden > 0)
        grads['W1'] = X.T.dot(dhidden) + 2 * REG_SCALE * reg * W1
        grads['b1'] = dhidden.sum(axis=0)
        return loss, grads

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, reg=5e-6,
              num_iters=100, batch_size=200, verbose=False):
        """
        Train this neural network using stochastic gradient descent.

        Inputs:
        - X: A numpy array of shape (N, D) giving training data.
        - y: A numpy array of shape (N,) giving training labels; y[i] = c means that X[i] has label c,
          where 0 <= c < C.
        - X_val: A numpy array of shape (N_val, D) giving validation data.
        - y_val: A numpy array of shape (N_val,) giving validation labels.
        - learning_rate: Scalar giving learning rate for optimization.
        - learning_rate_decay: Scalar giving factor used to decay the learning rate after each epoch.
        - reg: Scalar giving regularization strength.
        - num_iters: Number of steps to take when optimizing.
        - batch_size: Number of training examples to use per step (sampled with np.random.choice; with
          replacement is fine).
        - verbose: boolean; if true print progress during optimization.

        Returns a dictionary with 'loss_history' (the minibatch loss of every iteration),
        'train_acc_history' and 'val_acc_history' (the accuracies measured once per epoch).
        """
        num_train = X.shape[0]
        iterations_per_epoch = max(num_train / batch_size, 1)

        loss_history, train_acc_history, val_acc_history = [], [], []
        for it in range(num_iters):
            idx = np.random.choice(num_train, batch_size)
            X_batch, y_batch = X[idx], y[idx]

            loss, grads = self.loss(X_batch, y=y_batch, reg=reg)
            loss_history.append(loss)
            for name in self.params:
                self.params[name] -= learning_rate * grads[name]

            if verbose and it % 100 == 0:
                print('iteration %d / %d: loss %f' % (it, num_iters, loss))

            # Every epoch, check train and val accuracy and decay learning rate.
            if it % iterations_per_epoch == 0:
                train_acc_history.append((self.predict(X_batch) == y_batch).mean())
                val_acc_history.append((self.predict(X_val) == y_val).mean())
                learning_rate *= learning_rate_decay

        return {'loss_history': loss_history, 'train_acc_history': train_acc_history,
                'val_acc_history': val_acc_history}

    def predict(self, X):
        """
        Use the trained weights of this two-layer network to predict labels for data points.

        Inputs:
        - X: A numpy array of shape (N, D) giving N D-dimensional data points to classify.

        Returns:
        - y_pred: A numpy array of shape (N,) giving predicted labels for each of the elements of X. For
          all i, y_pred[i] = c means that X[i] is predicted to have class c, where 0 <= c < C.
        """
        return np.argmax(self.loss(X), axis=1)
