"""Complete CS231n assignment-2 hand-ins (tests/cs231n_a2/), one per convention era, graded as handed in: the
grader finds their assignments itself and gives full marks under the year's profile; CS231n's Cython
fast_layers.py is stood in for by the student's naive conv (and the report says so)."""
import os
import re
import shutil

import pytest

from grader.course import Course
from grader.run import grade, select
from grader.submission import prepare
from helpers import ROOT
from partial import graded

HANDINS = os.path.join(ROOT, "tests", "cs231n_a2")
ERAS = (2017, 2019, 2020, 2022, 2025)
LAYERS = {"conv_pool", "dropout", "normalization", "optimizers"}


def handin(tmp_path, year):
    """The hand-in of `year` as a student hands it in: what they wrote (y<year>/) plus CS231n's provided files,
    with the year's imports (relative from 2020; 2020 is y2019 with relative imports)."""
    dest = tmp_path / ("y%d" % year)
    shutil.copytree(os.path.join(HANDINS, "y2019" if year == 2020 else "y%d" % year), dest)
    package = dest / "cs231n"
    shutil.copy(os.path.join(HANDINS, "provided", "fast_layers.py"), package)
    if year >= 2020:
        for path in package.rglob("*.py"):
            dots = "." * len(path.relative_to(package).parts)
            path.write_text(re.sub(r"^(\s*)from cs231n\.", lambda m: m.group(1) + "from " + dots, path.read_text(),
                                   flags=re.M))
    return str(dest)


@pytest.mark.parametrize("year", ERAS)
def test_the_grader_finds_every_assignment_of_the_handin(tmp_path, year):
    found = {a.name for a in select(prepare(handin(tmp_path, year), str(tmp_path / "work")), ())}
    # fc_net.py's TwoLayerNet is in assignment 2 until 2020 only
    assert found == LAYERS | {"models"} | ({"two_layer_net"} if year <= 2020 else set()), found


def test_a_complete_2017_handin_gets_full_marks_as_handed_in(tmp_path):
    """Every assignment the grader finds, under cs231n-2017: drop-probability dropout, use_batchnorm, Adam (x, dx)
    with t = 1, no layer norm; the Cython fast layers stood in for by the student's naive conv."""
    report = grade(handin(tmp_path, 2017), (), Course(profile="cs231n-2017"))
    wrong = [(o.check.name, o.output[:300]) for o in report.outcomes if o.status != "passed"]
    assert not wrong and report.score == report.max_score > 0
    assert {o.assignment for o in report.outcomes} == LAYERS | {"two_layer_net", "models"}
    assert any("fast_layers.py needs im2col_cython" in n and "conv_forward_naive" in n for n in report.notes), \
        report.notes


@pytest.mark.parametrize("year", ERAS[1:])
def test_the_models_of_every_era_get_full_marks(tmp_path, year):
    names = ("models", "two_layer_net") if year <= 2020 else ("models",)
    report = grade(handin(tmp_path, year), names, Course(profile="cs231n-%d" % year))
    wrong = [(o.check.name, o.output[:300]) for o in report.outcomes if o.status != "passed"]
    assert not wrong and report.score == report.max_score > 0
    checks = {o.check.name for o in report.outcomes}
    assert ("FullyConnectedNet.layernorm" in checks) and ("softmax_loss.values" in checks) == (year >= 2021)


def bugged(tmp_path, year, file, edits):
    path = handin(tmp_path, year)
    target = os.path.join(path, "cs231n", file)
    text = open(target).read()
    for old, new in edits:
        assert old in text, "bug does not apply: %r not in %d/%s" % (old, year, file)
        text = text.replace(old, new, 1)
    open(target, "w").write(text)
    return path


FC, CNN, LAYERS_PY = "classifiers/fc_net.py", "classifiers/cnn.py", "layers.py"
# (name, year, file, [(old, new)], assignment, the check that must fail, what its message says)
BUGS = [
    ("2017_fc_reg_without_one_half", 2017, FC, [("loss += 0.5 * self.reg * np.sum(self.params['W%d' % i] ** 2)",
                                                 "loss += self.reg * np.sum(self.params['W%d' % i] ** 2)")],
     "models", "FullyConnectedNet.loss", "0.5·reg·ΣW²"),
    ("2017_dropout_skipped_in_backward", 2017, FC, [("                dout = dropout_backward(dout, caches['dropout%d' % i])\n",
                                                     "                pass\n")],
     "models", "FullyConnectedNet.dropout_gradient", "numerical gradient"),
    ("2017_batchnorm_mode_never_switched", 2017, FC, [("                bn_param['mode'] = mode", "                pass")],
     "models", "FullyConnectedNet.batchnorm_test_mode", "scores"),
    ("2019_two_layer_net_bias_regularized", 2019, FC, [("grads = {'W1': dW1 + self.reg * W1, 'b1': db1,",
                                                        "grads = {'W1': dW1 + self.reg * W1, 'b1': db1 + self.reg * b1,")],
     "two_layer_net", "TwoLayerNet.loss", "not regularized"),
    ("2019_gammas_start_at_zero", 2019, FC, [("self.params[f'gamma{l}'] = np.ones(fan_out)",
                                              "self.params[f'gamma{l}'] = np.zeros(fan_out)")],
     "models", "FullyConnectedNet.init", "all ones"),
    ("2022_dropout_left_on_at_test_time", 2022, FC, [('            self.dropout_param["mode"] = mode', "            pass")],
     "models", "FullyConnectedNet.dropout", "test"),
    ("2022_conv_without_padding", 2022, CNN, [('conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}',
                                               'conv_param = {"stride": 1, "pad": 0}')],
     "models", "ThreeLayerConvNet.scores", ""),
    ("2025_weights_with_variance_weight_scale", 2025, FC, [(
        'self.params["W%d" % idx] = weight_scale * np.random.randn(',
        'self.params["W%d" % idx] = weight_scale ** 2 * np.random.randn(')],
     "models", "FullyConnectedNet.init", "weight_scale²"),
    ("2025_cnn_first_layer_unregularized", 2025, CNN, [("for i in (1, 2, 3):\n            grads", "for i in (2, 3):\n            grads")],
     "models", "ThreeLayerConvNet.loss", "regularization gradient"),
    ("2025_softmax_dx_not_averaged", 2025, LAYERS_PY, [("    dx /= num_train\n", "")],
     "models", "softmax_loss.values", "N="),
]


@pytest.mark.parametrize("name,year,file,edits,assignment,check,says", BUGS, ids=[b[0] for b in BUGS])
def test_a_real_bug_loses_points_at_its_check(tmp_path, name, year, file, edits, assignment, check, says):
    result = graded(bugged(tmp_path, year, file, edits), assignment, (check,), Course(profile="cs231n-%d" % year))
    assert result[check].status == "failed", (check, result[check].output)
    assert says in result[check].output, result[check].output
