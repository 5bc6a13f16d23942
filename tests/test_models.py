"""Mutants of the models reference (FullyConnectedNet, ThreeLayerConvNet, the sandwiches): each realistic
mistake loses points at the check meant to catch it. The reference imports the conv_pool, dropout,
normalization and two_layer_net references, so a mutant is a copy of those folders with models/ changed."""
import numpy as np
import pytest

from grader import spec
from grader.course import Course
from grader.sandbox.plan import Ref
from helpers import mutant_tree
from partial import graded

USES = ("conv_pool", "dropout", "normalization", "two_layer_net")
FC, CNN, UTILS = "fc_net.py", "cnn.py", "layer_utils.py"


def models_tree(tmp_path, file, edits):
    """reference/models with `edits` applied to `file`, beside the references it imports."""
    return mutant_tree(tmp_path, "models", file, edits, USES)


# (name, file, [(old, new)], the check that must fail, words its output must hold, checks that must still pass)
MUTANTS = [
    ("fc_reg_without_one_half", FC, [("loss += 0.5 * self.reg * np.sum(W * W)", "loss += self.reg * np.sum(W * W)")],
     "FullyConnectedNet.loss", "the loss has 1·reg·ΣW²; this course uses 0.5·reg·ΣW²", ()),
    ("fc_regularization_gradient_missing", FC, [("grads['W%d' % i] += self.reg * W", "pass")],
     "FullyConnectedNet.loss", "the regularization gradient (1·reg·W", ("FullyConnectedNet.scores",)),
    ("fc_biases_regularized", FC, [("grads['W%d' % i] += self.reg * W",
                                    "grads['W%d' % i] += self.reg * W\n            grads['b%d' % i] += self.reg * "
                                    "self.params['b%d' % i]")],
     "FullyConnectedNet.loss", "the biases are not regularized", ()),
    ("fc_relu_after_the_last_layer", FC, [("        # If test mode return early.\n",
                                           "        scores = np.maximum(scores, 0)\n")],
     "FullyConnectedNet.scores", "differs", ()),
    ("fc_weights_scaled_by_variance", FC, [("= weight_scale * np.random.randn(", "= weight_scale ** 2 * np.random.randn(")],
     "FullyConnectedNet.init", "weight_scale²", ("FullyConnectedNet.loss",)),
    ("fc_gammas_start_at_zero", FC, [("np.ones(dims[i + 1])", "np.zeros(dims[i + 1])")],
     "FullyConnectedNet.init", "all ones", ("FullyConnectedNet.batchnorm",)),
    ("fc_normalization_after_the_last_layer", FC, [("if self.normalization and i < self.num_layers - 1:",
                                                    "if self.normalization:")],
     "FullyConnectedNet.init", "the last affine layer has no normalization", ("FullyConnectedNet.batchnorm",)),
    ("fc_params_not_cast_to_dtype", FC, [("self.params[k] = v.astype(dtype)", "self.params[k] = v")],
     "FullyConnectedNet.init", "dtype float64; the model's dtype is float32", ("FullyConnectedNet.loss",)),
    ("fc_weights_of_std_one", FC, [("= weight_scale * np.random.randn(", "= np.random.randn(")],
     "FullyConnectedNet.loss_at_init", "ln(C)", ("FullyConnectedNet.loss",)),
    ("fc_batchnorm_mode_never_switched", FC, [("                bn_param[\"mode\"] = mode", "                pass")],
     "FullyConnectedNet.batchnorm_test_mode", "scores", ("FullyConnectedNet.batchnorm",)),
    ("fc_dropout_left_on_at_test_time", FC, [("            self.dropout_param[\"mode\"] = mode", "            pass")],
     "FullyConnectedNet.dropout", "test", ("FullyConnectedNet.loss",)),
    ("fc_dropout_skipped_in_backward", FC, [("                dout = dropout_backward(dout, drop_cache)",
                                             "                pass")],
     "FullyConnectedNet.dropout_gradient", "numerical gradient", ("FullyConnectedNet.dropout",)),
    ("fc_dropout_never_applied", FC, [("                out, drop_cache = dropout_forward(out, self.dropout_param)",
                                       "                drop_cache = None"),
                                      ("                dout = dropout_backward(dout, drop_cache)", "                pass")],
     "FullyConnectedNet.dropout", "dropout is not applied", ()),
    ("fc_layernorm_gamma_gradient_from_batchnorm", FC, [(
        "dout, grads['gamma%d' % i], grads['beta%d' % i] = layernorm_backward(dout, norm_cache)",
        "dout, grads['gamma%d' % i], grads['beta%d' % i] = layernorm_backward(dout, norm_cache)\n"
        "                grads['gamma%d' % i] = grads['gamma%d' % i] * 2")],
     "FullyConnectedNet.layernorm_gradient", "numerical gradient", ("FullyConnectedNet.batchnorm",)),
    ("cnn_without_padding", CNN, [("conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}",
                                   "conv_param = {'stride': 1, 'pad': 0}")], "ThreeLayerConvNet.scores", "", ()),
    ("cnn_w2_without_the_pool", CNN, [("num_filters * (H // 2) * (W // 2)", "num_filters * H * W")],
     "ThreeLayerConvNet.init", "shape", ()),
    ("cnn_first_layer_unregularized", CNN, [("        grads['W1'] += self.reg * W1\n", "")],
     "ThreeLayerConvNet.loss", "regularization gradient", ("ThreeLayerConvNet.scores",)),
    ("cnn_bias_gradient_sign", CNN, [("dout2, grads['W3'], grads['b3'] = affine_backward(dscores, cache3)",
                                      "dout2, grads['W3'], grads['b3'] = affine_backward(dscores, cache3)\n"
                                      "        grads['b3'] = -grads['b3']")],
     "ThreeLayerConvNet.numerical_gradient", "numerical gradient", ("ThreeLayerConvNet.scores",)),
    ("cnn_gradients_written_over_the_weights", CNN, [("        grads = {}\n", "        grads = self.params\n")],
     "ThreeLayerConvNet.overfit", "a correct model gets below", ("ThreeLayerConvNet.loss",)),
    ("affine_bn_relu_backward_skips_the_relu", UTILS, [("    dan = relu_backward(dout, relu_cache)\n",
                                                        "    dan = dout\n")],
     "affine_bn_relu.values", "differs", ("affine_relu.values",)),
    ("conv_relu_pool_backward_pool_skipped", UTILS, [("    ds = max_pool_backward_naive(dout, pool_cache)\n",
                                                      "    ds = np.repeat(np.repeat(dout, 2, axis=2), 2, axis=3)\n"),
                                                     ("from .layers import (", "import numpy as np\nfrom .layers import (")],
     "conv_relu_pool.values", "", ("conv_relu.values",)),
]


