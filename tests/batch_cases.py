"""A generated class of submissions for batch tests and the throughput benchmark.

Kinds, in a fixed cycle: correct copies of the kNN and linear-classifier references in several forms
(folder, package folder, .zip, flat files), one-line mutants, hostile code (infinite loops, os._exit in the
functions and at import time), malformed files (syntax error, Python 2, a broken .zip) and empty ones.
`make_class(dest, n)` writes n of them, named s000-<kind>..., and returns {student id: kind}.
"""
import os
import shutil
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "reference")
KNN_FILE, CV_FILE = "k_nearest_neighbor.py", "cross_validation.py"

MUTANTS = {   # kind: (file, old, new) -- each applies to the kNN reference
    "squared_distances": (KNN_FILE, "return np.sqrt(np.maximum(sq, 0.0))", "return np.maximum(sq, 0.0)"),
    "k_ignored": (KNN_FILE, 'nearest = np.argsort(dists[i], kind="stable")[:k]',
                  'nearest = np.argsort(dists[i], kind="stable")[:1]'),
    "farthest_neighbours": (KNN_FILE, 'nearest = np.argsort(dists[i], kind="stable")[:k]',
                            'nearest = np.argsort(-dists[i], kind="stable")[:k]'),
    "l1_distance": (KNN_FILE, "dists[i, :] = np.sqrt(np.sum((self.X_train - X[i]) ** 2, axis=1))",
                    "dists[i, :] = np.sum(np.abs(self.X_train - X[i]), axis=1)"),
    "ties_to_larger_label": (KNN_FILE, "y_pred[i] = np.argmax(np.bincount(closest_y))",
                             "b = np.bincount(closest_y); y_pred[i] = len(b) - 1 - np.argmax(b[::-1])"),
    "fold_in_training": (CV_FILE, "X_tr = np.concatenate(X_folds[:i] + X_folds[i + 1:])",
                         "X_tr = np.concatenate(X_folds)"),
}

HOSTILE_METHODS = ("train", "predict", "compute_distances_two_loops", "compute_distances_one_loop",
                   "compute_distances_no_loops", "predict_labels")


def hostile_source(body, prelude=""):
    """Every kNN symbol runs `body`; `prelude` runs at import time."""
    methods = "\n".join("    def %s(self, *args, **kwargs):\n%s\n" % (m, body) for m in HOSTILE_METHODS)
    functions = "\n".join("def %s(*args, **kwargs):\n%s\n" % (f, body.replace("        ", "    "))
                          for f in ("cross_validate_k", "choose_best_k"))
    return "import os\n%s\n\nclass KNearestNeighbor:\n%s\n\n%s" % (prelude, methods, functions)


KINDS = [
    "correct_folder", "correct_package_zip", "correct_flat_files", "correct_single_py", "correct_package_folder",
    "linear_folder", "linear_zip",
    "squared_distances", "k_ignored", "farthest_neighbours", "l1_distance", "ties_to_larger_label",
    "fold_in_training",
    "infinite_loop", "os_exit_in_calls", "os_exit_at_import",
    "syntax_error", "python2", "broken_zip",
    "empty_folder", "empty_py", "only_readme",
    "correct_notebook_like_folder", "stub_copy",
]


