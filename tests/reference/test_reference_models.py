"""The models references against torch autograd (an independent implementation), and the grader's fixed
gradient cases checked for kinks: no ReLU input and no max-pool runner-up within reach of a 1e-5 probe."""
import numpy as np
import pytest
import torch
import torch.nn.functional as tF
from hypothesis import given, settings

from grader.suites import models, two_layer_net
from helpers import device


def _t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64), device=device(), requires_grad=True)


def torch_fc(case):
    """The loss and gradients of CS231n's FullyConnectedNet (no dropout) in torch."""
    names = models.fc_names(case)
    p = {n: _t(case[n]) for n in names}
    L = len(case["hidden"]) + 1
    h = torch.tensor(case["X"], device=device())
    for k in range(1, L):
        h = h @ p["W%d" % k] + p["b%d" % k]
        if case.get("norm") == "batchnorm":
            h = tF.batch_norm(h, None, None, p["gamma%d" % k], p["beta%d" % k], training=True, eps=1e-5)
        elif case.get("norm") == "layernorm":
            h = tF.layer_norm(h, h.shape[1:], p["gamma%d" % k], p["beta%d" % k], eps=1e-5)
        h = torch.relu(h)
    scores = h @ p["W%d" % L] + p["b%d" % L]
    loss = tF.cross_entropy(scores, torch.tensor(case["y"], device=device()))
    loss = loss + 0.5 * case["reg"] * sum((p["W%d" % k] ** 2).sum() for k in range(1, L + 1))
    loss.backward()
    return float(loss.detach()), {n: p[n].grad.cpu().numpy() for n in names}


def numpy_fc(case):
    from reference.models.fc_net import FullyConnectedNet
    model = FullyConnectedNet(case["hidden"], input_dim=case["D"], num_classes=case["C"], reg=case["reg"],
                              normalization=case.get("norm"), dtype=np.float64)
    model.params.update({n: case[n] for n in models.fc_names(case)})
    return model.loss(case["X"], case["y"])


@settings(max_examples=10)
@given(models.fc_drawn(min_n=2))
def test_fully_connected_net_equals_torch(params):
    for norm in (None, "batchnorm", "layernorm"):
        case = models.make_fc(dict(params, norm=norm))
        loss, grads = numpy_fc(case)
        t_loss, t_grads = torch_fc(case)
        assert abs(loss - t_loss) < 1e-9 * max(1, abs(t_loss))
        for n, g in t_grads.items():
            assert np.allclose(grads[n], g, rtol=1e-7, atol=1e-10), (norm, n)


