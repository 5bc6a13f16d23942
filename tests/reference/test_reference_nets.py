"""Assignment 1's two-layer nets and the linear classifiers' SGD against torch autograd, on the inputs the suites
draw with hypothesis (the same strategies the hidden checks use), so the reference the grader compares with is
right wherever a student is graded.

- neural_net (CS231n a1 `neural_net.py`): loss, scores and every gradient; regularization REG_SCALE * reg * sum W^2.
- two_layer_net (CS231n a2 `fc_net.py`): loss and every gradient; regularization 0.5 * reg * sum W^2.
- linear_training (`LinearSVM`/`Softmax.train`): on identical rows every minibatch is the same, so the loss
  history and the final W are those of plain gradient descent, computed here with torch.
"""
import numpy as np
import torch
import torch.nn.functional as tF
from hypothesis import given

from grader.suites import linear_training, neural_net, two_layer_net

NAMES = ("W1", "b1", "W2", "b2")


def torch_two_layer(c, reg_term):
    """Loss, scores and gradients of affine - ReLU - affine - softmax cross-entropy (mean over N)."""
    t = {k: torch.tensor(c[k], dtype=torch.float64, requires_grad=True) for k in NAMES}
    X = torch.tensor(c["X"], dtype=torch.float64)
    scores = torch.relu(X @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    loss = tF.cross_entropy(scores, torch.tensor(c["y"])) + reg_term(t["W1"], t["W2"])
    loss.backward()
    return loss.item(), scores.detach().numpy(), {k: t[k].grad.numpy() for k in NAMES}


def assert_close(name, ours, theirs, rtol=1e-9, atol=1e-11):
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=name)


@given(neural_net.DRAWN)
def test_neural_net_equals_torch(p):
    from reference.neural_net.neural_net import REG_SCALE, TwoLayerNet
    c = neural_net.make_net(p)
    net = TwoLayerNet(c["D"], c["H"], c["C"])
    net.params.update({k: c[k].copy() for k in NAMES})
    loss, grads = net.loss(c["X"], c["y"], reg=c["reg"])
    want_loss, want_scores, want = torch_two_layer(
        c, lambda W1, W2: REG_SCALE * c["reg"] * ((W1 * W1).sum() + (W2 * W2).sum()))
    assert_close("scores", net.loss(c["X"]), want_scores)
    assert_close("loss", loss, want_loss)
    for k in NAMES:
        assert_close(k, grads[k], want[k])


@given(two_layer_net.TWO_DRAWN)
def test_fc_net_two_layer_net_equals_torch(p):
    from reference.two_layer_net.fc_net import TwoLayerNet
    c = two_layer_net.make_two_layer(p)
    net = TwoLayerNet(input_dim=c["D"], hidden_dim=c["H"], num_classes=c["C"], reg=c["reg"])
    net.params.update({k: c[k].copy() for k in NAMES})
    loss, grads = net.loss(c["X"], c["y"])
    want_loss, want_scores, want = torch_two_layer(
        c, lambda W1, W2: 0.5 * c["reg"] * ((W1 * W1).sum() + (W2 * W2).sum()))
    assert_close("scores", net.loss(c["X"]), want_scores)
    assert_close("loss", loss, want_loss)
    for k in NAMES:
        assert_close(k, grads[k], want[k])


def torch_descent(kind, i):
    """Plain gradient descent from i["W"] on one example repeated (reg = 0, as the suite draws it)."""
    W = torch.tensor(i["W"], dtype=torch.float64, requires_grad=True)
    X, y = torch.tensor(i["X"][: i["batch"]], dtype=torch.float64), torch.tensor(i["y"][: i["batch"]])
    history = []
    for _ in range(i["iters"]):
        scores = X @ W
        if kind == "svm":
            margins = (scores - scores.gather(1, y[:, None]) + 1).clamp(min=0)
            loss = (margins.sum(dim=1) - 1).mean()          # the correct class's own margin is 1
        else:
            loss = tF.cross_entropy(scores, y)
        W.grad = None
        loss.backward()
        history.append(loss.item())
        with torch.no_grad():
            W -= i["lr"] * W.grad
    return history, W.detach().numpy()


@given(linear_training.TRAJECTORY_DRAWN)
def test_linear_classifiers_train_is_gradient_descent_on_identical_rows(p):
    from reference.linear_training.linear_classifier import LinearSVM, Softmax
    i = linear_training.identical_rows(p)
    for kind, cls in (("svm", LinearSVM), ("softmax", Softmax)):
        clf = cls()
        clf.W = i["W"].copy()
        np.random.seed(0)
        history = clf.train(i["X"], i["y"], learning_rate=i["lr"], reg=i["reg"], num_iters=i["iters"],
                            batch_size=i["batch"], verbose=False)
        want_history, want_W = torch_descent(kind, i)
        assert len(history) == i["iters"]
        assert_close(kind + " loss history", np.asarray(history, dtype=float), want_history)
        assert_close(kind + " W", clf.W, want_W)
