"""Mutants of the kNN reference: each realistic bug loses points at the check meant to catch it."""
import numpy as np
import pytest
from hypothesis import given

from grader.suites.knn import DRAWN, make_case
from helpers import assert_caught, mutant, outcomes

KNN, CV = "k_nearest_neighbor.py", "cross_validation.py"
MUTANTS = [
    ("squared_distances", KNN, "return np.sqrt(np.maximum(sq, 0.0))", "return np.maximum(sq, 0.0)",
     "distances_no_loops.values", ()),
    ("ties_to_the_larger_label", KNN, "y_pred[i] = np.argmax(np.bincount(closest_y))",
     "b = np.bincount(closest_y); y_pred[i] = len(b) - 1 - np.argmax(b[::-1])", "predict_labels.values", ()),
    ("one_loop_calls_two_loops", KNN, "        for i in range(num_test):\n            dists[i, :]",
     "        return self.compute_distances_two_loops(X)\n        for i in range(num_test):\n            dists[i, :]",
     "distances_one_loop.rules", ("distances_one_loop.values",)),
    ("no_loops_with_a_comprehension", KNN, "        test_sq = np.sum(X ** 2, axis=1, keepdims=True)",
     "        test_sq = np.array([[np.sum(x ** 2)] for x in X])", "distances_no_loops.rules",
     ("distances_no_loops.values",)),
    ("two_loops_uses_linalg_norm", KNN, "dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))",
     "dists[i, j] = np.linalg.norm(X[i] - self.X_train[j])", "distances_two_loops.rules",
     ("distances_two_loops.values",)),
    ("k_ignored", KNN, "nearest = np.argsort(dists[i], kind=\"stable\")[:k]",
     "nearest = np.argsort(dists[i], kind=\"stable\")[:1]", "predict_labels.values", ()),
    ("farthest_neighbours", KNN, "nearest = np.argsort(dists[i], kind=\"stable\")[:k]",
     "nearest = np.argsort(-dists[i], kind=\"stable\")[:k]", "predict_labels.values", ()),
    ("no_clamp_before_sqrt", KNN, "return np.sqrt(np.maximum(sq, 0.0))", "return np.sqrt(sq)",
     "distances.self_symmetric", ()),
    ("l1_distance", KNN, "dists[i, :] = np.sqrt(np.sum((self.X_train - X[i]) ** 2, axis=1))",
     "dists[i, :] = np.sum(np.abs(self.X_train - X[i]), axis=1)", "distances_one_loop.values", ()),
    ("validation_fold_in_training_set", CV, "X_tr = np.concatenate(X_folds[:i] + X_folds[i + 1:])\n"
     "            y_tr = np.concatenate(y_folds[:i] + y_folds[i + 1:])",
     "X_tr = np.concatenate(X_folds)\n            y_tr = np.concatenate(y_folds)", "cross_validate_k.values", ()),
]


@pytest.mark.parametrize("name,file,old,new,check,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, old, new, check, still):
    path = mutant(tmp_path, "knn", file, old, new)
    result, report = outcomes(path, "knn")
    assert_caught(result, check, still, report=report)


def test_aliased_norm_is_still_forbidden(tmp_path):
    path = mutant(tmp_path, "knn", KNN, "dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))",
                  "dists[i, j] = length(X[i] - self.X_train[j])")
    source = open(path + "/" + KNN).read().replace("import numpy as np\n",
                                                    "import numpy as np\nfrom numpy.linalg import norm as length\n", 1)
    open(path + "/" + KNN, "w").write(source)
    result, _ = outcomes(path, "knn")
    assert result["distances_two_loops.values"].status == "passed"
    assert result["distances_two_loops.rules"].status == "failed"
    assert "numpy.linalg.norm" in result["distances_two_loops.rules"].output


def test_squared_distance_diagnosis(tmp_path):
    path = mutant(tmp_path, "knn", KNN, "return np.sqrt(np.maximum(sq, 0.0))", "return np.maximum(sq, 0.0)")
    result, _ = outcomes(path, "knn")
    assert "squared distances" in result["distances_no_loops.values"].output


def test_transposed_distances_are_reported_as_such(tmp_path):
    path = mutant(tmp_path, "knn", KNN, "dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))\n        return dists",
                  "dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))\n        return dists.T")
    result, _ = outcomes(path, "knn")
    out = result["distances_two_loops.values"].output
    assert "has shape" in out and "transpose" in out


@given(DRAWN)
def test_reference_distances_agree_and_memorize(params):
    from reference.knn.k_nearest_neighbor import KNearestNeighbor
    case = make_case(params)
    clf = KNearestNeighbor()
    clf.train(case["X_train"], case["y_train"])
    d2 = clf.compute_distances_two_loops(case["X"])
    assert np.allclose(d2, clf.compute_distances_one_loop(case["X"]))
    assert np.allclose(d2, clf.compute_distances_no_loops(case["X"]))
    # k=1 on the training set: each point is its own nearest neighbour (points are distinct a.s.)
    assert np.array_equal(clf.predict(case["X_train"], k=1), case["y_train"])


def test_reference_distances_match_torch_cdist():
    import torch
    from reference.knn.k_nearest_neighbor import KNearestNeighbor
    case = make_case({"num_train": 30, "num_test": 12, "D": 9, "C": 3, "seed": 5})
    clf = KNearestNeighbor()
    clf.train(case["X_train"], case["y_train"])
    expected = torch.cdist(torch.tensor(case["X"]), torch.tensor(case["X_train"])).numpy()
    assert np.allclose(clf.compute_distances_no_loops(case["X"]), expected)
