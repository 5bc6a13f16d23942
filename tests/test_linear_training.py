"""Mutants of the linear_training reference (CS231n's LinearClassifier.train / predict)."""
import pytest

from grader.course import Course
from helpers import mutant_tree
from partial import graded

LC = "linear_classifier.py"


def tree(tmp_path, edits):
    """reference/linear_training with `edits`, beside the linear_classifiers reference it imports."""
    return mutant_tree(tmp_path, "linear_training", LC, edits, ("linear_classifiers",))


MUTANTS = [
    ("update_uphill", [("self.W -= learning_rate * grad", "self.W += learning_rate * grad")],
     "Softmax.train_step", "expected"),
    ("w_made_anew_every_call", [("        if self.W is None:\n            # lazily initialize W\n            self.W =",
                                 "        if True:\n            self.W =")], "LinearSVM.train_step", "expected"),
    ("reg_not_passed", [("loss, grad = self.loss(X_batch, y_batch, reg)", "loss, grad = self.loss(X_batch, y_batch, 0.0)")],
     "LinearClassifier.train_reg", "reg"),
    ("trains_on_the_whole_set", [("X_batch, y_batch = X[idx], y[idx]", "X_batch, y_batch = X, y")],
     "Softmax.train_contract", "minibatch"),
    ("sampled_with_pythons_random", [("idx = np.random.choice(num_train, batch_size, replace=True)",
                                      "idx = [__import__('random').randrange(num_train) for _ in range(batch_size)]")],
     "LinearSVM.train_contract", "different loss histories"),
    ("history_every_tenth_step", [("            loss_history.append(loss)\n",
                                   "            if it % 10 == 0:\n                loss_history.append(loss)\n")],
     "Softmax.train_step", "loss_history"),
    ("predict_over_the_wrong_axis", [("return np.argmax(X.dot(self.W), axis=1)", "return np.argmax(X.dot(self.W), axis=0)")],
     "LinearClassifier.predict", "shape"),
    ("w_starts_at_zero", [("self.W = 0.001 * np.random.randn(dim, num_classes)", "self.W = np.zeros((dim, num_classes))")],
     "LinearClassifier.init", "N(0, 0.001²)"),
]


@pytest.mark.parametrize("name,edits,check,says", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, edits, check, says):
    result = graded(tree(tmp_path, edits), "linear_training", (check,))
    assert result[check].status == "failed", (check, result[check].output)
    assert says in result[check].output, result[check].output


def test_cs231n_years_grade_what_their_students_write():
    """The lazy initialisation is provided code in CS231n; LinearSVM has no loss file from 2025."""
    from grader import spec
    a = spec.get("linear_training")
    assert "LinearClassifier.init" in {c.name for c in a.graded(Course()).checks}
    assert "LinearClassifier.init" not in {c.name for c in a.graded(Course(profile="cs231n-2019")).checks}
    names = {c.name for c in a.graded(Course(profile="cs231n-2025")).checks}
    assert "Softmax.train_contract" in names and not any(n.startswith("LinearSVM") for n in names)