def write(dest, student, kind):
    path = os.path.join(dest, student)
    knn = os.path.join(REFERENCE, "knn")
    if kind in ("correct_folder", "correct_flat_files", "correct_notebook_like_folder"):
        os.makedirs(path)   # loose files, as students upload them: an absolute import between them
        shutil.copy(os.path.join(knn, KNN_FILE), path)
        source = open(os.path.join(knn, CV_FILE)).read().replace("from .k_nearest_neighbor", "from k_nearest_neighbor")
        _text(os.path.join(path, CV_FILE), source)
        if kind == "correct_notebook_like_folder":
            _text(os.path.join(path, "notes.txt"), "my experiments\n")
            os.makedirs(os.path.join(path, "__pycache__"))
        if kind == "correct_flat_files":
            os.makedirs(os.path.join(path, "data"))
            _text(os.path.join(path, "data", "README.md"), "datasets go here\n")
    elif kind == "correct_package_folder":
        shutil.copytree(knn, path, ignore=shutil.ignore_patterns("__pycache__"))
    elif kind == "correct_package_zip":
        _zip(path + ".zip", knn, "knn/")
    elif kind == "correct_single_py":
        knn_src = open(os.path.join(knn, KNN_FILE)).read()
        cv_src = open(os.path.join(knn, CV_FILE)).read().replace("from .k_nearest_neighbor import KNearestNeighbor", "")
        with open(path + ".py", "w") as f:
            f.write(knn_src + "\n\n" + cv_src)
    elif kind == "linear_folder":
        shutil.copytree(os.path.join(REFERENCE, "linear_classifiers"), path,
                        ignore=shutil.ignore_patterns("__pycache__"))
    elif kind == "linear_zip":
        _zip(path + ".zip", os.path.join(REFERENCE, "linear_classifiers"), "")
    elif kind in MUTANTS:
        file, old, new = MUTANTS[kind]
        shutil.copytree(knn, path, ignore=shutil.ignore_patterns("__pycache__"))
        target = os.path.join(path, file)
        source = open(target).read()
        assert old in source, (kind, old)
        with open(target, "w") as f:
            f.write(source.replace(old, new, 1))
    elif kind == "infinite_loop":
        _text(path + ".py", hostile_source("        while True:\n            pass"))
    elif kind == "os_exit_in_calls":
        _text(path + ".py", hostile_source("        os._exit(3)"))
    elif kind == "os_exit_at_import":
        _text(path + ".py", hostile_source("        return None", prelude="os._exit(0)"))
    elif kind == "syntax_error":
        _text(path + ".py", "class KNearestNeighbor:\n    def train(self, X, y)\n        pass\n")
    elif kind == "python2":
        _text(path + ".py", "class KNearestNeighbor:\n    def train(self, X, y):\n        print 'training'\n")
    elif kind == "broken_zip":
        with open(path + ".zip", "wb") as f:
            f.write(b"PK\x03\x04 this is not really a zip file")
    elif kind == "empty_folder":
        os.makedirs(path)
    elif kind == "empty_py":
        _text(path + ".py", "")
    elif kind == "only_readme":
        os.makedirs(path)
        _text(os.path.join(path, "README.txt"), "I did not finish, sorry\n")
    elif kind == "stub_copy":
        shutil.copytree(os.path.join(ROOT, "assignments", "knn"), path, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        raise ValueError(kind)


def make_class(dest, n=len(KINDS)):
    os.makedirs(dest, exist_ok=True)
    students = {}
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        student = "s%03d-%s" % (i, kind.replace("_", "-"))
        write(dest, student, kind)
        students[student] = kind
    return students


def _text(path, text):
    with open(path, "w") as f:
        f.write(text)


def _zip(target, folder, prefix):
    with zipfile.ZipFile(target, "w") as zf:
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                zf.write(os.path.join(folder, name), prefix + name)


# ------------------------------------------------------------------ a kNN + linear classifiers class
# What a TA sees after the first homework: complete work, untouched stubs, half-done work, one assignment only,
# a syntax error, and the class's real misconceptions (grader/reports/summary.py must name them).
SVM_FILE, SOFTMAX_FILE = "linear_svm.py", "softmax.py"
ML_MUTANTS = {   # kind: [(file, old, new)], applied to the references of both assignments in one folder
    "squared_two_loops": [(KNN_FILE, "dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))",
                           "dists[i, j] = np.sum((X[i] - self.X_train[j]) ** 2)")],
    "squared_no_loops": [(KNN_FILE, "return np.sqrt(np.maximum(sq, 0.0))", "return np.maximum(sq, 0.0)")],
    "svm_reg_gradient_missing": [(SVM_FILE, "    dW += 2 * REG_SCALE * reg * W\n", "")],
    "softmax_reg_gradient_missing": [(SOFTMAX_FILE, "dW = X.T.dot(dscores) / num_train + 2 * REG_SCALE * reg * W",
                                      "dW = X.T.dot(dscores) / num_train")],
    "squared_and_reg_missing": [(KNN_FILE, "return np.sqrt(np.maximum(sq, 0.0))", "return np.maximum(sq, 0.0)"),
                                (SVM_FILE, "    dW += 2 * REG_SCALE * reg * W\n", "")],
    "svm_loss_not_averaged": [(SVM_FILE, "loss = np.sum(margins) / num_train", "loss = np.sum(margins)")],
    "softmax_log10": [(SOFTMAX_FILE, "loss += -np.log(probs[y[i]])", "loss += -np.log10(probs[y[i]])")],
    "k_ignored": [(KNN_FILE, 'nearest = np.argsort(dists[i], kind="stable")[:k]',
                   'nearest = np.argsort(dists[i], kind="stable")[:1]')],
}
ML_KINDS = ["complete", "squared_two_loops", "svm_reg_gradient_missing", "stubs", "squared_no_loops",
            "half_done", "softmax_reg_gradient_missing", "knn_only", "squared_and_reg_missing", "complete",
            "syntax_error", "svm_loss_not_averaged", "softmax_log10", "k_ignored"]


def write_ml(dest, student, kind):
    """One student's folder of kNN and linear-classifier files, as they upload it (loose files)."""
    path = os.path.join(dest, student)
    os.makedirs(path)
    stubs = os.path.join(ROOT, "assignments")
    knn_from = os.path.join(stubs if kind == "stubs" else REFERENCE, "knn")
    linear_from = os.path.join(stubs if kind in ("stubs", "half_done") else REFERENCE, "linear_classifiers")
    for name in (KNN_FILE, CV_FILE):
        source = open(os.path.join(knn_from, name)).read()
        _text(os.path.join(path, name), source.replace("from .k_nearest_neighbor", "from k_nearest_neighbor"))
    if kind != "knn_only":
        for name in (SVM_FILE, SOFTMAX_FILE):
            shutil.copy(os.path.join(linear_from, name), path)
    for file, old, new in ML_MUTANTS.get(kind, []):
        source = open(os.path.join(path, file)).read()
        assert old in source, (kind, old)
        _text(os.path.join(path, file), source.replace(old, new, 1))
    if kind == "syntax_error":
        source = open(os.path.join(path, KNN_FILE)).read()
        _text(os.path.join(path, KNN_FILE), source.replace("def predict_labels(self, dists, k=1):",
                                                           "def predict_labels(self, dists, k=1)", 1))


def make_ml_class(dest, n=len(ML_KINDS)):
    """n students cycling through ML_KINDS; {student id: kind}."""
    os.makedirs(dest, exist_ok=True)
    students = {}
    for i in range(n):
        kind = ML_KINDS[i % len(ML_KINDS)]
        student = "s%03d" % (i + 1)
        write_ml(dest, student, kind)
        students[student] = kind
    return students
