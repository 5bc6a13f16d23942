"""Mutants of the linear classifier reference: each realistic bug loses points at the check meant to catch it."""
import numpy as np
import pytest
from hypothesis import given

from grader.course import Course
from grader.suites.linear_classifiers import ASSIGNMENT, DRAWN, make_case
from helpers import assert_caught, mutant, outcomes

SVM, SOFTMAX = "linear_svm.py", "softmax.py"
V = "svm_loss_vectorized"
MUTANTS = [
    # (name, file, old, new, the check that must fail, checks that must still pass)
    ("reg_gradient_missing", SVM, "    dW += 2 * REG_SCALE * reg * W\n", "",
     "svm_loss_naive.numerical_gradient", ()),
    ("reg_gradient_halved", SVM, "dW = X.T.dot(counts) / num_train + 2 * REG_SCALE * reg * W",
     "dW = X.T.dot(counts) / num_train + REG_SCALE * reg * W", V + ".numerical_gradient", ()),
    ("margin_counted_for_correct_class", SVM, "    margins[rows, y] = 0\n", "", "svm.margins_met", ()),
    ("loss_not_averaged", SVM, "loss = np.sum(margins) / num_train", "loss = np.sum(margins)", V + ".values", ()),
    ("no_max_shift_overflows", SOFTMAX, "    scores = scores - np.max(scores, axis=1, keepdims=True)\n", "",
     "softmax.shift_invariant", ("softmax_loss_vectorized.values",)),
    ("dW_transposed", SOFTMAX, "    return loss, dW\n\n\ndef softmax_loss_vectorized",
     "    return loss, dW.T\n\n\ndef softmax_loss_vectorized", "softmax_loss_naive.values", ()),
    ("log10_instead_of_ln", SOFTMAX, "loss += -np.log(probs[y[i]])", "loss += -np.log10(probs[y[i]])",
     "softmax_loss_naive.values", ()),
    ("vectorized_calls_naive", SVM, "    num_train = X.shape[0]\n    scores = X.dot(W)\n",
     "    return svm_loss_naive(W, X, y, reg)\n    num_train = X.shape[0]\n    scores = X.dot(W)\n",
     V + ".no_loops", (V + ".values",)),
    ("vectorized_with_a_loop", SOFTMAX, "    loss = -np.sum(log_probs[rows, y]) / num_train",
     "    loss = -sum(log_probs[i, y[i]] for i in range(num_train)) / num_train",
     "softmax_loss_vectorized.no_loops", ("softmax_loss_vectorized.values",)),
    ("vectorized_loops_hidden_in_map", SVM, "dW = X.T.dot(counts) / num_train",
     "dW = sum(map(lambda i: np.outer(X[i], counts[i]), range(num_train))) / num_train",
     "svm.speed", (V + ".values", V + ".no_loops")),
    ("softmax_gradient_without_minus_one", SOFTMAX, "    dscores[rows, y] -= 1\n", "",
     "softmax_loss_vectorized.numerical_gradient", ()),
    ("half_reg_convention", SVM, "    loss += REG_SCALE * reg * np.sum(W * W)\n    dW += 2 * REG_SCALE * reg * W",
     "    loss += 0.5 * reg * np.sum(W * W)\n    dW += reg * W", "svm_loss_naive.values",
     ("svm_loss_naive.numerical_gradient",)),
]


@pytest.mark.parametrize("name,file,old,new,check,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, old, new, check, still):
    path = mutant(tmp_path, "linear_classifiers", file, old, new)
    result, report = outcomes(path, "linear_classifiers")
    assert_caught(result, check, still, report=report)


def test_diagnosis_names_the_missing_regularization_gradient(tmp_path):
    path = mutant(tmp_path, "linear_classifiers", SVM, "    dW += 2 * REG_SCALE * reg * W\n", "", )
    result, _ = outcomes(path, "linear_classifiers")
    assert "regularization term (2·reg·W) is missing" in result["svm_loss_naive.values"].output
    assert "numerical gradient of your own forward" in result["svm_loss_naive.numerical_gradient"].output


def test_diagnosis_names_missing_average(tmp_path):
    path = mutant(tmp_path, "linear_classifiers", SVM, "loss = np.sum(margins) / num_train",
                  "loss = np.sum(margins)")
    result, _ = outcomes(path, "linear_classifiers")
    out = result[V + ".values"].output
    assert "loss is" in out and "failing case" in out


def test_half_reg_course_setting_flips_which_convention_passes(tmp_path):
    path = mutant(tmp_path, "linear_classifiers", SVM,
                  "    loss += REG_SCALE * reg * np.sum(W * W)\n    dW += 2 * REG_SCALE * reg * W",
                  "    loss += 0.5 * reg * np.sum(W * W)\n    dW += reg * W")
    result, _ = outcomes(path, "linear_classifiers", Course(reg_scale=0.5))
    assert result["svm_loss_naive.values"].status == "passed", result["svm_loss_naive.values"].output


def reference():
    """The reference functions with the default course settings applied (grading may have changed them)."""
    return ASSIGNMENT.reference(Course())


@given(DRAWN)
def test_reference_losses_have_the_textbook_properties(params):
    ref = reference()
    svm_loss_naive, svm_loss_vectorized = ref["svm_loss_naive"], ref["svm_loss_vectorized"]
    softmax_loss_naive, softmax_loss_vectorized = ref["softmax_loss_naive"], ref["softmax_loss_vectorized"]
    case = make_case(params)
    args = (case["W"], case["X"], case["y"], case["reg"])
    l1, d1 = svm_loss_naive(*args)
    l2, d2 = svm_loss_vectorized(*args)
    assert l1 >= 0 and np.isclose(l1, l2) and np.allclose(d1, d2)
    l3, d3 = softmax_loss_naive(*args)
    l4, d4 = softmax_loss_vectorized(*args)
    assert np.isclose(l3, l4) and np.allclose(d3, d4)


def test_softmax_reference_matches_torch_cross_entropy():
    import torch
    softmax_loss_vectorized = reference()["softmax_loss_vectorized"]
    case = make_case({"N": 20, "D": 7, "C": 5, "reg": 0.3, "seed": 3})
    W = torch.tensor(case["W"], requires_grad=True)
    X, y = torch.tensor(case["X"]), torch.tensor(case["y"])
    loss = torch.nn.functional.cross_entropy(X @ W, y) + case["reg"] * (W * W).sum()
    loss.backward()
    ours, dW = softmax_loss_vectorized(case["W"], case["X"], case["y"], case["reg"])
    assert np.isclose(ours, loss.item()) and np.allclose(dW, W.grad.numpy())


def test_svm_reference_matches_torch_multi_margin():
    import torch
    svm_loss_vectorized = reference()["svm_loss_vectorized"]
    case = make_case({"N": 20, "D": 7, "C": 5, "reg": 0.0, "seed": 4})
    W = torch.tensor(case["W"], requires_grad=True)
    scores = torch.tensor(case["X"]) @ W
    # torch's multi_margin_loss divides by C as well: undo it to get CS231n's sum over classes
    loss = torch.nn.functional.multi_margin_loss(scores, torch.tensor(case["y"])) * case["W"].shape[1]
    loss.backward()
    ours, dW = svm_loss_vectorized(case["W"], case["X"], case["y"], 0.0)
    assert np.isclose(ours, loss.item()) and np.allclose(dW, W.grad.numpy())
