"""Mutants of the norms reference (L1 nearest neighbour, L1 and elastic-net regularization): each realistic
mistake loses points at its check; every subgradient at 0 keeps full marks; the reference agrees with torch."""
import numpy as np
import pytest
from hypothesis import given, settings

from grader.suites import norms as suite
from helpers import assert_caught, device, mutant_edits
from partial import graded

NN, REG = "nearest_neighbor.py", "regularization.py"
ONE_LOOP = "            dists[i, :] = np.sum(np.abs(self.Xtr - X[i, :]), axis=1)"
VOTE = "y_pred[i] = np.argmax(np.bincount(closest_y))"
L1_GRAD = "return float(reg * np.sum(np.abs(W))), reg * np.sign(W)"
ELASTIC_GRAD = "return float(loss), reg * (2 * beta * W + np.sign(W))"

MUTANTS = [
    # (name, file, [(old, new), ...], the check that must fail, checks that must still pass, words of the message)
    ("uint8_pixels_wrap_around", NN, [("np.abs(I1.astype(float) - I2.astype(float))", "np.abs(I1 - I2)")],
     "l1_distance.values", (), "wrap around"),
    ("l2_distance_between_images", NN,
     [("np.sum(np.abs(I1.astype(float) - I2.astype(float)))", "np.sqrt(np.sum((I1.astype(float) - I2) ** 2))")],
     "l1_distance.values", (), "d1"),
    ("l2_distances", NN, [(ONE_LOOP, "            dists[i, :] = np.sqrt(np.sum((self.Xtr - X[i, :]) ** 2, axis=1))")],
     "compute_distances_l1.values", (), "that is L2"),
    ("two_loops", NN, [(ONE_LOOP, "            for j in range(self.Xtr.shape[0]):\n"
                                  "                dists[i, j] = np.sum(np.abs(self.Xtr[j] - X[i]))")],
     "compute_distances_l1.rules", ("compute_distances_l1.values",), "at most 1 allowed"),
    ("ties_to_the_larger_label", NN,
     [(VOTE, "b = np.bincount(closest_y); y_pred[i] = len(b) - 1 - np.argmax(b[::-1])")],
     "predict.values", (), "SMALLER label"),
    ("k_ignored", NN, [('[:k]]', '[:1]]')], "predict.values", ("predict.one_nn_memorizes",), "y_pred"),
    ("l1_gradient_without_reg", REG, [(L1_GRAD, L1_GRAD.replace("reg * np.sign(W)", "np.sign(W)"))],
     "l1_regularization.values", (), "missing the factor reg"),
    ("l1_gradient_w_over_abs_w", REG, [(L1_GRAD, L1_GRAD.replace("reg * np.sign(W)", "reg * W / np.abs(W)"))],
     "l1_regularization.values", (), "NaN"),   # NaN output: the gradient check resting on it pays nothing
    ("l1_subgradient_outside_the_interval", REG,
     [(L1_GRAD, L1_GRAD.replace("reg * np.sign(W)", "reg * np.where(W >= 0, 1.0, -1.0) * (1 + (W == 0))"))],
     "l1_regularization.values", ("l1_regularization.numerical_gradient",), "[−reg, reg]"),
    ("elastic_l2_gradient_not_doubled", REG, [(ELASTIC_GRAD, ELASTIC_GRAD.replace("2 * beta", "beta"))],
     "elastic_net_regularization.values", ("elastic_net_regularization.reduces_to_l1",), "2·beta·W"),
    ("elastic_beta_on_the_l1_term", REG, [("loss = reg * np.sum(beta * W * W + np.abs(W))",
                                           "loss = reg * np.sum(W * W + beta * np.abs(W))")],
     "elastic_net_regularization.values", (), "loss"),
]