@pytest.mark.parametrize("case", models.CNN_PUBLIC)
def test_three_layer_conv_net_equals_torch(case):
    from reference.models.cnn import ThreeLayerConvNet
    i = models.make_cnn(case)
    model = ThreeLayerConvNet(input_dim=i["input_dim"], num_filters=i["F"], filter_size=i["fs"], hidden_dim=i["H"],
                              num_classes=i["C"], reg=i["reg"], dtype=np.float64)
    names = models.CNN_NET.names(i)
    model.params.update({n: i[n] for n in names})
    loss, grads = model.loss(i["X"], i["y"])
    p = {n: _t(i[n]) for n in names}
    x = torch.tensor(i["X"], device=device())
    h = tF.max_pool2d(torch.relu(tF.conv2d(x, p["W1"], p["b1"], padding=(i["fs"] - 1) // 2)), 2)
    h = torch.relu(h.flatten(1) @ p["W2"] + p["b2"])
    t_loss = tF.cross_entropy(h @ p["W3"] + p["b3"], torch.tensor(i["y"], device=device())) + \
        0.5 * i["reg"] * sum((p[w] ** 2).sum() for w in ("W1", "W2", "W3"))
    t_loss.backward()
    assert abs(loss - float(t_loss.detach())) < 1e-9
    for n in names:
        assert np.allclose(grads[n], p[n].grad.cpu().numpy(), rtol=1e-7, atol=1e-10), n


@pytest.mark.parametrize("name", ["softmax_loss", "svm_loss"])
def test_loss_layers_equal_torch(name):
    from reference.two_layer_net import layers
    case = two_layer_net.make_scores({"N": 9, "C": 5, "seed": 3})
    loss, dx = getattr(layers, name)(case["x"], case["y"])
    x, y = _t(case["x"]), torch.tensor(case["y"], device=device())
    t_loss = tF.cross_entropy(x, y) if name == "softmax_loss" else tF.multi_margin_loss(x, y) * x.shape[1]
    t_loss.backward()
    assert abs(loss - float(t_loss.detach())) < 1e-12 and np.allclose(dx, x.grad.cpu().numpy(), atol=1e-12)


# ---------------------------------------------------------------- no kinks near the gradient cases

def relu_inputs(monkeypatch, modules):
    """Record the input of every ReLU and the windows of every max pool the references run."""
    from reference.conv_pool import layers
    seen = {"relu": [], "pool": []}
    relu, pool = layers.relu_forward, layers.max_pool_forward_naive

    def record_relu(x):
        seen["relu"].append(np.abs(x).min())
        return relu(x)

    def record_pool(x, pool_param):
        N, C, H, W = x.shape
        windows = x.reshape(N, C, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(-1, 4)
        top = np.sort(windows, axis=1)
        positive = top[:, -1] > 0      # windows that are all zeros after the ReLU pass no gradient at all
        if positive.any():
            seen["pool"].append((top[positive, -1] - top[positive, -2]).min())
        return pool(x, pool_param)
    for module in modules:
        if hasattr(module, "relu_forward"):
            monkeypatch.setattr(module, "relu_forward", record_relu)
        if hasattr(module, "max_pool_forward_naive"):
            monkeypatch.setattr(module, "max_pool_forward_naive", record_pool)
    return seen


def test_the_gradient_cases_are_far_from_every_kink(monkeypatch):
    """A probe moves a ReLU input or a pool's top two by at most h·|input| ≈ 1e-4 here: every margin is ten
    times that, so the numerical gradient of a right model never straddles a kink, whatever the directions."""
    import reference.models.cnn as cnn
    import reference.models.fc_net as fc_net
    import reference.models.layer_utils as utils
    from reference.models.cnn import ThreeLayerConvNet
    seen = relu_inputs(monkeypatch, (fc_net, utils, cnn))
    for case in (models.FC_PLAIN[2], models.FC_BATCHNORM[1], models.FC_LAYERNORM[1], models.FC_DROPOUT[1]):
        numpy_fc(models.make_fc(dict(case, keep=1)))
    i = models.make_cnn(models.CNN_PUBLIC[0])
    model = ThreeLayerConvNet(input_dim=i["input_dim"], num_filters=i["F"], filter_size=i["fs"], hidden_dim=i["H"],
                              num_classes=i["C"], dtype=np.float64)
    model.params.update({n: i[n] for n in models.CNN_NET.names(i)})
    model.loss(i["X"], i["y"])
    assert min(seen["relu"]) > 1e-3 and min(seen["pool"]) > 1e-3, (min(seen["relu"]), min(seen["pool"]))


def test_the_two_layer_gradient_cases_are_far_from_every_kink():
    from grader.suites import neural_net
    cases = [neural_net.make_net(p) for p in neural_net.GRADIENT.public] + \
        [two_layer_net.make_two_layer(two_layer_net.TWO_PUBLIC[2])]
    for case in cases:
        assert np.abs(case["X"] @ case["W1"] + case["b1"]).min() > 1e-3
    scores = two_layer_net.make_scores({"N": 7, "C": 4, "seed": 1})     # the SVM's gradient case: no margin at 0
    x, y = scores["x"], scores["y"]
    margins = x - x[np.arange(len(y)), y][:, None] + 1
    margins[np.arange(len(y)), y] = 1
    assert np.abs(margins).min() > 1e-3