@pytest.mark.parametrize("name,file,edits,check,says,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, edits, check, says, still):
    result = graded(models_tree(tmp_path, file, edits), "models", (check,) + still)
    assert result[check].status == "failed", (check, result[check].output)
    assert says in result[check].output, result[check].output
    for other in still:
        assert result[other].status == "passed", (other, result[other].output)


def test_the_years_constructor_keywords_reach_the_network(tmp_path):
    """2017's FullyConnectedNet(dropout=<drop probability>, use_batchnorm=True) and 2019's dropout=<keep>,
    normalization=...: the reference reads each as its year did; layer norm and the provided layers are not
    graded where the year's starter code has them (or lacks them)."""
    path = models_tree(tmp_path, FC, [])
    for profile in ("cs231n-2017", "cs231n-2019"):
        result = graded(path, "models", ("FullyConnectedNet.init", "FullyConnectedNet.dropout"), Course(profile=profile))
        assert all(o.status == "passed" for o in result.values()), {k: o.output for k, o in result.items()}
    names = {c.name for c in spec.get("models").graded(Course(profile="cs231n-2017")).checks}
    assert "FullyConnectedNet.layernorm" not in names and "affine_relu.values" not in names
    assert "softmax_loss.values" not in names      # provided until 2020
    assert "softmax_loss.values" in {c.name for c in spec.get("models").graded(Course(profile="cs231n-2022")).checks}


def test_a_ref_cannot_be_iterated():
    with pytest.raises(TypeError):
        list(Ref("v1"))


def test_the_overfit_bars_leave_the_reference_far_below():
    """The reference ends its overfit runs at least 10x below the bar (so a right model never fails by bad luck)."""
    from grader.suites import models
    from reference.models.cnn import ThreeLayerConvNet
    from reference.models.fc_net import FullyConnectedNet
    for cls, (net, params, lr, steps, below) in models.OVERFIT.items():
        i = (models.make_fc if cls == models.FC else models.make_cnn)(params)
        model = FullyConnectedNet(i["hidden"], input_dim=i["D"], num_classes=i["C"], dtype=np.float64) \
            if cls == models.FC else ThreeLayerConvNet(input_dim=i["input_dim"], num_filters=i["F"], filter_size=i["fs"],
                                                       hidden_dim=i["H"], num_classes=i["C"], dtype=np.float64)
        model.params.update({n: i[n].copy() for n in net.names(i)})
        losses = []
        for _ in range(steps):
            loss, grads = model.loss(i["X"], i["y"])
            losses.append(loss)
            for n in grads:
                model.params[n] -= lr * grads[n]
        assert np.mean(losses[-5:]) < below / 10, (cls, losses[-5:])