@pytest.mark.parametrize("name,file,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, edits, check, still, words):
    result = graded(mutant_edits(tmp_path, "norms", file, edits), "norms", (check,) + still)
    assert_caught(result, check, still, says=words)


@pytest.mark.parametrize("name,grad", [
    ("minus_reg_at_zero", "reg * np.where(W > 0, 1.0, -1.0)"),      # the subgradient −reg
    ("plus_reg_at_zero", "np.where(W >= 0, reg, -reg)"),              # the subgradient +reg
    ("sign_as_a_ratio_guarded", "reg * np.divide(W, np.abs(W), out=np.zeros_like(W), where=W != 0)"),
])
def test_every_subgradient_at_zero_keeps_full_marks(tmp_path, name, grad):
    path = mutant_edits(tmp_path, "norms", REG, [(L1_GRAD, L1_GRAD.replace("reg * np.sign(W)", grad))])
    result = graded(path, "norms", ("l1_regularization.values", "l1_regularization.hidden"))
    assert all(o.status == "passed" for o in result.values()), {n: o.output for n, o in result.items()}


def test_the_lectures_code_keeps_full_marks(tmp_path):
    """The slide's NearestNeighbor.predict (xrange → range), as the k = 1 case of a student's predict."""
    path = mutant_edits(tmp_path, "norms", NN, [(
        "        dists = self.compute_distances_l1(X)\n",
        "        if k == 1:\n"
        "            num_test = X.shape[0]\n"
        "            Ypred = np.zeros(num_test, dtype=self.ytr.dtype)\n"
        "            for i in range(num_test):\n"
        "                distances = np.sum(np.abs(self.Xtr - X[i, :]), axis=1)\n"
        "                min_index = np.argmin(distances)\n"
        "                Ypred[i] = self.ytr[min_index]\n"
        "            return Ypred\n"
        "        dists = self.compute_distances_l1(X)\n")])
    result = graded(path, "norms", ("predict.values", "predict.one_nn_memorizes"))
    assert all(o.status == "passed" for o in result.values()), {n: o.output for n, o in result.items()}


def test_lecture_example_is_456():
    from reference.norms.nearest_neighbor import l1_distance
    images = suite.make_images({"lecture": True, "dtype": "uint8"})
    assert l1_distance(images["I1"], images["I2"]) == 456


@settings(max_examples=10)
@given(params=suite.DRAWN)
def test_reference_distances_and_votes_equal_torch(params):
    import torch
    from reference.norms.nearest_neighbor import NearestNeighbor
    case = suite.make_case(params)
    clf = NearestNeighbor()
    clf.train(case["X_train"], case["y_train"])
    dists = clf.compute_distances_l1(case["X"])
    t = torch.cdist(torch.tensor(case["X"], device=device()), torch.tensor(case["X_train"], device=device()), p=1)
    np.testing.assert_allclose(dists, t.cpu().numpy(), rtol=1e-12, atol=1e-12)
    # the vote: torch.topk of the negated distances picks the same k (stable order on ties), then the smallest
    # most common label
    order = torch.sort(t, dim=1, stable=True).indices[:, :case["k"]].cpu().numpy()
    votes = [np.argmax(np.bincount(case["y_train"][row])) for row in order]
    np.testing.assert_array_equal(clf.predict(case["X"], k=case["k"]), votes)


@settings(max_examples=10)
@given(params=suite.REG_DRAWN)
def test_reference_penalties_equal_torch_autograd(params):
    """torch's |w| has gradient sign(w), 0 at 0: the reference's choice of subgradient."""
    import torch
    from reference.norms.regularization import elastic_net_regularization, l1_regularization
    p = suite.make_weights(params)
    W, reg, beta = p["W"], p["reg"], p["beta"]
    for fn, torch_loss in ((lambda: l1_regularization(W, reg), lambda w: reg * w.abs().sum()),
                           (lambda: elastic_net_regularization(W, reg, beta),
                            lambda w: reg * (beta * w * w + w.abs()).sum())):
        w = torch.tensor(W, device=device(), requires_grad=True)
        loss = torch_loss(w)
        loss.backward()
        mine, dW = fn()
        assert abs(mine - loss.item()) <= 1e-12 * (1 + abs(mine))
        np.testing.assert_allclose(dW, w.grad.cpu().numpy(), rtol=1e-12, atol=1e-15)
